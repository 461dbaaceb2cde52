import { BAND_HIGH, BAND_MEDIUM } from '../../src/modules/churn/churn.enums.js';
import {
  COMPLAINT_CAP,
  COMPLAINT_WEIGHT,
  ENGAGEMENT_FLOOR,
  ENGAGEMENT_TYPES,
  ENGAGEMENT_WEIGHT,
  REFUND_CAP,
  REFUND_WEIGHT,
  RHYTHM_SLOPE,
} from '../../src/modules/churn/churn-score.sql.js';

/**
 * The hand-written peer of rescoreTenant: what a DBA would write to compute every buyer's RHYTHM churn score
 * and store it, in one statement, with the product's constants. It fills every column member_churn's rows carry
 * (band, drivers, expected next order, BG/NBD inputs) except the hysteresis level, and records no crossings.
 * Its table is a copy of member_churn with the same primary key and (tenant_id, score) index, logged.
 */
export const PEER_TABLE = `create table bench_churn_peer (like member_churn including defaults including constraints including indexes)`;

const ENGAGED = ENGAGEMENT_TYPES.map((type) => `'${type}'`).join(', ');

/** $1 tenant, $2 now, $3 the expected interval for buyers with fewer than 3 orders (days), $4 the AT_RISK factor. */
export const PEER_SQL = `
insert into bench_churn_peer (member_id, tenant_id, score, band, model_kind, drivers, expected_next_order_at, repeat_purchases, recency_weeks, age_weeks, scored_at)
select s.member_id, s.tenant_id, x.score,
       case when x.score >= ${BAND_HIGH} then 'HIGH' when x.score >= ${BAND_MEDIUM} then 'MEDIUM' else 'LOW' end, 'RHYTHM',
       jsonb_build_array(jsonb_build_object('name', 'OVERDUE', 'contribution', round(p.base::numeric, 4)),
                         jsonb_build_object('name', 'ENGAGEMENT', 'contribution', round(p.engagement::numeric, 4)),
                         jsonb_build_object('name', 'REFUNDS', 'contribution', round(p.refund::numeric, 4)),
                         jsonb_build_object('name', 'COMPLAINTS', 'contribution', round(p.complaint::numeric, 4))),
       s.last_order_at + make_interval(secs => e.e_days * 86400), greatest(s.purchase_days - 1, 0),
       greatest(extract(epoch from s.last_order_at - s.first_order_at) / 604800.0, 0),
       greatest(extract(epoch from $2::timestamptz - s.first_order_at) / 604800.0, 0), $2
  from member_stats s
  join member m on m.id = s.member_id and m.status = 'ACTIVE'
  left join (select member_id,
                    count(*) filter (where type in (${ENGAGED}) and occurred_at >= $2::timestamptz - interval '30 days') as engaged,
                    count(*) filter (where type = 'REFUND') as refunds,
                    count(*) filter (where type = 'COMPLAINT') as complaints
               from touchpoint
              where tenant_id = $1 and occurred_at >= $2::timestamptz - interval '180 days' and occurred_at < $2::timestamptz
              group by member_id) a on a.member_id = s.member_id
 cross join lateral (select greatest(case when s.order_count >= 3 then extract(epoch from s.last_order_at - s.first_order_at) / 86400.0 / (s.order_count - 1)
                                          else $3::float8 end, 1.0 / 24) as e_days) e
 cross join lateral (select least(greatest(${RHYTHM_SLOPE} * ln(greatest(greatest(extract(epoch from $2::timestamptz - s.last_order_at) / 86400.0, 0), 0.01) / ($4::float8 * e.e_days)), -8), 8) as base,
                            greatest(${ENGAGEMENT_FLOOR}::float8, -${ENGAGEMENT_WEIGHT} * ln(1 + coalesce(a.engaged, 0))) as engagement,
                            least(${REFUND_CAP}::float8, ${REFUND_WEIGHT} * coalesce(a.refunds, 0)) as refund,
                            least(${COMPLAINT_CAP}::float8, ${COMPLAINT_WEIGHT} * coalesce(a.complaints, 0)) as complaint) p
 cross join lateral (select 1 / (1 + exp(-(p.base + p.engagement + p.refund + p.complaint))) as score) x
 where s.tenant_id = $1 and s.order_count > 0
on conflict (member_id) do update
   set score = excluded.score, band = excluded.band, model_kind = excluded.model_kind, drivers = excluded.drivers,
       expected_next_order_at = excluded.expected_next_order_at, repeat_purchases = excluded.repeat_purchases,
       recency_weeks = excluded.recency_weeks, age_weeks = excluded.age_weeks, scored_at = excluded.scored_at`;

/** Product rows against peer rows of tenant $1: rows missing on either side, and the largest score, band, driver differences. */
export const COMPARE_SQL = `
select count(*)::int as rows,
       count(*) filter (where p.member_id is null)::int as missing_peer,
       count(*) filter (where c.member_id is null)::int as missing_ours,
       coalesce(max(abs(c.score - p.score)), 0)::float8 as max_diff,
       count(*) filter (where c.band is distinct from p.band)::int as band_differs,
       count(*) filter (where c.drivers is distinct from p.drivers or c.expected_next_order_at is distinct from p.expected_next_order_at)::int as other_differs,
       count(*) filter (where c.score >= ${BAND_MEDIUM})::int as at_risk
  from (select * from member_churn where tenant_id = $1) c
  full join (select * from bench_churn_peer where tenant_id = $1) p on p.member_id = c.member_id`;

export interface Comparison {
  rows: number;
  missing_peer: number;
  missing_ours: number;
  max_diff: number;
  band_differs: number;
  other_differs: number;
  at_risk: number;
}
