import { randomUUID } from 'node:crypto';
import { buildSchema, Query, Resolver } from 'type-graphql';
import { printSchema } from 'graphql';
import { startTestApp, type TestApp, type TestTenant } from './support/harness';
import { prng } from './support/activity-fixtures';
import { DateTimeScalar } from '../src/core/graphql/scalars';
import { campaignReports, type CampaignArmReport, type CampaignReport, type ReportRange } from '../src/modules/campaign/campaign-report';
import { CampaignReportNode } from '../src/modules/campaign/campaign-report.type';
import { refreshTenantMemberStats } from '../src/modules/order/member-stats';

/**
 * Campaign reports against a control group: generated deliveries, orders, touchpoints and coupons with a known
 * uplift, every figure recomputed here from the generated rows (a second implementation of the definitions),
 * the range filter, and rows of another tenant that must never count.
 */

let t: TestApp;
let tenantA: TestTenant;
let tenantB: TestTenant;

const DAY = 86_400_000;
const ATTRIBUTION_DAYS = 7;
const PURCHASE = new Set(['PAID', 'PARTIALLY_REFUNDED']);
/** Tenant A redeems 100 points for 7 minor units; tenant B has no programme row (100 for 100). */
const RATE_A = { redeemPoints: 100, redeemValue: 7 };
const RATE_B = { redeemPoints: 100, redeemValue: 100 };
/** Conversion probability within the window, by arm: the treatment's true uplift is (0.20 + 0.16) / 2 - 0.10. */
const P_CONVERT = { CONTROL: 0.1, A: 0.2, B: 0.16, NONE: 0.5 } as const;
const TRUE_UPLIFT_PP = 8;

interface Delivery {
  id: string;
  tenantId: string;
  campaignId: string;
  memberId: string;
  occurrence: string;
  createdAt: Date;
  variant: string | null;
  state: string;
  reason: string | null;
  cost: number;
  couponId: string | null;
  rewardPoints: number;
}
interface Order {
  tenantId: string;
  memberId: string;
  status: string;
  total: number;
  refunded: number;
  placedAt: Date;
}
interface Touch {
  tenantId: string;
  memberId: string;
  type: string;
  deliveryId: string | null;
  occurredAt: Date;
}
interface Coupon {
  id: string;
  tenantId: string;
  memberId: string;
  state: string;
  discount: number | null;
}
interface World {
  members: string[];
  deliveries: Delivery[];
  orders: Order[];
  touches: Touch[];
  coupons: Coupon[];
}
interface CampaignDef {
  id: string;
  tenantId: string;
  variants: string[];
}

const emptyWorld = (): World => ({ members: [], deliveries: [], orders: [], touches: [], coupons: [] });

// ---- generation -------------------------------------------------------------------------------------------

/**
 * One delivery per member planned over ten days from `base` (control 20%, else A or B, 5% ineligible), a second
 * occurrence to a tenth of them twenty days later; purchases in the window with the arm's probability, plus
 * purchases before (prior buyers), just after the window, exactly at its end, and orders that are no purchase.
 */
function generate(world: World, seed: number, tenantId: string, campaignId: string, memberCount: number, base: number, foreignCouponIds: string[] = []): void {
  const random = prng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const int = (low: number, high: number) => low + Math.floor(random() * (high - low + 1));
  const members = Array.from({ length: memberCount }, () => randomUUID());
  world.members.push(...members);

  const order = (memberId: string, placedAt: number, status = random() < 0.8 ? 'PAID' : 'PARTIALLY_REFUNDED') => {
    const total = int(1000, 20000);
    const refunded = status === 'PARTIALLY_REFUNDED' ? Math.floor(total / 4) : status === 'REFUNDED' ? total : 0;
    world.orders.push({ tenantId, memberId, status, total, refunded, placedAt: new Date(placedAt) });
  };

  const plan = (memberId: string, arm: 'CONTROL' | 'A' | 'B' | 'NONE', occurrence: string, t0: number) => {
    const id = randomUUID();
    let state = 'SUPPRESSED';
    let reason: string | null = null;
    if (arm === 'CONTROL') reason = 'CONTROL_GROUP';
    else if (arm === 'NONE') reason = pick(['NO_CONSENT', 'FREQUENCY_CAP', 'NO_ADDRESS']);
    else {
      // Intent to treat: whatever became of the message, the delivery stays in its variant.
      const r = random();
      if (r < 0.83) state = 'SENT';
      else if (r < 0.88) state = 'FAILED';
      else if (r < 0.92) state = 'QUEUED';
      else if (r < 0.94) state = 'SENDING';
      else reason = 'OFFER_UNAVAILABLE';
    }
    const delivery: Delivery = {
      id,
      tenantId,
      campaignId,
      memberId,
      occurrence,
      createdAt: new Date(t0),
      variant: arm === 'A' || arm === 'B' ? arm : null,
      state,
      reason,
      cost: state === 'SENT' ? 3 : state === 'FAILED' ? 1 : 0,
      couponId: null,
      rewardPoints: 0,
    };
    if (arm === 'A' && state === 'SENT') {
      const couponId = randomUUID();
      const r = random();
      const [couponState, discount] = r < 0.4 ? ['REDEEMED', int(200, 1500)] : r < 0.5 ? ['VOID', 999] : ['ISSUED', null];
      world.coupons.push({ id: couponId, tenantId, memberId, state: couponState, discount });
      delivery.couponId = couponId;
    }
    if (arm === 'B' && state === 'SENT') {
      delivery.rewardPoints = int(30, 80);
      // A coupon id of another tenant's coupon must not count.
      if (foreignCouponIds.length < 20) {
        delivery.couponId = randomUUID();
        foreignCouponIds.push(delivery.couponId);
      }
    }
    world.deliveries.push(delivery);

    if (state === 'SENT') world.touches.push({ tenantId, memberId, type: 'MESSAGE_SENT', deliveryId: id, occurredAt: new Date(t0 + 60_000) });
    if (state === 'SENT' || state === 'SENDING') {
      if (random() < 0.45) {
        for (let k = int(1, 2); k > 0; k--) world.touches.push({ tenantId, memberId, type: 'MESSAGE_OPENED', deliveryId: id, occurredAt: new Date(t0 + int(1, 100) * 60_000) });
        if (random() < 0.35) world.touches.push({ tenantId, memberId, type: 'MESSAGE_CLICKED', deliveryId: id, occurredAt: new Date(t0 + int(101, 200) * 60_000) });
      }
      // An open that names no delivery does not count.
      if (random() < 0.1) world.touches.push({ tenantId, memberId, type: 'MESSAGE_OPENED', deliveryId: null, occurredAt: new Date(t0 + 3_600_000) });
    }

    const t1 = t0 + ATTRIBUTION_DAYS * DAY;
    if (random() < P_CONVERT[arm]) {
      const first = random() < 0.05 ? t0 : t0 + Math.floor(random() * (t1 - t0));
      order(memberId, first);
      if (random() < 0.4) order(memberId, t0 + Math.floor(random() * (t1 - t0)));
    }
    if (random() < 0.1) order(memberId, t0 + Math.floor(random() * (t1 - t0)), pick(['PLACED', 'REFUNDED', 'CANCELLED']));
    if (random() < 0.03) order(memberId, t1, 'PAID');
    // After the window, yet before any second occurrence (base + 20 days).
    if (random() < 0.15) order(memberId, t1 + 1 + Math.floor(random() * 2 * DAY));
  };

  for (const memberId of members) {
    const r = random();
    const arm = r < 0.05 ? 'NONE' : r < 0.24 ? 'CONTROL' : r < 0.62 ? 'A' : 'B';
    if (random() < 0.35) for (let k = int(1, 3); k > 0; k--) order(memberId, base - int(1, 200) * DAY - int(0, 1000) * 60_000);
    plan(memberId, arm, '-', base + Math.floor(random() * 10 * DAY));
    if (random() < 0.1) plan(memberId, arm, 'R2', base + 20 * DAY + Math.floor(random() * 2 * DAY));
  }
}

// ---- storage ----------------------------------------------------------------------------------------------

async function insert(table: string, rows: Record<string, unknown>[]): Promise<void> {
  if (!rows.length) return;
  const columns = Object.keys(rows[0]!)
    .map((column) => `"${column}"`)
    .join(', ');
  const connection = t.orm.em.fork().getConnection();
  for (let start = 0; start < rows.length; start += 2000) {
    const chunk = JSON.stringify(rows.slice(start, start + 2000));
    await connection.execute(`insert into "${table}" (${columns}) select ${columns} from jsonb_populate_recordset(null::"${table}", ?::jsonb)`, [chunk]);
  }
}

let sequence = 0;

async function store(world: World): Promise<void> {
  const now = new Date();
  await insert(
    'member',
    world.members.map((id) => ({ id, tenant_id: tenantOfMember.get(id)!, created_at: now, updated_at: now })),
  );
  const templates = new Map<string, string>();
  for (const tenantId of new Set(world.coupons.map((c) => c.tenantId))) {
    const id = randomUUID();
    templates.set(tenantId, id);
    await insert('coupon_template', [{ id, tenant_id: tenantId, created_at: now, name: 'Campaign offer', kind: 'AMOUNT_OFF', amount_off: 500, updated_at: now }]);
  }
  await insert(
    'coupon',
    world.coupons.map((c) => ({
      id: c.id,
      tenant_id: c.tenantId,
      created_at: now,
      template_id: templates.get(c.tenantId),
      member_id: c.memberId,
      code: `C${++sequence}`,
      state: c.state,
      source: 'CAMPAIGN',
      valid_from: now,
      discount: c.discount,
    })),
  );
  await insert(
    'campaign_delivery',
    world.deliveries.map((d) => ({
      id: d.id,
      tenant_id: d.tenantId,
      created_at: d.createdAt,
      campaign_id: d.campaignId,
      member_id: d.memberId,
      occurrence: d.occurrence,
      channel: 'EMAIL',
      variant: d.variant,
      state: d.state,
      reason: d.reason,
      sent_at: d.state === 'SENT' ? new Date(d.createdAt.getTime() + 60_000) : null,
      cost: d.cost,
      coupon_id: d.couponId,
      reward_points: d.rewardPoints,
    })),
  );
  await insert(
    'orders',
    world.orders.map((o) => ({
      id: randomUUID(),
      tenant_id: o.tenantId,
      created_at: now,
      external_id: `O${++sequence}`,
      member_id: o.memberId,
      channel: 'WEB',
      status: o.status,
      currency: 'CNY',
      items_total: o.total,
      total: o.total,
      refunded_amount: o.refunded,
      placed_at: o.placedAt,
      paid_at: o.status === 'PLACED' || o.status === 'CANCELLED' ? null : o.placedAt,
      updated_at: now,
    })),
  );
  // Orders normally go through orderRecord, which keeps member_stats; these were inserted directly.
  for (const tenantId of new Set(world.orders.map((o) => o.tenantId))) await refreshTenantMemberStats(t.orm.em.fork() as never, tenantId);
  await insert(
    'touchpoint',
    world.touches.map((tp) => ({
      id: randomUUID(),
      tenant_id: tp.tenantId,
      created_at: now,
      member_id: tp.memberId,
      type: tp.type,
      channel: 'EMAIL',
      occurred_at: tp.occurredAt,
      event_id: `E${++sequence}`,
      delivery_id: tp.deliveryId,
    })),
  );
}

async function createCampaign(def: CampaignDef, controlPercent: number): Promise<void> {
  const now = new Date();
  await insert('campaign', [
    {
      id: def.id,
      tenant_id: def.tenantId,
      created_at: now,
      name: `Campaign ${def.id.slice(0, 8)}`,
      goal: 'REPURCHASE',
      channel: 'EMAIL',
      status: 'COMPLETED',
      schedule: 'RECURRING',
      variants: def.variants.map((key) => ({ key, weight: 1, subject: `Hello ${key}`, body: 'Come back' })),
      offer: { kind: 'NONE' },
      control_percent: controlPercent,
      attribution_days: ATTRIBUTION_DAYS,
      updated_at: now,
    },
  ]);
}

const tenantOfMember = new Map<string, string>();

// ---- the definitions, recomputed -------------------------------------------------------------------------

interface Unit {
  converted: boolean;
  orders: number;
  revenue: number;
  prior: boolean;
  reached: boolean;
  opened: boolean;
  clicked: boolean;
  discount: number;
  points: number;
  cost: number;
}

function unitsOf(world: World, deliveries: Delivery[]): Unit[] {
  const ordersBy = new Map<string, Order[]>();
  for (const o of world.orders) if (PURCHASE.has(o.status)) ordersBy.set(o.memberId, [...(ordersBy.get(o.memberId) ?? []), o]);
  const coupons = new Map(world.coupons.map((c) => [c.id, c]));
  return deliveries.map((d) => {
    const t0 = d.createdAt.getTime();
    const t1 = t0 + ATTRIBUTION_DAYS * DAY;
    const mine = ordersBy.get(d.memberId) ?? [];
    const inWindow = mine.filter((o) => o.placedAt.getTime() >= t0 && o.placedAt.getTime() < t1);
    const coupon = d.couponId ? coupons.get(d.couponId) : undefined;
    const touches = (type: string) => world.touches.some((tp) => tp.deliveryId === d.id && tp.type === type);
    return {
      converted: inWindow.length > 0,
      orders: inWindow.length,
      revenue: inWindow.reduce((sum, o) => sum + o.total - o.refunded, 0),
      prior: mine.some((o) => o.placedAt.getTime() < t0),
      reached: d.state === 'SENT',
      opened: touches('MESSAGE_OPENED'),
      clicked: touches('MESSAGE_CLICKED'),
      discount: coupon?.state === 'REDEEMED' ? coupon.discount ?? 0 : 0,
      points: d.rewardPoints,
      cost: d.cost,
    };
  });
}

const count = (units: Unit[], test: (u: Unit) => boolean) => units.filter(test).length;
const sum = (units: Unit[], value: (u: Unit) => number) => units.reduce((total, u) => total + value(u), 0);
const rate = (part: number, whole: number) => (whole ? part / whole : null);

function variance(values: number[]): number {
  if (values.length < 2) return 0;
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return values.reduce((total, v) => total + (v - mean) ** 2, 0) / (values.length - 1);
}

function expectedArm(arm: string, units: Unit[], programme: { redeemPoints: number; redeemValue: number }, control: Unit[] | null): CampaignArmReport {
  const n = units.length;
  const reached = count(units, (u) => u.reached);
  const conversions = count(units, (u) => u.converted);
  const revenue = sum(units, (u) => u.revenue);
  const rewardCost = sum(units, (u) => u.discount) + Math.floor((sum(units, (u) => u.points) * programme.redeemValue) / programme.redeemPoints);
  const sendCost = sum(units, (u) => u.cost);
  const priorBuyers = units.filter((u) => u.prior);
  let versusControl: CampaignArmReport['versusControl'] = null;
  if (control?.length && n) {
    const nC = control.length;
    const pA = conversions / n;
    const pC = count(control, (u) => u.converted) / nC;
    const seP = Math.sqrt((pA * (1 - pA)) / n + (pC * (1 - pC)) / nC);
    const seM = Math.sqrt(variance(units.map((u) => u.revenue)) / n + variance(control.map((u) => u.revenue)) / nC);
    const incRevenue = (revenue / n - sum(control, (u) => u.revenue) / nC) * n;
    const cost = rewardCost + sendCost;
    versusControl = {
      uplift: 100 * (pA - pC),
      upliftLow: 100 * (pA - pC - 1.96 * seP),
      upliftHigh: 100 * (pA - pC + 1.96 * seP),
      incrementalConversions: (pA - pC) * n,
      incrementalConversionsLow: (pA - pC - 1.96 * seP) * n,
      incrementalConversionsHigh: (pA - pC + 1.96 * seP) * n,
      incrementalRevenue: incRevenue,
      incrementalRevenueLow: incRevenue - 1.96 * seM * n,
      incrementalRevenueHigh: incRevenue + 1.96 * seM * n,
      roi: cost ? (incRevenue - cost) / cost : null,
    };
  }
  return {
    arm,
    units: n,
    reached,
    reachRate: rate(reached, n),
    openRate: rate(count(units, (u) => u.opened), reached),
    clickRate: rate(count(units, (u) => u.clicked), reached),
    conversions,
    conversionRate: rate(conversions, n),
    orders: sum(units, (u) => u.orders),
    revenue,
    revenuePerMember: rate(revenue, n),
    repurchaseRate: rate(count(priorBuyers, (u) => u.converted), priorBuyers.length),
    rewardCost,
    sendCost,
    versusControl,
  };
}

function expectedReport(world: World, def: CampaignDef, programme: typeof RATE_A, range: ReportRange = {}): CampaignReport {
  const deliveries = world.deliveries.filter(
    (d) =>
      d.tenantId === def.tenantId &&
      d.campaignId === def.id &&
      (!range.since || d.createdAt >= range.since) &&
      (!range.until || d.createdAt < range.until),
  );
  const control = unitsOf(world, deliveries.filter((d) => d.reason === 'CONTROL_GROUP'));
  const variant = (key: string) => deliveries.filter((d) => d.reason !== 'CONTROL_GROUP' && d.variant === key);
  const keys = [...def.variants, ...[...new Set(deliveries.map((d) => d.variant).filter((k): k is string => k !== null))].filter((k) => !def.variants.includes(k)).sort()];
  const suppressed = new Map<string | null, number>();
  for (const d of deliveries) if (d.reason !== 'CONTROL_GROUP' && d.variant === null) suppressed.set(d.reason, (suppressed.get(d.reason) ?? 0) + 1);
  const controlOrNull = control.length ? control : null;
  return {
    campaignId: def.id,
    attributionDays: ATTRIBUTION_DAYS,
    since: range.since ?? null,
    until: range.until ?? null,
    currency: 'CNY',
    treatment: expectedArm('TREATMENT', unitsOf(world, deliveries.filter((d) => d.reason !== 'CONTROL_GROUP' && d.variant !== null)), programme, controlOrNull),
    control: controlOrNull && expectedArm('CONTROL', control, programme, null),
    variants: keys.map((key) => expectedArm(key, unitsOf(world, variant(key)), programme, controlOrNull)),
    suppressed: [...suppressed].map(([reason, n]) => ({ reason, count: n })).sort((a, b) => String(a.reason).localeCompare(String(b.reason))),
  } as CampaignReport;
}

/** Floats to 1e-9 relative (the report sums in bigint, this test in doubles); everything else exactly. */
function expectSame(actual: unknown, expected: unknown, path = 'report'): void {
  if (typeof expected === 'number' && typeof actual === 'number' && !(Number.isInteger(expected) && Number.isInteger(actual))) {
    if (Math.abs(actual - expected) > 1e-9 * Math.max(1, Math.abs(expected))) throw new Error(`${path}: ${actual} is not ${expected}`);
    return;
  }
  if (expected && typeof expected === 'object' && !(expected instanceof Date)) {
    if (!actual || typeof actual !== 'object') throw new Error(`${path}: ${JSON.stringify(actual)} is not ${JSON.stringify(expected)}`);
    const keys = new Set([...Object.keys(expected), ...Object.keys(actual)]);
    for (const key of keys) expectSame((actual as Record<string, unknown>)[key], (expected as Record<string, unknown>)[key], `${path}.${key}`);
    return;
  }
  expect({ path, value: actual }).toEqual({ path, value: expected });
}

// ---- the data ---------------------------------------------------------------------------------------------

const worldA = emptyWorld();
const worldB = emptyWorld();
let main: CampaignDef;
let noControl: CampaignDef;
let silent: CampaignDef;
let campaignB: CampaignDef;
let base: number;
const foreignCouponIds: string[] = [];

async function report(tenantId: string, ids: string[], range?: ReportRange): Promise<Map<string, CampaignReport>> {
  return campaignReports(t.orm.em.fork(), tenantId, ids, range);
}

beforeAll(async () => {
  t = await startTestApp();
  tenantA = await t.tenant();
  tenantB = await t.tenant();
  base = Date.now() - 60 * DAY;
  main = { id: randomUUID(), tenantId: tenantA.id, variants: ['A', 'B'] };
  noControl = { id: randomUUID(), tenantId: tenantA.id, variants: ['ONLY', 'UNUSED'] };
  silent = { id: randomUUID(), tenantId: tenantA.id, variants: ['A'] };
  campaignB = { id: randomUUID(), tenantId: tenantB.id, variants: ['A', 'B'] };

  await t.orm.em.getConnection().execute('insert into loyalty_program (tenant_id, redeem_points, redeem_value, updated_at) values (?, ?, ?, now())', [tenantA.id, RATE_A.redeemPoints, RATE_A.redeemValue]);
  await createCampaign(main, 20);
  await createCampaign(noControl, 0);
  await createCampaign(silent, 10);
  await createCampaign(campaignB, 20);

  generate(worldA, 20261205, tenantA.id, main.id, 2000, base, foreignCouponIds);
  // A second campaign to the first hundred members, all sent, no control group.
  for (const memberId of worldA.members.slice(0, 100)) {
    worldA.deliveries.push({
      id: randomUUID(),
      tenantId: tenantA.id,
      campaignId: noControl.id,
      memberId,
      occurrence: '-',
      createdAt: new Date(base + 30 * DAY),
      variant: 'ONLY',
      state: 'SENT',
      reason: null,
      cost: 4,
      couponId: null,
      rewardPoints: 0,
    });
  }
  for (const id of worldA.members) tenantOfMember.set(id, tenantA.id);
  await store(worldA);
}, 60_000);

afterAll(async () => {
  await t?.close();
});

test('every figure of every arm equals a recomputation from the generated rows, in one statement', async () => {
  const { result, statements } = await t.countSql(() => report(tenantA.id, [main.id, noControl.id, silent.id]));
  expect(statements).toBe(1);
  expect([...result.keys()].sort()).toEqual([main.id, noControl.id, silent.id].sort());

  const expected = expectedReport(worldA, main, RATE_A);
  const actual = result.get(main.id)!;
  // The generation covers what the definitions distinguish.
  expect(expected.control!.units).toBeGreaterThan(300);
  expect(expected.variants.map((v) => v.arm)).toEqual(['A', 'B']);
  expect(expected.suppressed.map((s) => s.reason)).toEqual(['FREQUENCY_CAP', 'NO_ADDRESS', 'NO_CONSENT']);
  expect(expected.treatment.units).toBeGreaterThan(expected.treatment.reached);
  expect(expected.treatment.rewardCost).toBeGreaterThan(0);
  expect(expected.treatment.repurchaseRate).not.toBeNull();
  expectSame(actual, expected);

  expect(actual.treatment.units).toBe(actual.variants[0]!.units + actual.variants[1]!.units);
  expect(actual.control!.versusControl).toBeNull();
  const versus = actual.treatment.versusControl!;
  // The uplift the data was generated with lies in the interval, and the campaign visibly worked.
  expect(versus.upliftLow).toBeLessThan(TRUE_UPLIFT_PP);
  expect(versus.upliftHigh).toBeGreaterThan(TRUE_UPLIFT_PP);
  expect(versus.upliftLow).toBeGreaterThan(0);
  expect(versus.incrementalRevenueLow).toBeGreaterThan(0);
  expect(versus.roi).toBeGreaterThan(0);

  // Without a control group there is nothing to compare with; an unused variant still shows, empty.
  const other = result.get(noControl.id)!;
  expectSame(other, expectedReport(worldA, noControl, RATE_A));
  expect(other.control).toBeNull();
  expect(other.treatment.versusControl).toBeNull();
  expect(other.variants.map((v) => [v.arm, v.units, v.conversionRate])).toEqual([
    ['ONLY', 100, expect.any(Number)],
    ['UNUSED', 0, null],
  ]);

  const nothing = result.get(silent.id)!;
  expect(nothing.treatment).toMatchObject({ units: 0, conversionRate: null, revenue: 0, versusControl: null });
  expect(nothing.control).toBeNull();
  expect(nothing.suppressed).toEqual([]);
});

test('a range keeps the deliveries planned in it', async () => {
  const first = { since: new Date(base + 3 * DAY), until: new Date(base + 7 * DAY) };
  const ranged = (await report(tenantA.id, [main.id], first)).get(main.id)!;
  const expected = expectedReport(worldA, main, RATE_A, first);
  expectSame(ranged, expected);
  expect(ranged.treatment.units).toBeLessThan(expectedReport(worldA, main, RATE_A).treatment.units / 2);
  expect(ranged.since).toEqual(first.since);

  // Only the second occurrences (twenty days later): a member reached twice counts twice.
  const later = { since: new Date(base + 15 * DAY) };
  const second = (await report(tenantA.id, [main.id], later)).get(main.id)!;
  expectSame(second, expectedReport(worldA, main, RATE_A, later));
  const armed = worldA.deliveries.filter((d) => d.campaignId === main.id && d.occurrence === 'R2' && (d.variant !== null || d.reason === 'CONTROL_GROUP'));
  expect(second.treatment.units + second.control!.units).toBe(armed.length);
  expect(armed.length).toBeGreaterThan(100);
  expect(second.until).toBeNull();
});

test("another tenant's rows never count, even when they name this tenant's campaign, members, deliveries or coupons", async () => {
  const before = (await report(tenantA.id, [main.id])).get(main.id)!;

  generate(worldB, 7, tenantB.id, campaignB.id, 300, base);
  for (const id of worldB.members) tenantOfMember.set(id, tenantB.id);
  const mainDeliveries = worldA.deliveries.filter((d) => d.campaignId === main.id);
  // Rows of tenant B that point into tenant A: a delivery of A's campaign, purchases by A's members in their
  // windows, opens and clicks of A's deliveries, and the redeemed coupons A's deliveries name.
  for (const d of mainDeliveries.slice(0, 300)) {
    worldB.orders.push({ tenantId: tenantB.id, memberId: d.memberId, status: 'PAID', total: 99_999, refunded: 0, placedAt: new Date(d.createdAt.getTime() + DAY) });
    for (const type of ['MESSAGE_OPENED', 'MESSAGE_CLICKED']) worldB.touches.push({ tenantId: tenantB.id, memberId: d.memberId, type, deliveryId: d.id, occurredAt: new Date(d.createdAt.getTime() + 60_000) });
  }
  for (const id of foreignCouponIds) worldB.coupons.push({ id, tenantId: tenantB.id, memberId: worldB.members[0]!, state: 'REDEEMED', discount: 77_777 });
  worldB.deliveries.push({ ...mainDeliveries[0]!, id: randomUUID(), tenantId: tenantB.id, memberId: worldB.members[0]!, variant: 'A', state: 'SENT', reason: null, cost: 10_000, couponId: null });
  expect(foreignCouponIds.length).toBe(20);
  await store(worldB);

  const after = (await report(tenantA.id, [main.id])).get(main.id)!;
  expectSame(after, before);
  expectSame(after, expectedReport(worldA, main, RATE_A));

  // Tenant B sees its own campaign only (at its own points rate), never A's.
  const seenByB = await report(tenantB.id, [campaignB.id, main.id]);
  expect([...seenByB.keys()]).toEqual([campaignB.id]);
  const expectedB = expectedReport(worldB, campaignB, RATE_B);
  expectSame(seenByB.get(campaignB.id)!, expectedB);
  expect(expectedB.treatment.units).toBeGreaterThan(100);
  expect((await report(tenantA.id, [campaignB.id])).size).toBe(0);
});

test('the GraphQL types map a report, with Money in the tenant currency, and describe every type and field', async () => {
  const [reportA] = (await report(tenantA.id, [main.id])).values();
  const node = CampaignReportNode.from(reportA!);
  expect(node.treatment.revenue).toEqual({ amount: reportA!.treatment.revenue, currency: 'CNY' });
  expect(node.control!.sendCost).toEqual({ amount: 0, currency: 'CNY' });
  expect(node.variants.map((v) => v.arm)).toEqual(['A', 'B']);
  expect(node.treatment.versusControl!.uplift).toBe(reportA!.treatment.versusControl!.uplift);
  expect(node.suppressed.reduce((n, s) => n + s.count, 0)).toBe(reportA!.suppressed.reduce((n, s) => n + s.count, 0));

  @Resolver()
  class ReportProbeResolver {
    @Query(() => CampaignReportNode, { description: 'Probe.' })
    probe(): CampaignReportNode {
      return node;
    }
  }
  const schema = await buildSchema({ resolvers: [ReportProbeResolver], authChecker: () => true, validate: false, scalarsMap: [{ type: Date, scalar: DateTimeScalar }] });
  const sdl = printSchema(schema);
  for (const name of ['CampaignReport', 'CampaignArmReport', 'CampaignVersusControl', 'CampaignSuppressedCount']) {
    const type = schema.getType(name) as unknown as { description?: string; getFields(): Record<string, { description?: string | null }> };
    expect(type.description).toBeTruthy();
    for (const [field, definition] of Object.entries(type.getFields())) expect({ field, description: Boolean(definition.description) }).toEqual({ field, description: true });
  }
  expect(sdl).toContain('revenue: Money!');
  expect(sdl).toContain('reason: SuppressionReason');
});
