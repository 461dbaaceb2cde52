import { Arg, Authorized, Ctx, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';
import type { GraphQLContext } from '../../core/context.js';
import { MEMBER_ROLE } from '../../core/auth/viewer.js';
import { Role } from '../../core/auth/role.js';
import { MemberNode } from '../member/member.type.js';
import { memberById } from '../member/member.loaders.js';
import { PointsQueryService } from '../points/points-query.service.js';
import { PointsExpiryNode } from '../points/points.type.js';
import { TierNode } from '../tier/tier.type.js';
import { TierQueryService } from '../tier/tier-query.service.js';
import { CardService } from './card.service.js';
import { CardScanNode, MembershipCardNode } from './card.type.js';

/** The card on Member: the member's own token, OWNER and ADMIN (ANALYST sees the number masked). */
@Resolver(() => MemberNode)
export class MemberCardResolver {
  @Authorized([Role.OWNER, Role.ADMIN, Role.ANALYST, MEMBER_ROLE])
  @FieldResolver(() => MembershipCardNode, { nullable: true, description: 'The membership card (issued on first read); null for merged or erased members.' })
  card(@Root() member: MemberNode, @Ctx() ctx: GraphQLContext): Promise<MembershipCardNode | null> {
    return new CardService(ctx).card(member.dbId);
  }
}

@Resolver(() => MembershipCardNode)
export class MembershipCardResolver {
  @FieldResolver(() => TierNode, { nullable: true, description: 'The member’s tier.' })
  async tier(@Root() card: MembershipCardNode, @Ctx() ctx: GraphQLContext): Promise<TierNode | null> {
    const tier = await new TierQueryService(ctx).tierOf(card.memberDbId);
    return tier && TierNode.from(tier);
  }

  @FieldResolver(() => Int, { description: 'The points balance (as `pointsAccount.balance`).' })
  async balance(@Root() card: MembershipCardNode, @Ctx() ctx: GraphQLContext): Promise<number> {
    return (await new PointsQueryService(ctx).account(card.memberDbId)).balance();
  }

  @FieldResolver(() => [PointsExpiryNode], { description: 'Points expiring within `withinDays` days (default 90), soonest first.' })
  expiringSoon(@Root() card: MembershipCardNode, @Arg('withinDays', () => Int, { defaultValue: 90 }) withinDays: number, @Ctx() ctx: GraphQLContext): Promise<PointsExpiryNode[]> {
    return new PointsQueryService(ctx).expiringSoon(card.memberDbId, withinDays);
  }
}

@Resolver(() => CardScanNode)
export class CardScanResolver {
  @Authorized([Role.OWNER, Role.ADMIN, Role.INGEST])
  @Query(() => CardScanNode, { description: 'Turns a scanned membership card code back into its member (store scanners).' })
  memberByCardCode(@Arg('code') code: string, @Ctx() ctx: GraphQLContext): Promise<CardScanNode> {
    return new CardService(ctx).scan(code);
  }

  @FieldResolver(() => MemberNode, { nullable: true, description: 'The member, when the code is VALID.' })
  async member(@Root() scan: CardScanNode, @Ctx() ctx: GraphQLContext): Promise<MemberNode | null> {
    if (!scan.memberDbId) return null;
    const member = await ctx.loaders.get(memberById).load(scan.memberDbId);
    return member && MemberNode.from(member, ctx.viewer);
  }
}
