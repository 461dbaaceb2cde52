import path from 'node:path';
import { readFileSync } from 'node:fs';
import { dataOf, dbIdOf, startTestApp, type TestApp, type TestTenant } from './support/harness';
import { countsOf, ecrm, killAll, tempDir, writeLines } from './support/import-cli';
import { probabilityNoPurchase } from '../src/modules/churn/bgnbd';
import { loadConfig } from '../src/app/config';
import { boundRows } from '../src/core/db/bound';
import { configureChannel, createCampaign, deliveriesOf, eventually, fastCampaigns, launch } from './support/campaign-fixtures';

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
  t = await startTestApp({ campaigns: fastCampaigns(loadConfig({}).campaigns, { tickMs: 500, triggerEveryMs: 1_000 }) });
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
  // A post-purchase campaign running while history is imported: orders paid in 1997 are not followed up.
  await configureChannel(t, tenant);
  const care = await createCampaign(t, tenant, { name: 'Thank you', schedule: 'TRIGGER', trigger: { kind: 'ORDER_PAID', days: 0 } });
  expect((await launch(t, tenant, care.id)).status).toBe('RUNNING');

  // Each order goes through OrderService.record (one transaction, about a dozen statements): 90 s alone, 140 s
  // beside another suite on two cores.
  const run = await ecrm(t.databaseUrl, ['import', 'orders', file, '--tenant', tenant.id], 300_000);
  expect(run.code).toBe(0);
  expect(countsOf(run)).toEqual({ records: 6919, accepted: 6919, updated: 0, duplicate: 0, rejected: 0 });
  const imported = Date.now();
  await eventually(async () => {
    const [row] = await boundRows<{ until: string }>(t.orm.em.fork(), 'select trigger_checked_until as until from campaign where id = ?', [dbIdOf(care.id)]);
    return row && new Date(row.until).getTime() > imported;
  }, 10_000, 'a trigger pass over the import');
  expect(await deliveriesOf(t, tenant, care.id)).toEqual([]);

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
}, 360_000);

/** AUC by pairwise comparison (ties count half): the chance a churner outranks a returner. */
function auc(values: { value: number; churned: boolean }[]): number {
  const churners = values.filter((v) => v.churned).map((v) => v.value);
  const returners = values.filter((v) => !v.churned).map((v) => v.value);
  let wins = 0;
  for (const c of churners) for (const r of returners) wins += c > r ? 1 : c === r ? 0.5 : 0;
  return wins / (churners.length * returners.length);
}

const DAY = 86_400_000;
const AS_OF = '1997-10-01T00:00:00.000Z';
const REPORT = `query($asOf: DateTime!, $h: Int) { churnModelReport(asOf: $asOf, horizonDays: $h) {
  buyers churned churnRate model { kind parameters { r alpha a b } } score { auc topDecileLift } recency { auc topDecileLift } } }`;

// Runs on the orders the test above imported (through OrderService.record, as orderRecord does).
test('churn on CDNOW: the BG/NBD fit matches the published one; calibration matches an independent computation', async () => {
  // Fader, Hardie and Lee (2005) fit 39 weeks to the end of 30 September 1997: r 0.243, alpha 4.414, a 0.793,
  // b 2.426, LL -9582.4. asOf 1 October takes the same purchases and measures T one day longer (a, b ~2.5% higher).
  const model = dataOf(await t.gql('query($asOf: DateTime!) { churnModel(asOf: $asOf) { kind buyers timeUnit logLikelihood parameters { r alpha a b } } }', { asOf: AS_OF }, { key: tenant.keys.ANALYST })).churnModel as any;
  expect(model).toMatchObject({ kind: 'BG_NBD', buyers: 2357, timeUnit: 'WEEK' });
  const published: Record<string, number> = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
  for (const [name, value] of Object.entries(published)) expect({ name, near: Math.abs(model.parameters[name] / value - 1) < 0.05 }).toEqual({ name, near: true });
  expect(Math.abs(model.logLikelihood - -9582.4)).toBeLessThan(15);

  // The import rescored every buyer (one statement per batch): today, 28 years on, all are certain churners.
  const risk = dataOf(await t.gql('query($id: String!) { memberByIdentity(channel: MEMBER_CARD, externalId: $id) { churnRisk { score band model } } }', { id: 'cdnow-00004' }, { key: tenant.keys.ANALYST })).memberByIdentity.churnRisk;
  expect(risk).toMatchObject({ band: 'HIGH', model: 'RHYTHM' });
  expect(risk.score).toBeGreaterThan(0.99);

  // Independently, from the raw file: per customer, who bought within the horizon after asOf, recency, and the
  // model's probability of no purchase from the reported parameters.
  const byCustomer = new Map<string, number[]>();
  for (const p of purchases()) byCustomer.set(p.customer, [...(byCustomer.get(p.customer) ?? []), Date.parse(isoDay(p.day))]);
  const asOf = Date.parse(AS_OF);
  const figures: Record<number, unknown> = {};
  for (const horizon of [30, 90, 180]) {
    const report = dataOf(await t.gql(REPORT, { asOf: AS_OF, h: horizon }, { key: tenant.keys.ANALYST })).churnModelReport as any;
    const p = report.model.parameters;
    const buyers = [...byCustomer.values()].map((times) => {
      const days = [...new Set(times.filter((at) => at < asOf))].sort((x, y) => x - y);
      const [first, last] = [days[0]!, days[days.length - 1]!];
      const churned = !times.some((at) => at >= asOf && at < asOf + horizon * DAY);
      return { churned, recency: asOf - last, score: probabilityNoPurchase(p, days.length - 1, (last - first) / (7 * DAY), (asOf - first) / (7 * DAY), horizon / 7) };
    });
    expect(report).toMatchObject({ buyers: 2357, churned: buyers.filter((b) => b.churned).length });
    expect(report.recency.auc).toBeCloseTo(auc(buyers.map((b) => ({ value: b.recency, churned: b.churned }))), 9);
    expect(report.score.auc).toBeCloseTo(auc(buyers.map((b) => ({ value: b.score, churned: b.churned }))), 4);
    expect(report.score.topDecileLift).toBeGreaterThan(1);
    // Recency is a strong baseline on CDNOW: the model beats it at 30 days, ties at 90, trails by about a point at
    // 180 (see docs/churn.md). Guard against a real regression, not the known gap.
    expect(report.score.auc).toBeGreaterThan(report.recency.auc - 0.02);
    figures[horizon] = { churnRate: report.churnRate, score: report.score, recency: report.recency };
  }
  process.stdout.write(`CDNOW churn calibration as of ${AS_OF}: ${JSON.stringify(figures)}\n`);
}, 120_000);
