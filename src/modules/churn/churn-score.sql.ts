import { PURCHASE_STATUSES } from '../order/order.enums.js';
import { TouchpointType } from '../touchpoint/touchpoint.enums.js';
import { ChurnModelKind } from './churn.enums.js';

/**
 * The churn score as SQL, shared by live scoring (facts from member_stats) and calibration (facts from orders
 * before a past date), so the report measures exactly what production computes.
 *
 * Base log-odds, by model:
 * - RHYTHM: 3 * ln(d / (k * E)), with d days since the last order, E the member's expected interval (their own
 *   average from 3 orders, else the tenant median, as the lifecycle uses) and k the lifecycle AT_RISK factor. It
 *   is 0 (score 0.5, the MEDIUM band) exactly when the lifecycle moves the member to AT_RISK, and about 0.89 at
 *   the LAPSED point (factor 2).
 * - BG_NBD: logit of P(no purchase within the horizon) = 1 - P(alive) * (1 - ((alpha+T)/(alpha+T+h))^(r+x)),
 *   with x repeat purchase days, tx and T weeks from the first purchase to the last one and to now.
 * Adjustments (log-odds, both models): engagement in the last 30 days -0.5 * ln(1 + n) (at most -2), refunds in
 * the last 180 days +0.4 each (at most 1.2), complaints +0.6 each (at most 1.8).
 */

/** Touchpoints that show a buyer still cares: browsing, asking, visiting, opening and clicking messages. */
export const ENGAGEMENT_TYPES = [
  TouchpointType.PAGE_VIEW,
  TouchpointType.PRODUCT_VIEW,
  TouchpointType.SEARCH,
  TouchpointType.FAVORITE,
  TouchpointType.CART_ADD,
  TouchpointType.INQUIRY,
  TouchpointType.REVIEW,
  TouchpointType.STORE_VISIT,
  TouchpointType.MESSAGE_OPENED,
  TouchpointType.MESSAGE_CLICKED,
];

/** Touchpoint types whose arrival rescores a member. */
export const SCORED_TYPES: ReadonlySet<string> = new Set<string>([...ENGAGEMENT_TYPES, TouchpointType.REFUND, TouchpointType.COMPLAINT]);

export const RHYTHM_SLOPE = 3;
export const ENGAGEMENT_WEIGHT = 0.5;
export const ENGAGEMENT_FLOOR = -2;
export const REFUND_WEIGHT = 0.4;
export const REFUND_CAP = 1.2;
export const COMPLAINT_WEIGHT = 0.6;
export const COMPLAINT_CAP = 1.8;
/** A BG/NBD expected next order further away than this is shown as none. */
export const MAX_NEXT_ORDER_WEEKS = 260;

export interface ScoringModel {
  kind: ChurnModelKind;
  r: number | null;
  alpha: number | null;
  a: number | null;
  b: number | null;
}

/** Values every scoring statement binds (see namedSql). */
export interface ScoringValues {
  tenant: string;
  now: Date;
  kind: ChurnModelKind;
  r: number;
  alpha: number;
  a: number;
  b: number;
  median: number;
  atRisk: number;
  horizonDays: number;
  thresholds: string;
  hysteresis: number;
  statuses: string[];
  engaged: string[];
  [name: string]: unknown;
}

export function scoringValues(tenant: string, now: Date, model: ScoringModel, settings: { median: number; atRisk: number; horizonDays: number }): ScoringValues {
  const bg = model.kind === ChurnModelKind.BG_NBD;
  return {
    tenant,
    now,
    kind: model.kind,
    // Unused by RHYTHM, but bound either way so the statement text is one.
    r: bg ? model.r! : 1,
    alpha: bg ? model.alpha! : 1,
    a: bg ? model.a! : 1,
    b: bg ? model.b! : 1,
    median: settings.median,
    atRisk: settings.atRisk,
    horizonDays: settings.horizonDays,
    thresholds: '{}',
    hysteresis: 0,
    statuses: [...PURCHASE_STATUSES],
    engaged: [...ENGAGEMENT_TYPES],
  };
}

/** Buyers from member_stats (live); `scope` narrows `m` (e.g. `and m.id = any(:ids::uuid[])`). */
export const liveFacts = (scope: string) => `
  facts as (
    select m.id as member_id, m.tenant_id, s.first_order_at as first_at, s.last_order_at as last_at, s.order_count as n, s.purchase_days as days
      from member m
      join member_stats s on s.member_id = m.id and s.tenant_id = m.tenant_id
     where m.tenant_id = :tenant and m.status = 'ACTIVE' and s.order_count > 0 ${scope}
  )`;

/** Buyers as of :now, from orders placed before it only. */
export const pastFacts = () => `
  facts as (
    select o.member_id, o.tenant_id, min(o.placed_at) as first_at, max(o.placed_at) as last_at, count(*)::int as n,
           count(distinct (o.placed_at at time zone 'UTC')::date)::int as days
      from orders o
      join member m on m.id = o.member_id and m.tenant_id = o.tenant_id and m.status = 'ACTIVE'
     where o.tenant_id = :tenant and o.status = any(:statuses::text[]) and o.placed_at < :now
     group by o.member_id, o.tenant_id
  )`;

/**
 * The scoring parameters as one row `p`, from bound values (tenant passes, calibration): thresholds and hysteresis
 * only matter to writers.
 */
export const BOUND_PARAMS = `
  p as (
    select :kind::text as kind, :r::float8 as r, :alpha::float8 as alpha, :a::float8 as a, :b::float8 as b, :median::float8 as median,
           :atRisk::float8 as at_risk, :horizonDays::float8 as horizon_days, :thresholds::float8[] as thresholds, :hysteresis::float8 as hysteresis
  )`;

/** The same row read from the tenant and its newest model, in the statement (an order's rescoring: no extra round trips). */
export const TENANT_PARAMS = `
  p as (
    select coalesce(cm.kind, 'RHYTHM') as kind, coalesce(cm.r, 1) as r, coalesce(cm.alpha, 1) as alpha, coalesce(cm.a, 1) as a, coalesce(cm.b, 1) as b,
           coalesce(t.lifecycle_median_interval_days, t.lifecycle_default_interval_days)::float8 as median, t.lifecycle_at_risk_factor as at_risk,
           t.churn_horizon_days::float8 as horizon_days,
           array(select v::float8 from jsonb_array_elements_text(t.churn_thresholds) v order by 1) as thresholds, t.churn_hysteresis as hysteresis
      from tenant t
      left join lateral (select m.kind, m.r, m.alpha, m.a, m.b from churn_model m where m.tenant_id = t.id order by m.fitted_at desc, m.created_at desc limit 1) cm on true
     where t.id = :tenant
  )`;

/**
 * CTEs after `facts` and `p`: activity, then `scored` (one row per buyer with the parameters, score inputs and
 * drivers). `range` repeats a member-id range on touchpoints (`tp`) so a chunk reads only its members' rows.
 */
export const scoredSql = (range = '') => `
  activity as (
    select tp.member_id,
           count(*) filter (where tp.type = any(:engaged::text[]) and tp.occurred_at >= :now::timestamptz - interval '30 days')::int as engaged,
           count(*) filter (where tp.type = 'REFUND')::int as refunds,
           count(*) filter (where tp.type = 'COMPLAINT')::int as complaints
      from touchpoint tp
     where tp.tenant_id = :tenant and tp.member_id in (select member_id from facts) ${range}
       and tp.occurred_at >= :now::timestamptz - interval '180 days' and tp.occurred_at < :now::timestamptz
     group by tp.member_id
  ), inputs as (
    select f.member_id, f.tenant_id, f.last_at, p.*,
           greatest(extract(epoch from :now::timestamptz - f.last_at) / 86400.0, 0) as d_days,
           greatest(case when f.n >= 3 then extract(epoch from f.last_at - f.first_at) / 86400.0 / (f.n - 1) else p.median end, 1.0 / 24) as e_days,
           greatest(f.days - 1, 0) as x,
           greatest(extract(epoch from f.last_at - f.first_at) / 604800.0, 0) as tx,
           greatest(extract(epoch from :now::timestamptz - f.first_at) / 604800.0, 0) as big_t,
           coalesce(a.engaged, 0) as engaged, coalesce(a.refunds, 0) as refunds, coalesce(a.complaints, 0) as complaints
      from facts f cross join p left join activity a on a.member_id = f.member_id
  ), based as (
    select i.*,
           case when i.kind = 'BG_NBD' then
             -- P(alive) and P(no order in h | alive); exp(least(..., 700)) keeps large x from overflowing.
             1 - (1 / (1 + case when i.x > 0 then i.a / (i.b + i.x - 1)
                                   * exp(least((i.r + i.x) * ln((i.alpha + i.big_t) / (i.alpha + i.tx)), 700)) else 0 end))
               * (1 - exp((i.r + i.x) * ln((i.alpha + i.big_t) / (i.alpha + i.big_t + i.horizon_days / 7))))
           end as p_none,
           case when i.kind = 'BG_NBD' then (i.alpha + i.big_t) * (power(2, 1 / (i.r + i.x)) - 1) end as wait_weeks
      from inputs i
  ), scored as (
    select b.*, parts.base, parts.engagement, parts.refund, parts.complaint,
           1 / (1 + exp(-(parts.base + parts.engagement + parts.refund + parts.complaint))) as score
      from based b
     cross join lateral (select
           case when b.kind = 'BG_NBD'
                then ln(least(greatest(b.p_none, 1e-6), 1 - 1e-6) / (1 - least(greatest(b.p_none, 1e-6), 1 - 1e-6)))
                else least(greatest(${RHYTHM_SLOPE} * ln(greatest(b.d_days, 0.01) / (b.at_risk * b.e_days)), -8), 8) end as base,
           greatest(${ENGAGEMENT_FLOOR}::float8, -${ENGAGEMENT_WEIGHT} * ln(1 + b.engaged)) as engagement,
           least(${REFUND_CAP}::float8, ${REFUND_WEIGHT} * b.refunds) as refund,
           least(${COMPLAINT_CAP}::float8, ${COMPLAINT_WEIGHT} * b.complaints) as complaint) parts
  )`;

export const SCORED = scoredSql();
