import { MemberPurchaseStatsDocument, MemberTouchpointsDocument, OrderDocument, OrderRefundDocument } from './generated/graphql';
import { dataOf, errorCodes, startTestApp, type TestApp, type TestTenant } from './support/harness';
import { createMember, missingId } from './support/access-fixtures';
import { ago, orderInput, recordOrder, refundOrder, tryRefund } from './support/activity-fixtures';

/** orderRefund: by amount, by lines, full; idempotency per refundId; statuses; stats and REFUND touchpoints. */
let t: TestApp;
let tenant: TestTenant;
let key: string;

beforeAll(async () => {
  t = await startTestApp();
  tenant = await t.tenant();
  key = tenant.keys.INGEST;
});
afterAll(async () => {
  await t.close();
});

const read = async (id: string) => dataOf(await t.gql(OrderDocument, { id }, { key: tenant.keys.ANALYST })).order!;
const stats = async (member: string) => dataOf(await t.gql(MemberPurchaseStatsDocument, { id: member }, { key: tenant.keys.ANALYST })).member!.purchaseStats;
const refundEvents = async (member: string) =>
  dataOf(await t.gql(MemberTouchpointsDocument, { id: member, first: 100, types: ['REFUND'] }, { key: tenant.keys.ANALYST })).member!.touchpoints.nodes;

/** A paid order of a fresh member: 2 x 1000 + 1 x 500, discount 300, shipping 100: total 2300. */
async function paidOrder(overrides: Parameters<typeof orderInput>[1] = {}) {
  const member = await createMember(t, tenant.keys.ADMIN);
  const order = await recordOrder(t, key, orderInput(member, { discount: 300, shipping: 100, ...overrides }));
  return { member, order };
}

test('by amount: PARTIALLY_REFUNDED, then REFUNDED when all is back; stats and REFUND touchpoints follow', async () => {
  const { member, order } = await paidOrder();
  expect((await stats(member)).netSpend.amount).toBe(2300);
  const refundedAt = ago(2);
  const part = await refundOrder(t, key, { orderId: order.id, refundId: 'r-1', amount: 800, reason: ' damaged ', refundedAt });
  expect(part).toEqual(expect.objectContaining({ status: 'PARTIALLY_REFUNDED', refundedAmount: { amount: 800, currency: 'CNY' }, netAmount: { amount: 1500, currency: 'CNY' } }));
  expect(part.refunds).toEqual([{ refundId: 'r-1', amount: { amount: 800, currency: 'CNY' }, reason: 'damaged', refundedAt }]);
  expect(await stats(member)).toEqual(expect.objectContaining({ orderCount: 1, netSpend: { amount: 1500, currency: 'CNY' } }));
  const events = await refundEvents(member);
  expect(events).toEqual([expect.objectContaining({ type: 'REFUND', occurredAt: refundedAt, order: { id: order.id, externalId: order.externalId } })]);
  expect(events[0]!.properties).toEqual(expect.objectContaining({ refundId: 'r-1', amount: 800 }));

  const rest = await refundOrder(t, key, { orderId: order.id, refundId: 'r-2', amount: 1500 });
  expect(rest.status).toBe('REFUNDED');
  expect(rest.netAmount.amount).toBe(0);
  // A fully refunded order is no purchase.
  expect(await stats(member)).toEqual(expect.objectContaining({ orderCount: 0, netSpend: { amount: 0, currency: 'CNY' }, firstOrderAt: null, averageOrderValue: null }));
  expect(await refundEvents(member)).toHaveLength(2);
  const more = await tryRefund(t, key, { orderId: order.id, refundId: 'r-3', amount: 1 });
  expect(more.userErrors).toEqual([expect.objectContaining({ code: 'NOT_REFUNDABLE' })]);
});

test('by lines: each line at its share of what was paid, units counted per line', async () => {
  const { order } = await paidOrder();
  // Line 1 is 2000 of 2500 items; the order total is 2300: one unit of it is 1000 * 2300 / 2500 = 920.
  const one = await refundOrder(t, key, { orderId: order.id, refundId: 'lines-1', lines: [{ lineNo: 1, quantity: 1 }] });
  expect(one.refundedAmount.amount).toBe(920);
  expect(one.items.map((i) => i.refundedQuantity)).toEqual([1, 0]);
  const tooMany = await tryRefund(t, key, { orderId: order.id, refundId: 'lines-2', lines: [{ lineNo: 1, quantity: 2 }] });
  expect(tooMany).toEqual({ order: null, userErrors: [expect.objectContaining({ code: 'REFUND_TOO_LARGE', field: ['input', 'lines', '0', 'quantity'] })] });
  const noLine = await tryRefund(t, key, { orderId: order.id, refundId: 'lines-3', lines: [{ lineNo: 9, quantity: 1 }] });
  expect(noLine.userErrors).toEqual([expect.objectContaining({ code: 'NOT_FOUND', field: ['input', 'lines', '0', 'lineNo'] })]);
  const zero = await tryRefund(t, key, { orderId: order.id, refundId: 'lines-4', lines: [{ lineNo: 2, quantity: 0 }] });
  expect(zero.userErrors).toHaveLength(1);
  expect((await read(order.id)).items.map((i) => i.refundedQuantity)).toEqual([1, 0]);
  const all = await refundOrder(t, key, { orderId: order.id, refundId: 'lines-5', lines: [{ lineNo: 2, quantity: 1 }, { lineNo: 1, quantity: 1 }] });
  expect(all.items.map((i) => i.refundedQuantity)).toEqual([2, 1]);
  expect(all.status).toBe('REFUNDED');
  expect(all.refundedAmount.amount).toBe(2300);
});

test('by lines, every unit back refunds everything paid even when shares round down', async () => {
  // 3 x 333 = 999, discount 1: total 998; each unit's share is 332.67, rounded down.
  const { member, order } = await paidOrder({ discount: 1, shipping: 0, items: [{ sku: 'X', name: 'X', quantity: 3, unitPrice: 333 }] });
  const first = await refundOrder(t, key, { orderId: order.id, refundId: 'u1', lines: [{ lineNo: 1, quantity: 1 }] });
  expect(first.refundedAmount.amount).toBe(332);
  const rest = await refundOrder(t, key, { orderId: order.id, refundId: 'u2', lines: [{ lineNo: 1, quantity: 2 }] });
  expect(rest).toEqual(expect.objectContaining({ status: 'REFUNDED', refundedAmount: { amount: 998, currency: 'CNY' } }));
  expect((await stats(member)).orderCount).toBe(0);
});

test('full refunds what is left', async () => {
  const { member, order } = await paidOrder();
  await refundOrder(t, key, { orderId: order.id, refundId: 'a', amount: 300 });
  const full = await refundOrder(t, key, { orderId: order.id, refundId: 'b', full: true });
  expect(full).toEqual(expect.objectContaining({ status: 'REFUNDED', refundedAmount: { amount: 2300, currency: 'CNY' } }));
  expect(full.refunds.map((r) => [r.refundId, r.amount.amount])).toEqual([
    ['a', 300],
    ['b', 2000],
  ]);
  expect((await stats(member)).netSpend.amount).toBe(0);
});

test('exactly one of amount, lines and full, else INVALID; refundId 1 to 100 characters', async () => {
  const { order } = await paidOrder();
  const cases = [
    { refundId: 'x' },
    { refundId: 'x', amount: 1, full: true },
    { refundId: 'x', amount: 1, lines: [{ lineNo: 1, quantity: 1 }] },
    { refundId: 'x', full: true, lines: [{ lineNo: 1, quantity: 1 }] },
    { refundId: ' ', amount: 1 },
    { refundId: 'x'.repeat(101), amount: 1 },
  ];
  for (const input of cases) {
    const payload = await tryRefund(t, key, { orderId: order.id, ...input });
    expect({ input, payload }).toEqual({ input, payload: { order: null, userErrors: [expect.objectContaining({ code: 'INVALID' })] } });
  }
  expect(await read(order.id)).toEqual(order);
});

test('REFUND_TOO_LARGE above what is left, and for zero or negative amounts; nothing changes', async () => {
  const { member, order } = await paidOrder();
  for (const amount of [2301, 0, -5]) {
    const payload = await tryRefund(t, key, { orderId: order.id, refundId: `big-${amount}`, amount });
    expect({ amount, codes: payload.userErrors.map((e) => e.code) }).toEqual({ amount, codes: ['REFUND_TOO_LARGE'] });
  }
  await refundOrder(t, key, { orderId: order.id, refundId: 'ok', amount: 2000 });
  expect((await tryRefund(t, key, { orderId: order.id, refundId: 'over', amount: 301 })).userErrors).toEqual([expect.objectContaining({ code: 'REFUND_TOO_LARGE' })]);
  expect((await read(order.id)).refundedAmount.amount).toBe(2000);
  expect(await refundEvents(member)).toHaveLength(1);
});

test('NOT_REFUNDABLE for PLACED and CANCELLED orders', async () => {
  const member = await createMember(t, tenant.keys.ADMIN);
  const placed = await recordOrder(t, key, orderInput(member, { status: 'PLACED' }));
  const cancelled = await recordOrder(t, key, orderInput(member, { status: 'CANCELLED' }));
  for (const order of [placed, cancelled]) {
    for (const how of [{ amount: 100 }, { full: true }, { lines: [{ lineNo: 1, quantity: 1 }] }]) {
      const payload = await tryRefund(t, key, { orderId: order.id, refundId: 'nope', ...how });
      expect({ status: order.status, how, codes: payload.userErrors.map((e) => e.code) }).toEqual({ status: order.status, how, codes: ['NOT_REFUNDABLE'] });
    }
    expect(await read(order.id)).toEqual(order);
  }
  expect(await refundEvents(member)).toEqual([]);
});

test('the same refundId with the same request is a no-op; with another request IDEMPOTENCY_CONFLICT', async () => {
  const { member, order } = await paidOrder();
  const first = await refundOrder(t, key, { orderId: order.id, refundId: 'once', lines: [{ lineNo: 2, quantity: 1 }, { lineNo: 1, quantity: 1 }] });
  const retry = await refundOrder(t, key, { orderId: order.id, refundId: 'once', lines: [{ lineNo: 1, quantity: 1 }, { lineNo: 2, quantity: 1 }], reason: 'retried' });
  expect(retry).toEqual(first);
  const conflict = await tryRefund(t, key, { orderId: order.id, refundId: 'once', amount: 100 });
  expect(conflict).toEqual({ order: null, userErrors: [expect.objectContaining({ code: 'IDEMPOTENCY_CONFLICT', field: ['input', 'refundId'] })] });
  const amount = await refundOrder(t, key, { orderId: order.id, refundId: 'amount-once', amount: 10 });
  expect(await refundOrder(t, key, { orderId: order.id, refundId: 'amount-once', amount: 10 })).toEqual(amount);
  expect((await tryRefund(t, key, { orderId: order.id, refundId: 'amount-once', amount: 11 })).userErrors).toEqual([expect.objectContaining({ code: 'IDEMPOTENCY_CONFLICT' })]);
  expect(await refundEvents(member)).toHaveLength(2);
  expect((await read(order.id)).refunds.map((r) => r.refundId)).toEqual(['once', 'amount-once']);
});

test('concurrent retries of one refund refund once', async () => {
  const { member, order } = await paidOrder();
  const results = await Promise.all(Array.from({ length: 5 }, () => tryRefund(t, key, { orderId: order.id, refundId: 'burst', amount: 500 })));
  expect(results.map((r) => r.userErrors)).toEqual(results.map(() => []));
  expect((await read(order.id)).refundedAmount.amount).toBe(500);
  expect((await stats(member)).netSpend.amount).toBe(1800);
});

test('an order id that names nothing is NOT_FOUND; ANALYST may not refund', async () => {
  const missing = await tryRefund(t, key, { orderId: missingId('Order'), refundId: 'r', amount: 1 });
  expect(missing).toEqual({ order: null, userErrors: [expect.objectContaining({ code: 'NOT_FOUND', field: ['input', 'orderId'] })] });
  const { order } = await paidOrder();
  const denied = await t.gql(OrderRefundDocument, { input: { orderId: order.id, refundId: 'r', amount: 1 } }, { key: tenant.keys.ANALYST });
  expect(errorCodes(denied)).toEqual(['FORBIDDEN']);
  expect((await read(order.id)).refundedAmount.amount).toBe(0);
});
