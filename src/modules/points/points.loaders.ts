import DataLoader from 'dataloader';
import { tenantIdOf, type GraphQLContext, type LoaderFactory } from '../../core/context.js';
import { tenantRows } from '../../core/db/tenant-sql.js';
import type { Page } from '../../core/relay/connection.js';
import { firstPagesPerParent } from '../../core/relay/page-per-parent.js';
import { PointsEntry } from './points.entity.js';

export interface AccountRow {
  member_id: string;
  balance: number;
  debt: number;
  earned: number;
  redeemed: number;
  expired: number;
}

const EMPTY = { balance: 0, debt: 0, earned: 0, redeemed: 0, expired: 0 };

/** Each member's account; a member who never had points reads as zeros. */
export const accountByMember: LoaderFactory<string, AccountRow> = (ctx) =>
  new DataLoader(async (memberIds) => {
    const rows = await tenantRows<AccountRow>(
      ctx,
      'select member_id, balance, debt, earned, redeemed, expired from points_account where tenant_id = ? and member_id in (?)',
      [[...memberIds]],
    );
    const byId = new Map(rows.map((row) => [row.member_id, row]));
    return memberIds.map((id) => byId.get(id) ?? { member_id: id, ...EMPTY });
  });

interface ExpiryKey {
  memberId: string;
  until: number;
}

/** Open points by expiry date, up to a horizon, for many members in one statement per horizon. */
export const expiringByMember: LoaderFactory<ExpiryKey, { expiresAt: Date; points: number }[]> = (ctx) =>
  new DataLoader(
    async (keys) => {
      const result = new Map<string, { expiresAt: Date; points: number }[]>();
      for (const until of new Set(keys.map((key) => key.until))) {
        const ids = keys.filter((key) => key.until === until).map((key) => key.memberId);
        const rows = await tenantRows<{ member_id: string; expires_at: Date; points: number }>(
          ctx,
          `select member_id, expires_at, sum(remaining)::int as points from points_lot
            where tenant_id = ? and member_id in (?) and remaining > 0 and expires_at is not null and expires_at <= ?
            group by member_id, expires_at order by member_id, expires_at`,
          [ids, new Date(until)],
        );
        for (const id of ids) result.set(`${id}|${until}`, []);
        for (const row of rows) result.get(`${row.member_id}|${until}`)!.push({ expiresAt: new Date(row.expires_at), points: row.points });
      }
      return keys.map((key) => result.get(`${key.memberId}|${key.until}`) ?? []);
    },
    { cacheKeyFn: (key) => `${key.memberId}|${key.until}` },
  );

interface HistoryKey {
  memberId: string;
  first: number;
}

export const ENTRY_ORDER = { createdAt: 'desc', id: 'desc' } as const;

/** The first page of each member's ledger, newest first, in one statement. */
export const historyPagesByMember: LoaderFactory<HistoryKey, Page<PointsEntry>> = (ctx: GraphQLContext) =>
  new DataLoader(
    async (keys) => {
      const pages = new Map<string, Page<PointsEntry>>();
      for (const first of new Set(keys.map((key) => key.first))) {
        const ids = keys.filter((key) => key.first === first).map((key) => key.memberId);
        const found = await firstPagesPerParent(
          ctx.em,
          PointsEntry,
          { table: 'points_entry', parentColumn: 'member_id', tenantId: tenantIdOf(ctx), conditions: [], params: [], orderSql: 'x.created_at desc, x.id desc' },
          ids,
          first,
          ENTRY_ORDER,
          (memberId) => ctx.em.count(PointsEntry, { memberId }),
        );
        for (const [memberId, page] of found) pages.set(`${memberId}|${first}`, page);
      }
      return keys.map((key) => pages.get(`${key.memberId}|${key.first}`)!);
    },
    { cacheKeyFn: (key) => `${key.memberId}|${key.first}` },
  );
