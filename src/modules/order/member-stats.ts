import type { EntityManager } from '@mikro-orm/postgresql';
import { PURCHASE_STATUSES } from './order.enums.js';

/**
 * Recomputes purchase stats of members from their order rows, in one statement. Callers hold the
 * members' row locks (see lockMembersForOrders), so concurrent order writes cannot interleave.
 */
export async function refreshMemberStats(em: EntityManager, tenantId: string, memberIds: string[]): Promise<void> {
  if (!memberIds.length) return;
  await em.execute(
    `insert into member_stats (member_id, tenant_id, first_order_at, last_order_at, order_count, net_spend, updated_at)
     select m.id, m.tenant_id, min(o.placed_at), max(o.placed_at), count(o.id), coalesce(sum(o.total - o.refunded_amount), 0), now()
       from member m
       left join orders o on o.tenant_id = m.tenant_id and o.member_id = m.id and o.status in (?)
      where m.tenant_id = ? and m.id in (?)
      group by m.id, m.tenant_id
     on conflict (member_id) do update
        set first_order_at = excluded.first_order_at, last_order_at = excluded.last_order_at,
            order_count = excluded.order_count, net_spend = excluded.net_spend, updated_at = excluded.updated_at`,
    [PURCHASE_STATUSES, tenantId, memberIds],
  );
}

/** Serialises order writes per member: stats recomputed under this lock see every committed order. */
export async function lockMembersForOrders(em: EntityManager, tenantId: string, memberIds: string[]): Promise<void> {
  await em.execute('select id from member where tenant_id = ? and id in (?) order by id for update', [tenantId, [...new Set(memberIds)]]);
}
