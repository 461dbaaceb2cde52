import { LockMode, UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { tenantIdOf, type GraphQLContext } from '../../core/context.js';
import { fail, rollbackAsFailure, RollbackWith, userError, UserErrorCode, type Outcome, type UserError } from '../../core/errors.js';
import { idOf } from '../../core/relay/global-id.js';
import { resolveMemberRefs } from '../member/member-reference.js';
import { Store } from '../store/store.entity.js';
import { tenantSettings } from '../tenant/tenant-settings.js';
import { Order, OrderItem, OrderRefund, OrderRuleError } from './order.entity.js';
import { OrderStatus } from './order.enums.js';
import type { OrderRecordInput } from './order.inputs.js';
import { cleanOrder, type CleanItem, type CleanOrder } from './order-input.js';
import { cancelledEvent, paidEvent, placedEvent, refundEvent, writeOrderEvents } from './order-events.js';
import type { TouchpointRow } from '../touchpoint/touchpoint-writer.js';
import { lockBuyer, refreshMemberStats } from './member-stats.js';
import { refreshMemberLifecycle } from '../lifecycle/lifecycle.sql.js';
import { LifecycleCause } from '../lifecycle/lifecycle.enums.js';
import { rescoreMembers } from '../churn/churn-rescore.js';
import { kickChurnOutbox } from '../churn/churn-feed.js';
import { MemberStatus } from '../member/member.enums.js';
import { earnForOrder, reverseForOrder } from '../points/points-order.js';
import { actorOf } from '../points/points-request.js';
import { upgradeTiers } from '../tier/tier-upgrade.js';
import { retryTransient } from '../../core/db/retry.js';

export function ruleError(error: unknown, field: string[]): never {
  if (error instanceof OrderRuleError) throw new RollbackWith(userError(field, error.message, UserErrorCode[error.code]));
  throw error;
}

const sameItems = (a: OrderItem[], b: CleanItem[]) =>
  a.length === b.length &&
  a.every((item, i) => {
    const other = b[i]!;
    return item.sku === other.sku && item.name === other.name && (item.category ?? null) === other.category && item.quantity === other.quantity && item.unitPrice === other.unitPrice;
  });

export interface OrderServiceOptions {
  /**
   * Rescore the buyer's churn risk in the order's transaction (default). Bulk imports turn it off and rescore each
   * batch's buyers in one set-based statement instead.
   */
  rescoreChurn?: boolean;
}

export class OrderService {
  constructor(
    private readonly ctx: GraphQLContext,
    private readonly options: OrderServiceOptions = {},
  ) {}

  /** Creates or updates an order by external id; stats and touchpoints follow in the same transaction. */
  async record(input: OrderRecordInput): Promise<Outcome<Order>> {
    const settings = await tenantSettings(this.ctx);
    const errors: UserError[] = [];
    const clean = cleanOrder(input, settings.currency, errors);
    const storeId = await this.storeId(input, errors);
    if (errors.length) return fail(...errors);
    const attempt = () => retryTransient(() => rollbackAsFailure(() => this.ctx.em.transactional((em) => this.upsert(em, input, clean, storeId ?? null, settings))));
    try {
      return await attempt();
    } catch (error) {
      // Two first recordings of one order raced on the unique key: the loser now finds it and updates.
      if (error instanceof UniqueConstraintViolationException) return await attempt();
      throw error;
    } finally {
      if (this.options.rescoreChurn !== false) kickChurnOutbox();
    }
  }

  private async upsert(em: EntityManager, input: OrderRecordInput, clean: CleanOrder, storeId: string | null, settings: Awaited<ReturnType<typeof tenantSettings>>) {
    const tenantId = tenantIdOf(this.ctx);
    const [ref] = await resolveMemberRefs(em, { ...settings, tenantId }, [{ ref: input.member, channel: input.channel }]);
    if (!ref || 'failure' in ref) {
      const code = ref?.failure === 'UNKNOWN_IDENTITY' ? UserErrorCode.UNKNOWN_IDENTITY : ref?.failure === 'MEMBER_ERASED' ? UserErrorCode.MEMBER_ERASED : ref?.failure === 'INVALID' ? UserErrorCode.INVALID : UserErrorCode.NOT_FOUND;
      throw new RollbackWith(userError(['input', 'member'], ref?.reason ?? 'no member', code));
    }
    const buyer = await lockBuyer(em, tenantId, ref.memberId);
    if (buyer.status === MemberStatus.ERASED) throw new RollbackWith(userError(['input', 'member'], 'this member was erased', UserErrorCode.MEMBER_ERASED));
    let order = await em.findOne(Order, { externalId: clean.externalId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    // An order first seen already paid, cancelled or refunded is history being back-filled: its changes
    // happened around when it was placed, not now. Later changes happen when they are recorded.
    const changedAt = order ? new Date() : (input.paidAt ?? input.placedAt);
    const events: TouchpointRow[] = [];
    if (!order) {
      order = Object.assign(new Order(), { tenantId, externalId: clean.externalId, memberId: buyer.id, currency: input.currency, status: OrderStatus.PLACED });
      em.persist(order);
      this.assign(em, order, input, clean, storeId, []);
      await em.flush();
      events.push(placedEvent(order));
    } else {
      if (order.memberId !== buyer.id) {
        throw new RollbackWith(userError(['input', 'member'], 'this order belongs to another member; the buyer cannot change', UserErrorCode.MEMBER_MISMATCH));
      }
      const items = await em.find(OrderItem, { orderId: order.id }, { orderBy: { lineNo: 'asc' } });
      // Refunds were measured against these lines and amounts (and the status against the total).
      if (order.refundedAmount > 0 && (!sameItems(items, clean.items) || clean.total !== order.total)) {
        throw new RollbackWith(userError(['input', 'items'], 'lines and amounts cannot change after a refund', UserErrorCode.INVALID_TRANSITION));
      }
      this.assign(em, order, input, clean, storeId, items);
    }
    const before = order.status;
    try {
      order.applyStatus(input.status, input.paidAt ?? changedAt);
    } catch (error) {
      ruleError(error, ['input', 'status']);
    }
    if (input.paidAt && order.status !== OrderStatus.PLACED && order.status !== OrderStatus.CANCELLED) order.paidAt = input.paidAt;
    if (order.status !== before && order.status === OrderStatus.PAID) events.push(paidEvent(order));
    if (order.status !== before && order.status === OrderStatus.CANCELLED) events.push(cancelledEvent(order));
    const becamePaid = order.status !== before && order.status === OrderStatus.PAID;
    const refundedBefore = order.refundedAmount;
    if (input.refundedAmount != null && input.refundedAmount !== order.refundedAmount) {
      events.push(this.syncRefunds(em, order, input.refundedAmount, changedAt));
    }
    await em.flush();
    // Points follow in the same transaction: earned on payment, then taken back for any refund.
    if (becamePaid) await earnForOrder(em, order, clean.items, actorOf(this.ctx));
    if (order.refundedAmount !== refundedBefore) await reverseForOrder(em, order, actorOf(this.ctx));
    await writeOrderEvents(em, order, events);
    await refreshMemberStats(em, tenantId, [order.memberId]);
    await refreshMemberLifecycle(em, tenantId, [order.memberId], LifecycleCause.ORDER);
    if (this.options.rescoreChurn !== false) await rescoreMembers(em, tenantId, [order.memberId]);
    await upgradeTiers(em, tenantId, [order.memberId]);
    return order;
  }

  private assign(em: EntityManager, order: Order, input: OrderRecordInput, clean: CleanOrder, storeId: string | null, items: OrderItem[]): void {
    Object.assign(order, {
      storeId,
      channel: input.channel,
      itemsTotal: clean.itemsTotal,
      discount: clean.discount,
      shipping: clean.shipping,
      total: clean.total,
      placedAt: input.placedAt,
      source: clean.source,
    });
    if (sameItems(items, clean.items)) return;
    items.forEach((item) => em.remove(item));
    for (const line of clean.items) em.persist(Object.assign(new OrderItem(), { ...line, tenantId: order.tenantId, orderId: order.id }));
  }

  /** A running refunded amount from the selling system becomes a refund record of the difference. */
  private syncRefunds(em: EntityManager, order: Order, refundedAmount: number, at: Date): TouchpointRow {
    if (refundedAmount < order.refundedAmount) {
      throw new RollbackWith(userError(['input', 'refundedAmount'], `refunds only grow: ${order.refundedAmount} is already refunded`, UserErrorCode.INVALID));
    }
    const delta = refundedAmount - order.refundedAmount;
    try {
      order.refund(delta);
    } catch (error) {
      ruleError(error, ['input', 'refundedAmount']);
    }
    const refundId = `sync-${refundedAmount}`;
    em.persist(Object.assign(new OrderRefund(), { tenantId: order.tenantId, orderId: order.id, refundId, amount: delta, refundedAt: at, request: { refundedAmount } }));
    return refundEvent(order, refundId, delta, at);
  }

  private async storeId(input: { storeId?: string | null; storeCode?: string | null }, errors: UserError[]): Promise<string | null | undefined> {
    if (!input.storeId && !input.storeCode) return null;
    const id = input.storeId ? idOf(input.storeId, 'Store') : undefined;
    const store = input.storeId ? (id ? await this.ctx.em.findOne(Store, { id }) : null) : await this.ctx.em.findOne(Store, { code: input.storeCode! });
    if (!store) errors.push(userError(['input', input.storeId ? 'storeId' : 'storeCode'], 'no store has this id or code', UserErrorCode.NOT_FOUND));
    return store?.id;
  }
}
