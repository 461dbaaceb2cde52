import { Field, ObjectType } from 'type-graphql';
import { UserError } from '../../core/errors.js';
import { payloadOf } from '../../core/graphql/payload.js';
import { CampaignNode } from './campaign.type.js';
import { CampaignSettingsNode, MessageChannelNode } from './campaign-settings.type.js';

export const CampaignCreatePayload = payloadOf('campaignCreate', 'campaign', CampaignNode, 'new DRAFT campaign');
export const CampaignUpdatePayload = payloadOf('campaignUpdate', 'campaign', CampaignNode, 'campaign as changed');
export const CampaignLaunchPayload = payloadOf('campaignLaunch', 'campaign', CampaignNode, 'launched campaign');
export const CampaignPausePayload = payloadOf('campaignPause', 'campaign', CampaignNode, 'paused campaign');
export const CampaignResumePayload = payloadOf('campaignResume', 'campaign', CampaignNode, 'resumed campaign');
export const CampaignCancelPayload = payloadOf('campaignCancel', 'campaign', CampaignNode, 'cancelled campaign');
export const CampaignSettingsUpdatePayload = payloadOf('campaignSettingsUpdate', 'settings', CampaignSettingsNode, 'sending rules as changed');

@ObjectType({ simpleResolvers: true, description: 'Result of `messageChannelConfigure`.' })
export class MessageChannelConfigurePayload {
  @Field(() => MessageChannelNode, { nullable: true, description: 'The channel as wired, unless userErrors says why not.' })
  channel!: MessageChannelNode | null;

  @Field(() => String, {
    nullable: true,
    description: 'WEBHOOK: the HMAC-SHA256 key of the x-ecrm-signature header, shown only when it is made (a new webhook, or rotateSecret). Keep it in the gateway.',
  })
  signingSecret!: string | null;

  @Field(() => [UserError], { description: 'Why nothing was written; empty on success.' })
  userErrors!: UserError[];
}
