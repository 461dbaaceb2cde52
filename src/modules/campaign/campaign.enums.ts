import { registerEnumType } from 'type-graphql';

/** What a campaign is for; reports group by it. */
export enum CampaignGoal {
  REPURCHASE = 'REPURCHASE',
  REACTIVATION = 'REACTIVATION',
  NEW_PRODUCT = 'NEW_PRODUCT',
  CARE = 'CARE',
}

/** Where a campaign stands. */
export enum CampaignStatus {
  DRAFT = 'DRAFT',
  SCHEDULED = 'SCHEDULED',
  RUNNING = 'RUNNING',
  PAUSED = 'PAUSED',
  COMPLETED = 'COMPLETED',
  CANCELLED = 'CANCELLED',
}

/** When a campaign sends. */
export enum CampaignSchedule {
  /** Once, as soon as it is launched. */
  NOW = 'NOW',
  /** Once, at `startsAt`. */
  AT = 'AT',
  /** Every `everyDays` days from `startsAt` until `endsAt`. */
  RECURRING = 'RECURRING',
  /** To each member the trigger names, as it happens, until `endsAt`. */
  TRIGGER = 'TRIGGER',
}

/** What starts a TRIGGER campaign for a member. */
export enum CampaignTriggerKind {
  /** The member entered `segmentId`. */
  SEGMENT_ENTERED = 'SEGMENT_ENTERED',
  /** The member moved into lifecycle `stage`. */
  LIFECYCLE_ENTERED = 'LIFECYCLE_ENTERED',
  /** The member's churn risk crossed `threshold` upwards. */
  CHURN_RISK_CROSSED = 'CHURN_RISK_CROSSED',
  /** `days` days before the member's birthday (in the tenant's time zone); later for a member added after that day's check. */
  BIRTHDAY = 'BIRTHDAY',
  /** `days` days after one of the member's orders was paid (post-purchase care). */
  ORDER_PAID = 'ORDER_PAID',
  /** Points of the member expire within `days` days. */
  POINTS_EXPIRING = 'POINTS_EXPIRING',
  /** On each of `dates` (the tenant's holiday calendar for this campaign), to the whole audience. */
  HOLIDAY = 'HOLIDAY',
}

/** What a member gets with the message. */
export enum CampaignOfferKind {
  NONE = 'NONE',
  /** A coupon of `couponTemplateId`, issued at send time; its code is the {{coupon_code}} variable. */
  COUPON = 'COUPON',
  /** `points` points credited at send time. */
  POINTS_BONUS = 'POINTS_BONUS',
  /** Orders paid within `validDays` of the send earn `multiplierPercent` % of their points. */
  POINTS_MULTIPLIER = 'POINTS_MULTIPLIER',
  /** One prize drawn at send time from the campaign's pool, by weight, while stock lasts. */
  LOTTERY = 'LOTTERY',
}

/** Where one message stands. */
export enum DeliveryState {
  /** Waiting for the sender (or a retry). */
  QUEUED = 'QUEUED',
  /** Handed to an external gateway whose answer is not recorded yet. */
  SENDING = 'SENDING',
  SENT = 'SENT',
  /** The gateway refused it, or every retry failed. */
  FAILED = 'FAILED',
  /** Not sent, for `reason`. */
  SUPPRESSED = 'SUPPRESSED',
}

/** Why a delivery was not sent. */
export enum SuppressionReason {
  /** Held out as the control group. */
  CONTROL_GROUP = 'CONTROL_GROUP',
  /** No consent to this channel when it was checked. */
  NO_CONSENT = 'NO_CONSENT',
  /** The member has no address on this channel. */
  NO_ADDRESS = 'NO_ADDRESS',
  /** The per-member, per-channel frequency cap was reached. */
  FREQUENCY_CAP = 'FREQUENCY_CAP',
  /** A deep-discount campaign skips members still inside their repurchase cycle. */
  IN_REPURCHASE_CYCLE = 'IN_REPURCHASE_CYCLE',
  /** The offer's stock or per-member limit ran out. */
  OFFER_UNAVAILABLE = 'OFFER_UNAVAILABLE',
  /** The member was merged or erased before the send. */
  MEMBER_GONE = 'MEMBER_GONE',
  /** The campaign was cancelled before the send. */
  CAMPAIGN_CANCELLED = 'CAMPAIGN_CANCELLED',
}

/** How a channel's messages leave the system. */
export enum ChannelAdapterKind {
  /** HTTP POST of each rendered message to a gateway, HMAC-signed, retried with backoff. */
  WEBHOOK = 'WEBHOOK',
  /** Stored in the outbox table, read through `outboxMessages` (development and tests). */
  OUTBOX = 'OUTBOX',
}

registerEnumType(CampaignGoal, { name: 'CampaignGoal', description: 'What a campaign is for.' });
registerEnumType(CampaignStatus, {
  name: 'CampaignStatus',
  description: 'Where a campaign stands. DRAFT → SCHEDULED/RUNNING (launch) → PAUSED ⇄ RUNNING → COMPLETED; CANCELLED from any but COMPLETED.',
});
registerEnumType(CampaignSchedule, { name: 'CampaignSchedule', description: 'When a campaign sends.' });
registerEnumType(CampaignTriggerKind, { name: 'CampaignTriggerKind', description: 'What starts a TRIGGER campaign for a member.' });
registerEnumType(CampaignOfferKind, { name: 'CampaignOfferKind', description: 'What a member gets with the message.' });
registerEnumType(DeliveryState, { name: 'DeliveryState', description: 'Where one message stands.' });
registerEnumType(SuppressionReason, { name: 'SuppressionReason', description: 'Why a delivery was not sent.' });
registerEnumType(ChannelAdapterKind, { name: 'ChannelAdapterKind', description: 'How a channel’s messages leave the system.' });
