import { dataOf, startTestApp, type TestApp, type TestTenant } from './support/harness';

let t: TestApp;
let tenant: TestTenant;
beforeAll(async () => {
  t = await startTestApp();
  tenant = await t.tenant();
});
afterAll(async () => {
  await t.close();
});

const RECORD = `mutation($i: OrderRecordInput!) {
  orderRecord(input: $i) {
    order { paidAt member { touchpoints(first: 10) { nodes { type occurredAt } } } }
    userErrors { code }
  }
}`;

const order = (externalId: string, status: string, extra: Record<string, unknown> = {}) => ({
  externalId,
  member: { identity: { channel: 'MEMBER_CARD', externalId: `card-${externalId}` } },
  channel: 'STORE',
  status,
  currency: 'CNY',
  items: [{ sku: 'CD-1', name: 'Album', quantity: 1, unitPrice: 1500 }],
  placedAt: '2025-03-04T05:06:07.000Z',
  ...extra,
});

test('history recorded already paid and refunded keeps its own times, not the time of the import', async () => {
  const data = dataOf(await t.gql(RECORD, { i: order('old-1', 'PAID', { refundedAmount: 500 }) }, { key: tenant.keys.INGEST }));
  expect(data.orderRecord.userErrors).toEqual([]);
  expect(data.orderRecord.order.paidAt).toBe('2025-03-04T05:06:07.000Z');
  const events = data.orderRecord.order.member.touchpoints.nodes;
  expect(events.map((e: { type: string }) => e.type).sort()).toEqual(['ORDER_PAID', 'ORDER_PLACED', 'REFUND']);
  expect(events.every((e: { occurredAt: string }) => e.occurredAt === '2025-03-04T05:06:07.000Z')).toBe(true);
});

test('a payment recorded later happens when it is recorded, unless paidAt says when', async () => {
  const key = tenant.keys.INGEST;
  dataOf(await t.gql(RECORD, { i: order('new-1', 'PLACED') }, { key }));
  const before = Date.now();
  const paid = dataOf(await t.gql(RECORD, { i: order('new-1', 'PAID') }, { key }));
  expect(Date.parse(paid.orderRecord.order.paidAt)).toBeGreaterThanOrEqual(before - 1000);
  dataOf(await t.gql(RECORD, { i: order('new-2', 'PLACED') }, { key }));
  const stated = dataOf(await t.gql(RECORD, { i: order('new-2', 'PAID', { paidAt: '2025-03-05T00:00:00.000Z' }) }, { key }));
  expect(stated.orderRecord.order.paidAt).toBe('2025-03-05T00:00:00.000Z');
});

test('a refund dated before its order was placed, or in the future, is refused and nothing is refunded', async () => {
  const key = tenant.keys.INGEST;
  const recorded = dataOf(
    await t.gql(`mutation($i: OrderRecordInput!) { orderRecord(input: $i) { order { id } } }`, { i: order('dated-1', 'PAID') }, { key }),
  );
  const orderId = recorded.orderRecord.order.id;
  const refund = (refundedAt: string) =>
    t.gql(
      `mutation($i: OrderRefundInput!) { orderRefund(input: $i) { order { refundedAmount } userErrors { field code } } }`,
      { i: { orderId, refundId: `r-${refundedAt}`, amount: 100, refundedAt } },
      { key },
    );
  for (const when of ['2025-03-01T00:00:00.000Z', new Date(Date.now() + 3_600_000).toISOString()]) {
    const answer = dataOf(await refund(when));
    expect(answer.orderRefund.userErrors).toEqual([{ field: ['input', 'refundedAt'], code: 'INVALID' }]);
  }
  const ok = dataOf(await refund('2025-03-10T00:00:00.000Z'));
  expect(ok.orderRefund.order.refundedAmount.amount).toBe(100);
});
