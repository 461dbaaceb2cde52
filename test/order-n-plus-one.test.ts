import { MembersActivityNestedDocument } from './generated/graphql';
import { dataOf, startTestApp, type TestApp, type TestTenant } from './support/harness';
import { createMember } from './support/access-fixtures';
import { event, orderInput, recordEvents, recordOrder } from './support/activity-fixtures';

/** Members with their touchpoints, orders (with lines), purchase stats and touchpoint counts: no N+1. */
let t: TestApp;
let tenant: TestTenant;

beforeAll(async () => {
  t = await startTestApp();
  tenant = await t.tenant();
  const events = [];
  for (let i = 0; i < 45; i++) {
    const member = await createMember(t, tenant.keys.ADMIN, { displayName: `Nested ${i}` });
    // Every third member has no activity at all: empty pages must cost nothing extra either.
    if (i % 3 === 2) continue;
    await recordOrder(t, tenant.keys.INGEST, orderInput(member));
    if (i % 2) await recordOrder(t, tenant.keys.INGEST, orderInput(member, { status: 'PLACED' }));
    events.push(event(member, { type: 'PRODUCT_VIEW' }), event(member, { type: 'CART_ADD', channel: 'APP' }));
  }
  expect((await recordEvents(t, tenant.keys.INGEST, events)).rejected).toBe(0);
});
afterAll(async () => {
  await t.close();
});

test('a nested activity page costs the same number of SQL statements for 5 and for 40 members', async () => {
  const key = tenant.keys.ANALYST;
  await t.gql(MembersActivityNestedDocument, { first: 1 }, { key }); // warm the key cache: authentication is not part of the count
  const small = await t.countSql(() => t.gql(MembersActivityNestedDocument, { first: 5 }, { key }));
  const large = await t.countSql(() => t.gql(MembersActivityNestedDocument, { first: 40 }, { key }));
  const nodes = dataOf(large.result).members.nodes;
  expect(dataOf(small.result).members.nodes).toHaveLength(5);
  expect(nodes).toHaveLength(40);
  // The nested data really was loaded, so the count covers every relation.
  const active = nodes.filter((node) => node.orders.nodes.length > 0);
  expect(active.length).toBeGreaterThan(20);
  expect(active.every((node) => node.orders.nodes.every((order) => order.items.map((item) => item.sku).join() === 'SKU-A,SKU-B'))).toBe(true);
  // Each order wrote ORDER_PLACED (and ORDER_PAID when paid) besides the two events.
  expect(active.every((node) => node.touchpoints.nodes.length === 3)).toBe(true);
  expect(active.every((node) => node.purchaseStats.orderCount === 1 && node.purchaseStats.netSpend.amount === 2500)).toBe(true);
  expect(active.every((node) => node.touchpointCounts.some((count) => count.type === 'CART_ADD' && count.channel === 'APP' && count.count === 1))).toBe(true);
  expect(nodes.filter((node) => node.orders.nodes.length === 0).every((node) => node.touchpoints.nodes.length === 0 && node.touchpointCounts.length === 0)).toBe(true);
  expect(large.statements).toBe(small.statements);
  // members page + touchpoints + orders + order lines + stats + counts + tenant settings: one statement each.
  expect(large.statements).toBeLessThanOrEqual(8);
});
