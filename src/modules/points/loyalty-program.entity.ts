import { Check, Entity, Enum, OneToOne, Property } from '@mikro-orm/core';
import { Tenant } from '../tenant/tenant.entity.js';
import { PointsExpiryPolicy, PointsShortfallPolicy } from './points.enums.js';
import { TierBasis } from '../tier/tier.enums.js';

/**
 * A tenant’s loyalty programme: points, tiers and the membership card. One row per tenant, created with defaults on first use.
 * Rates are pairs of integers so that no fraction is ever stored: `earnPoints` points per `earnPerAmount`
 * minor units paid, and `redeemValue` minor units of money per `redeemPoints` points.
 */
@Entity()
@Check({ name: 'loyalty_program_rates_check', expression: 'earn_points >= 0 and earn_per_amount > 0 and redeem_points > 0 and redeem_value >= 0' })
@Check({ name: 'loyalty_program_months_check', expression: 'expiry_months >= 1 and expiry_months <= 120 and tier_window_months >= 1 and tier_window_months <= 60 and tier_period_months >= 1 and tier_period_months <= 60' })
export class LoyaltyProgram {
  @OneToOne(() => Tenant, { primary: true, mapToPk: true, fieldName: 'tenant_id', deleteRule: 'cascade', owner: true })
  tenantId!: string;

  @Property({ type: 'integer', default: 1 })
  earnPoints: number = 1;

  @Property({ type: 'integer', default: 100 })
  earnPerAmount: number = 100;

  @Property({ type: 'integer', default: 100 })
  redeemPoints: number = 100;

  @Property({ type: 'integer', default: 100 })
  redeemValue: number = 100;

  @Enum({ items: () => PointsExpiryPolicy, default: PointsExpiryPolicy.END_OF_YEAR_AFTER })
  expiryPolicy: PointsExpiryPolicy = PointsExpiryPolicy.END_OF_YEAR_AFTER;

  @Property({ type: 'integer', default: 12 })
  expiryMonths: number = 12;

  @Enum({ items: () => PointsShortfallPolicy, default: PointsShortfallPolicy.DEBT })
  shortfallPolicy: PointsShortfallPolicy = PointsShortfallPolicy.DEBT;

  @Enum({ items: () => TierBasis, default: TierBasis.NET_SPEND })
  tierBasis: TierBasis = TierBasis.NET_SPEND;

  /** Growth value counts what happened in this many months before now. */
  @Property({ type: 'integer', default: 12 })
  tierWindowMonths: number = 12;

  /** A tier, once reached, holds for this many months; the review at its end may lower it. */
  @Property({ type: 'integer', default: 12 })
  tierPeriodMonths: number = 12;

  /** How long a membership card barcode stays valid. */
  @Property({ type: 'integer', default: 120 })
  cardCodeTtlSeconds: number = 120;

  @Property({ columnType: 'timestamptz', type: 'datetime' })
  updatedAt: Date = new Date();
}
