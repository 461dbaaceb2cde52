import { loadConfig } from '../src/app/config';
import { dataOf, startTestApp, type TestApp, type TestTenant } from './support/harness';
import { event, orderInput, prng, recordEvents, recordOrder } from './support/activity-fixtures';
import { configureChannel, createCampaign, deliveriesOf, fastCampaigns, launch, smsMember, updateSettings, waitForStatus } from './support/campaign-fixtures';

/**
 * The campaign report through the API, on generated data with a known uplift: treatment members buy with
 * probability 0.55, control members with 0.2. Every figure is recomputed here from what the test itself did.
 */

let t: TestApp;
let tenant: TestTenant;

beforeAll(async () => {
  t = await startTestApp({ campaigns: fastCampaigns(loadConfig({}).campaigns) });
  tenant = await t.tenant();
  await configureChannel(t, tenant, { costPerMessage: 7 });
  await updateSettings(t, tenant, { capMessages: 100 });
});
afterAll(async () => {
  await t.close();
});

const REPORT = `query($id: ID!) { campaign(id: $id) { report {
  attributionDays
  treatment { ...arm } control { ...arm } variants { ...arm }
} } }
fragment arm on CampaignArmReport {
  arm units reached reachRate openRate clickRate conversions conversionRate orders revenue revenuePerMember repurchaseRate
  rewardCost sendCost
  versusControl { uplift upliftLow upliftHigh incrementalConversions incrementalConversionsLow incrementalConversionsHigh incrementalRevenue incrementalRevenueLow incrementalRevenueHigh roi }
}`;

interface Unit {
  arm: string;
  sent: boolean;
  opened: boolean;
  orders: number[];
  prior: boolean;
}

interface Figures {
  units: number;
  reached: number;
  conversions: number;
  conversionRate: number;
  revenue: number;
  revenuePerMember: number;
  openRate: number | null;
  repurchaseRate: number | null;
  sendCost: number;
  rewardCost: number;
  versus: Record<string, number> | null;
}

function figures(units: Unit[], control: Unit[] | null, costPerMessage: number, rewardPerSent: number): Figures {
  const n = units.length;
  const revenue = units.map((unit) => unit.orders.reduce((sum, total) => sum + total, 0));
  const converters = units.filter((unit) => unit.orders.length > 0).length;
  const reached = units.filter((unit) => unit.sent).length;
  const priors = units.filter((unit) => unit.prior);
  const mean = revenue.reduce((a, b) => a + b, 0) / n;
  const variance = revenue.reduce((sum, x) => sum + (x - mean) ** 2, 0) / (n - 1);
  const sendCost = reached * costPerMessage;
  const rewardCost = reached * rewardPerSent;
  const base = {
    units: n,
    reached,
    conversions: converters,
    conversionRate: converters / n,
    revenue: revenue.reduce((a, b) => a + b, 0),
    revenuePerMember: mean,
    openRate: reached ? units.filter((unit) => unit.opened).length / reached : null,
    repurchaseRate: priors.length ? priors.filter((unit) => unit.orders.length > 0).length / priors.length : null,
    sendCost,
    rewardCost,
  };
  if (!control) return { ...base, versus: null };
  const c: Figures = figures(control, null, costPerMessage, rewardPerSent);
  const cRevenue = control.map((unit) => unit.orders.reduce((sum, total) => sum + total, 0));
  const cVariance = cRevenue.reduce((sum, x) => sum + (x - c.revenuePerMember) ** 2, 0) / (control.length - 1);
  const p = base.conversionRate;
  const q: number = c.conversionRate;
  const seP = Math.sqrt((p * (1 - p)) / n + (q * (1 - q)) / control.length);
  const seR = Math.sqrt(variance / n + cVariance / control.length);
  const incrementalRevenue = (mean - c.revenuePerMember) * n;
  return {
    ...base,
    versus: {
      uplift: (p - q) * 100,
      upliftLow: (p - q - 1.96 * seP) * 100,
      upliftHigh: (p - q + 1.96 * seP) * 100,
      incrementalConversions: (p - q) * n,
      incrementalConversionsLow: (p - q - 1.96 * seP) * n,
      incrementalRevenue,
      incrementalRevenueLow: incrementalRevenue - 1.96 * seR * n,
      incrementalRevenueHigh: incrementalRevenue + 1.96 * seR * n,
      roi: (incrementalRevenue - rewardCost - sendCost) / (rewardCost + sendCost),
    },
  };
}

function expectArm(actual: any, expected: Figures) {
  expect(actual).toMatchObject({ units: expected.units, reached: expected.reached, conversions: expected.conversions, revenue: { amount: expected.revenue, currency: 'CNY' }, sendCost: { amount: expected.sendCost, currency: 'CNY' }, rewardCost: { amount: expected.rewardCost, currency: 'CNY' } });
  expect(actual.conversionRate).toBeCloseTo(expected.conversionRate, 9);
  expect(actual.revenuePerMember).toBeCloseTo(expected.revenuePerMember, 6);
  if (expected.openRate === null) expect(actual.openRate).toBeNull();
  else expect(actual.openRate).toBeCloseTo(expected.openRate, 9);
  if (expected.repurchaseRate === null) expect(actual.repurchaseRate).toBeNull();
  else expect(actual.repurchaseRate).toBeCloseTo(expected.repurchaseRate, 9);
  if (!expected.versus) return expect(actual.versusControl).toBeNull();
  for (const [key, value] of Object.entries(expected.versus)) expect(actual.versusControl[key]).toBeCloseTo(value, 4);
}

test('treatment against control, and each variant, match an independent computation with a known uplift', async () => {
  const random = prng(20261205);
  const members: string[] = [];
  const prior = new Set<string>();
  for (let i = 0; i < 240; i++) {
    const id = await smsMember(t, tenant);
    members.push(id);
    if (random() < 0.3) {
      prior.add(id);
      await recordOrder(t, tenant.keys.INGEST, orderInput(id, { placedAt: new Date(Date.now() - 40 * 86_400_000).toISOString() }));
    }
  }
  const campaign = await createCampaign(t, tenant, {
    controlPercent: 40,
    variants: [
      { key: 'A', body: 'A {{name}}' },
      { key: 'B', body: 'B {{name}}' },
    ],
    offer: { kind: 'POINTS_BONUS', points: 30 },
  });
  await launch(t, tenant, campaign.id);
  await waitForStatus(t, tenant, campaign.id);
  const deliveries = await deliveriesOf(t, tenant, campaign.id);
  expect(deliveries).toHaveLength(240);

  const units = new Map<string, Unit>();
  const opens = [];
  for (const delivery of deliveries) {
    const arm = delivery.reason === 'CONTROL_GROUP' ? 'CONTROL' : delivery.variant;
    const unit: Unit = { arm, sent: delivery.state === 'SENT', opened: false, orders: [], prior: prior.has(delivery.member.id) };
    units.set(delivery.member.id, unit);
    const buys = random() < (arm === 'CONTROL' ? 0.2 : 0.55);
    if (buys) {
      const quantity = 1 + Math.floor(random() * 3);
      const order = await recordOrder(t, tenant.keys.INGEST, orderInput(delivery.member.id, { placedAt: new Date().toISOString(), items: [{ sku: 'SKU-A', name: 'Tea', quantity, unitPrice: 1200 }] }));
      unit.orders.push(order.total.amount);
    }
    // Orders before the send never count as conversions (they make the member a prior buyer).
    if (random() < 0.1) unit.prior = true;
    if (unit.prior && !prior.has(delivery.member.id)) await recordOrder(t, tenant.keys.INGEST, orderInput(delivery.member.id, { placedAt: new Date(Date.now() - 20 * 86_400_000).toISOString() }));
    if (unit.sent && random() < 0.4) {
      unit.opened = true;
      opens.push(event(delivery.member.id, { type: 'MESSAGE_OPENED', channel: 'SMS', occurredAt: new Date().toISOString(), deliveryId: delivery.id }));
    }
  }
  expect((await recordEvents(t, tenant.keys.INGEST, opens)).accepted).toBe(opens.length);

  const report = dataOf(await t.gql(REPORT, { id: campaign.id }, { key: tenant.keys.ANALYST })).campaign.report;
  const all = [...units.values()];
  const control = all.filter((unit) => unit.arm === 'CONTROL');
  const treatment = all.filter((unit) => unit.arm !== 'CONTROL');
  expect(report.attributionDays).toBe(7);
  expectArm(report.treatment, figures(treatment, control, 7, 30));
  expectArm(report.control, figures(control, null, 7, 30));
  expect(report.variants.map((variant: any) => variant.arm)).toEqual(['A', 'B']);
  for (const variant of report.variants) expectArm(variant, figures(treatment.filter((unit) => unit.arm === variant.arm), control, 7, 30));
  // The true uplift (35 points) lies in the interval, and the interval excludes zero at this size.
  expect(report.treatment.versusControl.upliftLow).toBeLessThan(35);
  expect(report.treatment.versusControl.upliftHigh).toBeGreaterThan(35);
  expect(report.treatment.versusControl.upliftLow).toBeGreaterThan(0);

  const since = new Date(Date.now() - 3_600_000).toISOString();
  const until = new Date(Date.now() + 60_000).toISOString();
  const period = dataOf(
    await t.gql(`query($since: DateTime!, $until: DateTime!) { campaignReports(since: $since, until: $until, first: 5) { nodes { campaign { id } treatment { units conversions } } } }`, { since, until }, { key: tenant.keys.ANALYST }),
  ).campaignReports.nodes;
  expect(period).toEqual([{ campaign: { id: campaign.id }, treatment: { units: treatment.length, conversions: treatment.filter((unit) => unit.orders.length).length } }]);
  const before = dataOf(
    await t.gql(`query($since: DateTime!, $until: DateTime!) { campaignReports(since: $since, until: $until, first: 5) { totalCount } }`, { since: '2020-01-01T00:00:00Z', until: since }, { key: tenant.keys.ANALYST }),
  ).campaignReports.totalCount;
  expect(before).toBe(0);
  const bad = await t.gql(`query { campaignReports(since: "2026-01-02T00:00:00Z", until: "2026-01-01T00:00:00Z", first: 1) { totalCount } }`, {}, { key: tenant.keys.ANALYST });
  expect(bad.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
});
