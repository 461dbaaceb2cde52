import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { GraphQLContext } from '../../core/context.js';
import { READERS } from '../../core/auth/viewer.js';
import { payloadOf, toPayload } from '../../core/graphql/payload.js';
import { MemberNode } from '../member/member.type.js';
import { memberById } from '../member/member.loaders.js';
import { StoreNode } from '../store/store.type.js';
import { storeById } from '../store/store.loaders.js';
import { INGESTERS } from '../touchpoint/touchpoint.resolver.js';
import { OrderFilterArgs, OrderRecordInput, OrderRefundInput } from './order.inputs.js';
import { OrderConnection, OrderItemNode, OrderNode, OrderRefundNode } from './order.type.js';
import { OrderService } from './order.service.js';
import { OrderRefundService } from './order-refund.service.js';
import { OrderQueryService } from './order-query.service.js';
import { itemsByOrder, refundsByOrder } from './order.loaders.js';

const OrderRecordPayload = payloadOf('orderRecord', 'order', OrderNode, 'order as stored');
const OrderRefundPayload = payloadOf('orderRefund', 'order', OrderNode, 'refunded order');

@Resolver(() => OrderNode)
export class OrderResolver {
  @Authorized(INGESTERS)
  @Mutation(() => OrderRecordPayload, { description: 'Creates or updates an order by externalId (idempotent); member stats follow at once.' })
  async orderRecord(@Arg('input') input: OrderRecordInput, @Ctx() ctx: GraphQLContext) {
    return toPayload('order', await new OrderService(ctx).record(input), OrderNode.from);
  }

  @Authorized(INGESTERS)
  @Mutation(() => OrderRefundPayload, { description: 'Refunds part (by amount or lines) or all of a paid order, once per refundId.' })
  async orderRefund(@Arg('input') input: OrderRefundInput, @Ctx() ctx: GraphQLContext) {
    return toPayload('order', await new OrderRefundService(ctx).refund(input), OrderNode.from);
  }

  @Authorized(READERS)
  @Query(() => OrderNode, { nullable: true, description: 'An order by id.' })
  async order(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<OrderNode | null> {
    const order = await new OrderQueryService(ctx).findByGlobalId(id);
    return order && OrderNode.from(order);
  }

  @Authorized(READERS)
  @Query(() => OrderNode, { nullable: true, description: "An order by the selling system's order number." })
  async orderByExternalId(@Arg('externalId') externalId: string, @Ctx() ctx: GraphQLContext): Promise<OrderNode | null> {
    const order = await new OrderQueryService(ctx).byExternalId(externalId);
    return order && OrderNode.from(order);
  }

  @Authorized(READERS)
  @Query(() => OrderConnection, { description: 'Orders of your tenant, newest first.' })
  async orders(@Args() args: OrderFilterArgs, @Ctx() ctx: GraphQLContext): Promise<OrderConnection> {
    return OrderConnection.from(await new OrderQueryService(ctx).list(args), OrderNode.from);
  }

  @FieldResolver(() => MemberNode, { nullable: true, description: 'Who bought (after merges, the survivor).' })
  async member(@Root() order: OrderNode, @Ctx() ctx: GraphQLContext): Promise<MemberNode | null> {
    const member = await ctx.loaders.get(memberById).load(order.memberDbId);
    return member && MemberNode.from(member, ctx.viewer);
  }

  @FieldResolver(() => StoreNode, { nullable: true, description: 'Where it was sold.' })
  async store(@Root() order: OrderNode, @Ctx() ctx: GraphQLContext): Promise<StoreNode | null> {
    if (!order.storeDbId) return null;
    const store = await ctx.loaders.get(storeById).load(order.storeDbId);
    return store && StoreNode.from(store);
  }

  @FieldResolver(() => [OrderItemNode], { description: 'Lines, in order.' })
  async items(@Root() order: OrderNode, @Ctx() ctx: GraphQLContext): Promise<OrderItemNode[]> {
    return (await ctx.loaders.get(itemsByOrder).load(order.dbId)).map((item) => OrderItemNode.from(item, order.currency));
  }

  @FieldResolver(() => [OrderRefundNode], { description: 'Refunds, oldest first.' })
  async refunds(@Root() order: OrderNode, @Ctx() ctx: GraphQLContext): Promise<OrderRefundNode[]> {
    return (await ctx.loaders.get(refundsByOrder).load(order.dbId)).map((refund) => OrderRefundNode.from(refund, order.currency));
  }
}
