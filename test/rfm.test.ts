import { MemberTokenCreateDocument } from './generated/graphql';
import { dataOf, errorCodes, startTestApp, type TestApp, type TestTenant } from './support/harness';
import { createMember } from './support/access-fixtures';
import { ago, orderInput, prng, recordOrder, refundOrder } from './support/activity-fixtures';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

const RUN = 'mutation($input: JobRunInput!) { jobRun(input: $input) { jobRun { state output } userErrors { code } } }';
const RFM = 'query($id: ID!) { member(id: $id) { rfm { recencyDays frequency monetary recencyScore frequencyScore monetaryScore cell group } } }';
const DISTRIBUTION = '{ rfmDistribution { buyers windowDays computedAt groups { key members netSpend share } cells { key members } } }';

async function refresh(tenant: TestTenant) {
  const payload = dataOf(await t.gql(RUN, { input: { job: 'RFM_REFRESH' } }, { key: tenant.keys.ADMIN })).jobRun;
  expect(payload.jobRun.state).toBe('COMPLETED');
  return payload.jobRun.output as { buyers: number; removed: number; windowDays: number };
}

/** The documented mapping, written again here from the scores. */
function groupOf(r: number, f: number, m: number): string {
  const fm = Math.floor((f + m + 1) / 2);
  if (r === 5 && fm >= 4) return 'CHAMPIONS';
  if ((r === 3 || r === 4) && fm >= 4) return 'LOYAL';
  if (r >= 4 && (fm === 2 || fm === 3)) return 'POTENTIAL_LOYALIST';
  if (r === 5) return 'NEW';
  if (r === 4) return 'PROMISING';
  if (r === 3) return fm === 3 ? 'NEEDS_ATTENTION' : 'ABOUT_TO_SLEEP';
  if (fm === 5) return 'CANNOT_LOSE';
  if (fm >= 3) return 'AT_RISK';
  return r === 2 ? 'HIBERNATING' : 'LOST';
}

/** Quintile score: 1 + floor(5 x percent_rank), ties sharing the lowest rank. */
function scores(values: number[]): number[] {
  return values.map((value) => {
    if (values.length === 1) return 1;
    const below = values.filter((other) => other < value).length;
    return Math.min(5, 1 + Math.floor((5 * below) / (values.length - 1)));
  });
}

test('scores every buyer in the window by quintiles, maps cells to groups, and keeps non-buyers out', async () => {
  const tenant = await t.tenant();
  const random = prng(51);
  const buyers: { id: string; lastDaysAgo: number; orders: number; spend: number }[] = [];
  for (let i = 0; i < 24; i++) {
    const id = await createMember(t, tenant.keys.ADMIN);
    const orders = 1 + Math.floor(random() * 4);
    let spend = 0;
    let last = 400;
    for (let n = 0; n < orders; n++) {
      const daysAgo = 1 + Math.floor(random() * 300) + i; // distinct last-purchase days (i breaks ties)
      const unitPrice = 1000 * (1 + Math.floor(random() * 20));
      await recordOrder(t, tenant.keys.INGEST, orderInput(id, { placedAt: ago(daysAgo), items: [{ sku: 'S', name: 'S', quantity: 1, unitPrice }] }));
      spend += unitPrice;
      last = Math.min(last, daysAgo);
    }
    buyers.push({ id, lastDaysAgo: last, orders, spend });
  }
  // Bought only before the window, and a refunded buyer: not in the scores at all.
  const old = await createMember(t, tenant.keys.ADMIN);
  await recordOrder(t, tenant.keys.INGEST, orderInput(old, { placedAt: ago(400) }));
  const refunded = await createMember(t, tenant.keys.ADMIN);
  const order = await recordOrder(t, tenant.keys.INGEST, orderInput(refunded, { placedAt: ago(3) }));
  await refundOrder(t, tenant.keys.INGEST, { orderId: order.id, refundId: 'all', full: true });

  expect(await refresh(tenant)).toEqual({ buyers: 24, removed: 0, windowDays: 365 });
  const r = scores(buyers.map((b) => -b.lastDaysAgo));
  const f = scores(buyers.map((b) => b.orders));
  const m = scores(buyers.map((b) => b.spend));
  for (const [i, buyer] of buyers.entries()) {
    const rfm = dataOf(await t.gql(RFM, { id: buyer.id }, { key: tenant.keys.ANALYST })).member.rfm;
    expect({ i, rfm }).toEqual({
      i,
      rfm: {
        recencyDays: buyer.lastDaysAgo,
        frequency: buyer.orders,
        monetary: { amount: buyer.spend, currency: 'CNY' },
        recencyScore: r[i],
        frequencyScore: f[i],
        monetaryScore: m[i],
        cell: `${r[i]}-${f[i]}-${m[i]}`,
        group: groupOf(r[i]!, f[i]!, m[i]!),
      },
    });
  }
  for (const id of [old, refunded]) expect(dataOf(await t.gql(RFM, { id }, { key: tenant.keys.ADMIN })).member.rfm).toBeNull();

  const distribution = dataOf(await t.gql(DISTRIBUTION, {}, { key: tenant.keys.ANALYST })).rfmDistribution;
  expect(distribution.buyers).toBe(24);
  expect(distribution.groups.reduce((sum: number, g: { members: number }) => sum + g.members, 0)).toBe(24);
  expect(distribution.groups.reduce((sum: number, g: { netSpend: { amount: number } }) => sum + g.netSpend.amount, 0)).toBe(buyers.reduce((sum, b) => sum + b.spend, 0));
  const expectedGroups = new Map<string, number>();
  buyers.forEach((_, i) => expectedGroups.set(groupOf(r[i]!, f[i]!, m[i]!), (expectedGroups.get(groupOf(r[i]!, f[i]!, m[i]!)) ?? 0) + 1));
  expect(Object.fromEntries(distribution.groups.map((g: { key: string; members: number }) => [g.key, g.members]))).toEqual(Object.fromEntries(expectedGroups));
  expect(distribution.cells.reduce((sum: number, c: { members: number }) => sum + c.members, 0)).toBe(24);

  // A longer window takes the old buyer in; a refund of everything takes a buyer out.
  const update = await t.gql('mutation { tenantUpdate(input: { rfmWindowDays: 500 }) { tenant { rfmWindowDays } userErrors { code } } }', {}, { key: tenant.keys.ADMIN });
  expect(dataOf(update).tenantUpdate.tenant.rfmWindowDays).toBe(500);
  const gone = buyers.find((b) => b.orders === 1)!;
  const goneOrders = dataOf(await t.gql('query($id: ID!) { member(id: $id) { orders(first: 5) { nodes { id } } } }', { id: gone.id }, { key: tenant.keys.ADMIN })).member.orders.nodes;
  await refundOrder(t, tenant.keys.INGEST, { orderId: goneOrders[0].id, refundId: 'all', full: true });
  expect(await refresh(tenant)).toEqual({ buyers: 24, removed: 1, windowDays: 500 });
  expect(dataOf(await t.gql(RFM, { id: old }, { key: tenant.keys.ADMIN })).member.rfm).toMatchObject({ recencyDays: 400, frequency: 1 });
  expect(dataOf(await t.gql(RFM, { id: gone.id }, { key: tenant.keys.ADMIN })).member.rfm).toBeNull();
});

test('bad windows are refused; scores are readers’ only; one tenant never sees another’s', async () => {
  const tenant = await t.tenant();
  const other = await t.tenant();
  const bad = await t.gql('mutation { tenantUpdate(input: { rfmWindowDays: 7 }) { tenant { id } userErrors { field code } } }', {}, { key: tenant.keys.ADMIN });
  expect(dataOf(bad).tenantUpdate.userErrors).toEqual([{ field: ['input', 'rfmWindowDays'], code: 'INVALID' }]);
  const memberId = await createMember(t, tenant.keys.ADMIN);
  await recordOrder(t, tenant.keys.INGEST, orderInput(memberId));
  await refresh(tenant);
  const token = dataOf(await t.gql(MemberTokenCreateDocument, { input: { memberId } }, { key: tenant.keys.ADMIN })).memberTokenCreate.token!;
  expect(errorCodes(await t.gql('{ viewer { member { rfm { group } } } }', {}, { key: token }))).toEqual(['FORBIDDEN']);
  expect(dataOf(await t.gql(DISTRIBUTION, {}, { key: other.keys.OWNER })).rfmDistribution).toMatchObject({ buyers: 0, groups: [], cells: [], computedAt: null });
  // Quintiles of one buyer: ties share the lowest score, so a lone buyer is 1-1-1 (LOST) until there are others.
  expect(dataOf(await t.gql(DISTRIBUTION, {}, { key: tenant.keys.OWNER })).rfmDistribution).toMatchObject({ buyers: 1, groups: [{ key: 'LOST', members: 1, share: 1 }], cells: [{ key: '1-1-1', members: 1 }] });
});

test('rfm on a list of members costs the same statements for 5 as for 40', async () => {
  const tenant = await t.tenant();
  const count = async () => (await t.countSql(() => t.gql('{ members(first: 100) { nodes { rfm { cell } } } }', {}, { key: tenant.keys.ADMIN }))).statements;
  const add = async (n: number) => {
    for (let i = 0; i < n; i++) await recordOrder(t, tenant.keys.INGEST, orderInput(await createMember(t, tenant.keys.ADMIN)));
    await refresh(tenant);
  };
  await add(5);
  const few = await count();
  await add(35);
  expect(await count()).toBe(few);
});
