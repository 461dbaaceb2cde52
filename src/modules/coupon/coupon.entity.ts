import { Check, Entity, Enum, Index, ManyToOne, Property, Unique } from '@mikro-orm/core';
import { TenantScopedEntity } from '../../core/db/tenant-scoped.entity.js';
import { Member } from '../member/member.entity.js';
import { CouponKind, CouponSource } from './coupon.enums.js';

/** What is stored for a coupon; AVAILABLE and EXPIRED are both ISSUED, told apart by time. */
export enum CouponState {
  ISSUED = 'ISSUED',
  REDEEMED = 'REDEEMED',
  VOID = 'VOID',
}

/** A kind of coupon a tenant issues: what it takes off, when, to whom and how many. */
@Entity()
@Check({
  name: 'coupon_template_values_check',
  expression:
    'amount_off >= 0 and percent_off >= 0 and percent_off <= 100 and min_spend >= 0 and per_member_limit >= 1 and issued_count >= 0 and (total_stock is null or issued_count <= total_stock) and (points_cost is null or points_cost > 0)',
})
export class CouponTemplate extends TenantScopedEntity {
  @Property({ type: 'text' })
  name!: string;

  @Enum({ items: () => CouponKind })
  kind!: CouponKind;

  /** Minor units off (AMOUNT_OFF). */
  @Property({ type: 'integer', default: 0 })
  amountOff: number = 0;

  /** Percent off the subtotal (PERCENT_OFF). */
  @Property({ type: 'integer', default: 0 })
  percentOff: number = 0;

  /** Cap on a PERCENT_OFF discount, in minor units. */
  @Property({ type: 'integer', nullable: true })
  maxDiscount?: number | null;

  /** Subtotal the order must reach, in minor units. */
  @Property({ type: 'integer', default: 0 })
  minSpend: number = 0;

  /** Fixed validity window; coupons are valid from issue to `validUntil` unless `validDays` is set. */
  @Property({ columnType: 'timestamptz', type: 'datetime', nullable: true })
  validFrom?: Date | null;

  @Property({ columnType: 'timestamptz', type: 'datetime', nullable: true })
  validUntil?: Date | null;

  /** Validity relative to issue, in days (ends no later than `validUntil` when both are set). */
  @Property({ type: 'integer', nullable: true })
  validDays?: number | null;

  @Property({ type: 'integer', default: 1 })
  perMemberLimit: number = 1;

  /** How many may be issued in all; null is unlimited. */
  @Property({ type: 'integer', nullable: true })
  totalStock?: number | null;

  @Property({ type: 'integer', default: 0 })
  issuedCount: number = 0;

  /** Points a member pays for one with `pointsRedeem`; null when not for sale. */
  @Property({ type: 'integer', nullable: true })
  pointsCost?: number | null;

  @Property({ type: 'boolean', default: true })
  active: boolean = true;

  @Property({ columnType: 'timestamptz', type: 'datetime' })
  updatedAt: Date = new Date();
}

/** A coupon issued to one member, redeemable once. */
@Entity()
@Unique({ properties: ['tenantId', 'code'] })
@Unique({ properties: ['tenantId', 'idempotencyKey'] })
@Index({ properties: ['tenantId', 'memberId', 'createdAt', 'id'] })
@Index({ properties: ['tenantId', 'templateId', 'memberId'] })
export class Coupon extends TenantScopedEntity {
  @ManyToOne(() => CouponTemplate, { mapToPk: true, fieldName: 'template_id', deleteRule: 'cascade' })
  templateId!: string;

  @ManyToOne(() => Member, { mapToPk: true, fieldName: 'member_id', deleteRule: 'cascade' })
  memberId!: string;

  /** What the member shows at the till; unique per tenant. */
  @Property({ type: 'text' })
  code!: string;

  @Enum({ items: () => CouponState, default: CouponState.ISSUED })
  state: CouponState = CouponState.ISSUED;

  @Enum({ items: () => CouponSource })
  source!: CouponSource;

  @Property({ columnType: 'timestamptz', type: 'datetime' })
  validFrom!: Date;

  @Property({ columnType: 'timestamptz', type: 'datetime', nullable: true })
  validUntil?: Date | null;

  /** The issuer's idempotency key, if one was given. */
  @Property({ type: 'text', nullable: true })
  idempotencyKey?: string | null;

  /** The points entry that paid for it (source POINTS). */
  @Property({ type: 'uuid', nullable: true })
  pointsEntryId?: string | null;

  @Property({ columnType: 'timestamptz', type: 'datetime', nullable: true })
  redeemedAt?: Date | null;

  /** The selling system's order number it was redeemed on. */
  @Property({ type: 'text', nullable: true })
  orderExternalId?: string | null;

  /** Minor units the coupon took off that order. */
  @Property({ type: 'integer', nullable: true })
  discount?: number | null;

  @Property({ columnType: 'timestamptz', type: 'datetime', nullable: true })
  voidedAt?: Date | null;
}
