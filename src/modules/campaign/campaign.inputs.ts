import { ArgsType, Field, Float, ID, InputType, Int } from 'type-graphql';
import { PageArgs } from '../../core/relay/connection.js';
import { ConsentChannel } from '../member/member.enums.js';
import { LifecycleStage } from '../lifecycle/lifecycle.enums.js';
import { CampaignGoal, CampaignOfferKind, CampaignSchedule, CampaignStatus, CampaignTriggerKind, ChannelAdapterKind, DeliveryState } from './campaign.enums.js';

@InputType({ description: 'One message variant. Templates are plain text with {{name}}, {{points}}, {{tier}}, {{coupon_code}} and {{prize}}.' })
export class CampaignVariantInput {
  @Field({ description: 'Variant key, 1 to 20 letters, digits, "-" or "_", unique in the campaign (e.g. "A").' })
  key!: string;

  @Field(() => Int, { nullable: true, description: 'Share of the treatment group relative to the other variants (default 1), 1 to 10,000.' })
  weight?: number | null;

  @Field(() => String, { nullable: true, description: 'Subject (EMAIL) or title (PUSH), up to 200 characters.' })
  subject?: string | null;

  @Field({ description: 'The message, 1 to 2,000 characters.' })
  body!: string;
}

@InputType({ description: 'A prize of a LOTTERY offer: a coupon template or points.' })
export class CampaignPrizeInput {
  @Field({ description: 'Prize key, unique in the campaign; the {{prize}} variable shows it.' })
  key!: string;

  @Field(() => ID, { nullable: true, description: 'Coupon template to issue.' })
  couponTemplateId?: string | null;

  @Field(() => Int, { nullable: true, description: 'Points to credit, 1 to 1,000,000.' })
  points?: number | null;

  @Field(() => Int, { description: 'Draw weight relative to the other prizes, 1 to 1,000,000.' })
  weight!: number;

  @Field(() => Int, { nullable: true, description: 'How many can be won; null is unlimited.' })
  stock?: number | null;
}

@InputType({ description: 'What members get with the message.' })
export class CampaignOfferInput {
  @Field(() => CampaignOfferKind)
  kind!: CampaignOfferKind;

  @Field(() => ID, { nullable: true, description: 'COUPON: the template issued to each member at send time.' })
  couponTemplateId?: string | null;

  @Field(() => Int, { nullable: true, description: 'POINTS_BONUS: points credited at send time, 1 to 1,000,000.' })
  points?: number | null;

  @Field(() => Int, { nullable: true, description: 'POINTS_MULTIPLIER: percent of normal points earned by orders paid within validDays (e.g. 200 = double), 101 to 1,000.' })
  multiplierPercent?: number | null;

  @Field(() => Int, { nullable: true, description: 'POINTS_MULTIPLIER: days after the send it applies, 1 to 90 (default 7).' })
  validDays?: number | null;

  @Field(() => [CampaignPrizeInput], { nullable: true, description: 'LOTTERY: the prize pool, 1 to 20 prizes.' })
  prizes?: CampaignPrizeInput[] | null;
}

@InputType({ description: 'What starts a TRIGGER campaign for a member.' })
export class CampaignTriggerInput {
  @Field(() => CampaignTriggerKind)
  kind!: CampaignTriggerKind;

  @Field(() => ID, { nullable: true, description: 'SEGMENT_ENTERED: the segment.' })
  segmentId?: string | null;

  @Field(() => LifecycleStage, { nullable: true, description: 'LIFECYCLE_ENTERED: the stage.' })
  stage?: LifecycleStage | null;

  @Field(() => Float, { nullable: true, description: 'CHURN_RISK_CROSSED: one of the tenant’s churn thresholds, crossed upwards.' })
  threshold?: number | null;

  @Field(() => Int, { nullable: true, description: 'BIRTHDAY: days before (0 to 60; a member added later hears with less notice); ORDER_PAID: days after (0 to 365); POINTS_EXPIRING: days ahead (1 to 90).' })
  days?: number | null;

  @Field(() => [String], { nullable: true, description: 'HOLIDAY: dates YYYY-MM-DD in the tenant’s time zone, 1 to 100.' })
  dates?: string[] | null;
}

@InputType({ description: 'Everything that defines a campaign. On update, omitted fields stay as they are.' })
export class CampaignSpecInput {
  @Field(() => String, { nullable: true, description: 'Name, 1 to 200 characters.' })
  name?: string | null;

  @Field(() => CampaignGoal, { nullable: true })
  goal?: CampaignGoal | null;

  @Field(() => ConsentChannel, { nullable: true, description: 'The channel; only members who consented to it are sent to.' })
  channel?: ConsentChannel | null;

  @Field(() => [ID], { nullable: true, description: 'Segments whose members are the audience (any of them); empty is every active member.' })
  includeSegmentIds?: string[] | null;

  @Field(() => [ID], { nullable: true, description: 'Segments whose members are left out.' })
  excludeSegmentIds?: string[] | null;

  @Field(() => CampaignSchedule, { nullable: true, description: 'When it sends (default NOW).' })
  schedule?: CampaignSchedule | null;

  @Field(() => Date, { nullable: true, description: 'AT: when; RECURRING: the first run; TRIGGER: from when events count (default: launch).' })
  startsAt?: Date | null;

  @Field(() => Int, { nullable: true, description: 'RECURRING: days between runs, 1 to 365.' })
  everyDays?: number | null;

  @Field(() => Date, { nullable: true, description: 'RECURRING and TRIGGER: the campaign completes at this time.' })
  endsAt?: Date | null;

  @Field(() => CampaignTriggerInput, { nullable: true, description: 'TRIGGER: what starts it for a member.' })
  trigger?: CampaignTriggerInput | null;

  @Field(() => [CampaignVariantInput], { nullable: true, description: 'The message, or 2 to 5 variants for an A/B test.' })
  variants?: CampaignVariantInput[] | null;

  @Field(() => CampaignOfferInput, { nullable: true, description: 'The offer (default none).' })
  offer?: CampaignOfferInput | null;

  @Field(() => Int, { nullable: true, description: 'Percent of eligible members held out as the control group, 0 to 90 (default 0); stable per member.' })
  controlPercent?: number | null;

  @Field(() => Int, { nullable: true, description: 'Days after a send in which an order counts as a conversion, 1 to 90 (default 7).' })
  attributionDays?: number | null;

  @Field(() => Boolean, { nullable: true, description: 'With a deep-discount offer, also send to members inside their repurchase cycle (default false).' })
  includeInCycle?: boolean | null;
}

@InputType({ description: 'A new campaign, created as a DRAFT.' })
export class CampaignCreateInput extends CampaignSpecInput {}

@InputType({ description: 'Changes to a DRAFT campaign.' })
export class CampaignUpdateInput extends CampaignSpecInput {
  @Field(() => ID, { description: 'The campaign.' })
  id!: string;
}

@InputType({ description: 'A campaign to act on.' })
export class CampaignIdInput {
  @Field(() => ID, { description: 'The campaign.' })
  id!: string;
}

@ArgsType()
export class CampaignsArgs extends PageArgs {
  @Field(() => CampaignStatus, { nullable: true, description: 'Only campaigns in this status.' })
  status?: CampaignStatus | null;
}

@ArgsType()
export class CampaignDeliveriesArgs extends PageArgs {
  @Field(() => DeliveryState, { nullable: true, description: 'Only deliveries in this state.' })
  state?: DeliveryState | null;
}

@ArgsType()
export class CampaignReportsArgs extends PageArgs {
  @Field(() => Date, { description: 'Deliveries planned at or after this time.' })
  since!: Date;

  @Field(() => Date, { description: 'Deliveries planned before this time.' })
  until!: Date;
}

@ArgsType()
export class OutboxMessagesArgs extends PageArgs {
  @Field(() => ID, { nullable: true, description: 'Only this campaign’s messages.' })
  campaignId?: string | null;
}

@InputType({ description: 'Changes to the tenant’s sending rules. Omitted fields stay; quiet hours are cleared with clearQuietHours.' })
export class CampaignSettingsUpdateInput {
  @Field(() => String, { nullable: true, description: 'IANA time zone for quiet hours, birthdays and holiday dates, e.g. Asia/Shanghai.' })
  timezone?: string | null;

  @Field(() => String, { nullable: true, description: 'Quiet hours start, HH:MM local time; nothing is sent from start to end.' })
  quietHoursStart?: string | null;

  @Field(() => String, { nullable: true, description: 'Quiet hours end, HH:MM local time (may be earlier than start: the quiet time wraps midnight).' })
  quietHoursEnd?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'Remove the quiet hours.' })
  clearQuietHours?: boolean | null;

  @Field(() => Int, { nullable: true, description: 'At most this many messages per member and channel (default 2), 1 to 100 ...' })
  capMessages?: number | null;

  @Field(() => Int, { nullable: true, description: '... in any this many days (default 7), 1 to 365.' })
  capDays?: number | null;

  @Field(() => Int, { nullable: true, description: 'An offer taking off at least this percent is a deep discount (default 20), 1 to 100.' })
  deepDiscountPercent?: number | null;
}

@InputType({ description: 'How one outbound channel is wired.' })
export class MessageChannelConfigureInput {
  @Field(() => ConsentChannel)
  channel!: ConsentChannel;

  @Field(() => ChannelAdapterKind)
  adapter!: ChannelAdapterKind;

  @Field(() => String, { nullable: true, description: 'WEBHOOK: the gateway URL (http or https).' })
  url?: string | null;

  @Field(() => Int, { nullable: true, description: 'What one message costs, in minor units (default 0), for ROI.' })
  costPerMessage?: number | null;

  @Field(() => Int, { nullable: true, description: 'WEBHOOK: attempts before a message FAILS, 1 to 20 (default 5).' })
  maxAttempts?: number | null;

  @Field(() => Boolean, { nullable: true, description: 'Make a new signing secret (the old one stops working at once).' })
  rotateSecret?: boolean | null;
}
