import DataLoader from 'dataloader';
import { tenantIdOf, type GraphQLContext, type LoaderFactory } from '../../core/context.js';
import { tenantRows } from '../../core/db/tenant-sql.js';
import type { Page } from '../../core/relay/connection.js';
import { firstPagesPerParent } from '../../core/relay/page-per-parent.js';
import { loyaltyProgram } from '../points/loyalty-program.js';
import { growthValues } from './tier-growth.js';
import { Tier, TierChange } from './tier.entity.js';

export interface MemberTierRow {
  memberId: string;
  tierId: string | null;
  since: Date | null;
  reviewAt: Date | null;
}

export const CHANGE_ORDER = { createdAt: 'desc', id: 'desc' } as const;

/** Every tier of the tenant, retired ones too (history names them), lowest threshold first: one statement per request. */
const tiersOfTenant: LoaderFactory<string, Tier[]> = (ctx) =>
  new DataLoader(async (tenantIds) => {
    const tiers = await ctx.em.find(Tier, {}, { orderBy: { threshold: 'asc', id: 'asc' } });
    return tenantIds.map(() => tiers);
  });

export const allTiers = (ctx: GraphQLContext): Promise<Tier[]> => ctx.loaders.get(tiersOfTenant).load(tenantIdOf(ctx));

export const memberTierByMember: LoaderFactory<string, MemberTierRow | null> = (ctx) =>
  new DataLoader(async (memberIds) => {
    const rows = await tenantRows<{ member_id: string; tier_id: string | null; since: Date | null; review_at: Date | null }>(
      ctx,
      'select member_id, tier_id, since, review_at from member_tier where tenant_id = ? and member_id in (?)',
      [[...memberIds]],
    );
    const byId = new Map(
      rows.map((row) => [
        row.member_id,
        { memberId: row.member_id, tierId: row.tier_id, since: row.since && new Date(row.since), reviewAt: row.review_at && new Date(row.review_at) },
      ]),
    );
    return memberIds.map((id) => byId.get(id) ?? null);
  });

/** Growth value now, for many members in one statement. */
export const growthByMember: LoaderFactory<string, number> = (ctx) =>
  new DataLoader(async (memberIds) => {
    const program = await loyaltyProgram(ctx);
    const values = await growthValues(ctx.em, program, tenantIdOf(ctx), [...memberIds], new Date());
    return memberIds.map((id) => values.get(id) ?? 0);
  });

/** Members per tier, counted in one statement. */
export const memberCountByTier: LoaderFactory<string, number> = (ctx) =>
  new DataLoader(async (tierIds) => {
    const rows = await tenantRows<{ tier_id: string; members: number }>(
      ctx,
      'select tier_id, count(*)::int as members from member_tier where tenant_id = ? and tier_id in (?) group by tier_id',
      [[...tierIds]],
    );
    const byId = new Map(rows.map((row) => [row.tier_id, row.members]));
    return tierIds.map((id) => byId.get(id) ?? 0);
  });

/** How many tier changes each member has, counted in one statement. */
export const historyCountByMember: LoaderFactory<string, number> = (ctx) =>
  new DataLoader(async (memberIds) => {
    const rows = await tenantRows<{ member_id: string; changes: number }>(
      ctx,
      'select member_id, count(*)::int as changes from tier_change where tenant_id = ? and member_id in (?) group by member_id',
      [[...memberIds]],
    );
    const byId = new Map(rows.map((row) => [row.member_id, row.changes]));
    return memberIds.map((id) => byId.get(id) ?? 0);
  });

interface HistoryKey {
  memberId: string;
  first: number;
}

/** The first page of each member's tier history, newest first, in one statement per page size. */
export const historyPagesByMember: LoaderFactory<HistoryKey, Page<TierChange>> = (ctx) =>
  new DataLoader(
    async (keys) => {
      const pages = new Map<string, Page<TierChange>>();
      for (const first of new Set(keys.map((key) => key.first))) {
        const ids = keys.filter((key) => key.first === first).map((key) => key.memberId);
        const found = await firstPagesPerParent(
          ctx.em,
          TierChange,
          { table: 'tier_change', parentColumn: 'member_id', tenantId: tenantIdOf(ctx), conditions: [], params: [], orderSql: 'x.created_at desc, x.id desc' },
          ids,
          first,
          CHANGE_ORDER,
          (memberId) => ctx.loaders.get(historyCountByMember).load(memberId),
        );
        for (const [memberId, page] of found) pages.set(`${memberId}|${first}`, page);
      }
      return keys.map((key) => pages.get(`${key.memberId}|${key.first}`)!);
    },
    { cacheKeyFn: (key) => `${key.memberId}|${key.first}` },
  );
