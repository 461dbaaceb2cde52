import { BigIntType, Check, Entity, Enum, Index, ManyToOne, OneToOne, Property, Unique } from '@mikro-orm/core';
import { TenantScopedEntity } from '../../core/db/tenant-scoped.entity.js';
import { Member } from '../member/member.entity.js';
import { Tenant } from '../tenant/tenant.entity.js';
import { TierChangeReason } from './tier.enums.js';

/** One benefit of a tier, as data a UI can show. */
export interface TierBenefit {
  name: string;
  description?: string | null;
}

/** A tenant-defined tier (Silver, Gold, ...), reached by growth value. */
@Entity()
@Unique({ properties: ['tenantId', 'code'] })
@Check({ name: 'tier_values_check', expression: 'threshold >= 0 and earn_multiplier_percent >= 0 and earn_multiplier_percent <= 10000 and discount_percent >= 0 and discount_percent <= 100' })
export class Tier extends TenantScopedEntity {
  @Property({ type: 'text' })
  code!: string;

  @Property({ type: 'text' })
  name!: string;

  /** Growth value needed to reach the tier (minor units or points, by the programme's basis). */
  @Property({ type: new BigIntType('number') })
  threshold!: number;

  /** Earning multiplier for members in the tier; 100 = 1x. */
  @Property({ type: 'integer', default: 100 })
  earnMultiplierPercent: number = 100;

  /** Discount the tier entitles to, in percent (applied by the selling system). */
  @Property({ type: 'integer', default: 0 })
  discountPercent: number = 0;

  @Property({ type: 'json' })
  benefits: TierBenefit[] = [];

  /** A retired tier holds no members and is kept so history still names it. */
  @Property({ columnType: 'timestamptz', type: 'datetime', nullable: true })
  retiredAt?: Date | null;

  @Property({ columnType: 'timestamptz', type: 'datetime' })
  updatedAt: Date = new Date();
}

/** A member's current tier; no row (or no tier) means below the lowest threshold. */
@Entity()
@Index({ properties: ['tenantId', 'reviewAt'] })
@Index({ properties: ['tenantId', 'tierId'] })
export class MemberTier {
  @OneToOne(() => Member, { primary: true, mapToPk: true, fieldName: 'member_id', deleteRule: 'cascade', owner: true })
  memberId!: string;

  @ManyToOne(() => Tenant, { mapToPk: true, fieldName: 'tenant_id', deleteRule: 'cascade', updateRule: 'no action' })
  tenantId!: string;

  @ManyToOne(() => Tier, { mapToPk: true, nullable: true, fieldName: 'tier_id', deleteRule: 'set null' })
  tierId?: string | null;

  /** Growth value when last computed. */
  @Property({ type: new BigIntType('number'), default: 0 })
  growthValue: number = 0;

  @Property({ columnType: 'timestamptz', type: 'datetime', nullable: true })
  since?: Date | null;

  /** End of the tier's period: the review then may lower it. */
  @Property({ columnType: 'timestamptz', type: 'datetime', nullable: true })
  reviewAt?: Date | null;

  @Property({ columnType: 'timestamptz', type: 'datetime' })
  updatedAt: Date = new Date();
}

/** A change of a member's tier, kept for history. */
@Entity()
@Index({ properties: ['tenantId', 'memberId', 'createdAt', 'id'] })
export class TierChange extends TenantScopedEntity {
  @ManyToOne(() => Member, { mapToPk: true, fieldName: 'member_id', deleteRule: 'cascade' })
  memberId!: string;

  @ManyToOne(() => Tier, { mapToPk: true, nullable: true, fieldName: 'from_tier_id', deleteRule: 'set null' })
  fromTierId?: string | null;

  @ManyToOne(() => Tier, { mapToPk: true, nullable: true, fieldName: 'to_tier_id', deleteRule: 'set null' })
  toTierId?: string | null;

  @Enum({ items: () => TierChangeReason })
  reason!: TierChangeReason;

  @Property({ type: new BigIntType('number') })
  growthValue!: number;
}
