import {
  ActivityNodeDocument,
  MemberByIdentityDocument,
  MemberEraseDocument,
  MemberOrdersDocument,
  MemberPurchaseStatsDocument,
  MemberTouchpointsDocument,
  MembersDocument,
  OrderByExternalIdDocument,
  OrderDocument,
  OrderRecordDocument,
  TenantOrdersDocument,
  TenantUpdateDocument,
} from './generated/graphql';
import { dataOf, errorCodes, startTestApp, type TestApp, type TestTenant } from './support/harness';
import { createMember, createStore, missingId } from './support/access-fixtures';
import { ago, orderInput, recordOrder, refundOrder, tryRecordOrder } from './support/activity-fixtures';

/** orderRecord: idempotent upsert, status rules, totals, validation, stores, members by identity, touchpoints. */
let t: TestApp;
let tenant: TestTenant;
let key: string;
let memberId: string;

beforeAll(async () => {
  t = await startTestApp();
  tenant = await t.tenant();
  key = tenant.keys.INGEST;
  memberId = await createMember(t, tenant.keys.ADMIN, { displayName: 'Buyer' });
});
afterAll(async () => {
  await t.close();
});

const orderTouchpoints = async (member: string, externalId: string) =>
  dataOf(await t.gql(MemberTouchpointsDocument, { id: member, first: 100, types: ['ORDER_PLACED', 'ORDER_PAID', 'ORDER_CANCELLED', 'REFUND'] }, { key: tenant.keys.ANALYST }))
    .member!.touchpoints.nodes.filter((n) => n.order?.externalId === externalId)
    .map((n) => n.type)
    .sort();
const allOrders = async () => dataOf(await t.gql(TenantOrdersDocument, { first: 250 }, { key: tenant.keys.ANALYST })).orders;
const stats = async (member: string) => dataOf(await t.gql(MemberPurchaseStatsDocument, { id: member }, { key: tenant.keys.ANALYST })).member!.purchaseStats;

describe('create and re-record', () => {
  test('creates an order with its lines and totals, and re-recording the same input changes nothing', async () => {
    const input = orderInput(memberId, { discount: 300, shipping: 100, source: 'tmall', paidAt: ago(9) });
    const order = await recordOrder(t, key, input);
    expect(order).toEqual(
      expect.objectContaining({
        externalId: input.externalId,
        channel: 'WEB',
        online: true,
        status: 'PAID',
        currency: 'CNY',
        itemsTotal: { amount: 2500, currency: 'CNY' },
        discount: { amount: 300, currency: 'CNY' },
        shipping: { amount: 100, currency: 'CNY' },
        total: { amount: 2300, currency: 'CNY' },
        refundedAmount: { amount: 0, currency: 'CNY' },
        netAmount: { amount: 2300, currency: 'CNY' },
        placedAt: input.placedAt,
        paidAt: input.paidAt,
        cancelledAt: null,
        source: 'tmall',
        member: { id: memberId },
        store: null,
        refunds: [],
      }),
    );
    expect(order.items).toEqual([
      { lineNo: 1, sku: 'SKU-A', name: 'Tea', category: 'drinks', quantity: 2, refundedQuantity: 0, unitPrice: { amount: 1000, currency: 'CNY' } },
      { lineNo: 2, sku: 'SKU-B', name: 'Cup', category: null, quantity: 1, refundedQuantity: 0, unitPrice: { amount: 500, currency: 'CNY' } },
    ]);
    const before = await allOrders();
    const again = await recordOrder(t, key, input);
    expect({ ...again, updatedAt: null }).toEqual({ ...order, updatedAt: null });
    expect((await allOrders()).totalCount).toBe(before.totalCount);
    expect(await orderTouchpoints(memberId, input.externalId)).toEqual(['ORDER_PAID', 'ORDER_PLACED']);
  });

  test('the same new order recorded concurrently is stored once', async () => {
    const input = orderInput(memberId);
    const before = await allOrders();
    const results = await Promise.all(Array.from({ length: 5 }, () => tryRecordOrder(t, key, input)));
    expect(results.map((r) => r.userErrors)).toEqual(results.map(() => []));
    expect(new Set(results.map((r) => r.order!.id)).size).toBe(1);
    expect((await allOrders()).totalCount).toBe(before.totalCount + 1);
    expect(await orderTouchpoints(memberId, input.externalId)).toEqual(['ORDER_PAID', 'ORDER_PLACED']);
  });

  test('order, orderByExternalId and node find it; missing ones are null', async () => {
    const input = orderInput(memberId);
    const order = await recordOrder(t, key, input);
    const analyst = { key: tenant.keys.ANALYST };
    expect(dataOf(await t.gql(OrderDocument, { id: order.id }, analyst)).order).toEqual(order);
    expect(dataOf(await t.gql(OrderByExternalIdDocument, { externalId: input.externalId }, analyst)).orderByExternalId).toEqual(order);
    expect(dataOf(await t.gql(ActivityNodeDocument, { id: order.id }, analyst)).node).toEqual({ __typename: 'Order', id: order.id, externalId: input.externalId, status: 'PAID' });
    expect(dataOf(await t.gql(OrderDocument, { id: missingId('Order') }, analyst)).order).toBeNull();
    expect(dataOf(await t.gql(OrderDocument, { id: memberId }, analyst)).order).toBeNull();
    expect(dataOf(await t.gql(OrderByExternalIdDocument, { externalId: 'no-such-order' }, analyst)).orderByExternalId).toBeNull();
  });
});

describe('status', () => {
  test('PLACED -> PAID, each change a touchpoint linked to the order; an older status never moves it back', async () => {
    const input = orderInput(memberId, { status: 'PLACED' });
    const placed = await recordOrder(t, key, input);
    expect(placed.status).toBe('PLACED');
    expect(placed.paidAt).toBeNull();
    expect(await orderTouchpoints(memberId, input.externalId)).toEqual(['ORDER_PLACED']);
    const paidAt = ago(9);
    const paid = await recordOrder(t, key, { ...input, status: 'PAID', paidAt });
    expect(paid).toEqual(expect.objectContaining({ id: placed.id, status: 'PAID', paidAt }));
    const back = await recordOrder(t, key, { ...input, status: 'PLACED' });
    expect(back.status).toBe('PAID');
    expect(back.paidAt).toBe(paidAt);
    expect(await orderTouchpoints(memberId, input.externalId)).toEqual(['ORDER_PAID', 'ORDER_PLACED']);
    const events = dataOf(await t.gql(MemberTouchpointsDocument, { id: memberId, first: 100, types: ['ORDER_PAID'] }, { key: tenant.keys.ANALYST })).member!.touchpoints.nodes;
    const event = events.find((n) => n.order?.id === placed.id)!;
    expect(event).toEqual(expect.objectContaining({ type: 'ORDER_PAID', channel: 'WEB', occurredAt: paidAt, member: { id: memberId }, order: { id: placed.id, externalId: input.externalId } }));
  });

  test('PAID without paidAt: a first recording keeps the historical time (placedAt), a later one is stamped now', async () => {
    const backfilled = orderInput(memberId, { paidAt: null });
    expect((await recordOrder(t, key, backfilled)).paidAt).toBe(backfilled.placedAt);
    const live = orderInput(memberId, { status: 'PLACED' });
    await recordOrder(t, key, live);
    const started = Date.now();
    const paid = await recordOrder(t, key, { ...live, status: 'PAID' });
    expect(Date.parse(paid.paidAt!)).toBeGreaterThanOrEqual(started - 1000);
  });

  test('CANCELLED only from PLACED; a cancelled order cannot be paid', async () => {
    const input = orderInput(memberId, { status: 'PLACED' });
    await recordOrder(t, key, input);
    const cancelled = await recordOrder(t, key, { ...input, status: 'CANCELLED' });
    expect(cancelled.status).toBe('CANCELLED');
    expect(cancelled.cancelledAt).toEqual(expect.any(String));
    expect(await orderTouchpoints(memberId, input.externalId)).toEqual(['ORDER_CANCELLED', 'ORDER_PLACED']);
    const pay = await tryRecordOrder(t, key, { ...input, status: 'PAID' });
    expect(pay).toEqual({ order: null, userErrors: [expect.objectContaining({ code: 'INVALID_TRANSITION', field: ['input', 'status'] })] });
    expect(dataOf(await t.gql(OrderByExternalIdDocument, { externalId: input.externalId }, { key: tenant.keys.ANALYST })).orderByExternalId!.status).toBe('CANCELLED');

    const paidInput = orderInput(memberId);
    await recordOrder(t, key, paidInput);
    const cancelPaid = await tryRecordOrder(t, key, { ...paidInput, status: 'CANCELLED' });
    expect(cancelPaid.userErrors).toEqual([expect.objectContaining({ code: 'INVALID_TRANSITION' })]);
    const refunded = await recordOrder(t, key, orderInput(memberId));
    await refundOrder(t, key, { orderId: refunded.id, refundId: 'r1', amount: 100 });
    const cancelRefunded = await tryRecordOrder(t, key, { ...orderInput(memberId), externalId: refunded.externalId, status: 'CANCELLED' });
    expect(cancelRefunded.userErrors).toEqual([expect.objectContaining({ code: 'INVALID_TRANSITION' })]);
    expect(dataOf(await t.gql(OrderDocument, { id: refunded.id }, { key: tenant.keys.ANALYST })).order!.status).toBe('PARTIALLY_REFUNDED');
  });

  test('a new order recorded as CANCELLED is placed and cancelled at once, and never counts', async () => {
    const buyer = await createMember(t, tenant.keys.ADMIN);
    const input = orderInput(buyer, { status: 'CANCELLED' });
    const order = await recordOrder(t, key, input);
    expect(order.status).toBe('CANCELLED');
    expect(await orderTouchpoints(buyer, input.externalId)).toEqual(['ORDER_CANCELLED', 'ORDER_PLACED']);
    expect((await stats(buyer)).orderCount).toBe(0);
  });

  test('PARTIALLY_REFUNDED and REFUNDED cannot be recorded as a status', async () => {
    for (const status of ['PARTIALLY_REFUNDED', 'REFUNDED'] as const) {
      const payload = await tryRecordOrder(t, key, orderInput(memberId, { status }));
      expect(payload).toEqual({ order: null, userErrors: [expect.objectContaining({ code: 'INVALID', field: ['input', 'status'] })] });
    }
  });
});

describe('updates', () => {
  test('lines and amounts can change before a refund; totals and stats follow', async () => {
    const buyer = await createMember(t, tenant.keys.ADMIN);
    const input = orderInput(buyer);
    await recordOrder(t, key, input);
    const changed = await recordOrder(t, key, {
      ...input,
      discount: 50,
      items: [
        { sku: 'SKU-C', name: 'Pot', quantity: 1, unitPrice: 3000 },
        { sku: 'SKU-A', name: 'Tea', quantity: 1, unitPrice: 1000 },
        { sku: 'SKU-D', name: 'Spoon', quantity: 3, unitPrice: 100 },
      ],
    });
    expect(changed.items.map((i) => [i.lineNo, i.sku, i.quantity])).toEqual([
      [1, 'SKU-C', 1],
      [2, 'SKU-A', 1],
      [3, 'SKU-D', 3],
    ]);
    expect(changed.total.amount).toBe(4300 - 50);
    expect((await stats(buyer)).netSpend.amount).toBe(4250);
    const fewer = await recordOrder(t, key, { ...input, items: [{ sku: 'SKU-E', name: 'Bag', quantity: 1, unitPrice: 700 }] });
    expect(fewer.items.map((i) => [i.lineNo, i.sku])).toEqual([[1, 'SKU-E']]);
    expect((await stats(buyer)).netSpend.amount).toBe(700);
  });

  test('a different buyer for a recorded order is MEMBER_MISMATCH and changes nothing', async () => {
    const input = orderInput(memberId);
    const order = await recordOrder(t, key, input);
    const other = await createMember(t, tenant.keys.ADMIN);
    const payload = await tryRecordOrder(t, key, { ...input, member: { id: other }, discount: 10 });
    expect(payload).toEqual({ order: null, userErrors: [expect.objectContaining({ code: 'MEMBER_MISMATCH', field: ['input', 'member'] })] });
    expect(dataOf(await t.gql(OrderDocument, { id: order.id }, { key: tenant.keys.ANALYST })).order).toEqual(order);
    expect((await stats(other)).orderCount).toBe(0);
  });

  test('refundedAmount syncs a running refund total: it only grows, may not pass the total, and adds one REFUND touchpoint per change', async () => {
    const buyer = await createMember(t, tenant.keys.ADMIN);
    const input = orderInput(buyer);
    await recordOrder(t, key, input);
    const part = await recordOrder(t, key, { ...input, refundedAmount: 400 });
    expect(part).toEqual(expect.objectContaining({ status: 'PARTIALLY_REFUNDED', refundedAmount: { amount: 400, currency: 'CNY' }, netAmount: { amount: 2100, currency: 'CNY' } }));
    expect(part.refunds.map((r) => r.amount.amount)).toEqual([400]);
    expect(await recordOrder(t, key, { ...input, refundedAmount: 400 })).toEqual(expect.objectContaining({ refunds: part.refunds }));
    const shrink = await tryRecordOrder(t, key, { ...input, refundedAmount: 300 });
    expect(shrink.userErrors).toEqual([expect.objectContaining({ field: ['input', 'refundedAmount'] })]);
    const tooLarge = await tryRecordOrder(t, key, { ...input, refundedAmount: 2501 });
    expect(tooLarge.userErrors).toEqual([expect.objectContaining({ code: 'REFUND_TOO_LARGE', field: ['input', 'refundedAmount'] })]);
    const full = await recordOrder(t, key, { ...input, refundedAmount: 2500 });
    expect(full.status).toBe('REFUNDED');
    expect(full.refunds.map((r) => r.amount.amount)).toEqual([400, 2100]);
    expect(await orderTouchpoints(buyer, input.externalId)).toEqual(['ORDER_PAID', 'ORDER_PLACED', 'REFUND', 'REFUND']);
    expect(await stats(buyer)).toEqual(expect.objectContaining({ orderCount: 0, netSpend: { amount: 0, currency: 'CNY' } }));
  });

  test('refundedAmount on an unpaid order is NOT_REFUNDABLE', async () => {
    const input = orderInput(memberId, { status: 'PLACED', refundedAmount: 100 });
    const payload = await tryRecordOrder(t, key, input);
    expect(payload.userErrors).toEqual([expect.objectContaining({ code: 'NOT_REFUNDABLE' })]);
    expect(dataOf(await t.gql(OrderByExternalIdDocument, { externalId: input.externalId }, { key: tenant.keys.ANALYST })).orderByExternalId).toBeNull();
  });

  test('after a refund the lines and amounts cannot change; the same lines can be sent again', async () => {
    const input = orderInput(memberId, { discount: 100 });
    const order = await recordOrder(t, key, input);
    await refundOrder(t, key, { orderId: order.id, refundId: 'part', amount: 200 });
    const lines = await tryRecordOrder(t, key, { ...input, items: [{ sku: 'SKU-A', name: 'Tea', quantity: 1, unitPrice: 1000 }] });
    expect(lines.userErrors).toEqual([expect.objectContaining({ code: 'INVALID_TRANSITION', field: ['input', 'items'] })]);
    const discount = await tryRecordOrder(t, key, { ...input, discount: 2300 });
    expect(discount.userErrors).toEqual([expect.objectContaining({ code: 'INVALID_TRANSITION' })]);
    const same = await recordOrder(t, key, input);
    expect(same).toEqual(expect.objectContaining({ status: 'PARTIALLY_REFUNDED', total: { amount: 2400, currency: 'CNY' }, refundedAmount: { amount: 200, currency: 'CNY' } }));
  });
});

describe('validation', () => {
  test('bad amounts, quantities, lines and times are userErrors, and nothing is written', async () => {
    const before = await allOrders();
    const beforeStats = await stats(memberId);
    const line = { sku: 'S', name: 'N', quantity: 1, unitPrice: 100 };
    const cases: [string, Parameters<typeof orderInput>[1], string[]][] = [
      ['negative unit price', { items: [{ ...line, unitPrice: -1 }] }, ['input', 'items', '0', 'unitPrice']],
      ['zero quantity', { items: [{ ...line, quantity: 0 }] }, ['input', 'items', '0', 'quantity']],
      ['negative quantity', { items: [line, { ...line, quantity: -2 }] }, ['input', 'items', '1', 'quantity']],
      ['blank sku', { items: [{ ...line, sku: '  ' }] }, ['input', 'items', '0', 'sku']],
      ['blank name', { items: [{ ...line, name: '' }] }, ['input', 'items', '0', 'name']],
      ['no lines', { items: [] }, ['input', 'items']],
      ['501 lines', { items: Array.from({ length: 501 }, () => line) }, ['input', 'items']],
      ['negative discount', { discount: -5 }, ['input', 'discount']],
      ['negative shipping', { shipping: -5 }, ['input', 'shipping']],
      ['discount above the cost', { discount: 2501 }, ['input', 'discount']],
      ['blank externalId', { externalId: ' ' }, ['input', 'externalId']],
      ['long externalId', { externalId: 'x'.repeat(101) }, ['input', 'externalId']],
      ['placed in the future', { placedAt: new Date(Date.now() + 3_600_000).toISOString() }, ['input', 'placedAt']],
      ['placed before 1990', { placedAt: '1989-12-31T23:59:59Z' }, ['input', 'placedAt']],
      ['paid before placed', { paidAt: ago(20) }, ['input', 'paidAt']],
      ['storeId and storeCode', { storeId: missingId('Store'), storeCode: 'x' }, ['input', 'storeId']],
      ['huge total', { items: [{ ...line, quantity: 100_000, unitPrice: 100_000 }] }, ['input', 'items']],
    ];
    for (const [name, overrides, field] of cases) {
      const payload = await tryRecordOrder(t, key, orderInput(memberId, overrides));
      expect({ name, order: payload.order, fields: payload.userErrors.map((e) => e.field) }).toEqual({ name, order: null, fields: expect.arrayContaining([field]) });
    }
    expect((await allOrders()).totalCount).toBe(before.totalCount);
    expect(await stats(memberId)).toEqual(beforeStats);
  });

  test('the currency must be the tenant currency (CNY): CURRENCY_MISMATCH otherwise; the currency is fixed once orders exist', async () => {
    const payload = await tryRecordOrder(t, key, orderInput(memberId, { currency: 'USD' }));
    expect(payload).toEqual({ order: null, userErrors: [expect.objectContaining({ code: 'CURRENCY_MISMATCH', field: ['input', 'currency'] })] });
    const change = dataOf(await t.gql(TenantUpdateDocument, { input: { currency: 'USD' } }, { key: tenant.keys.OWNER })).tenantUpdate;
    expect(change.userErrors).toEqual([expect.objectContaining({ code: 'CURRENCY_MISMATCH', field: ['input', 'currency'] })]);

    const fresh = await t.tenant();
    const switched = dataOf(await t.gql(TenantUpdateDocument, { input: { currency: 'USD' } }, { key: fresh.keys.ADMIN })).tenantUpdate;
    expect(switched.tenant!.currency).toBe('USD');
    const buyer = await createMember(t, fresh.keys.ADMIN);
    expect((await tryRecordOrder(t, fresh.keys.INGEST, orderInput(buyer))).userErrors).toEqual([expect.objectContaining({ code: 'CURRENCY_MISMATCH' })]);
    const usd = await recordOrder(t, fresh.keys.INGEST, orderInput(buyer, { currency: 'USD' }));
    expect(usd.total).toEqual({ amount: 2500, currency: 'USD' });
    const stat = dataOf(await t.gql(MemberPurchaseStatsDocument, { id: buyer }, { key: fresh.keys.ANALYST })).member!.purchaseStats;
    expect(stat.netSpend).toEqual({ amount: 2500, currency: 'USD' });
  });
});

describe('stores and members', () => {
  test('a store by id or by code; an unknown one is NOT_FOUND', async () => {
    const storeId = await createStore(t, tenant.keys.ADMIN, { code: 'sh-01' });
    const byId = await recordOrder(t, key, orderInput(memberId, { channel: 'STORE', storeId }));
    expect(byId).toEqual(expect.objectContaining({ online: false, store: { id: storeId, code: 'sh-01' } }));
    const byCode = await recordOrder(t, key, orderInput(memberId, { channel: 'STORE', storeCode: 'sh-01' }));
    expect(byCode.store).toEqual({ id: storeId, code: 'sh-01' });
    const placedEvents = dataOf(await t.gql(MemberTouchpointsDocument, { id: memberId, first: 100, types: ['ORDER_PLACED'], channels: ['STORE'] }, { key: tenant.keys.ANALYST })).member!
      .touchpoints.nodes;
    expect(placedEvents.find((n) => n.order?.id === byCode.id)!.store).toEqual({ id: storeId, code: 'sh-01' });
    for (const where of [{ storeId: missingId('Store') }, { storeCode: 'nowhere' }]) {
      const payload = await tryRecordOrder(t, key, orderInput(memberId, where));
      expect(payload.userErrors).toEqual([expect.objectContaining({ code: 'NOT_FOUND' })]);
    }
    const inStore = dataOf(await t.gql(TenantOrdersDocument, { storeId, first: 10 }, { key: tenant.keys.ANALYST })).orders;
    expect(inStore.nodes.map((o) => o.id).sort()).toEqual([byId.id, byCode.id].sort());
  });

  test('a member by identity: unknown ones create a member (CREATE_MEMBER) once; PHONE is normalised', async () => {
    const count = async () => dataOf(await t.gql(MembersDocument, { first: 1 }, { key: tenant.keys.ANALYST })).members.totalCount;
    const before = await count();
    const first = await recordOrder(t, key, orderInput('', { member: { identity: { channel: 'PHONE', externalId: '13655556666' } } }));
    const second = await recordOrder(t, key, orderInput('', { member: { identity: { channel: 'PHONE', externalId: '+86 136 5555 6666' } } }));
    expect(second.member).toEqual(first.member);
    expect(await count()).toBe(before + 1);
    const found = dataOf(await t.gql(MemberByIdentityDocument, { channel: 'PHONE', externalId: '+8613655556666' }, { key: tenant.keys.ANALYST })).memberByIdentity;
    expect(found?.id).toBe(first.member!.id);
    expect((await stats(first.member!.id)).orderCount).toBe(2);
  });

  test('with REJECT an unknown identity is UNKNOWN_IDENTITY; unknown, erased and missing members are userErrors', async () => {
    const strict = await t.tenant();
    dataOf(await t.gql(TenantUpdateDocument, { input: { unknownIdentityPolicy: 'REJECT' } }, { key: strict.keys.ADMIN }));
    const unknown = await tryRecordOrder(t, strict.keys.INGEST, orderInput('', { member: { identity: { channel: 'APP_USER', externalId: 'nobody' } } }));
    expect(unknown).toEqual({ order: null, userErrors: [expect.objectContaining({ code: 'UNKNOWN_IDENTITY', field: ['input', 'member'] })] });
    expect(dataOf(await t.gql(MembersDocument, { first: 1 }, { key: strict.keys.ANALYST })).members.totalCount).toBe(0);
    expect((await tryRecordOrder(t, key, orderInput(missingId('Member')))).userErrors).toEqual([expect.objectContaining({ code: 'NOT_FOUND', field: ['input', 'member'] })]);
    expect((await tryRecordOrder(t, key, orderInput('', { member: {} }))).userErrors).toEqual([expect.objectContaining({ code: 'INVALID', field: ['input', 'member'] })]);
    const gone = await createMember(t, tenant.keys.ADMIN);
    dataOf(await t.gql(MemberEraseDocument, { input: { id: gone } }, { key: tenant.keys.ADMIN }));
    expect((await tryRecordOrder(t, key, orderInput(gone))).userErrors).toEqual([expect.objectContaining({ code: 'MEMBER_ERASED' })]);
  });
});

describe('lists', () => {
  test('orders and member.orders: newest first, filters by status, channel and placed window, paging', async () => {
    const buyer = await createMember(t, tenant.keys.ADMIN);
    const placed = [30, 20, 10, 5].map((days) => ago(days));
    const [o30, o20, o10, o5] = [
      await recordOrder(t, key, orderInput(buyer, { placedAt: placed[0], status: 'PLACED' })),
      await recordOrder(t, key, orderInput(buyer, { placedAt: placed[1], channel: 'APP' })),
      await recordOrder(t, key, orderInput(buyer, { placedAt: placed[2], status: 'CANCELLED' })),
      await recordOrder(t, key, orderInput(buyer, { placedAt: placed[3], channel: 'MARKETPLACE' })),
    ];
    const page = async (vars: Record<string, unknown>) =>
      dataOf(await t.gql(MemberOrdersDocument, { id: buyer, first: 10, ...vars } as never, { key: tenant.keys.ANALYST })).member!.orders;
    expect((await page({})).nodes.map((o) => o.id)).toEqual([o5!.id, o10!.id, o20!.id, o30!.id]);
    expect((await page({ statuses: ['PAID'] })).nodes.map((o) => o.id)).toEqual([o5!.id, o20!.id]);
    expect((await page({ channels: ['APP'] })).nodes.map((o) => o.id)).toEqual([o20!.id]);
    expect((await page({ placedSince: placed[1], placedUntil: placed[3] })).nodes.map((o) => o.id)).toEqual([o10!.id, o20!.id]);
    const first = await page({ first: 3 });
    expect(first.totalCount).toBe(4);
    expect(first.pageInfo.hasNextPage).toBe(true);
    expect((await page({ first: 3, after: first.pageInfo.endCursor })).nodes.map((o) => o.id)).toEqual([o30!.id]);
    const cancelled = dataOf(await t.gql(TenantOrdersDocument, { statuses: ['CANCELLED'], first: 250 }, { key: tenant.keys.ANALYST })).orders;
    expect(cancelled.nodes.every((o) => o.status === 'CANCELLED')).toBe(true);
    expect(cancelled.nodes.map((o) => o.id)).toContain(o10!.id);
    expect(cancelled.totalCount).toBe(cancelled.nodes.length);
    const bad = await t.gql(TenantOrdersDocument, { placedSince: placed[3], placedUntil: placed[1] }, { key: tenant.keys.ANALYST });
    expect(errorCodes(bad)).toEqual(['BAD_USER_INPUT']);
  });
});

describe('roles', () => {
  test('INGEST records but cannot read; ANALYST reads but cannot record', async () => {
    const input = orderInput(memberId);
    const order = await recordOrder(t, tenant.keys.INGEST, input);
    expect(errorCodes(await t.gql(OrderDocument, { id: order.id }, { key: tenant.keys.INGEST }))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await t.gql(OrderByExternalIdDocument, { externalId: input.externalId }, { key: tenant.keys.INGEST }))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await t.gql(TenantOrdersDocument, {}, { key: tenant.keys.INGEST }))).toEqual(['FORBIDDEN']);
    const denied = await t.gql(OrderRecordDocument, { input: { ...input, discount: 1 } }, { key: tenant.keys.ANALYST });
    expect(errorCodes(denied)).toEqual(['FORBIDDEN']);
    expect(dataOf(await t.gql(OrderDocument, { id: order.id }, { key: tenant.keys.ANALYST })).order!.discount.amount).toBe(0);
  });
});
