import 'reflect-metadata';
import { GraphQLSchema, lexicographicSortSchema, printSchema } from 'graphql';
import { buildSchema, type PubSub } from 'type-graphql';
import '../core/graphql/enums.js';
import { authChecker } from '../core/auth/auth-checker.js';
import { DateTimeScalar, JSONScalar, MoneyScalar } from '../core/graphql/scalars.js';
import { AccessKeyResolver } from '../modules/access-key/access-key.resolver.js';
import { MemberResolver } from '../modules/member/member.resolver.js';
import { MemberMutationsResolver } from '../modules/member/member-mutations.resolver.js';
import { StoreResolver } from '../modules/store/store.resolver.js';
import { TenantResolver } from '../modules/tenant/tenant.resolver.js';
import { NodeResolver } from '../modules/viewer/node.resolver.js';
import { ViewerResolver } from '../modules/viewer/viewer.resolver.js';
import { TouchpointResolver } from '../modules/touchpoint/touchpoint.resolver.js';
import { MemberTouchpointsResolver } from '../modules/touchpoint/touchpoint-member.resolver.js';
import { OrderResolver } from '../modules/order/order.resolver.js';
import { MemberOrdersResolver, TouchpointOrderResolver } from '../modules/order/order-member.resolver.js';
import { LoyaltyProgramResolver } from '../modules/points/loyalty-program.resolver.js';
import { MemberRfmResolver, RfmResolver } from '../modules/segment/rfm.resolver.js';
import { MemberSegmentResolver, SegmentExplanationResolver, SegmentMovementResolver, SegmentPreviewResolver, SegmentResolver } from '../modules/segment/segment.resolver.js';
import { SegmentStaticResolver } from '../modules/segment/segment-static.resolver.js';
import { LifecycleResolver, MemberLifecycleResolver } from '../modules/lifecycle/lifecycle.resolver.js';
import { ChurnResolver, ChurnRiskCrossingResolver, MemberChurnResolver } from '../modules/churn/churn.resolver.js';
import { CampaignResolver } from '../modules/campaign/campaign.resolver.js';
import { CampaignDeliveryResolver, CampaignFieldsResolver } from '../modules/campaign/campaign-fields.resolver.js';
import { CampaignSettingsResolver } from '../modules/campaign/campaign-settings.resolver.js';
import { CampaignReportFieldResolver, CampaignReportResolver } from '../modules/campaign/campaign-report.resolver.js';
import '../modules/churn/churn.segment.js';
import { CardScanResolver, MemberCardResolver, MembershipCardResolver } from '../modules/card/card.resolver.js';
import { CouponResolver, MemberCouponsResolver, PointsCouponResolver } from '../modules/coupon/coupon.resolver.js';
import { MemberPointsResolver, PointsAccountResolver, PointsEntryResolver, PointsResolver } from '../modules/points/points.resolver.js';
import { MemberTierResolver, TierChangeResolver, TierResolver } from '../modules/tier/tier.resolver.js';
import { JobResolver } from '../modules/job/job.resolver.js';

export const RESOLVERS = [
  NodeResolver,
  TenantResolver,
  AccessKeyResolver,
  StoreResolver,
  MemberResolver,
  MemberMutationsResolver,
  ViewerResolver,
  TouchpointResolver,
  MemberTouchpointsResolver,
  OrderResolver,
  MemberOrdersResolver,
  TouchpointOrderResolver,
  LoyaltyProgramResolver,
  PointsResolver,
  MemberPointsResolver,
  PointsAccountResolver,
  PointsEntryResolver,
  RfmResolver,
  MemberRfmResolver,
  SegmentResolver,
  SegmentStaticResolver,
  SegmentPreviewResolver,
  SegmentExplanationResolver,
  SegmentMovementResolver,
  MemberSegmentResolver,
  LifecycleResolver,
  MemberLifecycleResolver,
  ChurnResolver,
  ChurnRiskCrossingResolver,
  MemberChurnResolver,
  CampaignResolver,
  CampaignFieldsResolver,
  CampaignDeliveryResolver,
  CampaignSettingsResolver,
  CampaignReportFieldResolver,
  CampaignReportResolver,
  MemberCardResolver,
  MembershipCardResolver,
  CardScanResolver,
  CouponResolver,
  MemberCouponsResolver,
  PointsCouponResolver,
  TierResolver,
  MemberTierResolver,
  TierChangeResolver,
  JobResolver,
] as const;

const NO_PUBSUB: PubSub = {
  publish: () => {
    throw new Error('no in-process pubSub: events go through the database outbox');
  },
  subscribe: () => {
    throw new Error('no in-process pubSub: subscriptions use their own `subscribe`');
  },
};

let built: Promise<GraphQLSchema> | undefined;

/** The one schema every client uses. Built once per process. */
export function appSchema(): Promise<GraphQLSchema> {
  built ??= buildSchema({
    resolvers: RESOLVERS,
    authChecker,
    validate: false,
    // Subscriptions bring their own streams (`subscribe`, see churn-feed.ts); type-graphql insists on a pubSub anyway.
    pubSub: NO_PUBSUB,
    scalarsMap: [{ type: Date, scalar: DateTimeScalar }],
  }).then((schema) => {
    // Scalars the conventions fix before every one of them is used by a field.
    const config = schema.toConfig();
    const missing = [MoneyScalar, JSONScalar].filter((scalar) => !schema.getType(scalar.name));
    return new GraphQLSchema({ ...config, types: [...config.types, ...missing] });
  });
  return built;
}

/** The SDL committed as schema/schema.graphql. */
export async function printAppSchema(): Promise<string> {
  return `${printSchema(lexicographicSortSchema(await appSchema()))}\n`;
}
