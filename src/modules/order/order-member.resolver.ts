import { Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { GraphQLContext } from '../../core/context.js';
import { MemberNode } from '../member/member.type.js';
import { TouchpointNode } from '../touchpoint/touchpoint.type.js';
import { tenantSettings } from '../tenant/tenant-settings.js';
import { OrderFilterArgs } from './order.inputs.js';
import { MemberPurchaseStatsNode, OrderConnection, OrderNode } from './order.type.js';
import { OrderQueryService } from './order-query.service.js';
import { orderById, statsByMember } from './order.loaders.js';

/** Orders and purchase stats on Member, kept in the order module. */
@Resolver(() => MemberNode)
export class MemberOrdersResolver {
  @FieldResolver(() => OrderConnection, { description: "The member's orders, newest first." })
  async orders(@Root() member: MemberNode, @Args() args: OrderFilterArgs, @Ctx() ctx: GraphQLContext): Promise<OrderConnection> {
    return OrderConnection.from(await new OrderQueryService(ctx).forMember(member.dbId, args), OrderNode.from);
  }

  @FieldResolver(() => MemberPurchaseStatsNode, { description: 'What the member bought, kept exact through orders, refunds and merges.' })
  async purchaseStats(@Root() member: MemberNode, @Ctx() ctx: GraphQLContext): Promise<MemberPurchaseStatsNode> {
    const [stats, settings] = await Promise.all([ctx.loaders.get(statsByMember).load(member.dbId), tenantSettings(ctx)]);
    return MemberPurchaseStatsNode.from(stats, settings.currency);
  }
}

/** The order a touchpoint is about. */
@Resolver(() => TouchpointNode)
export class TouchpointOrderResolver {
  @FieldResolver(() => OrderNode, { nullable: true, description: 'The order this event is about, for order events.' })
  async order(@Root() touchpoint: TouchpointNode, @Ctx() ctx: GraphQLContext): Promise<OrderNode | null> {
    if (!touchpoint.orderDbId) return null;
    const order = await ctx.loaders.get(orderById).load(touchpoint.orderDbId);
    return order && OrderNode.from(order);
  }
}
