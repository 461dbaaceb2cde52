import {
  OrderRecordDocument,
  OrderRefundDocument,
  TouchpointsRecordDocument,
  type OrderRecordInput,
  type OrderRefundInput,
  type TouchpointEventInput,
} from '../generated/graphql';
import { dataOf, type TestApp } from './harness';

/** Factories for touchpoints and orders, shared by the touchpoint, order, role and tenancy tests. */

let sequence = 0;
export const nextId = (what: string) => `${what}-${process.pid}-${++sequence}`;

/** A time `daysAgo` days (and `minutes` minutes) before now, as an ISO string. */
export function ago(daysAgo: number, minutes = 0): string {
  return new Date(Date.now() - daysAgo * 86_400_000 - minutes * 60_000).toISOString();
}

/** A valid PAGE_VIEW event of `memberId` on WEB; overrides replace any field. */
export function event(memberId: string, overrides: Partial<TouchpointEventInput> = {}): TouchpointEventInput {
  return { eventId: nextId('ev'), member: { id: memberId }, type: 'PAGE_VIEW', channel: 'WEB', occurredAt: ago(1), ...overrides };
}

export async function recordEvents(t: TestApp, key: string, events: TouchpointEventInput[]) {
  return dataOf(await t.gql(TouchpointsRecordDocument, { input: { events } }, { key })).touchpointsRecord;
}

/** A valid PAID web order of `memberId` with two lines (2 x 1000 + 1 x 500, total 2500) in CNY. */
export function orderInput(memberId: string, overrides: Partial<OrderRecordInput> = {}): OrderRecordInput {
  return {
    externalId: nextId('order'),
    member: { id: memberId },
    channel: 'WEB',
    currency: 'CNY',
    status: 'PAID',
    placedAt: ago(10),
    items: [
      { sku: 'SKU-A', name: 'Tea', category: 'drinks', quantity: 2, unitPrice: 1000 },
      { sku: 'SKU-B', name: 'Cup', quantity: 1, unitPrice: 500 },
    ],
    ...overrides,
  };
}

/** orderRecord's payload, whatever it says. */
export async function tryRecordOrder(t: TestApp, key: string, input: OrderRecordInput) {
  return dataOf(await t.gql(OrderRecordDocument, { input }, { key })).orderRecord;
}

/** The order orderRecord stored; fails the test on userErrors. */
export async function recordOrder(t: TestApp, key: string, input: OrderRecordInput) {
  const payload = await tryRecordOrder(t, key, input);
  if (payload.userErrors.length || !payload.order) throw new Error(`orderRecord failed: ${JSON.stringify(payload.userErrors)}`);
  return payload.order;
}

export async function tryRefund(t: TestApp, key: string, input: OrderRefundInput) {
  return dataOf(await t.gql(OrderRefundDocument, { input }, { key })).orderRefund;
}

export async function refundOrder(t: TestApp, key: string, input: OrderRefundInput) {
  const payload = await tryRefund(t, key, input);
  if (payload.userErrors.length || !payload.order) throw new Error(`orderRefund failed: ${JSON.stringify(payload.userErrors)}`);
  return payload.order;
}

/** A deterministic PRNG (mulberry32), so a failing random sequence can be replayed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let r = Math.imul(a ^ (a >>> 15), 1 | a);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Moves the members' orders (and their purchase stats) `days` into the past, as if that much time had passed. */
export async function shiftOrders(t: TestApp, memberIds: string[], days: number): Promise<void> {
  const ids = memberIds.map((id) => Buffer.from(id, 'base64url').toString('utf8').split(':')[1]!);
  const connection = t.orm.em.getConnection();
  const shift = `interval '${days} days'`;
  await connection.execute(`update orders set placed_at = placed_at - ${shift}, paid_at = paid_at - ${shift} where member_id in (?)`, [ids]);
  await connection.execute(`update member_stats set first_order_at = first_order_at - ${shift}, last_order_at = last_order_at - ${shift} where member_id in (?)`, [ids]);
}
