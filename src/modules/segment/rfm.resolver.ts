import { Authorized, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import type { GraphQLContext } from '../../core/context.js';
import { READERS } from '../../core/auth/viewer.js';
import { MemberNode } from '../member/member.type.js';
import { RfmService } from './rfm.service.js';
import { MemberRfmNode, RfmDistributionNode } from './rfm.type.js';

@Resolver()
export class RfmResolver {
  @Authorized(READERS)
  @Query(() => RfmDistributionNode, { description: 'Buyers and spend per RFM group and cell, as of the last RFM_REFRESH run (BI).' })
  rfmDistribution(@Ctx() ctx: GraphQLContext): Promise<RfmDistributionNode> {
    return new RfmService(ctx).distribution();
  }
}

/** RFM on Member; readers only (an internal classification, not for the member's own app). */
@Resolver(() => MemberNode)
export class MemberRfmResolver {
  @Authorized(READERS)
  @FieldResolver(() => MemberRfmNode, { nullable: true, description: 'RFM scores and group; null for members without a purchase in the window.' })
  rfm(@Root() member: MemberNode, @Ctx() ctx: GraphQLContext): Promise<MemberRfmNode | null> {
    return new RfmService(ctx).forMember(member.dbId);
  }
}
