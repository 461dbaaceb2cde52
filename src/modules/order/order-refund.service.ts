import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { tenantIdOf, type GraphQLContext } from '../../core/context.js';
import { fail, rollbackAsFailure, RollbackWith, userError, UserErrorCode, type Outcome } from '../../core/errors.js';
import { idOf } from '../../core/relay/global-id.js';
import { Order, OrderItem, OrderRefund } from './order.entity.js';
import type { OrderRefundInput } from './order.inputs.js';
import { refundEvent, writeOrderEvents } from './order-events.js';
import { lockMembersForOrders, refreshMemberStats } from './member-stats.js';
import { refreshMemberLifecycle } from '../lifecycle/lifecycle.sql.js';
import { LifecycleCause } from '../lifecycle/lifecycle.enums.js';
import { rescoreMembers } from '../churn/churn-rescore.js';
import { kickChurnOutbox } from '../churn/churn-feed.js';
import { ruleError } from './order.service.js';
import { reverseForOrder } from '../points/points-order.js';
import { actorOf } from '../points/points-request.js';
import { upgradeTiers } from '../tier/tier-upgrade.js';

/** What the client asked for, normalised: a retry must ask for exactly this again. */
function requestOf(input: OrderRefundInput): Record<string, unknown> {
  if (input.full) return { full: true };
  if (input.lines?.length) return { lines: [...input.lines].sort((a, b) => a.lineNo - b.lineNo).map((l) => ({ lineNo: l.lineNo, quantity: l.quantity })) };
  return { amount: input.amount };
}

export class OrderRefundService {
  constructor(private readonly ctx: GraphQLContext) {}

  /** Refunds part or all of a paid order, once per refundId; stats and a REFUND touchpoint follow. */
  async refund(input: OrderRefundInput): Promise<Outcome<Order>> {
    const kinds = [input.amount != null, !!input.lines?.length, !!input.full].filter(Boolean).length;
    if (kinds !== 1) return fail(userError(['input'], 'give exactly one of amount, lines or full', UserErrorCode.INVALID));
    const refundId = input.refundId.trim();
    if (!refundId || refundId.length > 100) return fail(userError(['input', 'refundId'], 'refundId must be 1 to 100 characters', UserErrorCode.INVALID));
    if (input.reason && input.reason.length > 500) return fail(userError(['input', 'reason'], 'reason must be at most 500 characters', UserErrorCode.TOO_LONG));
    const id = idOf(input.orderId, 'Order');
    const found = id ? await this.ctx.em.findOne(Order, { id }) : null;
    if (!found) return fail(userError(['input', 'orderId'], 'no order has this id', UserErrorCode.NOT_FOUND));
    if (input.refundedAt && (input.refundedAt < found.placedAt || input.refundedAt.getTime() > Date.now() + 5 * 60_000)) {
      return fail(userError(['input', 'refundedAt'], 'refundedAt must be between when the order was placed and now', UserErrorCode.INVALID));
    }
    const tenantId = tenantIdOf(this.ctx);
    const request = requestOf(input);

    const outcome = await rollbackAsFailure(() =>
      this.ctx.em.transactional(async (em) => {
        await lockMembersForOrders(em, tenantId, [found.memberId]);
        const order = await em.findOneOrFail(Order, { id: found.id }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
        // A merge moved the order meanwhile: its survivor's stats are the ones to serialise.
        if (order.memberId !== found.memberId) await lockMembersForOrders(em, tenantId, [order.memberId]);
        const earlier = await em.findOne(OrderRefund, { orderId: order.id, refundId });
        if (earlier) {
          if (JSON.stringify(earlier.request) === JSON.stringify(request)) return order;
          throw new RollbackWith(userError(['input', 'refundId'], 'this refundId was used for a different refund', UserErrorCode.IDEMPOTENCY_CONFLICT));
        }
        const amount = await this.amountOf(em, input, order);
        try {
          order.refund(amount);
        } catch (error) {
          ruleError(error, ['input', input.full ? 'full' : input.lines ? 'lines' : 'amount']);
        }
        const at = input.refundedAt ?? new Date();
        em.persist(
          Object.assign(new OrderRefund(), {
            tenantId,
            orderId: order.id,
            refundId,
            amount,
            lines: (request.lines as OrderRefund['lines']) ?? [],
            reason: input.reason?.trim() || null,
            refundedAt: at,
            request,
          }),
        );
        await em.flush();
        await reverseForOrder(em, order, actorOf(this.ctx));
        await writeOrderEvents(em, order, [refundEvent(order, refundId, amount, at)]);
        await refreshMemberStats(em, tenantId, [order.memberId]);
        await refreshMemberLifecycle(em, tenantId, [order.memberId], LifecycleCause.ORDER);
        await rescoreMembers(em, tenantId, [order.memberId]);
        // Growth falls with a refund; the tier waits for its review, but the stored growth value follows now.
        await upgradeTiers(em, tenantId, [order.memberId]);
        return order;
      }),
    );
    kickChurnOutbox();
    return outcome;
  }

  /** Lines are refunded at their share of what was paid (after discount and shipping). */
  private async amountOf(em: EntityManager, input: OrderRefundInput, order: Order): Promise<number> {
    if (input.full) return order.refundable;
    if (!input.lines?.length) return input.amount!;
    const items = new Map((await em.find(OrderItem, { orderId: order.id })).map((item) => [item.lineNo, item]));
    let amount = 0;
    input.lines.forEach((line, index) => {
      const item = items.get(line.lineNo);
      const field = ['input', 'lines', String(index)];
      if (!item) throw new RollbackWith(userError([...field, 'lineNo'], `the order has no line ${line.lineNo}`, UserErrorCode.NOT_FOUND));
      if (!Number.isInteger(line.quantity) || line.quantity < 1 || line.quantity > item.quantity - item.refundedQuantity) {
        throw new RollbackWith(userError([...field, 'quantity'], `line ${line.lineNo} has ${item.quantity - item.refundedQuantity} units left to refund`, UserErrorCode.REFUND_TOO_LARGE));
      }
      item.refundedQuantity += line.quantity;
      amount += order.itemsTotal ? Math.floor((line.quantity * item.unitPrice * order.total) / order.itemsTotal) : 0;
    });
    // Shares round down: the refund that brings every unit back returns the rest of what was paid.
    if ([...items.values()].every((item) => item.refundedQuantity === item.quantity)) return order.refundable;
    return Math.min(amount, order.refundable);
  }
}
