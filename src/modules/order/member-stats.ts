import type { EntityManager } from '@mikro-orm/postgresql';
import { MemberStatus } from '../member/member.enums.js';
import { PURCHASE_STATUSES } from './order.enums.js';

/** Recomputes the stats of a tenant's members (narrowed by `scope`) from their order rows, in one statement. */
const upsertStats = (scope: string) =>
  `insert into member_stats (member_id, tenant_id, first_order_at, last_order_at, order_count, purchase_days, net_spend, updated_at)
   select m.id, m.tenant_id, min(o.placed_at), max(o.placed_at), count(o.id), count(distinct (o.placed_at at time zone 'UTC')::date), coalesce(sum(o.total - o.refunded_amount), 0), now()
     from member m
     left join orders o on o.tenant_id = m.tenant_id and o.member_id = m.id and o.status in (?)
    where m.tenant_id = ? ${scope}
    group by m.id, m.tenant_id
   on conflict (member_id) do update
      set first_order_at = excluded.first_order_at, last_order_at = excluded.last_order_at,
          order_count = excluded.order_count, purchase_days = excluded.purchase_days, net_spend = excluded.net_spend, updated_at = excluded.updated_at`;

/**
 * Recomputes purchase stats of members from their order rows, in one statement. Callers hold the
 * members' row locks (see lockMembersForOrders), so concurrent order writes cannot interleave.
 */
export async function refreshMemberStats(em: EntityManager, tenantId: string, memberIds: string[]): Promise<void> {
  if (!memberIds.length) return;
  await em.execute(upsertStats('and m.id in (?)'), [PURCHASE_STATUSES, tenantId, memberIds]);
}

/**
 * The same for every member of a tenant, set-based, after a bulk load (demo data, back-fills).
 * On millions of orders it outlasts the request statement timeout: callers lift it for their transaction.
 */
export async function refreshTenantMemberStats(em: EntityManager, tenantId: string): Promise<void> {
  await em.execute(upsertStats(''), [PURCHASE_STATUSES, tenantId]);
}

/** Serialises order writes per member: stats recomputed under this lock see every committed order. */
export async function lockMembersForOrders(em: EntityManager, tenantId: string, memberIds: string[]): Promise<void> {
  await em.execute('select id from member where tenant_id = ? and id in (?) order by id for update', [tenantId, [...new Set(memberIds)]]);
}

/**
 * Locks the buyer of an order write. A merge may have committed since the member was resolved:
 * then the survivor is the buyer, and is locked instead.
 */
export async function lockBuyer(em: EntityManager, tenantId: string, memberId: string): Promise<{ id: string; status: MemberStatus }> {
  const [row] = await em.execute<{ id: string; status: MemberStatus; merged_into_id: string | null }[]>(
    'select id, status, merged_into_id from member where tenant_id = ? and id = ? for update',
    [tenantId, memberId],
  );
  if (row?.status === MemberStatus.MERGED && row.merged_into_id) return lockBuyer(em, tenantId, row.merged_into_id);
  return { id: memberId, status: row?.status ?? MemberStatus.ERASED };
}
