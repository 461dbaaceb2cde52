import type { EntityManager } from '@mikro-orm/postgresql';
import { SYSTEM_KEY_PREFIX } from './points-request.js';

const BATCH = 1000;

/**
 * The scheduled expiry (job POINTS_EXPIRY): every lot past its date gives up what remains, as one EXPIRE
 * entry per member. Set-based, a batch of members per transaction; the accounts are locked first, in id
 * order, like every other ledger write, so a redemption in flight either finishes first or sees the lots gone.
 */
export async function expirePoints(em: EntityManager, tenantId: string, now: Date): Promise<{ members: number; points: number }> {
  let members = 0;
  let points = 0;
  for (;;) {
    const due = await em.execute<{ member_id: string }[]>(
      `select distinct member_id from points_lot where tenant_id = ? and expires_at <= ? and remaining > 0 order by member_id limit ?`,
      [tenantId, now, BATCH],
    );
    if (!due.length) break;
    const ids = due.map((row) => row.member_id);
    const expired = await em.transactional((tx) => expireBatch(tx, tenantId, ids, now));
    members += expired.members;
    points += expired.points;
    if (due.length < BATCH) break;
  }
  return { members, points };
}

/** Expires the due lots of the given members now; the caller may already hold their account locks. */
export async function expireBatch(em: EntityManager, tenantId: string, memberIds: string[], now: Date): Promise<{ members: number; points: number }> {
  await em.execute('select id from points_account where tenant_id = ? and member_id in (?) order by member_id for no key update', [tenantId, memberIds]);
  // A new statement after the locks: it sees every lot change committed before them.
  const rows = await em.execute<{ members: number; points: number }[]>(
    `with due as (
       update points_lot l set remaining = 0
         from (select id, remaining from points_lot
                where tenant_id = ? and member_id in (?) and expires_at <= ? and remaining > 0) d
        where l.id = d.id
       returning l.member_id, d.remaining, l.id, l.expires_at
     ), per_member as (
       select member_id, sum(remaining)::int as points,
              jsonb_agg(jsonb_build_object('lot', id, 'points', remaining, 'expiresAt', expires_at) order by expires_at, id) as lots
         from due group by member_id
     ), acct as (
       update points_account a set balance = a.balance - p.points, expired = a.expired + p.points, updated_at = ?
         from per_member p where a.tenant_id = ? and a.member_id = p.member_id
       returning a.member_id, a.balance, a.debt, p.points, p.lots
     ), entries as (
       insert into points_entry (id, tenant_id, created_at, member_id, kind, amount, balance_after, debt_after, reason, actor,
                                 idempotency_key, request_hash, breakdown)
       select gen_random_uuid(), ?, ?, acct.member_id, 'EXPIRE', -acct.points, acct.balance - acct.debt, acct.debt, 'points expired',
              'system:POINTS_EXPIRY', ? || gen_random_uuid()::text, '', jsonb_build_object('lots', acct.lots)
         from acct
       returning amount
     )
     select count(*)::int as members, coalesce(-sum(amount), 0)::int as points from entries`,
    [tenantId, memberIds, now, now, tenantId, tenantId, now, `${SYSTEM_KEY_PREFIX}expire:`],
  );
  return rows[0] ?? { members: 0, points: 0 };
}
