import type { EntityManager } from '@mikro-orm/postgresql';
import { uuidv7 } from '../../core/ids.js';
import { pgArray } from '../../core/db/named-sql.js';
import { named, preparedRows } from '../../core/db/prepared.js';
import type { Channel } from '../../core/channel.js';
import { PointsEntryKind } from './points.enums.js';

/**
 * The points ledger's writes, as prepared SQL (the unit of work is 3-5x slower on this hot path).
 * Every write locks the account row first, so the lots of one member change one transaction at a time,
 * and keeps two invariants the tests check from the rows: `balance - debt` = sum(entries.amount) and
 * `balance` = sum(open lots.remaining). Debt is repaid first from the next points earned.
 */

/** Fields every entry carries. */
export interface EntryFields {
  tenantId: string;
  memberId: string;
  reason?: string | null;
  storeId?: string | null;
  channel?: Channel | null;
  orderId?: string | null;
  actor: string;
  idempotencyKey: string;
  requestHash: string;
  breakdown?: Record<string, unknown> | null;
  at?: Date;
}

/** A points_entry row as the driver returns it. */
export interface EntryRow {
  id: string;
  member_id: string;
  kind: PointsEntryKind;
  amount: number;
  balance_after: number;
  debt_after: number;
  reason: string | null;
  store_id: string | null;
  channel: Channel | null;
  order_id: string | null;
  actor: string;
  idempotency_key: string;
  request_hash: string;
  breakdown: Record<string, unknown> | null;
  created_at: Date;
}

function run<T>(em: EntityManager, sql: string, values: Record<string, unknown>): Promise<T[]> {
  const [text, params] = named(sql, values);
  return em.execute<T[]>(text, params);
}

const entryValues = (fields: EntryFields, kind: PointsEntryKind, amount: number) => ({
  entryId: uuidv7(),
  tenantId: fields.tenantId,
  memberId: fields.memberId,
  kind,
  amount,
  reason: fields.reason ?? null,
  storeId: fields.storeId ?? null,
  channel: fields.channel ?? null,
  orderId: fields.orderId ?? null,
  actor: fields.actor,
  key: fields.idempotencyKey,
  hash: fields.requestHash,
  breakdown: JSON.stringify(fields.breakdown ?? {}),
  at: fields.at ?? new Date(),
});

/**
 * Earning (and positive adjustment) in ONE statement, so it needs no explicit transaction: the member row
 * is held against a concurrent merge (FOR KEY SHARE, rechecked after any wait), the account row is locked
 * and read at its latest version (the CTE's FOR UPDATE), debt is repaid first, and the rest becomes a lot.
 * A reused idempotency key fails the whole statement on the unique index, so a race writes nothing twice.
 * No row back means: no account yet (call ensureAccount and retry) or the member is not active.
 */
export const EARN_SQL = `
with m as (
  select id from member where tenant_id = :tenantId and id = :memberId and status = 'ACTIVE' for key share
), pre as (
  select a.id, a.balance, a.debt from points_account a join m on m.id = a.member_id where a.tenant_id = :tenantId for no key update of a
), acct as (
  update points_account a
     set balance = pre.balance + greatest(:amount - pre.debt, 0), debt = greatest(pre.debt - :amount, 0),
         earned = a.earned + :earned, updated_at = :at
    from pre where a.id = pre.id
  returning a.balance, a.debt, least(pre.debt, :amount) as repaid
), entry as (
  insert into points_entry (id, tenant_id, created_at, member_id, kind, amount, balance_after, debt_after, reason, store_id, channel,
                            order_id, actor, idempotency_key, request_hash, breakdown)
  select :entryId, :tenantId, :at, :memberId, :kind, :amount, acct.balance - acct.debt, acct.debt, :reason, :storeId, :channel,
         :orderId, :actor, :key, :hash, :breakdown::jsonb || jsonb_build_object('debtRepaid', acct.repaid)
    from acct
  returning *
), lot as (
  insert into points_lot (id, tenant_id, created_at, member_id, entry_id, amount, remaining, expires_at)
  select :lotId, :tenantId, :at, :memberId, :entryId, :amount - acct.repaid, :amount - acct.repaid, :expiresAt::timestamptz
    from acct where :amount > acct.repaid
)
select * from entry`;

export interface EarnArgs extends EntryFields {
  kind: PointsEntryKind.EARN | PointsEntryKind.ADJUST;
  points: number;
  expiresAt: Date | null;
}

/**
 * Adds points; null when the member has no account yet or is not active (see EARN_SQL). `prepared` runs it
 * as a named prepared statement on its own pooled connection: only outside a transaction (the hot path).
 */
export async function earn(em: EntityManager, args: EarnArgs, options: { prepared?: boolean } = {}): Promise<EntryRow | null> {
  const values = {
    ...entryValues(args, args.kind, args.points),
    earned: args.kind === PointsEntryKind.EARN ? args.points : 0,
    lotId: uuidv7(),
    expiresAt: args.expiresAt,
  };
  const [row] = options.prepared ? await preparedRows<EntryRow>(em, 'ecrm_points_earn_v1', EARN_SQL, values) : await run<EntryRow>(em, EARN_SQL, values);
  return row ?? null;
}

/** Creates the member's account if it is missing; harmless when it exists. */
export function ensureAccount(em: EntityManager, tenantId: string, memberId: string): Promise<void> {
  return ensureAccounts(em, tenantId, [memberId]);
}

/** ensureAccount for many members, in one statement. */
export async function ensureAccounts(em: EntityManager, tenantId: string, memberIds: readonly string[]): Promise<void> {
  if (!memberIds.length) return;
  await em.execute(
    `insert into points_account (id, tenant_id, created_at, member_id, balance, debt, earned, redeemed, expired, updated_at)
     select a.id, m.tenant_id, now(), m.id, 0, 0, 0, 0, 0, now()
       from unnest(?::uuid[], ?::uuid[]) as a(id, member_id) join member m on m.tenant_id = ? and m.id = a.member_id
     on conflict (tenant_id, member_id) do nothing`,
    [pgArray(memberIds.map(() => uuidv7())), pgArray(memberIds), tenantId],
  );
}

export interface LockedAccount {
  id: string;
  balance: number;
  debt: number;
}

/** Locks a member's account for a multi-statement change (redeem, reverse, expire, merge). */
export async function lockAccount(em: EntityManager, tenantId: string, memberId: string): Promise<LockedAccount | null> {
  const [row] = await em.execute<LockedAccount[]>('select id, balance, debt from points_account where tenant_id = ? and member_id = ? for no key update', [
    tenantId,
    memberId,
  ]);
  return row ?? null;
}

export interface TakenLot {
  id: string;
  taken: number;
  expires_at: Date | null;
}

/**
 * Takes `points` from a member's open lots, soonest expiry first (a preferred entry's lot first, for
 * reversals). The caller holds the account lock and has checked the balance covers it.
 */
export async function takeFromLots(em: EntityManager, tenantId: string, memberId: string, points: number, preferEntryId: string | null = null): Promise<TakenLot[]> {
  if (points <= 0) return [];
  return run<TakenLot>(
    em,
    `with open as (
       select id, remaining,
              sum(remaining) over (order by (entry_id = :prefer) is true desc, expires_at asc nulls last, created_at, id) as running
         from points_lot where tenant_id = :tenantId and member_id = :memberId and remaining > 0
     ), take as (
       select id, least(remaining, :points - (running - remaining)) as taken from open where running - remaining < :points
     )
     update points_lot l set remaining = l.remaining - take.taken from take where l.id = take.id
     returning l.id, take.taken, l.expires_at`,
    { tenantId, memberId, points, prefer: preferEntryId },
  );
}

/** Applies a change to a locked account and appends its entry; lots were already taken by the caller. */
export async function debit(
  em: EntityManager,
  fields: EntryFields,
  kind: PointsEntryKind.REDEEM | PointsEntryKind.ADJUST | PointsEntryKind.REVERSE | PointsEntryKind.EXPIRE,
  change: { fromBalance: number; toDebt: number },
): Promise<EntryRow> {
  const amount = -(change.fromBalance + change.toDebt);
  const counters = {
    redeemed: kind === PointsEntryKind.REDEEM ? change.fromBalance : 0,
    expired: kind === PointsEntryKind.EXPIRE ? change.fromBalance : 0,
    // A reversal un-earns: lifetime earned stays the sum of earned minus reversed.
    unearned: kind === PointsEntryKind.REVERSE ? -amount : 0,
  };
  const [row] = await run<EntryRow>(
    em,
    `with acct as (
       update points_account set balance = balance - :fromBalance, debt = debt + :toDebt, redeemed = redeemed + :redeemed,
              expired = expired + :expired, earned = earned - :unearned, updated_at = :at
        where tenant_id = :tenantId and member_id = :memberId
       returning balance, debt
     )
     insert into points_entry (id, tenant_id, created_at, member_id, kind, amount, balance_after, debt_after, reason, store_id, channel,
                               order_id, actor, idempotency_key, request_hash, breakdown)
     select :entryId, :tenantId, :at, :memberId, :kind, :amount, acct.balance - acct.debt, acct.debt, :reason, :storeId, :channel,
            :orderId, :actor, :key, :hash, :breakdown::jsonb
       from acct
     returning *`,
    { ...entryValues(fields, kind, amount), ...change, ...counters },
  );
  if (!row) throw new Error('points account vanished under its lock');
  return row;
}

/** The entry written under an idempotency key, if any. */
export async function entryByKey(em: EntityManager, tenantId: string, key: string): Promise<EntryRow | null> {
  const [row] = await em.execute<EntryRow[]>(
    'select * from points_entry where tenant_id = ? and idempotency_key = ?',
    [tenantId, key],
  );
  return row ?? null;
}
