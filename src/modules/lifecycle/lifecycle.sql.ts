import type { EntityManager } from '@mikro-orm/postgresql';
import { LifecycleCause } from './lifecycle.enums.js';

/**
 * The lifecycle state machine as one statement over a tenant's members (or some of them):
 *
 * - Expected days between orders E: the member's own average interval with 3 orders or more, else the tenant's
 *   median (over repeat buyers' average intervals, recomputed by the LIFECYCLE_REFRESH job), else its default.
 * - With d days since the last bought order: no orders PROSPECT; d > lapsed factor x E LAPSED; d > at-risk
 *   factor x E AT_RISK; one order NEW; more ACTIVE.
 * - A member who was AT_RISK or LAPSED and is NEW or ACTIVE again is REACTIVATED, and stays so until an order
 *   placed after that (ACTIVE) or until time makes them overdue again.
 * - A move records when it took effect: crossing a threshold at last order + factor x E (so a late job still
 *   dates it right), an order's move at that order's time; a merge, a change of thresholds or a refund now. A member who skipped AT_RISK on
 *   the way to LAPSED (the job did not run in between) gets both transitions.
 *
 * Only members whose stage changes are written, plus (for `scope` runs after an order) the expected interval.
 */
const STATEMENT = (scope: string, writeAll: boolean) => `
with staged as (
  select m.id as member_id, m.tenant_id, lc.stage as prev, lc.since as prev_since, s.last_order_at, coalesce(s.order_count, 0) as n,
         t.lifecycle_at_risk_factor as at_risk, t.lifecycle_lapsed_factor as lapsed,
         case when s.order_count >= 3 then extract(epoch from s.last_order_at - s.first_order_at) / 86400.0 / (s.order_count - 1)
              else coalesce(t.lifecycle_median_interval_days, t.lifecycle_default_interval_days) end as expected
    from member m
    join tenant t on t.id = m.tenant_id
    left join member_stats s on s.member_id = m.id and s.tenant_id = m.tenant_id
    left join member_lifecycle lc on lc.member_id = m.id and lc.tenant_id = m.tenant_id
   where m.tenant_id = :tenant and m.status = 'ACTIVE' ${scope}
), based as (
  select st.*,
         st.last_order_at + make_interval(secs => st.at_risk * st.expected * 86400) as at_risk_at,
         st.last_order_at + make_interval(secs => st.lapsed * st.expected * 86400) as lapsed_at
    from staged st
), decided as (
  select b.*,
         case when b.n = 0 then 'PROSPECT'
              when :now::timestamptz > b.lapsed_at then 'LAPSED'
              when :now::timestamptz > b.at_risk_at then 'AT_RISK'
              when b.prev in ('AT_RISK', 'LAPSED') then 'REACTIVATED'
              when b.prev = 'REACTIVATED' and b.last_order_at <= b.prev_since then 'REACTIVATED'
              when b.n = 1 then 'NEW'
              else 'ACTIVE' end as stage
    from based b
), moved as (
  select d.*,
         case when d.stage in ('AT_RISK', 'LAPSED') and :cause::text = 'TIME' then 'TIME' when :cause::text = 'TIME' then 'ORDER' else :cause::text end as cause,
         least(:now::timestamptz, greatest(coalesce(d.prev_since, '-infinity'::timestamptz),
           case when :cause::text not in ('ORDER', 'TIME') or d.stage = 'PROSPECT' then :now::timestamptz
                when d.stage = 'LAPSED' then d.lapsed_at
                when d.stage = 'AT_RISK' then d.at_risk_at
                when d.last_order_at > coalesce(d.prev_since, '-infinity'::timestamptz) then d.last_order_at
                else :now::timestamptz end)) as occurred_at
    from decided d
   where d.stage is distinct from coalesce(d.prev, 'PROSPECT')
), written as (
  insert into member_lifecycle (member_id, tenant_id, stage, since, expected_interval_days, updated_at)
  select d.member_id, d.tenant_id, d.stage, coalesce(mv.occurred_at, d.prev_since, :now::timestamptz), d.expected, :now::timestamptz
    from decided d left join moved mv on mv.member_id = d.member_id
   where mv.member_id is not null ${writeAll ? "or (d.n > 0 or d.prev is not null)" : ''}
  on conflict (member_id) do update
     set stage = excluded.stage, since = excluded.since, expected_interval_days = excluded.expected_interval_days, updated_at = excluded.updated_at
  returning member_id
), transitions as (
  insert into lifecycle_transition (id, tenant_id, created_at, member_id, from_stage, to_stage, cause, occurred_at)
  select gen_random_uuid(), mv.tenant_id, :now::timestamptz, mv.member_id, coalesce(mv.prev, 'PROSPECT'), 'AT_RISK', mv.cause, greatest(mv.at_risk_at, coalesce(mv.prev_since, '-infinity'::timestamptz))
    from moved mv where mv.stage = 'LAPSED' and coalesce(mv.prev, 'PROSPECT') in ('NEW', 'ACTIVE', 'REACTIVATED')
  union all
  select gen_random_uuid(), mv.tenant_id, :now::timestamptz, mv.member_id,
         case when mv.stage = 'LAPSED' and coalesce(mv.prev, 'PROSPECT') in ('NEW', 'ACTIVE', 'REACTIVATED') then 'AT_RISK' else coalesce(mv.prev, 'PROSPECT') end,
         mv.stage, mv.cause, mv.occurred_at
    from moved mv
  returning 1
)
select (select count(*) from moved)::int as moved, (select count(*) from transitions)::int as transitions`;

export interface LifecycleRun {
  moved: number;
  transitions: number;
}

async function run(em: EntityManager, sql: string, values: Record<string, unknown>, extra: unknown[] = []): Promise<LifecycleRun> {
  const params: unknown[] = [];
  const text = sql.replace(/(?<!:):([a-zA-Z]\w*)|\?/g, (_match, name: string | undefined) => {
    params.push(name ? values[name] : extra.shift());
    return '?';
  });
  const [row] = await em.execute<LifecycleRun[]>(text, params);
  return { moved: row?.moved ?? 0, transitions: row?.transitions ?? 0 };
}

/** After an order change (or a merge): the members' stages, in the caller's transaction (which holds their row locks). */
export function refreshMemberLifecycle(em: EntityManager, tenantId: string, memberIds: string[], cause: LifecycleCause, now = new Date()): Promise<LifecycleRun> {
  if (!memberIds.length) return Promise.resolve({ moved: 0, transitions: 0 });
  return run(em, STATEMENT('and m.id in (?)', true), { tenant: tenantId, now, cause }, [memberIds]);
}

/** Recomputes the tenant median interval (over repeat buyers), in one statement. */
export async function refreshMedianInterval(em: EntityManager, tenantId: string): Promise<number | null> {
  const [row] = await em.execute<{ median: number | null }[]>(
    `update tenant set lifecycle_median_interval_days = (
       select percentile_cont(0.5) within group (order by extract(epoch from s.last_order_at - s.first_order_at) / 86400.0 / (s.order_count - 1))
         from member_stats s join member m on m.id = s.member_id and m.status = 'ACTIVE'
        where s.tenant_id = ? and s.order_count >= 2)
     where id = ? returning lifecycle_median_interval_days as median`,
    [tenantId, tenantId],
  );
  return row?.median ?? null;
}

/** Every member of the tenant: the LIFECYCLE_REFRESH job (cause TIME) or a change of thresholds (SETTINGS). */
export async function refreshTenantLifecycle(em: EntityManager, tenantId: string, now: Date, cause = LifecycleCause.TIME): Promise<LifecycleRun & { medianIntervalDays: number | null }> {
  return em.transactional(async (tx) => {
    await tx.execute(`set local statement_timeout = '10min'`);
    const median = await refreshMedianInterval(tx, tenantId);
    const result = await run(tx, STATEMENT('', false), { tenant: tenantId, now, cause });
    return { ...result, medianIntervalDays: median === null ? null : Math.round(median * 100) / 100 };
  });
}
