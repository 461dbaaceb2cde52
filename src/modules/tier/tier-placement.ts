import type { EntityManager } from '@mikro-orm/postgresql';
import type { LoyaltyProgram } from '../points/loyalty-program.entity.js';
import { growthOfMembers, monthsFrom } from './tier-growth.js';
import { TierChangeReason } from './tier.enums.js';

/**
 * How members are placed:
 * - UP moves a member up when the growth value reaches a higher active tier than the current one, and
 *   never down (crossing a threshold, a tier newly reachable after a definition change, a merge).
 * - ANY puts the member in the highest tier the growth value reaches, up, down or none (a tier retired).
 * - REVIEW is ANY for members whose period ended (or whose tier was retired), and starts a new period for
 *   each of them, changed or not.
 */
export type PlacementMode = 'UP' | 'ANY' | 'REVIEW';

export interface PlacementResult {
  /** Members placed (rows written). */
  placed: number;
  /** Members whose tier changed. */
  changed: number;
  /** Members who went to a lower tier (or to none). */
  lowered: number;
}

/**
 * Places members by their growth value now, in one statement for any number of them: it computes the
 * growth values, upserts member_tier and writes a tier_change row for every actual change. A changed
 * member starts a period (since = now, review at now + tierPeriodMonths); without a tier there is nothing
 * to review. Callers hold the members' row locks, so what the statement reads is what it overwrites.
 */
export async function placeMembers(
  em: EntityManager,
  program: LoyaltyProgram,
  tenantId: string,
  memberIds: string[],
  now: Date,
  mode: PlacementMode,
  reason: TierChangeReason,
): Promise<PlacementResult> {
  if (!memberIds.length) return { placed: 0, changed: 0, lowered: 0 };
  const growth = growthOfMembers(program, tenantId, memberIds, now);
  const period = program.tierPeriodMonths;
  // A retired tier counts as no tier (it holds nobody for long: retiring re-places its members).
  const target =
    mode === 'UP'
      ? 'case when r.threshold > coalesce(c.from_threshold, -1) then r.id else c.from_id end'
      : 'r.id';
  const due = mode === 'REVIEW' ? 'where c.has_row and (c.review_at <= ? or (c.from_id is not null and c.from_threshold is null))' : '';
  const rows = await em.execute<{ placed: number; changed: number; lowered: number }[]>(
    `with growth as (${growth.sql}),
     cur as (
       select g.member_id, g.value, mt.tier_id as from_id, ft.threshold as from_threshold, mt.since, mt.review_at,
              mt.member_id is not null as has_row
         from growth g
         left join member_tier mt on mt.tenant_id = ? and mt.member_id = g.member_id
         left join tier ft on ft.tenant_id = ? and ft.id = mt.tier_id and ft.retired_at is null
     ),
     plan as (
       select c.member_id, c.value, c.from_id, c.from_threshold, c.since, c.review_at, ${target} as to_id,
              coalesce(r.threshold, -1) as reached_threshold
         from cur c
         left join lateral (
           select t.id, t.threshold from tier t
            where t.tenant_id = ? and t.retired_at is null and t.threshold <= c.value
            order by t.threshold desc limit 1
         ) r on true
         ${due}
     ),
     decided as (
       select p.*, p.to_id is distinct from p.from_id as changed from plan p
     ),
     written as (
       insert into member_tier (member_id, tenant_id, tier_id, growth_value, since, review_at, updated_at)
       select d.member_id, ?, d.to_id, d.value,
              case when d.changed then (case when d.to_id is null then null else ?::timestamptz end) else d.since end,
              case when d.to_id is null then null
                   when d.changed or ? then ${monthsFrom('+')}
                   else d.review_at end,
              ?
         from decided d
       on conflict (member_id) do update
          set tier_id = excluded.tier_id, growth_value = excluded.growth_value, since = excluded.since,
              review_at = excluded.review_at, updated_at = excluded.updated_at
       returning member_id
     ),
     history as (
       insert into tier_change (id, tenant_id, created_at, member_id, from_tier_id, to_tier_id, reason, growth_value)
       select gen_random_uuid(), ?, ?, d.member_id, d.from_id, d.to_id, ?, d.value
         from decided d where d.changed
       returning member_id
     )
     select (select count(*) from written)::int as placed,
            (select count(*) from history)::int as changed,
            (select count(*) from decided d where d.changed and d.reached_threshold < coalesce(d.from_threshold, -1))::int as lowered`,
    [
      ...growth.params,
      tenantId,
      tenantId,
      tenantId,
      ...(mode === 'REVIEW' ? [now] : []),
      tenantId,
      now,
      mode === 'REVIEW',
      now,
      period,
      now,
      tenantId,
      now,
      reason,
    ],
  );
  return rows[0] ?? { placed: 0, changed: 0, lowered: 0 };
}
