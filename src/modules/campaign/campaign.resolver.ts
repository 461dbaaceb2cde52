import { Arg, Args, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { GraphQLContext } from '../../core/context.js';
import { READERS, WRITERS } from '../../core/auth/viewer.js';
import { toPayload } from '../../core/graphql/payload.js';
import type { Outcome } from '../../core/errors.js';
import { CampaignService } from './campaign.service.js';
import { CampaignQueryService } from './campaign-query.service.js';
import { CampaignCreateInput, CampaignIdInput, CampaignsArgs, CampaignUpdateInput } from './campaign.inputs.js';
import { CampaignCancelPayload, CampaignCreatePayload, CampaignLaunchPayload, CampaignPausePayload, CampaignResumePayload, CampaignUpdatePayload } from './campaign.payloads.js';
import { CampaignConnection, CampaignNode } from './campaign.type.js';
import { CampaignPreviewNode } from './campaign-preview.type.js';
import type { Campaign } from './campaign.entity.js';

const payload = (outcome: Outcome<Campaign>) => toPayload('campaign', outcome, CampaignNode.from);

@Resolver(() => CampaignNode)
export class CampaignResolver {
  @Authorized(READERS)
  @Query(() => CampaignNode, { nullable: true, description: 'A campaign by id; null if there is none in your tenant.' })
  async campaign(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<CampaignNode | null> {
    const campaign = await new CampaignQueryService(ctx).byGlobalId(id);
    return campaign && CampaignNode.from(campaign);
  }

  @Authorized(READERS)
  @Query(() => CampaignConnection, { description: 'Your campaigns, newest first.' })
  async campaigns(@Args() args: CampaignsArgs, @Ctx() ctx: GraphQLContext) {
    return CampaignConnection.from(await new CampaignQueryService(ctx).list(args), CampaignNode.from);
  }

  @Authorized(READERS)
  @Query(() => CampaignPreviewNode, { nullable: true, description: 'What launching the campaign now would do: audience after consent, caps and the control group, sample messages, estimated cost. Nothing is saved. Null if there is no such campaign.' })
  async campaignPreview(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<CampaignPreviewNode | null> {
    const service = new CampaignQueryService(ctx);
    const campaign = await service.byGlobalId(id);
    return campaign && service.preview(campaign);
  }

  @Authorized(WRITERS)
  @Mutation(() => CampaignCreatePayload, { description: 'Creates a DRAFT campaign (name, goal and channel are required; the rest can follow with campaignUpdate).' })
  async campaignCreate(@Arg('input') input: CampaignCreateInput, @Ctx() ctx: GraphQLContext) {
    return payload(await new CampaignService(ctx).create(input));
  }

  @Authorized(WRITERS)
  @Mutation(() => CampaignUpdatePayload, { description: 'Changes a DRAFT campaign; omitted fields stay.' })
  async campaignUpdate(@Arg('input') input: CampaignUpdateInput, @Ctx() ctx: GraphQLContext) {
    return payload(await new CampaignService(ctx).update(input));
  }

  @Authorized(WRITERS)
  @Mutation(() => CampaignLaunchPayload, { description: 'Launches a DRAFT: RUNNING at once (NOW, or a start time that has come) or SCHEDULED. Its channel must be configured.' })
  async campaignLaunch(@Arg('input') input: CampaignIdInput, @Ctx() ctx: GraphQLContext) {
    return payload(await new CampaignService(ctx).launch(input));
  }

  @Authorized(WRITERS)
  @Mutation(() => CampaignPausePayload, { description: 'Pauses a SCHEDULED or RUNNING campaign: nothing is planned or sent until campaignResume.' })
  async campaignPause(@Arg('input') input: CampaignIdInput, @Ctx() ctx: GraphQLContext) {
    return payload(await new CampaignService(ctx).pause(input));
  }

  @Authorized(WRITERS)
  @Mutation(() => CampaignResumePayload, { description: 'Resumes a PAUSED campaign.' })
  async campaignResume(@Arg('input') input: CampaignIdInput, @Ctx() ctx: GraphQLContext) {
    return payload(await new CampaignService(ctx).resume(input));
  }

  @Authorized(WRITERS)
  @Mutation(() => CampaignCancelPayload, { description: 'Cancels a campaign for good; deliveries still waiting are SUPPRESSED (CAMPAIGN_CANCELLED).' })
  async campaignCancel(@Arg('input') input: CampaignIdInput, @Ctx() ctx: GraphQLContext) {
    return payload(await new CampaignService(ctx).cancel(input));
  }
}
