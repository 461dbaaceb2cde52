import type { EntityManager } from '@mikro-orm/postgresql';
import { PURCHASE_STATUSES } from '../order/order.enums.js';
import { PointsEntryKind } from '../points/points.enums.js';
import type { LoyaltyProgram } from '../points/loyalty-program.entity.js';
import { TierBasis } from './tier.enums.js';

/** A SQL fragment with its parameters, in the order its `?` appear. */
export interface Sql {
  sql: string;
  params: unknown[];
}

/** `months` calendar months before or after `at`, computed in UTC whatever the session's time zone. */
export const monthsFrom = (sign: '+' | '-') => `((?::timestamptz at time zone 'UTC') ${sign} make_interval(months => ?)) at time zone 'UTC'`;

/**
 * Growth value of the given members (columns `member_id`, `value` as bigint), one row per member of the
 * tenant among `memberIds`, 0 for members without activity in the window. NET_SPEND counts what purchases
 * placed in the last `tierWindowMonths` kept after refunds; POINTS_EARNED counts points earned minus points
 * reversed in the window. Never the spendable balance, and never below zero (a reversal of points earned
 * before the window cannot push it under).
 */
export function growthOfMembers(program: LoyaltyProgram, tenantId: string, memberIds: string[], now: Date): Sql {
  if (program.tierBasis === TierBasis.POINTS_EARNED) {
    return {
      sql: `select m.id as member_id, greatest(coalesce(sum(e.amount), 0), 0)::bigint as value
              from member m
              left join points_entry e on e.tenant_id = m.tenant_id and e.member_id = m.id and e.kind in (?, ?)
                   and e.created_at > ${monthsFrom('-')}
             where m.tenant_id = ? and m.id in (?)
             group by m.id`,
      params: [PointsEntryKind.EARN, PointsEntryKind.REVERSE, now, program.tierWindowMonths, tenantId, memberIds],
    };
  }
  return {
    sql: `select m.id as member_id, greatest(coalesce(sum(o.total - o.refunded_amount), 0), 0)::bigint as value
            from member m
            left join orders o on o.tenant_id = m.tenant_id and o.member_id = m.id and o.status in (?)
                 and o.placed_at > ${monthsFrom('-')}
           where m.tenant_id = ? and m.id in (?)
           group by m.id`,
    params: [PURCHASE_STATUSES, now, program.tierWindowMonths, tenantId, memberIds],
  };
}

/**
 * Members whose growth value (at least `atLeast`) reaches an active tier above the one they hold, in id order:
 * one pass over the tenant's window, and no row for members who would not move.
 */
export async function membersBelowReach(em: EntityManager, program: LoyaltyProgram, tenantId: string, atLeast: number, now: Date): Promise<string[]> {
  const growth: Sql =
    program.tierBasis === TierBasis.POINTS_EARNED
      ? {
          sql: `select member_id, sum(amount) as value from points_entry
                 where tenant_id = ? and kind in (?, ?) and created_at > ${monthsFrom('-')}
                 group by member_id having sum(amount) >= ?`,
          params: [tenantId, PointsEntryKind.EARN, PointsEntryKind.REVERSE, now, program.tierWindowMonths, atLeast],
        }
      : {
          sql: `select member_id, sum(total - refunded_amount) as value from orders
                 where tenant_id = ? and status in (?) and placed_at > ${monthsFrom('-')}
                 group by member_id having sum(total - refunded_amount) >= ?`,
          params: [tenantId, PURCHASE_STATUSES, now, program.tierWindowMonths, atLeast],
        };
  const rows = await em.execute<{ member_id: string }[]>(
    `select g.member_id from (${growth.sql}) g
       left join member_tier mt on mt.tenant_id = ? and mt.member_id = g.member_id
       left join tier held on held.tenant_id = ? and held.id = mt.tier_id and held.retired_at is null
      where exists (select 1 from tier t where t.tenant_id = ? and t.retired_at is null
                       and t.threshold <= g.value and t.threshold > coalesce(held.threshold, 0))
      order by g.member_id`,
    [...growth.params, tenantId, tenantId, tenantId],
  );
  return rows.map((row) => row.member_id);
}

/** Growth values of members now, for reads (tierProgress); one statement for any number of members. */
export async function growthValues(em: EntityManager, program: LoyaltyProgram, tenantId: string, memberIds: string[], now: Date): Promise<Map<string, number>> {
  if (!memberIds.length) return new Map();
  const growth = growthOfMembers(program, tenantId, memberIds, now);
  const rows = await em.execute<{ member_id: string; value: number }[]>(`select member_id, value::float8 as value from (${growth.sql}) g`, growth.params);
  return new Map(rows.map((row) => [row.member_id, row.value]));
}
