import { TenantScopedEntity } from './tenant-scoped.entity.js';
import { Tenant } from '../../modules/tenant/tenant.entity.js';
import { AccessKey } from '../../modules/access-key/access-key.entity.js';
import { Store } from '../../modules/store/store.entity.js';
import { Member } from '../../modules/member/member.entity.js';
import { MemberIdentity } from '../../modules/member/member-identity.entity.js';
import { MemberTag } from '../../modules/member/member-tag.entity.js';
import { ConsentDecision, MemberConsent, MemberConsentEvent } from '../../modules/member/member-consent.entity.js';
import { MemberMerge } from '../../modules/member/member-merge.entity.js';
import { Touchpoint, TouchpointCustomType } from '../../modules/touchpoint/touchpoint.entity.js';
import { Order, OrderItem, OrderRefund } from '../../modules/order/order.entity.js';
import { MemberStats } from '../../modules/order/member-stats.entity.js';
import { LoyaltyProgram } from '../../modules/points/loyalty-program.entity.js';
import { PointsAccount, PointsEntry, PointsLot, PointsRule } from '../../modules/points/points.entity.js';
import { MemberTier, Tier, TierChange } from '../../modules/tier/tier.entity.js';
import { Coupon, CouponTemplate } from '../../modules/coupon/coupon.entity.js';
import { MemberRfm } from '../../modules/segment/rfm.entity.js';
import { Segment, SegmentMember, SegmentMovement, SegmentVersion } from '../../modules/segment/segment.entity.js';
import { LifecycleTransition, MemberLifecycle } from '../../modules/lifecycle/lifecycle.entity.js';
import { ChurnCrossing, ChurnModel, MemberChurn } from '../../modules/churn/churn.entity.js';
import { Campaign, CampaignDelivery, CampaignPrize, OutboxMessage } from '../../modules/campaign/campaign.entity.js';
import { CampaignSettings, MessageChannel } from '../../modules/campaign/campaign-settings.entity.js';

/** Entities whose rows belong to one tenant: the `tenant` filter applies to each. */
export const TENANT_SCOPED_ENTITIES = [
  AccessKey,
  Store,
  Member,
  MemberIdentity,
  MemberTag,
  MemberConsent,
  MemberConsentEvent,
  MemberMerge,
  Touchpoint,
  TouchpointCustomType,
  Order,
  OrderItem,
  OrderRefund,
  MemberStats,
  LoyaltyProgram,
  PointsAccount,
  PointsEntry,
  PointsLot,
  PointsRule,
  Tier,
  MemberTier,
  TierChange,
  CouponTemplate,
  Coupon,
  MemberRfm,
  Segment,
  SegmentVersion,
  SegmentMember,
  SegmentMovement,
  MemberLifecycle,
  LifecycleTransition,
  MemberChurn,
  ChurnModel,
  ChurnCrossing,
  Campaign,
  CampaignDelivery,
  CampaignPrize,
  OutboxMessage,
  CampaignSettings,
  MessageChannel,
];

export const ENTITIES = [TenantScopedEntity, ConsentDecision, Tenant, ...TENANT_SCOPED_ENTITIES];
