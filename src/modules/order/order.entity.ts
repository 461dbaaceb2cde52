import { Entity, Enum, Index, ManyToOne, Property, Unique } from '@mikro-orm/core';
import { TenantScopedEntity } from '../../core/db/tenant-scoped.entity.js';
import { Channel } from '../../core/channel.js';
import { Member } from '../member/member.entity.js';
import { Store } from '../store/store.entity.js';
import { OrderStatus } from './order.enums.js';

export class OrderRuleError extends Error {
  constructor(readonly code: 'INVALID_TRANSITION' | 'REFUND_TOO_LARGE' | 'NOT_REFUNDABLE', message: string) {
    super(message);
  }
}

/** How far along an order is; a status never moves back when updates arrive out of order. */
const RANK: Record<OrderStatus, number> = {
  [OrderStatus.PLACED]: 0,
  [OrderStatus.CANCELLED]: 1,
  [OrderStatus.PAID]: 1,
  [OrderStatus.PARTIALLY_REFUNDED]: 2,
  [OrderStatus.REFUNDED]: 3,
};

/** A purchase, online or offline. Amounts are integer minor units of `currency`. */
@Entity({ tableName: 'orders' })
@Unique({ properties: ['tenantId', 'externalId'] })
@Index({ properties: ['tenantId', 'memberId', 'placedAt'] })
@Index({ properties: ['tenantId', 'placedAt', 'id'] })
@Index({ properties: ['tenantId', 'paidAt'] })
// Partial: rows from before the column stay null and out of it (the migration adds no back-fill pass over orders).
@Index({ name: 'orders_paid_recorded_index', expression: 'create index "orders_paid_recorded_index" on "orders" ("tenant_id", "paid_recorded_at") where paid_recorded_at is not null' })
export class Order extends TenantScopedEntity {
  /** The selling system's order number, unique per tenant. */
  @Property({ type: 'text' })
  externalId!: string;

  @ManyToOne(() => Member, { mapToPk: true, fieldName: 'member_id', deleteRule: 'cascade' })
  memberId!: string;

  @ManyToOne(() => Store, { mapToPk: true, nullable: true, fieldName: 'store_id', deleteRule: 'set null' })
  storeId?: string | null;

  @Enum({ items: () => Channel })
  channel!: Channel;

  @Enum({ items: () => OrderStatus })
  status!: OrderStatus;

  @Property({ type: 'text' })
  currency!: string;

  /** Sum of quantity x unit price over the items. */
  @Property({ type: 'integer' })
  itemsTotal!: number;

  @Property({ type: 'integer' })
  discount: number = 0;

  @Property({ type: 'integer' })
  shipping: number = 0;

  /** What the member paid: itemsTotal - discount + shipping. */
  @Property({ type: 'integer' })
  total!: number;

  @Property({ type: 'integer' })
  refundedAmount: number = 0;

  @Property({ columnType: 'timestamptz', type: 'datetime' })
  placedAt!: Date;

  @Property({ columnType: 'timestamptz', type: 'datetime', nullable: true })
  paidAt?: Date | null;

  /**
   * When this system learned that the order was paid: later than paidAt when a store or marketplace syncs
   * its orders in batches. Post-purchase triggers use it so that late-recorded orders are not missed.
   * Null for orders paid before the column existed (taken as recorded on time).
   */
  @Property({ columnType: 'timestamptz', type: 'datetime', nullable: true })
  paidRecordedAt?: Date | null;

  @Property({ columnType: 'timestamptz', type: 'datetime', nullable: true })
  cancelledAt?: Date | null;

  @Property({ type: 'text', nullable: true })
  source?: string | null;

  @Property({ columnType: 'timestamptz', type: 'datetime', onUpdate: () => new Date() })
  updatedAt: Date = new Date();

  get refundable(): number {
    return this.total - this.refundedAmount;
  }

  /** Applies a status reported by the selling system. Older statuses are ignored; illegal moves throw. */
  applyStatus(next: OrderStatus, at: Date): void {
    if (next === OrderStatus.PARTIALLY_REFUNDED || next === OrderStatus.REFUNDED) {
      throw new OrderRuleError('INVALID_TRANSITION', 'refunds are recorded with refundedAmount or orderRefund');
    }
    if (next === this.status) return;
    // Checked before the rank: a refunded order is past PAID, yet cancelling it is no stale update.
    if (next === OrderStatus.CANCELLED && this.status !== OrderStatus.PLACED) {
      throw new OrderRuleError('INVALID_TRANSITION', 'a paid order cannot be cancelled; refund it');
    }
    if (RANK[next] < RANK[this.status]) return;
    if (this.status === OrderStatus.CANCELLED) {
      throw new OrderRuleError('INVALID_TRANSITION', 'a cancelled order cannot be paid; record a new order');
    }
    this.status = next;
    if (next === OrderStatus.PAID) {
      this.paidAt ??= at;
      this.paidRecordedAt ??= new Date();
    }
    if (next === OrderStatus.CANCELLED) this.cancelledAt ??= at;
  }

  /** Records money given back; the status follows. */
  refund(amount: number): void {
    if (this.status !== OrderStatus.PAID && this.status !== OrderStatus.PARTIALLY_REFUNDED) {
      throw new OrderRuleError('NOT_REFUNDABLE', `a ${this.status.toLowerCase()} order cannot be refunded`);
    }
    if (amount <= 0 || amount > this.refundable) {
      throw new OrderRuleError('REFUND_TOO_LARGE', `the refund must be between 1 and ${this.refundable}`);
    }
    this.refundedAmount += amount;
    this.status = this.refundedAmount === this.total ? OrderStatus.REFUNDED : OrderStatus.PARTIALLY_REFUNDED;
  }
}

/** One line of an order. */
@Entity()
@Unique({ properties: ['orderId', 'lineNo'] })
export class OrderItem extends TenantScopedEntity {
  @ManyToOne(() => Order, { mapToPk: true, fieldName: 'order_id', deleteRule: 'cascade' })
  orderId!: string;

  @Property({ type: 'integer' })
  lineNo!: number;

  @Property({ type: 'text' })
  sku!: string;

  @Property({ type: 'text' })
  name!: string;

  @Property({ type: 'text', nullable: true })
  category?: string | null;

  @Property({ type: 'integer' })
  quantity!: number;

  @Property({ type: 'integer' })
  unitPrice!: number;

  @Property({ type: 'integer' })
  refundedQuantity: number = 0;
}

/** Money given back on an order; `refundId` is the sender's idempotency key. */
@Entity()
@Unique({ properties: ['orderId', 'refundId'] })
export class OrderRefund extends TenantScopedEntity {
  @ManyToOne(() => Order, { mapToPk: true, fieldName: 'order_id', deleteRule: 'cascade' })
  orderId!: string;

  @Property({ type: 'text' })
  refundId!: string;

  @Property({ type: 'integer' })
  amount!: number;

  /** Lines refunded: [{ lineNo, quantity }]. Empty for amount-only refunds. */
  @Property({ type: 'json' })
  lines: { lineNo: number; quantity: number }[] = [];

  @Property({ type: 'text', nullable: true })
  reason?: string | null;

  @Property({ columnType: 'timestamptz', type: 'datetime' })
  refundedAt!: Date;

  /** The request as sent, to tell a retry (same request) from a conflict (same refundId, other request). */
  @Property({ type: 'json' })
  request!: Record<string, unknown>;
}
