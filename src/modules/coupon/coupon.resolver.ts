import { Arg, Args, Authorized, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { GraphQLContext } from '../../core/context.js';
import { READERS, WRITERS } from '../../core/auth/viewer.js';
import { Role } from '../../core/auth/role.js';
import { payloadOf, toPayload } from '../../core/graphql/payload.js';
import { INGESTERS } from '../touchpoint/touchpoint.resolver.js';
import { MemberNode } from '../member/member.type.js';
import { memberById } from '../member/member.loaders.js';
import { PointsChangePayload } from '../points/points.resolver.js';
import { tenantSettings } from '../tenant/tenant-settings.js';
import { CouponKind } from './coupon.enums.js';
import { CouponFilterArgs, CouponIssueInput, CouponRedeemInput, CouponTemplateCreateInput, CouponTemplateFilterArgs, CouponTemplateUpdateInput, CouponVoidInput } from './coupon.inputs.js';
import { CouponConnection, CouponNode, CouponTemplateConnection, CouponTemplateNode } from './coupon.type.js';
import { CouponService } from './coupon.service.js';
import { CouponTemplateService } from './coupon-template.service.js';
import { couponById, templateById } from './coupon.loaders.js';

const CouponTemplateCreatePayload = payloadOf('couponTemplateCreate', 'couponTemplate', CouponTemplateNode, 'template created');
const CouponTemplateUpdatePayload = payloadOf('couponTemplateUpdate', 'couponTemplate', CouponTemplateNode, 'template as changed');
const CouponIssuePayload = payloadOf('couponIssue', 'coupon', CouponNode, 'coupon issued');
const CouponRedeemPayload = payloadOf('couponRedeem', 'coupon', CouponNode, 'coupon as redeemed, with its discount');
const CouponVoidPayload = payloadOf('couponVoid', 'coupon', CouponNode, 'coupon withdrawn');

const currencyOf = async (ctx: GraphQLContext) => (await tenantSettings(ctx)).currency;

@Resolver(() => CouponNode)
export class CouponResolver {
  @Authorized(READERS)
  @Query(() => CouponTemplateConnection, { description: 'Coupon templates, newest first.' })
  async couponTemplates(@Args() args: CouponTemplateFilterArgs, @Ctx() ctx: GraphQLContext): Promise<CouponTemplateConnection> {
    const [page, currency] = await Promise.all([new CouponTemplateService(ctx).list(args), currencyOf(ctx)]);
    return CouponTemplateConnection.from(page, (template) => CouponTemplateNode.from(template, currency));
  }

  @Authorized([...READERS, Role.INGEST])
  @Query(() => CouponNode, { nullable: true, description: 'A coupon by its code (a till checks one before redeeming); null when no coupon has it.' })
  async coupon(@Arg('code') code: string, @Ctx() ctx: GraphQLContext): Promise<CouponNode | null> {
    const [coupon, currency] = await Promise.all([new CouponService(ctx).byCode(code), currencyOf(ctx)]);
    return coupon && CouponNode.from(coupon, currency);
  }

  @Authorized(WRITERS)
  @Mutation(() => CouponTemplateCreatePayload, { description: 'Creates a coupon template.' })
  async couponTemplateCreate(@Arg('input') input: CouponTemplateCreateInput, @Ctx() ctx: GraphQLContext) {
    const outcome = await new CouponTemplateService(ctx).create(input);
    const currency = await currencyOf(ctx);
    return toPayload('couponTemplate', outcome, (template) => CouponTemplateNode.from(template, currency));
  }

  @Authorized(WRITERS)
  @Mutation(() => CouponTemplateUpdatePayload, { description: 'Changes a template; what its coupons take off is fixed once coupons were issued.' })
  async couponTemplateUpdate(@Arg('input') input: CouponTemplateUpdateInput, @Ctx() ctx: GraphQLContext) {
    const outcome = await new CouponTemplateService(ctx).update(input);
    const currency = await currencyOf(ctx);
    return toPayload('couponTemplate', outcome, (template) => CouponTemplateNode.from(template, currency));
  }

  @Authorized(WRITERS)
  @Mutation(() => CouponIssuePayload, { description: 'Issues a coupon to a member; stock and the per-member limit hold under concurrency.' })
  async couponIssue(@Arg('input') input: CouponIssueInput, @Ctx() ctx: GraphQLContext) {
    const outcome = await new CouponService(ctx).issue(input);
    const currency = await currencyOf(ctx);
    return toPayload('coupon', outcome, (coupon) => CouponNode.from(coupon, currency));
  }

  @Authorized(INGESTERS)
  @Mutation(() => CouponRedeemPayload, { description: 'Redeems a coupon once against an order and returns the discount; a retry for the same order returns the same answer.' })
  async couponRedeem(@Arg('input') input: CouponRedeemInput, @Ctx() ctx: GraphQLContext) {
    const outcome = await new CouponService(ctx).redeem(input);
    const currency = await currencyOf(ctx);
    return toPayload('coupon', outcome, (coupon) => CouponNode.from(coupon, currency));
  }

  @Authorized(WRITERS)
  @Mutation(() => CouponVoidPayload, { description: 'Withdraws a coupon that was not redeemed; it still counts towards stock and the member’s limit. Withdrawing it again changes nothing.' })
  async couponVoid(@Arg('input') input: CouponVoidInput, @Ctx() ctx: GraphQLContext) {
    const outcome = await new CouponService(ctx).void(input);
    const currency = await currencyOf(ctx);
    return toPayload('coupon', outcome, (coupon) => CouponNode.from(coupon, currency));
  }

  @FieldResolver(() => CouponTemplateNode, { description: 'What kind of coupon it is.' })
  async template(@Root() coupon: CouponNode, @Ctx() ctx: GraphQLContext): Promise<CouponTemplateNode> {
    const [template, currency] = await Promise.all([ctx.loaders.get(templateById).load(coupon.templateDbId), currencyOf(ctx)]);
    return CouponTemplateNode.from(template!, currency);
  }

  @FieldResolver(() => Boolean, { description: 'Whether it takes the shipping fee off (a FREE_SHIPPING coupon).' })
  async freeShipping(@Root() coupon: CouponNode, @Ctx() ctx: GraphQLContext): Promise<boolean> {
    const template = await ctx.loaders.get(templateById).load(coupon.templateDbId);
    return template?.kind === CouponKind.FREE_SHIPPING;
  }

  @FieldResolver(() => MemberNode, { nullable: true, description: 'Whose coupon it is.' })
  async member(@Root() coupon: CouponNode, @Ctx() ctx: GraphQLContext): Promise<MemberNode | null> {
    const member = await ctx.loaders.get(memberById).load(coupon.memberDbId);
    return member && MemberNode.from(member, ctx.viewer);
  }
}

/** Coupons on Member (the member's own token reads them too). */
@Resolver(() => MemberNode)
export class MemberCouponsResolver {
  @FieldResolver(() => CouponConnection, { description: 'The member’s coupons, newest first; `status` narrows them.' })
  async coupons(@Root() member: MemberNode, @Args() args: CouponFilterArgs, @Ctx() ctx: GraphQLContext): Promise<CouponConnection> {
    const [page, currency] = await Promise.all([new CouponService(ctx).forMember(member.dbId, args.status, args), currencyOf(ctx)]);
    return CouponConnection.from(page, (coupon) => CouponNode.from(coupon, currency));
  }
}

/** The coupon a points redemption bought. */
@Resolver(() => PointsChangePayload)
export class PointsCouponResolver {
  @FieldResolver(() => CouponNode, { nullable: true, description: 'The coupon bought, for COUPON redemptions.' })
  async coupon(@Root() payload: PointsChangePayload, @Ctx() ctx: GraphQLContext): Promise<CouponNode | null> {
    if (!payload.couponDbId) return null;
    const [coupon, currency] = await Promise.all([ctx.loaders.get(couponById).load(payload.couponDbId), currencyOf(ctx)]);
    return coupon && CouponNode.from(coupon, currency);
  }
}
