import { Field, Int, ObjectType } from 'type-graphql';
import { ConsentChannel } from '../member/member.enums.js';
import { ChannelAdapterKind } from './campaign.enums.js';
import type { CampaignSettings, MessageChannel } from './campaign-settings.entity.js';
import { formatClock } from './campaign-quiet.js';

@ObjectType('CampaignSettings', { simpleResolvers: true, description: 'The tenant’s sending rules.' })
export class CampaignSettingsNode {
  @Field({ description: 'IANA time zone for quiet hours, birthdays and holiday dates.' })
  timezone!: string;

  @Field(() => String, { nullable: true, description: 'Quiet hours start, HH:MM local time.' })
  quietHoursStart!: string | null;

  @Field(() => String, { nullable: true, description: 'Quiet hours end, HH:MM local time.' })
  quietHoursEnd!: string | null;

  @Field(() => Int, { description: 'At most this many messages per member and channel ...' })
  capMessages!: number;

  @Field(() => Int, { description: '... in any this many days.' })
  capDays!: number;

  @Field(() => Int, { description: 'An offer taking off at least this percent is a deep discount.' })
  deepDiscountPercent!: number;

  static from(settings: CampaignSettings): CampaignSettingsNode {
    return Object.assign(new CampaignSettingsNode(), {
      timezone: settings.timezone,
      quietHoursStart: settings.quietStartMinute == null ? null : formatClock(settings.quietStartMinute),
      quietHoursEnd: settings.quietEndMinute == null ? null : formatClock(settings.quietEndMinute),
      capMessages: settings.capMessages,
      capDays: settings.capDays,
      deepDiscountPercent: settings.deepDiscountPercent,
    });
  }
}

@ObjectType('MessageChannel', { simpleResolvers: true, description: 'How one outbound channel is wired. The signing secret is shown only by messageChannelConfigure, when it is made.' })
export class MessageChannelNode {
  @Field(() => ConsentChannel)
  channel!: ConsentChannel;

  @Field(() => ChannelAdapterKind)
  adapter!: ChannelAdapterKind;

  @Field(() => String, { nullable: true, description: 'WEBHOOK: the gateway URL.' })
  url!: string | null;

  @Field(() => Int, { description: 'Minor units per message.' })
  costPerMessage!: number;

  @Field(() => Int, { description: 'WEBHOOK: attempts before a message FAILS.' })
  maxAttempts!: number;

  @Field(() => Date)
  updatedAt!: Date;

  static from(wiring: MessageChannel): MessageChannelNode {
    return Object.assign(new MessageChannelNode(), {
      channel: wiring.channel,
      adapter: wiring.adapter,
      url: wiring.url ?? null,
      costPerMessage: wiring.costPerMessage,
      maxAttempts: wiring.maxAttempts,
      updatedAt: wiring.updatedAt,
    });
  }
}

