import type { EntityManager } from '@mikro-orm/postgresql';
import { TouchpointType } from '../touchpoint/touchpoint.enums.js';
import { insertTouchpoints, type TouchpointRow } from '../touchpoint/touchpoint-writer.js';
import type { Order } from './order.entity.js';

/**
 * Every order change appears as a touchpoint. Event ids derive from the order and the change,
 * so recording the same change again adds nothing.
 */
export function orderEvent(order: Order, type: TouchpointType, at: Date, suffix: string, properties: Record<string, unknown> = {}): TouchpointRow {
  return {
    memberId: order.memberId,
    type,
    channel: order.channel,
    storeId: order.storeId ?? null,
    occurredAt: at,
    source: order.source ?? 'orders',
    properties: { externalId: order.externalId, total: order.total, currency: order.currency, ...properties },
    eventId: `order:${order.externalId}:${suffix}`,
    orderId: order.id,
  };
}

export const placedEvent = (order: Order) => orderEvent(order, TouchpointType.ORDER_PLACED, order.placedAt, 'placed');
export const paidEvent = (order: Order) => orderEvent(order, TouchpointType.ORDER_PAID, order.paidAt ?? order.updatedAt, 'paid');
export const cancelledEvent = (order: Order) => orderEvent(order, TouchpointType.ORDER_CANCELLED, order.cancelledAt ?? order.updatedAt, 'cancelled');
export const refundEvent = (order: Order, refundId: string, amount: number, at: Date) =>
  orderEvent(order, TouchpointType.REFUND, at, `refund:${refundId}`, { refundId, amount });

export async function writeOrderEvents(em: EntityManager, order: Order, rows: TouchpointRow[]): Promise<void> {
  await insertTouchpoints(em, order.tenantId, rows);
}
