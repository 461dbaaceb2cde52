import { Arg, Args, Authorized, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import type { GraphQLContext } from '../../core/context.js';
import { READERS, WRITERS } from '../../core/auth/viewer.js';
import { toPayload } from '../../core/graphql/payload.js';
import { CampaignSettingsService } from './campaign-settings.service.js';
import { CampaignQueryService } from './campaign-query.service.js';
import { CampaignSettingsUpdateInput, MessageChannelConfigureInput, OutboxMessagesArgs } from './campaign.inputs.js';
import { CampaignSettingsUpdatePayload, MessageChannelConfigurePayload } from './campaign.payloads.js';
import { CampaignSettingsNode, MessageChannelNode } from './campaign-settings.type.js';
import { OutboxMessageConnection, OutboxMessageNode } from './campaign-delivery.type.js';

@Resolver()
export class CampaignSettingsResolver {
  @Authorized(READERS)
  @Query(() => CampaignSettingsNode, { description: 'Your sending rules: time zone, quiet hours, frequency cap, deep-discount threshold.' })
  async campaignSettings(@Ctx() ctx: GraphQLContext): Promise<CampaignSettingsNode> {
    return CampaignSettingsNode.from(await new CampaignSettingsService(ctx).settings());
  }

  @Authorized(WRITERS)
  @Mutation(() => CampaignSettingsUpdatePayload, { description: 'Changes your sending rules; they apply to the next plan and the next send.' })
  async campaignSettingsUpdate(@Arg('input') input: CampaignSettingsUpdateInput, @Ctx() ctx: GraphQLContext) {
    return toPayload('settings', await new CampaignSettingsService(ctx).update(input), CampaignSettingsNode.from);
  }

  @Authorized(READERS)
  @Query(() => [MessageChannelNode], { description: 'How your outbound channels are wired.' })
  async messageChannels(@Ctx() ctx: GraphQLContext): Promise<MessageChannelNode[]> {
    return (await new CampaignSettingsService(ctx).channels()).map(MessageChannelNode.from);
  }

  @Authorized(WRITERS)
  @Mutation(() => MessageChannelConfigurePayload, { description: 'Wires a channel to a WEBHOOK gateway or the OUTBOX. A new webhook (or rotateSecret) returns its signing secret, once.' })
  async messageChannelConfigure(@Arg('input') input: MessageChannelConfigureInput, @Ctx() ctx: GraphQLContext): Promise<MessageChannelConfigurePayload> {
    const outcome = await new CampaignSettingsService(ctx).configure(input);
    return outcome.ok
      ? { channel: MessageChannelNode.from(outcome.value.wiring), signingSecret: outcome.value.signingSecret, userErrors: [] }
      : { channel: null, signingSecret: null, userErrors: outcome.errors };
  }

  @Authorized(WRITERS)
  @Query(() => OutboxMessageConnection, { description: 'Messages the OUTBOX adapter stored, oldest first (development and tests). They hold addresses: OWNER and ADMIN only.' })
  async outboxMessages(@Args() args: OutboxMessagesArgs, @Ctx() ctx: GraphQLContext) {
    return OutboxMessageConnection.from(await new CampaignQueryService(ctx).outbox(args), OutboxMessageNode.from);
  }
}
