import type { GraphQLContext } from '../../core/context.js';
import { pageRequest, type Page, type PageArgs } from '../../core/relay/connection.js';
import { paginate } from '../../core/relay/paginate.js';
import { loyaltyProgram } from '../points/loyalty-program.js';
import { Tier, TierChange } from './tier.entity.js';
import { allTiers, CHANGE_ORDER, growthByMember, historyPagesByMember, memberCountByTier, memberTierByMember } from './tier.loaders.js';
import { TierNode, TierProgressNode } from './tier.type.js';

/** Reads of members' tiers, through per-request loaders (no N+1 over member lists). */
export class TierQueryService {
  constructor(private readonly ctx: GraphQLContext) {}

  /** A tier by database id, retired or not (history names retired tiers). */
  async tierById(id: string | null): Promise<Tier | null> {
    if (!id) return null;
    return (await allTiers(this.ctx)).find((tier) => tier.id === id) ?? null;
  }

  /** The member's current tier; none below the lowest threshold (a retired tier counts as none). */
  async tierOf(memberId: string): Promise<Tier | null> {
    const row = await this.ctx.loaders.get(memberTierByMember).load(memberId);
    const tier = await this.tierById(row?.tierId ?? null);
    return tier && !tier.retiredAt ? tier : null;
  }

  async progress(memberId: string): Promise<TierProgressNode> {
    const [row, current, tiers, program, tier] = await Promise.all([
      this.ctx.loaders.get(memberTierByMember).load(memberId),
      this.ctx.loaders.get(growthByMember).load(memberId),
      allTiers(this.ctx),
      loyaltyProgram(this.ctx),
      this.tierOf(memberId),
    ]);
    const next = tiers.find((candidate) => !candidate.retiredAt && candidate.threshold > (tier?.threshold ?? 0)) ?? null;
    return Object.assign(new TierProgressNode(), {
      current,
      next: next && TierNode.from(next),
      remaining: next ? Math.max(next.threshold - current, 0) : null,
      basis: program.tierBasis,
      since: tier ? (row?.since ?? null) : null,
      reviewAt: tier ? (row?.reviewAt ?? null) : null,
    });
  }

  /** A member's tier changes, newest first; first pages of many members load in one statement. */
  history(memberId: string, args: PageArgs): Promise<Page<TierChange>> {
    const page = pageRequest(args);
    if (page.first !== undefined && !page.after) return this.ctx.loaders.get(historyPagesByMember).load({ parentId: memberId, first: page.first });
    return paginate(this.ctx.em, TierChange, { memberId }, page, CHANGE_ORDER);
  }

  memberCount(tierId: string): Promise<number> {
    return this.ctx.loaders.get(memberCountByTier).load(tierId);
  }
}
