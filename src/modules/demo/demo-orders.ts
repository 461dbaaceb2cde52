import { Channel } from '../../core/channel.js';
import { OrderStatus } from '../order/order.enums.js';
import { TouchpointType } from '../touchpoint/touchpoint.enums.js';
import { PRODUCTS, type Product } from './demo-catalog.js';
import { DAY, HOUR, MINUTE, type DemoContext, type DemoMember, type StoreRef } from './demo-context.js';
import { IdKind } from './demo-random.js';
import { iso } from './demo-rows.js';
import { touch } from './demo-activity.js';

const BY_CATEGORY = new Map<string, Product[]>();
for (const product of PRODUCTS) BY_CATEGORY.set(product.category, [...(BY_CATEGORY.get(product.category) ?? []), product]);
const PREMIUM = PRODUCTS.filter((product) => product.sku.endsWith('-L') || product.category === 'Gift sets');
const REASONS = ['shade not right', 'changed my mind', 'damaged in transit', 'arrived late', 'duplicate order'];
const CARRIERS = ['SF Express', 'ZTO', 'YTO', 'JD Logistics', 'EMS'];

interface Line {
  product: Product;
  quantity: number;
  refunded: number;
}

function storeFor(member: DemoMember): StoreRef {
  const { rng } = member;
  return member.online.length && rng.chance(0.25) ? rng.pick(member.online) : member.home;
}

function basket(member: DemoMember): Line[] {
  const { rng } = member;
  const count = 1 + (rng.chance(0.45) ? 1 + (rng.chance(0.35) ? 1 + (rng.chance(0.3) ? 1 : 0) : 0) : 0);
  const lines: Line[] = [];
  for (let n = 0; n < count; n++) {
    const pool = member.bigSpender && rng.chance(0.7) ? PREMIUM : BY_CATEGORY.get(rng.chance(0.7) ? rng.pick(member.categories) : rng.pick([...BY_CATEGORY.keys()]))!;
    const quantity = rng.chance(0.8) ? 1 : rng.chance(0.75) ? 2 : member.bigSpender ? rng.int(3, 6) : 3;
    lines.push({ product: rng.pick(pool), quantity, refunded: 0 });
  }
  return lines;
}

/** Writes a member's orders with their items, refunds and the touchpoints around them; returns how many. */
export function writeOrders(ctx: DemoContext, member: DemoMember, times: number[]): number {
  const { rng, index } = member;
  const { ids, rows, currency } = ctx;
  // Some members send much back, most rarely: refund propensity is personal.
  const refundRate = rng.chance(0.1) ? 0.25 : member.bigSpender ? 0.04 : 0.05;
  for (const placedAt of times) {
    const n = member.seq.order++;
    const orderId = ids.id(IdKind.order, index, n);
    const externalId = `D${ctx.seed}-${index.toString(36).toUpperCase()}-${n + 1}`;
    const store = storeFor(member);
    const lines = basket(member);
    const itemsTotal = lines.reduce((sum, line) => sum + line.product.price * line.quantity, 0);
    const inPeak = ctx.peaks.some((peak) => placedAt >= peak.from && placedAt < peak.day + DAY);
    const discount = inPeak ? Math.round((itemsTotal * rng.between(0.1, 0.3)) / 100) * 100 : rng.chance(0.25) && itemsTotal > 10_000 ? rng.pick([1000, 2000, 3000]) : 0;
    const offline = store.channel === Channel.STORE;
    const shipping = !offline && itemsTotal - discount < 9900 ? 1000 : 0;
    const total = itemsTotal - discount + shipping;

    let status = OrderStatus.PAID;
    let paidAt: number | null = placedAt + (offline ? 0 : rng.int(1, 15) * MINUTE);
    let cancelledAt: number | null = null;
    if (!offline && placedAt > ctx.end - 2 * DAY && rng.chance(0.4)) [status, paidAt] = [OrderStatus.PLACED, null];
    else if (!offline && rng.chance(0.03)) [status, paidAt, cancelledAt] = [OrderStatus.CANCELLED, null, placedAt + rng.int(20, 120) * MINUTE];

    let refunded = 0;
    let updatedAt = paidAt ?? cancelledAt ?? placedAt;
    const source = store.source;
    const event = (type: TouchpointType, at: number, suffix: string, extra = '') =>
      touch(ctx, member, type, store.channel, at, `{"externalId": "${externalId}", "total": ${total}, "currency": "${currency}"${extra}}`, `order:${externalId}:${suffix}`, { store, orderId, source });

    // What led to the order: a store visit, or product views and a cart on the same channel.
    if (offline) touch(ctx, member, TouchpointType.STORE_VISIT, Channel.STORE, placedAt - rng.int(5, 40) * MINUTE, null, null, { store, source });
    else {
      if (rng.chance(0.35)) touch(ctx, member, TouchpointType.PRODUCT_VIEW, store.channel, placedAt - Math.floor(rng.exponential(3 * HOUR)) - MINUTE, `{"sku": "${lines[0]!.product.sku}"}`, null, { store, source });
      if (rng.chance(0.25)) touch(ctx, member, TouchpointType.CART_ADD, store.channel, placedAt - rng.int(1, 20) * MINUTE, `{"sku": "${lines[0]!.product.sku}", "quantity": ${lines[0]!.quantity}}`, null, { store, source });
    }
    event(TouchpointType.ORDER_PLACED, placedAt, 'placed');
    if (cancelledAt) event(TouchpointType.ORDER_CANCELLED, cancelledAt, 'cancelled');
    if (paidAt !== null) {
      event(TouchpointType.ORDER_PAID, paidAt, 'paid');
      const deliveredAt = paidAt + Math.floor(rng.between(1.2, 4) * DAY);
      if (!offline && deliveredAt < ctx.end) {
        touch(ctx, member, TouchpointType.PARCEL_DELIVERED, Channel.PARCEL, deliveredAt, `{"externalId": "${externalId}", "carrier": "${rng.pick(CARRIERS)}"}`, `parcel:${externalId}`, { store, orderId, source: 'logistics' });
        if (rng.chance(0.08)) touch(ctx, member, TouchpointType.REVIEW, store.channel, deliveredAt + rng.int(1, 72) * HOUR, `{"externalId": "${externalId}", "rating": ${rng.weighted([1, 1, 2, 6, 12]) + 1}}`, null, { store, orderId, source });
      }
      const refundedAt = paidAt + Math.floor(rng.between(1, 20) * DAY);
      if (rng.chance(refundRate) && refundedAt < ctx.end) {
        const refundId = `R${n + 1}-1`;
        const line = rng.int(0, lines.length - 1);
        const chosen = lines[line]!;
        const partial = (lines.length > 1 || chosen.quantity > 1) && rng.chance(0.45);
        // A line refund is its share of what was paid, as orderRefund computes it.
        const quantity = partial ? rng.int(1, lines.length > 1 ? chosen.quantity : chosen.quantity - 1) : 0;
        refunded = partial ? Math.min(total, Math.floor((quantity * chosen.product.price * total) / itemsTotal)) : total;
        if (partial) chosen.refunded = quantity;
        status = refunded === total ? OrderStatus.REFUNDED : OrderStatus.PARTIALLY_REFUNDED;
        const request = partial ? `{"lines": [{"lineNo": ${line + 1}, "quantity": ${quantity}}]}` : '{"full": true}';
        const refundLines = partial ? `[{"lineNo": ${line + 1}, "quantity": ${quantity}}]` : '[]';
        if (rng.chance(0.3)) touch(ctx, member, TouchpointType.COMPLAINT, Channel.CHAT, refundedAt - rng.int(2, 48) * HOUR, `{"externalId": "${externalId}"}`, null, { orderId, source: 'customer-service' });
        rows.add('order_refund', ids.id(IdKind.refund, index, member.seq.refund++), iso(refundedAt), orderId, refundId, refunded, refundLines, rng.pick(REASONS), iso(refundedAt), request);
        event(TouchpointType.REFUND, refundedAt, `refund:${refundId}`, `, "refundId": "${refundId}", "amount": ${refunded}`);
        updatedAt = refundedAt;
      }
    }
    const placed = iso(placedAt);
    rows.add('orders', orderId, placed, externalId, member.id, store.id, store.channel, status, currency, itemsTotal, discount, shipping, total, refunded, placed, paidAt === null ? null : iso(paidAt), paidAt === null ? null : iso(paidAt), cancelledAt === null ? null : iso(cancelledAt), source, iso(updatedAt));
    lines.forEach((item, line) =>
      rows.add('order_item', ids.id(IdKind.item, index, member.seq.item++), placed, orderId, line + 1, item.product.sku, item.product.name, item.product.category, item.quantity, item.product.price, item.refunded),
    );
  }
  return times.length;
}
