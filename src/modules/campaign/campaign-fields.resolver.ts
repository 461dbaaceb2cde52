import { Args, Authorized, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { GraphQLContext } from '../../core/context.js';
import { READERS } from '../../core/auth/viewer.js';
import { memberById } from '../member/member.loaders.js';
import { MemberNode } from '../member/member.type.js';
import { segmentById } from '../segment/segment.loaders.js';
import { SegmentNode } from '../segment/segment.type.js';
import { Segment } from '../segment/segment.entity.js';
import { CampaignQueryService } from './campaign-query.service.js';
import { CampaignDeliveriesArgs } from './campaign.inputs.js';
import { prizesByCampaign, progressByCampaign } from './campaign.loaders.js';
import { CampaignNode, CampaignPrizeNode, CampaignProgressNode, SuppressionCountNode } from './campaign.type.js';
import { CampaignDeliveryConnection, CampaignDeliveryNode } from './campaign-delivery.type.js';
import { SuppressionReason } from './campaign.enums.js';

async function segmentsOf(ctx: GraphQLContext, ids: string[]): Promise<SegmentNode[]> {
  const segments = await ctx.loaders.get(segmentById).loadMany(ids);
  return segments.filter((segment): segment is Segment => segment instanceof Segment && !segment.deletedAt).map(SegmentNode.from);
}

@Resolver(() => CampaignNode)
export class CampaignFieldsResolver {
  @Authorized(READERS)
  @FieldResolver(() => [SegmentNode], { description: 'Segments whose members are the audience (any of them); empty is every active member.' })
  includeSegments(@Root() campaign: CampaignNode, @Ctx() ctx: GraphQLContext): Promise<SegmentNode[]> {
    return segmentsOf(ctx, campaign.includeSegmentDbIds);
  }

  @Authorized(READERS)
  @FieldResolver(() => [SegmentNode], { description: 'Segments whose members are left out.' })
  excludeSegments(@Root() campaign: CampaignNode, @Ctx() ctx: GraphQLContext): Promise<SegmentNode[]> {
    return segmentsOf(ctx, campaign.excludeSegmentDbIds);
  }

  @Authorized(READERS)
  @FieldResolver(() => [CampaignPrizeNode], { description: 'LOTTERY: the prize pool with what was won.' })
  async prizes(@Root() campaign: CampaignNode, @Ctx() ctx: GraphQLContext): Promise<CampaignPrizeNode[]> {
    return (await ctx.loaders.get(prizesByCampaign).load(campaign.dbId)).map(CampaignPrizeNode.from);
  }

  @Authorized(READERS)
  @FieldResolver(() => CampaignProgressNode, { description: 'Where the deliveries stand.' })
  async progress(@Root() campaign: CampaignNode, @Ctx() ctx: GraphQLContext): Promise<CampaignProgressNode> {
    const counts = await ctx.loaders.get(progressByCampaign).load(campaign.dbId);
    return Object.assign(new CampaignProgressNode(), {
      queued: counts.states.QUEUED ?? 0,
      sending: counts.states.SENDING ?? 0,
      sent: counts.states.SENT ?? 0,
      failed: counts.states.FAILED ?? 0,
      suppressed: counts.states.SUPPRESSED ?? 0,
      suppressedBy: Object.entries(counts.reasons).map(([reason, count]) => Object.assign(new SuppressionCountNode(), { reason: reason as SuppressionReason, count })),
    });
  }

  @Authorized(READERS)
  @FieldResolver(() => CampaignDeliveryConnection, { description: 'The deliveries, in planning order.' })
  async deliveries(@Root() campaign: CampaignNode, @Args() args: CampaignDeliveriesArgs, @Ctx() ctx: GraphQLContext) {
    return CampaignDeliveryConnection.from(await new CampaignQueryService(ctx).deliveries(campaign.dbId, args), CampaignDeliveryNode.from);
  }
}

@Resolver(() => CampaignDeliveryNode)
export class CampaignDeliveryResolver {
  @Authorized(READERS)
  @FieldResolver(() => MemberNode, { nullable: true, description: 'The member.' })
  async member(@Root() delivery: CampaignDeliveryNode, @Ctx() ctx: GraphQLContext): Promise<MemberNode | null> {
    const member = await ctx.loaders.get(memberById).load(delivery.memberDbId);
    return member ? MemberNode.from(member, ctx.viewer) : null;
  }
}
