import { Check, Entity, Enum, Index, ManyToOne, Property, Unique } from '@mikro-orm/core';
import { TenantScopedEntity } from '../../core/db/tenant-scoped.entity.js';
import { ConsentChannel } from '../member/member.enums.js';
import { Member } from '../member/member.entity.js';
import { CampaignGoal, CampaignOfferKind, CampaignSchedule, CampaignStatus, CampaignTriggerKind, DeliveryState, SuppressionReason } from './campaign.enums.js';

/** A message variant: A/B tests have several, split by weight. */
export interface CampaignVariant {
  key: string;
  /** Share of the treatment group, relative to the other variants' weights. */
  weight: number;
  /** E-mail subject (and push title); may use the same variables as the body. */
  subject: string | null;
  body: string;
}

/** What starts a TRIGGER campaign for a member. */
export interface CampaignTrigger {
  kind: CampaignTriggerKind;
  segmentId?: string | null;
  stage?: string | null;
  threshold?: number | null;
  days?: number | null;
  /** HOLIDAY: ISO dates (YYYY-MM-DD) in the tenant's time zone. */
  dates?: string[] | null;
}

/** The offer of a campaign; LOTTERY prizes are CampaignPrize rows. */
export interface CampaignOffer {
  kind: CampaignOfferKind;
  couponTemplateId?: string | null;
  points?: number | null;
  multiplierPercent?: number | null;
  validDays?: number | null;
}

/** Thrown by an illegal status change; services turn it into a userError. */
export class CampaignStateError extends Error {
  constructor(
    readonly from: CampaignStatus,
    readonly to: CampaignStatus,
  ) {
    super(`a ${from} campaign cannot become ${to}`);
  }
}

const MOVES: Record<CampaignStatus, readonly CampaignStatus[]> = {
  [CampaignStatus.DRAFT]: [CampaignStatus.SCHEDULED, CampaignStatus.RUNNING, CampaignStatus.CANCELLED],
  [CampaignStatus.SCHEDULED]: [CampaignStatus.RUNNING, CampaignStatus.PAUSED, CampaignStatus.CANCELLED],
  [CampaignStatus.RUNNING]: [CampaignStatus.PAUSED, CampaignStatus.COMPLETED, CampaignStatus.CANCELLED],
  [CampaignStatus.PAUSED]: [CampaignStatus.SCHEDULED, CampaignStatus.RUNNING, CampaignStatus.CANCELLED],
  [CampaignStatus.COMPLETED]: [],
  [CampaignStatus.CANCELLED]: [],
};

/**
 * A message to an audience over one channel, with an optional offer, sent once, at a time, on a
 * recurrence or on a trigger. Only a DRAFT's content changes; the status moves along MOVES only.
 */
@Entity()
@Index({ properties: ['tenantId', 'createdAt', 'id'] })
@Index({ properties: ['status', 'nextRunAt'] })
@Check({ name: 'campaign_values_check', expression: 'control_percent >= 0 and control_percent <= 90 and attribution_days >= 1 and attribution_days <= 90' })
export class Campaign extends TenantScopedEntity {
  @Property({ type: 'text' })
  name!: string;

  @Enum({ items: () => CampaignGoal })
  goal!: CampaignGoal;

  @Enum({ items: () => ConsentChannel })
  channel!: ConsentChannel;

  @Enum({ items: () => CampaignStatus, default: CampaignStatus.DRAFT })
  status: CampaignStatus = CampaignStatus.DRAFT;

  /** Members of any of these segments are the audience; none means every active member. */
  @Property({ type: 'json', default: '[]' })
  includeSegmentIds: string[] = [];

  /** Members of any of these are left out. */
  @Property({ type: 'json', default: '[]' })
  excludeSegmentIds: string[] = [];

  @Enum({ items: () => CampaignSchedule })
  schedule!: CampaignSchedule;

  @Property({ columnType: 'timestamptz', type: 'datetime', nullable: true })
  startsAt?: Date | null;

  @Property({ type: 'integer', nullable: true })
  everyDays?: number | null;

  @Property({ columnType: 'timestamptz', type: 'datetime', nullable: true })
  endsAt?: Date | null;

  @Property({ type: 'json', nullable: true })
  trigger?: CampaignTrigger | null;

  @Property({ type: 'json' })
  variants!: CampaignVariant[];

  @Property({ type: 'json' })
  offer!: CampaignOffer;

  /** Percent of the eligible audience held out, chosen by a hash of campaign and member (stable). */
  @Property({ type: 'integer', default: 0 })
  controlPercent: number = 0;

  /** Days after a send in which an order counts as a conversion. */
  @Property({ type: 'integer', default: 7 })
  attributionDays: number = 7;

  /** A deep-discount campaign sends to members inside their repurchase cycle only when this is set. */
  @Property({ type: 'boolean', default: false })
  includeInCycle: boolean = false;

  /** When the runner next plans an occurrence (NOW, AT, RECURRING); null when none is due. */
  @Property({ columnType: 'timestamptz', type: 'datetime', nullable: true })
  nextRunAt?: Date | null;

  /** TRIGGER: events up to here have been turned into deliveries. */
  @Property({ columnType: 'timestamptz', type: 'datetime', nullable: true })
  triggerCheckedUntil?: Date | null;

  @Property({ columnType: 'timestamptz', type: 'datetime', nullable: true })
  launchedAt?: Date | null;

  @Property({ columnType: 'timestamptz', type: 'datetime', nullable: true })
  finishedAt?: Date | null;

  @Property({ columnType: 'timestamptz', type: 'datetime' })
  updatedAt: Date = new Date();

  /** Moves to `to` or throws CampaignStateError. */
  moveTo(to: CampaignStatus, now: Date = new Date()): void {
    if (!MOVES[this.status].includes(to)) throw new CampaignStateError(this.status, to);
    this.status = to;
    this.updatedAt = now;
    if (to === CampaignStatus.COMPLETED || to === CampaignStatus.CANCELLED) {
      this.finishedAt = now;
      this.nextRunAt = null;
    }
  }

  /** Content can change only before launch. */
  get editable(): boolean {
    return this.status === CampaignStatus.DRAFT;
  }
}

/**
 * One message of a campaign to one member: at most one per campaign, member and occurrence (a one-off
 * campaign has one occurrence, '-'; recurring and trigger campaigns name theirs, e.g. a date or an order).
 * Control-group members get a SUPPRESSED row too (reason CONTROL_GROUP): the report compares them.
 */
@Entity()
@Unique({ properties: ['tenantId', 'campaignId', 'memberId', 'occurrence'] })
@Index({ properties: ['campaignId', 'state', 'id'] })
// Frequency caps count a member's sends: only sent rows are in it, so planning a million rows walks none of them.
@Index({ name: 'campaign_delivery_sent_index', expression: 'create index "campaign_delivery_sent_index" on "campaign_delivery" ("tenant_id", "member_id", "channel", "sent_at") where sent_at is not null' })
// The sender claims QUEUED rows in id order: sent rows are not in it, so a batch never walks what was sent.
@Index({ name: 'campaign_delivery_queued_index', expression: `create index "campaign_delivery_queued_index" on "campaign_delivery" ("campaign_id", "id") where state = 'QUEUED'` })
// Gateway retries and expired leases.
@Index({ name: 'campaign_delivery_retry_index', expression: `create index "campaign_delivery_retry_index" on "campaign_delivery" ("campaign_id", "next_attempt_at") where payload is not null and state in ('QUEUED', 'SENDING')` })
export class CampaignDelivery extends TenantScopedEntity {
  @ManyToOne(() => Campaign, { mapToPk: true, fieldName: 'campaign_id', deleteRule: 'cascade' })
  campaignId!: string;

  @ManyToOne(() => Member, { mapToPk: true, fieldName: 'member_id', deleteRule: 'cascade' })
  memberId!: string;

  @Property({ type: 'text' })
  occurrence!: string;

  @Enum({ items: () => ConsentChannel })
  channel!: ConsentChannel;

  /** The A/B variant; null for the control group. */
  @Property({ type: 'text', nullable: true })
  variant?: string | null;

  @Enum({ items: () => DeliveryState })
  state!: DeliveryState;

  @Enum({ items: () => SuppressionReason, nullable: true })
  reason?: SuppressionReason | null;

  @Property({ columnType: 'timestamptz', type: 'datetime', nullable: true })
  sentAt?: Date | null;

  @Property({ type: 'smallint', default: 0 })
  attempts: number = 0;

  /** QUEUED: not before this; SENDING: the lease of the sender that holds it. */
  @Property({ columnType: 'timestamptz', type: 'datetime', nullable: true })
  nextAttemptAt?: Date | null;

  @Property({ type: 'text', nullable: true })
  lastError?: string | null;

  /** The rendered message kept for gateway retries (WEBHOOK), so a retry sends the same bytes. */
  @Property({ type: 'json', nullable: true })
  payload?: Record<string, unknown> | null;

  @Property({ type: 'uuid', nullable: true })
  couponId?: string | null;

  /** What sending it cost, in minor units (the channel's price when it was sent). */
  @Property({ type: 'integer', default: 0 })
  cost: number = 0;

  /** Points credited by the offer (POINTS_BONUS, or a LOTTERY prize). */
  @Property({ type: 'integer', default: 0 })
  rewardPoints: number = 0;

  /** The LOTTERY prize drawn, by key; null when none was left or none was won. */
  @Property({ type: 'text', nullable: true })
  prize?: string | null;
}

/** What the OUTBOX adapter sends: the rendered message, stored in the same transaction as its delivery. */
@Entity()
@Index({ properties: ['tenantId', 'campaignId', 'id'] })
export class OutboxMessage extends TenantScopedEntity {
  @ManyToOne(() => CampaignDelivery, { mapToPk: true, fieldName: 'delivery_id', deleteRule: 'cascade', unique: true })
  deliveryId!: string;

  @Property({ type: 'uuid' })
  campaignId!: string;

  @Property({ type: 'uuid' })
  memberId!: string;

  @Enum({ items: () => ConsentChannel })
  channel!: ConsentChannel;

  /** Phone, e-mail, app user or chat id, as the channel needs. */
  @Property({ type: 'text' })
  recipient!: string;

  @Property({ type: 'text', nullable: true })
  subject?: string | null;

  @Property({ type: 'text' })
  body!: string;
}

/** A prize of a LOTTERY offer: a coupon or points, drawn by weight while `awarded` < `stock` (null: unlimited). */
@Entity()
@Unique({ properties: ['campaignId', 'key'] })
@Check({ name: 'campaign_prize_values_check', expression: 'weight > 0 and awarded >= 0 and (stock is null or awarded <= stock) and (points is null or points > 0)' })
export class CampaignPrize extends TenantScopedEntity {
  @ManyToOne(() => Campaign, { mapToPk: true, fieldName: 'campaign_id', deleteRule: 'cascade' })
  campaignId!: string;

  @Property({ type: 'text' })
  key!: string;

  @Property({ type: 'uuid', nullable: true })
  couponTemplateId?: string | null;

  @Property({ type: 'integer', nullable: true })
  points?: number | null;

  @Property({ type: 'integer' })
  weight!: number;

  @Property({ type: 'integer', nullable: true })
  stock?: number | null;

  @Property({ type: 'integer', default: 0 })
  awarded: number = 0;
}
