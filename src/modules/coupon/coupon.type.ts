import { Field, Int, ObjectType } from 'type-graphql';
import { Node } from '../../core/relay/node.js';
import { toGlobalId } from '../../core/relay/global-id.js';
import { connectionOf } from '../../core/relay/connection.js';
import { MoneyScalar, type MoneyValue } from '../../core/graphql/scalars.js';
import { Coupon, CouponState, type CouponTemplate } from './coupon.entity.js';
import { CouponKind, CouponSource, CouponStatus } from './coupon.enums.js';

/** What a coupon's state and validity make it now. */
export function statusOf(coupon: Coupon, now = new Date()): CouponStatus {
  if (coupon.state === CouponState.REDEEMED) return CouponStatus.REDEEMED;
  if (coupon.state === CouponState.VOID) return CouponStatus.VOID;
  return coupon.validUntil && coupon.validUntil <= now ? CouponStatus.EXPIRED : CouponStatus.AVAILABLE;
}

const money = (amount: number | null | undefined, currency: string): MoneyValue | null => (amount == null ? null : { amount, currency });

@ObjectType('CouponTemplate', { implements: Node, simpleResolvers: true, description: 'A kind of coupon: what it takes off, when, to whom and how many.' })
export class CouponTemplateNode extends Node {
  dbId!: string;

  @Field({ description: 'Name to show.' })
  name!: string;

  @Field(() => CouponKind, { description: 'What its coupons take off.' })
  kind!: CouponKind;

  @Field(() => MoneyScalar, { nullable: true, description: 'What an AMOUNT_OFF coupon takes off (never more than the subtotal); null for other kinds.' })
  amountOff!: MoneyValue | null;

  @Field(() => Int, { nullable: true, description: 'Percent off the subtotal, rounded down, for PERCENT_OFF; null for other kinds.' })
  percentOff!: number | null;

  @Field(() => MoneyScalar, { nullable: true, description: 'The most a PERCENT_OFF coupon takes off; null is no cap.' })
  maxDiscount!: MoneyValue | null;

  @Field(() => MoneyScalar, { description: 'Subtotal an order must reach for a coupon to be redeemed on it.' })
  minSpend!: MoneyValue;

  @Field(() => Date, { nullable: true, description: 'Coupons are not valid before this.' })
  validFrom!: Date | null;

  @Field(() => Date, { nullable: true, description: 'Coupons end at this time, and none is issued after it.' })
  validUntil!: Date | null;

  @Field(() => Int, { nullable: true, description: 'Days a coupon stays valid once it is valid (still ending by validUntil).' })
  validDays!: number | null;

  @Field(() => Int, { description: 'How many coupons of this template one member may hold, redeemed or not.' })
  perMemberLimit!: number;

  @Field(() => Int, { nullable: true, description: 'How many may be issued in all; null is unlimited.' })
  totalStock!: number | null;

  @Field(() => Int, { description: 'How many were issued.' })
  issuedCount!: number;

  @Field(() => Int, { nullable: true, description: 'How many can still be issued; null is unlimited.' })
  remainingStock!: number | null;

  @Field(() => Int, { nullable: true, description: 'Points a member pays for one with pointsRedeem; null when not for sale.' })
  pointsCost!: number | null;

  @Field({ description: 'Whether coupons are issued from it.' })
  active!: boolean;

  @Field({ description: 'When it was created.' })
  createdAt!: Date;

  static from(template: CouponTemplate, currency: string): CouponTemplateNode {
    return Object.assign(new CouponTemplateNode(), {
      id: toGlobalId('CouponTemplate', template.id),
      dbId: template.id,
      name: template.name,
      kind: template.kind,
      amountOff: template.kind === CouponKind.AMOUNT_OFF ? money(template.amountOff, currency) : null,
      percentOff: template.kind === CouponKind.PERCENT_OFF ? template.percentOff : null,
      maxDiscount: money(template.maxDiscount, currency),
      minSpend: money(template.minSpend, currency)!,
      validFrom: template.validFrom ?? null,
      validUntil: template.validUntil ?? null,
      validDays: template.validDays ?? null,
      perMemberLimit: template.perMemberLimit,
      totalStock: template.totalStock ?? null,
      issuedCount: template.issuedCount,
      remainingStock: template.totalStock == null ? null : template.totalStock - template.issuedCount,
      pointsCost: template.pointsCost ?? null,
      active: template.active,
      createdAt: template.createdAt,
    });
  }
}

@ObjectType('Coupon', { implements: Node, simpleResolvers: true, description: 'A coupon issued to one member, redeemable once.' })
export class CouponNode extends Node {
  dbId!: string;
  templateDbId!: string;
  memberDbId!: string;

  @Field({ description: 'What the member shows at the till: 12 letters and digits, without 0, O, 1, I or L.' })
  code!: string;

  @Field(() => CouponStatus, { description: 'Where it stands now (EXPIRED once validUntil has passed unredeemed).' })
  status!: CouponStatus;

  @Field(() => CouponSource, { description: 'How it reached the member.' })
  source!: CouponSource;

  @Field({ description: 'When it becomes valid.' })
  validFrom!: Date;

  @Field(() => Date, { nullable: true, description: 'When it ends; null is open-ended.' })
  validUntil!: Date | null;

  @Field(() => Date, { nullable: true, description: 'When it was redeemed.' })
  redeemedAt!: Date | null;

  @Field(() => String, { nullable: true, description: "The selling system's order number it was redeemed on." })
  orderExternalId!: string | null;

  @Field(() => MoneyScalar, { nullable: true, description: 'What it took off that order (0 for FREE_SHIPPING, which takes the shipping fee off); null until redeemed.' })
  discount!: MoneyValue | null;

  @Field(() => Date, { nullable: true, description: 'When it was withdrawn (couponVoid, or the member was erased).' })
  voidedAt!: Date | null;

  @Field({ description: 'When it was issued.' })
  createdAt!: Date;

  static from(coupon: Coupon, currency: string): CouponNode {
    return Object.assign(new CouponNode(), {
      id: toGlobalId('Coupon', coupon.id),
      dbId: coupon.id,
      templateDbId: coupon.templateId,
      memberDbId: coupon.memberId,
      code: coupon.code,
      status: statusOf(coupon),
      source: coupon.source,
      validFrom: coupon.validFrom,
      validUntil: coupon.validUntil ?? null,
      redeemedAt: coupon.redeemedAt ?? null,
      orderExternalId: coupon.orderExternalId ?? null,
      discount: money(coupon.discount, currency),
      voidedAt: coupon.voidedAt ?? null,
      createdAt: coupon.createdAt,
    });
  }
}

export const CouponConnection = connectionOf(CouponNode, 'Coupon', 'A page of coupons, newest first.');
export type CouponConnection = InstanceType<typeof CouponConnection>;
export const CouponTemplateConnection = connectionOf(CouponTemplateNode, 'CouponTemplate', 'A page of coupon templates, newest first.');
export type CouponTemplateConnection = InstanceType<typeof CouponTemplateConnection>;
