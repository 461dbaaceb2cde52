import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { Node } from '../../core/relay/node.js';
import { toGlobalId } from '../../core/relay/global-id.js';
import { connectionOf } from '../../core/relay/connection.js';
import { ConsentChannel } from '../member/member.enums.js';
import { LifecycleStage } from '../lifecycle/lifecycle.enums.js';
import { CampaignGoal, CampaignOfferKind, CampaignSchedule, CampaignStatus, CampaignTriggerKind, ChannelAdapterKind, DeliveryState, SuppressionReason } from './campaign.enums.js';
import type { Campaign, CampaignDelivery, CampaignPrize, OutboxMessage } from './campaign.entity.js';
import type { CampaignSettings, MessageChannel } from './campaign-settings.entity.js';
import { formatClock } from './campaign-quiet.js';

const globalOrNull = (type: string, id: string | null | undefined) => (id ? toGlobalId(type, id) : null);

@ObjectType('CampaignVariant', { simpleResolvers: true, description: 'One message variant (an A/B test has several).' })
export class CampaignVariantNode {
  @Field({ description: 'Variant key.' })
  key!: string;

  @Field(() => Int, { description: 'Share of the treatment group relative to the other variants.' })
  weight!: number;

  @Field(() => String, { nullable: true, description: 'Subject or title template.' })
  subject!: string | null;

  @Field({ description: 'Message template.' })
  body!: string;
}

@ObjectType('CampaignPrize', { simpleResolvers: true, description: 'A prize of a LOTTERY offer.' })
export class CampaignPrizeNode {
  @Field({ description: 'Prize key.' })
  key!: string;

  @Field(() => ID, { nullable: true, description: 'Coupon template issued to winners.' })
  couponTemplateId!: string | null;

  @Field(() => Int, { nullable: true, description: 'Points credited to winners.' })
  points!: number | null;

  @Field(() => Int, { description: 'Draw weight.' })
  weight!: number;

  @Field(() => Int, { nullable: true, description: 'How many can be won; null is unlimited.' })
  stock!: number | null;

  @Field(() => Int, { description: 'How many were won.' })
  awarded!: number;

  static from(prize: CampaignPrize): CampaignPrizeNode {
    return Object.assign(new CampaignPrizeNode(), {
      key: prize.key,
      couponTemplateId: globalOrNull('CouponTemplate', prize.couponTemplateId),
      points: prize.points ?? null,
      weight: prize.weight,
      stock: prize.stock ?? null,
      awarded: prize.awarded,
    });
  }
}

@ObjectType('CampaignOffer', { simpleResolvers: true, description: 'What members get with the message.' })
export class CampaignOfferNode {
  @Field(() => CampaignOfferKind)
  kind!: CampaignOfferKind;

  @Field(() => ID, { nullable: true, description: 'COUPON: the coupon template.' })
  couponTemplateId!: string | null;

  @Field(() => Int, { nullable: true, description: 'POINTS_BONUS: points per member.' })
  points!: number | null;

  @Field(() => Int, { nullable: true, description: 'POINTS_MULTIPLIER: percent of normal points.' })
  multiplierPercent!: number | null;

  @Field(() => Int, { nullable: true, description: 'POINTS_MULTIPLIER: days after the send it applies.' })
  validDays!: number | null;
}

@ObjectType('CampaignTrigger', { simpleResolvers: true, description: 'What starts a TRIGGER campaign for a member.' })
export class CampaignTriggerNode {
  @Field(() => CampaignTriggerKind)
  kind!: CampaignTriggerKind;

  @Field(() => ID, { nullable: true, description: 'SEGMENT_ENTERED: the segment.' })
  segmentId!: string | null;

  @Field(() => LifecycleStage, { nullable: true, description: 'LIFECYCLE_ENTERED: the stage.' })
  stage!: LifecycleStage | null;

  @Field(() => Float, { nullable: true, description: 'CHURN_RISK_CROSSED: the threshold.' })
  threshold!: number | null;

  @Field(() => Int, { nullable: true, description: 'Days before (BIRTHDAY), after (ORDER_PAID) or ahead (POINTS_EXPIRING).' })
  days!: number | null;

  @Field(() => [String], { nullable: true, description: 'HOLIDAY: the dates.' })
  dates!: string[] | null;
}

@ObjectType('CampaignSuppressionCount', { simpleResolvers: true, description: 'Deliveries not sent for one reason.' })
export class SuppressionCountNode {
  @Field(() => SuppressionReason)
  reason!: SuppressionReason;

  @Field(() => Int)
  count!: number;
}

@ObjectType('CampaignProgress', { simpleResolvers: true, description: 'Where a campaign’s deliveries stand.' })
export class CampaignProgressNode {
  @Field(() => Int, { description: 'Waiting to be sent (or retried).' })
  queued!: number;

  @Field(() => Int, { description: 'Handed to a gateway, answer pending.' })
  sending!: number;

  @Field(() => Int)
  sent!: number;

  @Field(() => Int)
  failed!: number;

  @Field(() => Int, { description: 'Not sent, all reasons (the control group included).' })
  suppressed!: number;

  @Field(() => [SuppressionCountNode], { description: 'Suppressed deliveries by reason.' })
  suppressedBy!: SuppressionCountNode[];
}

@ObjectType('Campaign', { implements: Node, simpleResolvers: true, description: 'A message to an audience over one channel, with an optional offer, sent once, at a time, on a recurrence or on a trigger.' })
export class CampaignNode extends Node {
  dbId!: string;
  includeSegmentDbIds!: string[];
  excludeSegmentDbIds!: string[];

  @Field({ description: 'Name.' })
  name!: string;

  @Field(() => CampaignGoal)
  goal!: CampaignGoal;

  @Field(() => ConsentChannel, { description: 'The channel messages go out on.' })
  channel!: ConsentChannel;

  @Field(() => CampaignStatus)
  status!: CampaignStatus;

  @Field(() => CampaignSchedule)
  schedule!: CampaignSchedule;

  @Field(() => Date, { nullable: true, description: 'AT: when; RECURRING: the first run; TRIGGER: from when events count.' })
  startsAt!: Date | null;

  @Field(() => Int, { nullable: true, description: 'RECURRING: days between runs.' })
  everyDays!: number | null;

  @Field(() => Date, { nullable: true, description: 'RECURRING and TRIGGER: when it completes.' })
  endsAt!: Date | null;

  @Field(() => CampaignTriggerNode, { nullable: true })
  trigger!: CampaignTriggerNode | null;

  @Field(() => [CampaignVariantNode], { description: 'The message variants.' })
  variants!: CampaignVariantNode[];

  @Field(() => CampaignOfferNode)
  offer!: CampaignOfferNode;

  @Field(() => Int, { description: 'Percent of eligible members held out as the control group.' })
  controlPercent!: number;

  @Field(() => Int, { description: 'Days after a send in which an order counts as a conversion.' })
  attributionDays!: number;

  @Field({ description: 'A deep-discount offer also goes to members inside their repurchase cycle.' })
  includeInCycle!: boolean;

  @Field(() => Date, { nullable: true, description: 'When the runner next plans (a run, or a look for trigger events).' })
  nextRunAt!: Date | null;

  @Field(() => Date, { nullable: true })
  launchedAt!: Date | null;

  @Field(() => Date, { nullable: true, description: 'When it completed or was cancelled.' })
  finishedAt!: Date | null;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date)
  updatedAt!: Date;

  static from(campaign: Campaign): CampaignNode {
    const trigger = campaign.trigger;
    return Object.assign(new CampaignNode(), {
      id: toGlobalId('Campaign', campaign.id),
      dbId: campaign.id,
      includeSegmentDbIds: campaign.includeSegmentIds,
      excludeSegmentDbIds: campaign.excludeSegmentIds,
      name: campaign.name,
      goal: campaign.goal,
      channel: campaign.channel,
      status: campaign.status,
      schedule: campaign.schedule,
      startsAt: campaign.startsAt ?? null,
      everyDays: campaign.everyDays ?? null,
      endsAt: campaign.endsAt ?? null,
      trigger: trigger
        ? Object.assign(new CampaignTriggerNode(), {
            kind: trigger.kind,
            segmentId: globalOrNull('Segment', trigger.segmentId),
            stage: trigger.stage ?? null,
            threshold: trigger.threshold ?? null,
            days: trigger.days ?? null,
            dates: trigger.dates ?? null,
          })
        : null,
      variants: campaign.variants.map((variant) => Object.assign(new CampaignVariantNode(), variant)),
      offer: Object.assign(new CampaignOfferNode(), {
        kind: campaign.offer.kind,
        couponTemplateId: globalOrNull('CouponTemplate', campaign.offer.couponTemplateId),
        points: campaign.offer.points ?? null,
        multiplierPercent: campaign.offer.multiplierPercent ?? null,
        validDays: campaign.offer.validDays ?? null,
      }),
      controlPercent: campaign.controlPercent,
      attributionDays: campaign.attributionDays,
      includeInCycle: campaign.includeInCycle,
      nextRunAt: campaign.nextRunAt ?? null,
      launchedAt: campaign.launchedAt ?? null,
      finishedAt: campaign.finishedAt ?? null,
      createdAt: campaign.createdAt,
      updatedAt: campaign.updatedAt,
    });
  }
}

@ObjectType('CampaignDelivery', { implements: Node, simpleResolvers: true, description: 'One message of a campaign to one member (or a control-group hold-out).' })
export class CampaignDeliveryNode extends Node {
  dbId!: string;
  memberDbId!: string;
  campaignDbId!: string;

  @Field({ description: 'Which run of the campaign: "-" for a one-off, the run time for a recurring one, the event for a trigger.' })
  occurrence!: string;

  @Field(() => ConsentChannel)
  channel!: ConsentChannel;

  @Field(() => String, { nullable: true, description: 'The A/B variant; null for the control group and for members not eligible.' })
  variant!: string | null;

  @Field(() => DeliveryState)
  state!: DeliveryState;

  @Field(() => SuppressionReason, { nullable: true, description: 'Why it was not sent (SUPPRESSED).' })
  reason!: SuppressionReason | null;

  @Field(() => Date, { description: 'When the member was planned in: attribution windows start here.' })
  plannedAt!: Date;

  @Field(() => Date, { nullable: true })
  sentAt!: Date | null;

  @Field(() => Int, { description: 'Gateway attempts so far.' })
  attempts!: number;

  @Field(() => Date, { nullable: true, description: 'QUEUED: the next retry; SENDING: when the current attempt’s lease ends.' })
  nextAttemptAt!: Date | null;

  @Field(() => String, { nullable: true, description: 'The last gateway error (status or network error; never message content).' })
  lastError!: string | null;

  @Field(() => ID, { nullable: true, description: 'The coupon issued with it.' })
  couponId!: string | null;

  @Field(() => Int, { description: 'Points credited with it.' })
  rewardPoints!: number;

  @Field(() => String, { nullable: true, description: 'LOTTERY: the prize drawn.' })
  prize!: string | null;

  @Field(() => Int, { description: 'What sending it cost, in minor units.' })
  cost!: number;

  static from(delivery: CampaignDelivery): CampaignDeliveryNode {
    return Object.assign(new CampaignDeliveryNode(), {
      id: toGlobalId('CampaignDelivery', delivery.id),
      dbId: delivery.id,
      memberDbId: delivery.memberId,
      campaignDbId: delivery.campaignId,
      occurrence: delivery.occurrence,
      channel: delivery.channel,
      variant: delivery.variant ?? null,
      state: delivery.state,
      reason: delivery.reason ?? null,
      plannedAt: delivery.createdAt,
      sentAt: delivery.sentAt ?? null,
      attempts: delivery.attempts,
      nextAttemptAt: delivery.nextAttemptAt ?? null,
      lastError: delivery.lastError ?? null,
      couponId: globalOrNull('Coupon', delivery.couponId),
      rewardPoints: delivery.rewardPoints,
      prize: delivery.prize ?? null,
      cost: delivery.cost,
    });
  }
}

@ObjectType('OutboxMessage', { simpleResolvers: true, description: 'A message the OUTBOX adapter stored instead of sending (development and tests).' })
export class OutboxMessageNode {
  @Field(() => ID)
  id!: string;

  @Field(() => ID, { description: 'The delivery.' })
  deliveryId!: string;

  @Field(() => ID, { description: 'The campaign.' })
  campaignId!: string;

  @Field(() => ID, { description: 'The member.' })
  memberId!: string;

  @Field(() => ConsentChannel)
  channel!: ConsentChannel;

  @Field({ description: 'Phone, e-mail, app user or chat id.' })
  recipient!: string;

  @Field(() => String, { nullable: true })
  subject!: string | null;

  @Field()
  body!: string;

  @Field(() => Date)
  createdAt!: Date;

  static from(message: OutboxMessage): OutboxMessageNode {
    return Object.assign(new OutboxMessageNode(), {
      id: toGlobalId('OutboxMessage', message.id),
      deliveryId: toGlobalId('CampaignDelivery', message.deliveryId),
      campaignId: toGlobalId('Campaign', message.campaignId),
      memberId: toGlobalId('Member', message.memberId),
      channel: message.channel,
      recipient: message.recipient,
      subject: message.subject ?? null,
      body: message.body,
      createdAt: message.createdAt,
    });
  }
}

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

@ObjectType('CampaignPreviewMessage', { simpleResolvers: true, description: 'A message as one member would get it.' })
export class CampaignPreviewMessageNode {
  @Field(() => ID)
  memberId!: string;

  @Field()
  variant!: string;

  @Field({ description: 'Phone, e-mail, app user or chat id.' })
  recipient!: string;

  @Field(() => String, { nullable: true })
  subject!: string | null;

  @Field({ description: 'The rendered message ({{coupon_code}} shows a sample code).' })
  body!: string;
}

@ObjectType('CampaignPreview', { simpleResolvers: true, description: 'What launching now would do, computed with the sending rules and rolled back.' })
export class CampaignPreviewNode {
  @Field(() => Int, { description: 'Members in the audience (include and exclude segments applied).' })
  audience!: number;

  @Field(() => Int, { description: 'Members who would get the message, after consent, address, repurchase-cycle and frequency-cap rules and the control group.' })
  sendable!: number;

  @Field(() => Int, { description: 'Eligible members held out as the control group.' })
  control!: number;

  @Field(() => [SuppressionCountNode], { description: 'Members left out, by reason (the control group included).' })
  suppressedBy!: SuppressionCountNode[];

  @Field({ description: 'Whether the offer counts as a deep discount.' })
  deepDiscount!: boolean;

  @Field(() => Int, { description: 'Estimated sending cost in minor units (sendable x the channel’s price).' })
  estimatedSendCost!: number;

  @Field(() => Int, { description: 'Estimated points credited (POINTS_BONUS offers).' })
  estimatedPoints!: number;

  @Field(() => [CampaignPreviewMessageNode], { description: 'Sample rendered messages.' })
  samples!: CampaignPreviewMessageNode[];
}

export const CampaignConnection = connectionOf(CampaignNode, 'Campaign', 'A page of campaigns.');
export const CampaignDeliveryConnection = connectionOf(CampaignDeliveryNode, 'CampaignDelivery', 'A page of a campaign’s deliveries.');
export const OutboxMessageConnection = connectionOf(OutboxMessageNode, 'OutboxMessage', 'A page of outbox messages.');
