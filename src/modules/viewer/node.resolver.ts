import { Arg, Authorized, Ctx, ID, Query, Resolver } from 'type-graphql';
import type { GraphQLContext } from '../../core/context.js';
import { READERS } from '../../core/auth/viewer.js';
import { Role } from '../../core/auth/role.js';
import { badInput } from '../../core/errors.js';
import { Node } from '../../core/relay/node.js';
import { fromGlobalId } from '../../core/relay/global-id.js';
import { MemberNode } from '../member/member.type.js';
import { findMemberByGlobalId } from '../member/member-lookup.js';
import { StoreNode } from '../store/store.type.js';
import { StoreService } from '../store/store.service.js';
import { AccessKeyNode } from '../access-key/access-key.type.js';
import { AccessKeyService } from '../access-key/access-key.service.js';
import { OrderNode } from '../order/order.type.js';
import { OrderQueryService } from '../order/order-query.service.js';
import { TouchpointNode } from '../touchpoint/touchpoint.type.js';
import { TouchpointService } from '../touchpoint/touchpoint.service.js';
import { JobRunNode } from '../job/job.type.js';
import { JobService } from '../job/job.service.js';
import { TierNode } from '../tier/tier.type.js';
import { TierService } from '../tier/tier.service.js';
import { PointsEntryNode } from '../points/points.type.js';
import { PointsQueryService } from '../points/points-query.service.js';
import { PointsRuleNode } from '../points/loyalty-program.type.js';
import { LoyaltyProgramService } from '../points/loyalty-program.service.js';
import { CouponNode, CouponTemplateNode } from '../coupon/coupon.type.js';
import { CouponService } from '../coupon/coupon.service.js';
import { CouponTemplateService } from '../coupon/coupon-template.service.js';
import { tenantSettings } from '../tenant/tenant-settings.js';
import { SegmentQueryService } from '../segment/segment-query.service.js';
import { SegmentNode } from '../segment/segment.type.js';

type NodeFetcher = (ctx: GraphQLContext, id: string) => Promise<Node | null>;

/** How each type of global id is fetched; new Node types register here. */
const FETCHERS: Record<string, NodeFetcher> = {
  Member: async (ctx, id) => {
    const member = await findMemberByGlobalId(ctx.em, id);
    return member && MemberNode.from(member, ctx.viewer);
  },
  Store: async (ctx, id) => {
    const store = await new StoreService(ctx).findByGlobalId(id);
    return store && StoreNode.from(store);
  },
  Order: async (ctx, id) => {
    const order = await new OrderQueryService(ctx).findByGlobalId(id);
    return order && OrderNode.from(order);
  },
  Touchpoint: async (ctx, id) => {
    const touchpoint = await new TouchpointService(ctx).findByGlobalId(id);
    return touchpoint && TouchpointNode.from(touchpoint);
  },
  JobRun: async (ctx, id) => {
    const run = await new JobService(ctx).findByGlobalId(id);
    return run && JobRunNode.from(run);
  },
  Tier: async (ctx, id) => {
    const tier = await new TierService(ctx).findByGlobalId(id);
    return tier && TierNode.from(tier);
  },
  PointsEntry: async (ctx, id) => {
    const entry = await new PointsQueryService(ctx).entryByGlobalId(id);
    // A member token reads its own ledger only.
    if (!entry || (ctx.viewer.kind === 'member' && entry.memberId !== ctx.viewer.memberId)) return null;
    return PointsEntryNode.from(entry, ctx.viewer);
  },
  PointsRule: async (ctx, id) => {
    const rule = await new LoyaltyProgramService(ctx).ruleByGlobalId(id);
    return rule && PointsRuleNode.from(rule);
  },
  Coupon: async (ctx, id) => {
    const coupon = await new CouponService(ctx).findByGlobalId(id);
    if (!coupon || (ctx.viewer.kind === 'member' && coupon.memberId !== ctx.viewer.memberId)) return null;
    return CouponNode.from(coupon, (await tenantSettings(ctx)).currency);
  },
  CouponTemplate: async (ctx, id) => {
    const template = await new CouponTemplateService(ctx).findByGlobalId(id);
    return template && CouponTemplateNode.from(template, (await tenantSettings(ctx)).currency);
  },
  Segment: async (ctx, id) => {
    const segment = await new SegmentQueryService(ctx).byGlobalId(id);
    return segment && SegmentNode.from(segment);
  },
  AccessKey: async (ctx, id) => {
    if (ctx.viewer.kind !== 'key' || ctx.viewer.role !== Role.OWNER) return null;
    const key = await new AccessKeyService(ctx).findByGlobalId(id);
    return key && AccessKeyNode.from(key);
  },
};

function fetchNode(ctx: GraphQLContext, id: string): Promise<Node | null> {
  const type = fromGlobalId(id)?.type;
  const fetcher = type ? FETCHERS[type] : undefined;
  return fetcher ? fetcher(ctx, id) : Promise.resolve(null);
}

@Resolver()
export class NodeResolver {
  @Authorized(READERS)
  @Query(() => Node, { nullable: true, description: 'Any object by global id; null if there is none in your tenant.' })
  node(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<Node | null> {
    return fetchNode(ctx, id);
  }

  @Authorized(READERS)
  @Query(() => [Node], { nullable: 'items', description: 'Objects by global id, in order; null for each one not found. At most 100.' })
  nodes(@Arg('ids', () => [ID]) ids: string[], @Ctx() ctx: GraphQLContext): Promise<(Node | null)[]> {
    if (ids.length > 100) throw badInput('`ids` may hold at most 100 ids.', 'ids');
    return Promise.all(ids.map((id) => fetchNode(ctx, id)));
  }
}
