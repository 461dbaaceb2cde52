import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { Node } from '../../core/relay/node.js';
import { toGlobalId } from '../../core/relay/global-id.js';
import { connectionOf } from '../../core/relay/connection.js';
import { ConsentChannel } from '../member/member.enums.js';
import { LifecycleStage } from '../lifecycle/lifecycle.enums.js';
import { CampaignGoal, CampaignOfferKind, CampaignSchedule, CampaignStatus, CampaignTriggerKind, SuppressionReason } from './campaign.enums.js';
import type { Campaign, CampaignPrize } from './campaign.entity.js';

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

export const CampaignConnection = connectionOf(CampaignNode, 'Campaign', 'A page of campaigns.');
