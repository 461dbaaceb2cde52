import path from 'node:path';
import { readFileSync } from 'node:fs';
import { dataOf, startTestApp, type TestApp, type TestTenant } from './support/harness';
import { countsOf, ecrm, killAll, tempDir, writeLines } from './support/import-cli';

// Real purchase history: 2,357 CDNOW customers and their 6,919 purchases (see the data set's README).
// shared/ stands beside the repository, here and in CI's clean clone.
const SOURCE = path.resolve(__dirname, '..', '..', 'shared', 'data', 'cdnow', 'CDNOW_sample.txt');

interface Purchase {
  customer: string;
  day: string;
  cds: number;
  cents: number;
}

interface Expected {
  orderCount: number;
  netSpend: number;
  first: string;
  last: string;
}

const isoDay = (yyyymmdd: string) => `${yyyymmdd.slice(0, 4)}-${yyyymmdd.slice(4, 6)}-${yyyymmdd.slice(6, 8)}T00:00:00.000Z`;

function purchases(): Purchase[] {
  return readFileSync(SOURCE, 'utf8')
    .trim()
    .split('\n')
    .map((row) => {
      const [customer, , day, cds, dollars] = row.trim().split(/\s+/);
      return { customer: customer!, day: day!, cds: Number(cds), cents: Math.round(Number(dollars) * 100) };
    });
}

// One line of CDs; a price that does not divide evenly is rounded up and the excess given as discount.
function orderOf(p: Purchase, row: number) {
  const quantity = Math.max(p.cds, 1);
  const unitPrice = Math.ceil(p.cents / quantity);
  return {
    externalId: `cdnow-${p.customer}-${p.day}-${row}`,
    member: { identity: { channel: 'MEMBER_CARD', externalId: `cdnow-${p.customer}` } },
    channel: 'WEB',
    status: 'PAID',
    currency: 'USD',
    items: [{ sku: 'CD', name: 'Compact disc', category: 'Music', quantity, unitPrice }],
    discount: quantity * unitPrice - p.cents,
    placedAt: isoDay(p.day),
  };
}

function expectations(rows: Purchase[]): Map<string, Expected> {
  const byCustomer = new Map<string, Expected>();
  for (const p of rows) {
    const at = isoDay(p.day);
    const e = byCustomer.get(p.customer) ?? { orderCount: 0, netSpend: 0, first: at, last: at };
    byCustomer.set(p.customer, { orderCount: e.orderCount + 1, netSpend: e.netSpend + p.cents, first: at < e.first ? at : e.first, last: at > e.last ? at : e.last });
  }
  return byCustomer;
}

let t: TestApp;
let tenant: TestTenant;

beforeAll(async () => {
  t = await startTestApp();
  tenant = await t.tenant('CDNOW');
  const update = await t.gql('mutation { tenantUpdate(input: { currency: "USD" }) { userErrors { message } } }', {}, { key: tenant.keys.OWNER });
  expect(dataOf(update).tenantUpdate.userErrors).toEqual([]);
});
afterAll(async () => {
  killAll();
  await t.close();
});

const MEMBERS = `query ($after: String) { members(first: 250, after: $after) {
  totalCount pageInfo { hasNextPage endCursor } nodes { purchaseStats { netSpend } } } }`;

const STATS = `query ($id: String!) { memberByIdentity(channel: MEMBER_CARD, externalId: $id) {
  purchaseStats { orderCount netSpend firstOrderAt lastOrderAt } } }`;

test('the CDNOW sample imports as 2,357 members with 6,919 orders and exact purchase stats', async () => {
  const rows = purchases();
  expect(rows).toHaveLength(6919);
  const expected = expectations(rows);
  expect(expected.size).toBe(2357);
  const file = writeLines(tempDir(), 'cdnow-orders.ndjson', rows.map(orderOf));

  // Each order goes through OrderService.record (one transaction, about a dozen statements).
  const run = await ecrm(t.databaseUrl, ['import', 'orders', file, '--tenant', tenant.id], 240_000);
  expect(run.code).toBe(0);
  expect(countsOf(run)).toEqual({ records: 6919, accepted: 6919, updated: 0, duplicate: 0, rejected: 0 });

  const orders = dataOf(await t.gql('{ orders(first: 1) { totalCount } }', {}, { key: tenant.keys.ADMIN }));
  expect(orders.orders.totalCount).toBe(6919);

  let members = 0;
  let listed = 0;
  let netSpend = 0;
  let after: string | null = null;
  do {
    const page: any = dataOf(await t.gql(MEMBERS, { after }, { key: tenant.keys.ADMIN })).members;
    members = page.totalCount;
    listed += page.nodes.length;
    for (const node of page.nodes) netSpend += node.purchaseStats.netSpend.amount;
    after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
  } while (after);
  expect(members).toBe(2357);
  expect(listed).toBe(2357);
  expect(netSpend).toBe(rows.reduce((sum, p) => sum + p.cents, 0));

  // Every 47th customer, plus the most frequent buyer.
  const ids = [...expected.keys()];
  const busiest = ids.reduce((a, b) => (expected.get(b)!.orderCount > expected.get(a)!.orderCount ? b : a));
  for (const id of [...ids.filter((_, i) => i % 47 === 0), busiest]) {
    const stats = dataOf(await t.gql(STATS, { id: `cdnow-${id}` }, { key: tenant.keys.ADMIN })).memberByIdentity.purchaseStats;
    const e = expected.get(id)!;
    expect({ id, ...stats }).toEqual({ id, orderCount: e.orderCount, netSpend: { amount: e.netSpend, currency: 'USD' }, firstOrderAt: e.first, lastOrderAt: e.last });
  }
}, 300_000);
