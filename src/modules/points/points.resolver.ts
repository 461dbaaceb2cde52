import { Arg, Args, Authorized, Ctx, Field, FieldResolver, Int, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import type { GraphQLContext } from '../../core/context.js';
import { READERS, WRITERS } from '../../core/auth/viewer.js';
import { UserError, type Outcome } from '../../core/errors.js';
import { MoneyScalar, type MoneyValue } from '../../core/graphql/scalars.js';
import { PageArgs } from '../../core/relay/connection.js';
import { INGESTERS } from '../touchpoint/touchpoint.resolver.js';
import { MemberNode } from '../member/member.type.js';
import { memberById } from '../member/member.loaders.js';
import { tenantSettings } from '../tenant/tenant-settings.js';
import { StoreNode } from '../store/store.type.js';
import { storeById } from '../store/store.loaders.js';
import { OrderNode } from '../order/order.type.js';
import { orderById } from '../order/order.loaders.js';
import { PointsAdjustInput, PointsEarnInput, PointsRedeemInput } from './points.inputs.js';
import { PointsService, type LedgerResult } from './points.service.js';
import { PointsRedeemService } from './points-redeem.service.js';
import { PointsQueryService } from './points-query.service.js';
import { PointsLiabilityService } from './points-liability.js';
import { entryDataOf, PointsAccountNode, PointsEntryConnection, PointsEntryNode, PointsExpiryNode, PointsLiability } from './points.type.js';

@ObjectType({ description: 'Result of a points change (`pointsEarn`, `pointsRedeem`, `pointsAdjust`).' })
export class PointsChangePayload {
  memberDbId!: string | null;
  couponDbId!: string | null;

  @Field(() => PointsEntryNode, { nullable: true, description: 'The ledger entry written (or, for a retry, written before).' })
  entry!: PointsEntryNode | null;

  @Field(() => MoneyScalar, { nullable: true, description: 'Money off the order, for ORDER_DISCOUNT redemptions.' })
  moneyValue!: MoneyValue | null;

  @Field(() => [UserError], { description: 'Why nothing was written; empty on success.' })
  userErrors!: UserError[];
}

async function payloadOf(ctx: GraphQLContext, outcome: Outcome<LedgerResult>): Promise<PointsChangePayload> {
  if (!outcome.ok) return Object.assign(new PointsChangePayload(), { memberDbId: null, couponDbId: null, entry: null, moneyValue: null, userErrors: outcome.errors });
  const { entry, couponId, moneyValue } = outcome.value;
  const currency = moneyValue != null ? (await tenantSettings(ctx)).currency : null;
  return Object.assign(new PointsChangePayload(), {
    memberDbId: entry.member_id,
    couponDbId: couponId ?? null,
    entry: PointsEntryNode.from(entryDataOf(entry), ctx.viewer),
    moneyValue: moneyValue != null ? { amount: moneyValue, currency: currency! } : null,
    userErrors: [],
  });
}

@Resolver(() => PointsChangePayload)
export class PointsResolver {
  @Authorized(INGESTERS)
  @Mutation(() => PointsChangePayload, { description: 'Grants points for an activity, once per idempotency key. Orders earn by themselves when paid.' })
  async pointsEarn(@Arg('input') input: PointsEarnInput, @Ctx() ctx: GraphQLContext): Promise<PointsChangePayload> {
    return payloadOf(ctx, await new PointsService(ctx).earn(input));
  }

  @Authorized(INGESTERS)
  @Mutation(() => PointsChangePayload, { description: 'Spends points on a reward, a coupon or money off an order: all or nothing (INSUFFICIENT_POINTS), once per idempotency key.' })
  async pointsRedeem(@Arg('input') input: PointsRedeemInput, @Ctx() ctx: GraphQLContext): Promise<PointsChangePayload> {
    return payloadOf(ctx, await new PointsRedeemService(ctx).redeem(input));
  }

  @Authorized(WRITERS)
  @Mutation(() => PointsChangePayload, { description: 'Corrects a balance by hand, with a mandatory reason; it cannot go below zero.' })
  async pointsAdjust(@Arg('input') input: PointsAdjustInput, @Ctx() ctx: GraphQLContext): Promise<PointsChangePayload> {
    return payloadOf(ctx, await new PointsService(ctx).adjust(input));
  }

  @Authorized(READERS)
  @Query(() => PointsLiability, { description: 'Outstanding points and their money value, by expiry month and by tier (finance).' })
  pointsLiability(@Ctx() ctx: GraphQLContext): Promise<PointsLiability> {
    return new PointsLiabilityService(ctx).liability();
  }

  @FieldResolver(() => MemberNode, { nullable: true, description: 'The member whose account changed.' })
  async member(@Root() payload: PointsChangePayload, @Ctx() ctx: GraphQLContext): Promise<MemberNode | null> {
    if (!payload.memberDbId) return null;
    const member = await ctx.loaders.get(memberById).load(payload.memberDbId);
    return member && MemberNode.from(member, ctx.viewer);
  }

  @FieldResolver(() => PointsAccountNode, { nullable: true, description: 'The account after the change (as it is now, for a retry).' })
  async account(@Root() payload: PointsChangePayload, @Ctx() ctx: GraphQLContext): Promise<PointsAccountNode | null> {
    return payload.memberDbId ? new PointsQueryService(ctx).account(payload.memberDbId) : null;
  }
}

/** Points on Member: readable by the member's own token too. */
@Resolver(() => MemberNode)
export class MemberPointsResolver {
  @FieldResolver(() => PointsAccountNode, { description: 'The member’s points account.' })
  pointsAccount(@Root() member: MemberNode, @Ctx() ctx: GraphQLContext): Promise<PointsAccountNode> {
    return new PointsQueryService(ctx).account(member.dbId);
  }

  @FieldResolver(() => PointsEntryConnection, { description: 'The member’s points ledger, newest first.' })
  async pointsHistory(@Root() member: MemberNode, @Args() args: PageArgs, @Ctx() ctx: GraphQLContext): Promise<PointsEntryConnection> {
    return PointsEntryConnection.from(await new PointsQueryService(ctx).history(member.dbId, args), (entry) => PointsEntryNode.from(entry, ctx.viewer));
  }
}

/** Where a ledger entry happened and what it was about. */
@Resolver(() => PointsEntryNode)
export class PointsEntryResolver {
  @FieldResolver(() => StoreNode, { nullable: true, description: 'The store where it happened.' })
  async store(@Root() entry: PointsEntryNode, @Ctx() ctx: GraphQLContext): Promise<StoreNode | null> {
    if (!entry.storeDbId) return null;
    const store = await ctx.loaders.get(storeById).load(entry.storeDbId);
    return store && StoreNode.from(store);
  }

  @FieldResolver(() => OrderNode, { nullable: true, description: 'The order that earned or took back these points.' })
  async order(@Root() entry: PointsEntryNode, @Ctx() ctx: GraphQLContext): Promise<OrderNode | null> {
    if (!entry.orderDbId) return null;
    const order = await ctx.loaders.get(orderById).load(entry.orderDbId);
    return order && OrderNode.from(order);
  }
}

@Resolver(() => PointsAccountNode)
export class PointsAccountResolver {
  @FieldResolver(() => [PointsExpiryNode], { description: 'Points that expire within the next `withinDays` days (default 90), by date, soonest first.' })
  expiringSoon(@Root() account: PointsAccountNode, @Arg('withinDays', () => Int, { defaultValue: 90 }) withinDays: number, @Ctx() ctx: GraphQLContext): Promise<PointsExpiryNode[]> {
    return new PointsQueryService(ctx).expiringSoon(account.memberDbId, withinDays);
  }
}
