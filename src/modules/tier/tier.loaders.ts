import DataLoader from 'dataloader';
import { tenantIdOf, type GraphQLContext, type LoaderFactory } from '../../core/context.js';
import { tenantRows } from '../../core/db/tenant-sql.js';
import { firstPagesLoader } from '../../core/relay/page-per-parent.js';
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

/** The first page of each member's tier history, newest first. */
export const historyPagesByMember = firstPagesLoader({ entity: TierChange, table: 'tier_change', parentColumn: 'member_id', orderSql: 'x.created_at desc, x.id desc', orderBy: CHANGE_ORDER });
