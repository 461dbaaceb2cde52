import type { EntityManager } from '@mikro-orm/postgresql';
import { named } from '../../core/db/prepared.js';
import { PURCHASE_STATUSES } from '../order/order.enums.js';

/**
 * One statement recomputes every buyer's RFM for a tenant: buyers are active members with a purchase placed
 * in the window; R, F and M are the days since the last purchase, the number of purchases and what was paid
 * net of refunds. Scores are quintiles over the tenant's buyers, ties sharing the lowest (1 + floor(5 x
 * percent_rank)), so all one-time buyers share one F score. Rows of members who stopped being buyers go.
 */
const RECOMPUTE = `
with buyers as (
  select o.member_id, max(o.placed_at) as last_at, count(*)::int as frequency, sum(o.total - o.refunded_amount)::bigint as monetary
    from orders o join member m on m.id = o.member_id and m.tenant_id = o.tenant_id and m.status = 'ACTIVE'
   where o.tenant_id = :tenantId and o.status in (:statuses) and o.placed_at >= :since and o.placed_at <= :now
   group by o.member_id
), scored as (
  select member_id, frequency, monetary,
         greatest(0, floor(extract(epoch from (:now::timestamptz - last_at)) / 86400))::int as recency_days,
         least(5, 1 + floor(5 * percent_rank() over (order by last_at)))::int as r,
         least(5, 1 + floor(5 * percent_rank() over (order by frequency)))::int as f,
         least(5, 1 + floor(5 * percent_rank() over (order by monetary)))::int as m
    from buyers
), grouped as (
  select *, (f + m + 1) / 2 as fm from scored
), upserted as (
  insert into member_rfm (member_id, tenant_id, recency_days, frequency, monetary, recency_score, frequency_score, monetary_score, cell, "group", computed_at)
  select member_id, :tenantId, recency_days, frequency, monetary, r, f, m, r || '-' || f || '-' || m,
         case
           when r = 5 and fm >= 4 then 'CHAMPIONS'
           when r in (3, 4) and fm >= 4 then 'LOYAL'
           when r >= 4 and fm in (2, 3) then 'POTENTIAL_LOYALIST'
           when r = 5 then 'NEW'
           when r = 4 then 'PROMISING'
           when r = 3 and fm = 3 then 'NEEDS_ATTENTION'
           when r = 3 then 'ABOUT_TO_SLEEP'
           when fm = 5 then 'CANNOT_LOSE'
           when fm >= 3 then 'AT_RISK'
           when r = 2 then 'HIBERNATING'
           else 'LOST'
         end,
         :now
    from grouped
  on conflict (member_id) do update
     set recency_days = excluded.recency_days, frequency = excluded.frequency, monetary = excluded.monetary,
         recency_score = excluded.recency_score, frequency_score = excluded.frequency_score, monetary_score = excluded.monetary_score,
         cell = excluded.cell, "group" = excluded."group", computed_at = excluded.computed_at
  returning member_id
), gone as (
  delete from member_rfm r where r.tenant_id = :tenantId and not exists (select 1 from upserted u where u.member_id = r.member_id)
  returning r.member_id
)
select (select count(*) from upserted)::int as buyers, (select count(*) from gone)::int as removed`;

const DAY = 86_400_000;

/** Recomputes a tenant's RFM scores as of `now` (the RFM_REFRESH job). */
export async function refreshRfm(em: EntityManager, tenantId: string, now: Date): Promise<{ buyers: number; removed: number; windowDays: number }> {
  const [tenant] = await em.execute<{ rfm_window_days: number }[]>('select rfm_window_days from tenant where id = ?', [tenantId]);
  const windowDays = tenant?.rfm_window_days ?? 365;
  const values: Record<string, unknown> = { tenantId, statuses: PURCHASE_STATUSES, since: new Date(now.getTime() - windowDays * DAY), now };
  const [text, params] = named(RECOMPUTE, values);
  // A whole tenant in one statement can outlast the request statement timeout; the job allows it its own.
  const [row] = await em.transactional(async (tx) => {
    await tx.execute(`set local statement_timeout = '10min'`);
    return tx.execute<{ buyers: number; removed: number }[]>(text, params);
  });
  return { buyers: row?.buyers ?? 0, removed: row?.removed ?? 0, windowDays };
}
