import { Check, Entity, Enum, Index, ManyToOne, Property, Unique } from '@mikro-orm/core';
import { TenantScopedEntity } from '../../core/db/tenant-scoped.entity.js';
import { Channel } from '../../core/channel.js';
import { Member } from '../member/member.entity.js';
import { Store } from '../store/store.entity.js';
import { Order } from '../order/order.entity.js';
import { PointsEntryKind } from './points.enums.js';

/**
 * A member's points. `balance` is what can be spent (the sum of the open lots' remaining points) and never
 * goes below zero; `debt` is what a refund took back after the points were spent. The ledger's sum is always
 * `balance - debt`. Hot writes go through prepared SQL (points-ledger.sql.ts), not the unit of work.
 */
@Entity()
@Unique({ properties: ['tenantId', 'memberId'] })
@Check({ name: 'points_account_balance_check', expression: 'balance >= 0 and debt >= 0' })
export class PointsAccount extends TenantScopedEntity {
  @ManyToOne(() => Member, { mapToPk: true, fieldName: 'member_id', deleteRule: 'cascade' })
  memberId!: string;

  @Property({ type: 'integer', default: 0 })
  balance: number = 0;

  @Property({ type: 'integer', default: 0 })
  debt: number = 0;

  /** Lifetime totals, for the card and for finance. */
  @Property({ type: 'integer', default: 0 })
  earned: number = 0;

  @Property({ type: 'integer', default: 0 })
  redeemed: number = 0;

  @Property({ type: 'integer', default: 0 })
  expired: number = 0;

  @Property({ columnType: 'timestamptz', type: 'datetime' })
  updatedAt: Date = new Date();
}

/** One append-only change to a points account. Entries are never updated or deleted (merges re-point them). */
@Entity()
@Unique({ properties: ['tenantId', 'idempotencyKey'] })
@Index({ properties: ['tenantId', 'memberId', 'createdAt', 'id'] })
@Index({ properties: ['tenantId', 'orderId'] })
export class PointsEntry extends TenantScopedEntity {
  @ManyToOne(() => Member, { mapToPk: true, fieldName: 'member_id', deleteRule: 'cascade' })
  memberId!: string;

  @Enum({ items: () => PointsEntryKind })
  kind!: PointsEntryKind;

  /** Signed change to `balance - debt`. */
  @Property({ type: 'integer' })
  amount!: number;

  /** `balance - debt` right after this entry. */
  @Property({ type: 'integer' })
  balanceAfter!: number;

  @Property({ type: 'integer', default: 0 })
  debtAfter: number = 0;

  @Property({ type: 'text', nullable: true })
  reason?: string | null;

  @ManyToOne(() => Store, { mapToPk: true, nullable: true, fieldName: 'store_id', deleteRule: 'set null' })
  storeId?: string | null;

  @Enum({ items: () => Channel, nullable: true })
  channel?: Channel | null;

  @ManyToOne(() => Order, { mapToPk: true, nullable: true, fieldName: 'order_id', deleteRule: 'set null' })
  orderId?: string | null;

  /** Who made the change: `key:<id>`, `member`, or `system:<job>`. */
  @Property({ type: 'text' })
  actor!: string;

  /** The caller's key (or `ecrm:...` for entries the system writes); a retry with it writes nothing. */
  @Property({ type: 'text' })
  idempotencyKey!: string;

  /** SHA-256 of the canonical request, to tell a retry from a different request under the same key. */
  @Property({ type: 'text' })
  requestHash!: string;

  /** How the amount came about: earning rules applied, lots consumed, debt repaid, coupon issued. */
  @Property({ type: 'json', nullable: true })
  breakdown?: Record<string, unknown> | null;
}

/**
 * Points earned together, expiring together. Redemptions consume the soonest-expiring lots first;
 * `remaining` of all open lots sums to the account's balance.
 */
@Entity()
@Index({ properties: ['tenantId', 'memberId', 'expiresAt'] })
@Index({ properties: ['tenantId', 'expiresAt'] })
@Index({ properties: ['tenantId', 'entryId'] })
@Check({ name: 'points_lot_remaining_check', expression: 'remaining >= 0 and remaining <= amount' })
export class PointsLot extends TenantScopedEntity {
  @ManyToOne(() => Member, { mapToPk: true, fieldName: 'member_id', deleteRule: 'cascade' })
  memberId!: string;

  /** The EARN or ADJUST entry that created the lot. */
  @ManyToOne(() => PointsEntry, { mapToPk: true, fieldName: 'entry_id', deleteRule: 'cascade' })
  entryId!: string;

  @Property({ type: 'integer' })
  amount!: number;

  @Property({ type: 'integer' })
  remaining!: number;

  @Property({ columnType: 'timestamptz', type: 'datetime', nullable: true })
  expiresAt?: Date | null;
}

/**
 * A tenant's earning rule. Matching rules multiply the base earning of an order line (the highest
 * multiplier among item rules times the highest among order rules) and add bonus points once per order.
 */
@Entity()
@Check({ name: 'points_rule_effect_check', expression: 'multiplier_percent >= 0 and multiplier_percent <= 10000 and bonus_points >= 0 and bonus_points <= 1000000' })
export class PointsRule extends TenantScopedEntity {
  @Property({ type: 'text' })
  name!: string;

  @Property({ type: 'boolean', default: true })
  active: boolean = true;

  @Enum({ items: () => Channel, nullable: true })
  channel?: Channel | null;

  @ManyToOne(() => Store, { mapToPk: true, nullable: true, fieldName: 'store_id', deleteRule: 'cascade' })
  storeId?: string | null;

  @Property({ type: 'text', nullable: true })
  category?: string | null;

  @Property({ type: 'text', nullable: true })
  sku?: string | null;

  @Property({ columnType: 'timestamptz', type: 'datetime', nullable: true })
  startsAt?: Date | null;

  @Property({ columnType: 'timestamptz', type: 'datetime', nullable: true })
  endsAt?: Date | null;

  /** 100 = 1x, 200 = 2x. */
  @Property({ type: 'integer', default: 100 })
  multiplierPercent: number = 100;

  @Property({ type: 'integer', default: 0 })
  bonusPoints: number = 0;

  @Property({ columnType: 'timestamptz', type: 'datetime' })
  updatedAt: Date = new Date();
}
