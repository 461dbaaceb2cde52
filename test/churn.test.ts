import { dataOf, errorCodes, startTestApp, type TestApp, type TestTenant } from './support/harness';
import { createMember } from './support/access-fixtures';
import { ago, event, orderInput, prng, recordEvents, recordOrder, shiftOrders } from './support/activity-fixtures';
import type { EntityManager } from '@mikro-orm/postgresql';
import { rescoreTenant } from '../src/modules/churn/churn-rescore';

/** Churn risk: scores and drivers, rescoring, hysteresis, the outbox list, settings, segments, lifecycle, BG/NBD. */

let t: TestApp;
const DAY = 86_400_000;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

const RISK = `query($id: ID!) { member(id: $id) { lifecycle { stage } churnRisk { score band model expectedNextOrderAt expectedOrders scoredAt drivers { name contribution } } } }`;

type Risk = { score: number; band: string; model: string; expectedNextOrderAt: string | null; expectedOrders: number | null; scoredAt: string; drivers: { name: string; contribution: number }[] };

async function riskOf(tenant: TestTenant, id: string): Promise<{ lifecycle: { stage: string }; churnRisk: Risk | null }> {
  return dataOf(await t.gql(RISK, { id }, { key: tenant.keys.ANALYST })).member as any;
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
/** The rhythm model's base log-odds: 3 ln(d / (factor x E)). */
const overdue = (days: number, expected = 90, factor = 1) => 3 * Math.log(days / (factor * expected));

async function buy(tenant: TestTenant, memberId: string, daysAgo: number) {
  return recordOrder(t, tenant.keys.INGEST, orderInput(memberId, { placedAt: ago(daysAgo) }));
}

async function runJob(tenant: TestTenant, job = 'CHURN_SCORE') {
  const payload = dataOf(await t.gql(`mutation { jobRun(input: { job: ${job}, wait: true }) { jobRun { state output } } }`, {}, { key: tenant.keys.ADMIN })).jobRun;
  expect(payload.jobRun.state).toBe('COMPLETED');
  return payload.jobRun.output as Record<string, any>;
}

async function updateTenant(tenant: TestTenant, input: Record<string, unknown>) {
  return dataOf(
    await t.gql(
      'mutation($input: TenantUpdateInput!) { tenantUpdate(input: $input) { tenant { churnHorizonDays churnThresholds churnHysteresis churnModelMinBuyers } userErrors { field code message } } }',
      { input },
      { key: tenant.keys.ADMIN },
    ),
  ).tenantUpdate;
}

/** As if `days` had passed since the member's orders. */
const timePasses = (memberId: string, days: number) => shiftOrders(t, [memberId], days);

const CROSSINGS = `query($first: Int, $after: String, $threshold: Float, $direction: CrossingDirection, $memberId: ID) {
  churnRiskCrossings(first: $first, after: $after, threshold: $threshold, direction: $direction, memberId: $memberId) {
    totalCount pageInfo { hasNextPage endCursor } nodes { cursor threshold direction previousScore score occurredAt member { id } } } }`;

async function crossings(tenant: TestTenant, variables: Record<string, unknown> = {}) {
  return dataOf(await t.gql(CROSSINGS, { first: 50, ...variables }, { key: tenant.keys.ANALYST })).churnRiskCrossings as any;
}

test('a buyer is scored at once from their rhythm, with drivers that add up to the score; engagement and complaints move it', async () => {
  const tenant = await t.tenant();
  const prospect = await createMember(t, tenant.keys.ADMIN);
  expect((await riskOf(tenant, prospect)).churnRisk).toBeNull();

  const calm = await createMember(t, tenant.keys.ADMIN);
  await buy(tenant, calm, 45);
  let risk = (await riskOf(tenant, calm)).churnRisk!;
  // One order, no median yet: expected interval is the lifecycle default, 90 days.
  expect(risk.model).toBe('RHYTHM');
  expect(risk.score).toBeCloseTo(sigmoid(overdue(45)), 3);
  expect(risk.band).toBe('LOW');
  expect(risk.expectedOrders).toBeNull();
  expect(Math.abs(new Date(risk.expectedNextOrderAt!).getTime() - (Date.now() - 45 * DAY + 90 * DAY))).toBeLessThan(120_000);
  expect(risk.drivers.map((d) => d.name)).toEqual(['OVERDUE', 'ENGAGEMENT', 'REFUNDS', 'COMPLAINTS']);
  expect(risk.drivers[0]!.contribution).toBeCloseTo(overdue(45), 3);

  // A complaint is a touchpoint: the member is rescored in the same request.
  await recordEvents(t, tenant.keys.INGEST, [event(calm, { type: 'COMPLAINT', occurredAt: ago(2) })]);
  risk = (await riskOf(tenant, calm)).churnRisk!;
  expect(risk.score).toBeCloseTo(sigmoid(overdue(45) + 0.6), 3);
  expect(risk.drivers.find((d) => d.name === 'COMPLAINTS')!.contribution).toBeCloseTo(0.6, 4);

  // Three views in the last 30 days lower it by 0.5 ln 4; a view older than 30 days does nothing.
  await recordEvents(t, tenant.keys.INGEST, [event(calm, { occurredAt: ago(3) }), event(calm, { type: 'PRODUCT_VIEW', occurredAt: ago(4) }), event(calm, { type: 'MESSAGE_OPENED', occurredAt: ago(5) }), event(calm, { occurredAt: ago(40) })]);
  risk = (await riskOf(tenant, calm)).churnRisk!;
  const logit = overdue(45) + 0.6 - 0.5 * Math.log(4);
  expect(risk.score).toBeCloseTo(sigmoid(logit), 3);
  const sum = risk.drivers.reduce((total, d) => total + d.contribution, 0);
  expect(sigmoid(sum)).toBeCloseTo(risk.score, 3);
  // Largest effect first.
  expect(risk.drivers.map((d) => d.name)).toEqual(['OVERDUE', 'ENGAGEMENT', 'COMPLAINTS', 'REFUNDS']);

  const overdueMember = await createMember(t, tenant.keys.ADMIN);
  await buy(tenant, overdueMember, 120);
  risk = (await riskOf(tenant, overdueMember)).churnRisk!;
  expect(risk.score).toBeCloseTo(sigmoid(overdue(120)), 3);
  expect(risk.band).toBe('HIGH');

  // A new order brings the risk right down.
  await buy(tenant, overdueMember, 0.01);
  risk = (await riskOf(tenant, overdueMember)).churnRisk!;
  expect(risk.score).toBeLessThan(0.01);
  expect(risk.band).toBe('LOW');
});

test('lifecycle AT_RISK and the rhythm score agree: MEDIUM or worse exactly when the lifecycle says AT_RISK or LAPSED', async () => {
  const tenant = await t.tenant();
  const cases: { days: number[] }[] = [
    { days: [30] },
    { days: [60] },
    { days: [85] },
    { days: [95] },
    { days: [120] },
    { days: [170] },
    { days: [190] },
    { days: [50, 40, 30] }, // own interval 10 days, 30 days ago: LAPSED
    { days: [25, 17, 9] }, // own interval 8 days, 9 days ago: AT_RISK
    { days: [21, 14, 5] }, // 5 of 8 days: ACTIVE
  ];
  for (const { days } of cases) {
    const member = await createMember(t, tenant.keys.ADMIN);
    for (const d of days) await buy(tenant, member, d);
    const { lifecycle, churnRisk } = await riskOf(tenant, member);
    const atRisk = lifecycle.stage === 'AT_RISK' || lifecycle.stage === 'LAPSED';
    expect({ days, atRisk: churnRisk!.score >= 0.5 }).toEqual({ days, atRisk });
    expect({ days, band: churnRisk!.band !== 'LOW' }).toEqual({ days, band: atRisk });
    if (lifecycle.stage === 'LAPSED') expect(churnRisk!.score).toBeGreaterThan(sigmoid(3 * Math.log(2)) - 1e-6);
  }
});

test('crossings are recorded with hysteresis, in the scoring transaction, and listed oldest first', async () => {
  const tenant = await t.tenant();
  const member = await createMember(t, tenant.keys.ADMIN);
  await buy(tenant, member, 80);
  expect((await riskOf(tenant, member)).churnRisk!.score).toBeCloseTo(sigmoid(overdue(80)), 3); // 0.41: no crossing on a first score
  expect((await crossings(tenant)).totalCount).toBe(0);

  await timePasses(member, 17);
  const output = await runJob(tenant);
  expect(output).toMatchObject({ model: 'RHYTHM', scored: 1, crossings: 1 });
  const up = sigmoid(overdue(97));
  expect((await riskOf(tenant, member)).churnRisk!.score).toBeCloseTo(up, 3);

  // One view: 0.47, under 0.5 but within the 0.05 margin: no DOWN crossing, and no flapping on a rerun.
  await recordEvents(t, tenant.keys.INGEST, [event(member, { occurredAt: ago(1) })]);
  const hovering = sigmoid(overdue(97) - 0.5 * Math.log(2));
  expect((await riskOf(tenant, member)).churnRisk!.score).toBeCloseTo(hovering, 3);
  expect(hovering).toBeGreaterThan(0.45);
  expect(hovering).toBeLessThan(0.5);
  expect((await runJob(tenant)).crossings).toBe(0);

  // A second view: 0.42, past the margin: DOWN.
  await recordEvents(t, tenant.keys.INGEST, [event(member, { occurredAt: ago(1) })]);
  const down = sigmoid(overdue(97) - 0.5 * Math.log(3));
  expect((await runJob(tenant)).crossings).toBe(0);

  const list = await crossings(tenant);
  expect(list.totalCount).toBe(2);
  expect(list.nodes.map((c: any) => [c.direction, c.threshold, c.member.id])).toEqual([
    ['UP', 0.5, member],
    ['DOWN', 0.5, member],
  ]);
  expect(list.nodes[0].previousScore).toBeCloseTo(sigmoid(overdue(80)), 2);
  expect(list.nodes[0].score).toBeCloseTo(up, 3);
  expect(list.nodes[1].previousScore).toBeCloseTo(hovering, 3);
  expect(list.nodes[1].score).toBeCloseTo(down, 3);

  // Polling: after the first cursor comes the second only; filters narrow.
  const rest = await crossings(tenant, { after: list.nodes[0].cursor });
  expect(rest.nodes.map((c: any) => c.direction)).toEqual(['DOWN']);
  expect((await crossings(tenant, { direction: 'UP' })).nodes).toHaveLength(1);
  expect((await crossings(tenant, { threshold: 0.7 })).totalCount).toBe(0);
  expect((await crossings(tenant, { memberId: member })).totalCount).toBe(2);

  // Another tenant sees none of them.
  const other = await t.tenant();
  expect((await crossings(other)).totalCount).toBe(0);
});

test('new thresholds place members at once without crossings; bad settings are refused and nothing changes', async () => {
  const tenant = await t.tenant();
  const member = await createMember(t, tenant.keys.ADMIN);
  await buy(tenant, member, 150); // 0.82
  const bad = [
    { churnThresholds: [0.7, 0.5] },
    { churnThresholds: [0.5, 1.2] },
    { churnThresholds: [] },
    { churnHysteresis: 0.5 },
    { churnHorizonDays: 3 },
    { churnModelMinBuyers: 5 },
  ];
  for (const input of bad) {
    const payload = await updateTenant(tenant, input);
    expect(payload.userErrors.map((e: any) => [e.field[1], e.code])).toEqual([[Object.keys(input)[0], 'INVALID']]);
  }
  const unchanged = await updateTenant(tenant, {});
  expect(unchanged.tenant).toEqual({ churnHorizonDays: 90, churnThresholds: [0.5, 0.7, 0.9], churnHysteresis: 0.05, churnModelMinBuyers: 200 });

  const changed = await updateTenant(tenant, { churnThresholds: [0.6, 0.85], churnHysteresis: 0.02 });
  expect(changed.userErrors).toEqual([]);
  expect(changed.tenant.churnThresholds).toEqual([0.6, 0.85]);
  // 0.82 is above 0.6 and below 0.85: placed at level 1 silently, so a rerun records nothing.
  expect((await runJob(tenant)).crossings).toBe(0);
  await timePasses(member, 30); // 180 days: 0.89 crosses 0.85
  expect((await runJob(tenant)).crossings).toBe(1);
  expect((await crossings(tenant)).nodes.map((c: any) => [c.direction, c.threshold])).toEqual([['UP', 0.85]]);
});

test('churn_risk and churn_band are segment fields', async () => {
  const tenant = await t.tenant();
  const members: string[] = [];
  for (const days of [10, 100, 200]) {
    const member = await createMember(t, tenant.keys.ADMIN);
    await buy(tenant, member, days);
    members.push(member);
  }
  await createMember(t, tenant.keys.ADMIN); // no orders: no score
  const preview = async (query: string) => {
    const response = await t.gql('query($q: String!) { segmentPreview(query: $q, sampleSize: 10) { count sample { id } } }', { q: query }, { key: tenant.keys.ANALYST });
    return response;
  };
  const ids = async (query: string) => (dataOf(await preview(query)).segmentPreview as any).sample.map((m: any) => m.id).sort();
  expect(await ids('churn_risk >= 0.5')).toEqual([members[1], members[2]].sort());
  expect(await ids('churn_band IN (MEDIUM, HIGH)')).toEqual([members[1], members[2]].sort());
  expect(await ids('churn_band = HIGH')).toEqual([members[2]]); // 200 days: 0.92; 100 days: 0.58
  expect(await ids('churn_risk < 0.5')).toEqual([members[0]]);
  expect(await ids('churn_risk IS NULL')).toHaveLength(1);
  expect(await ids('churn_risk BETWEEN 0.5 AND 0.9')).toEqual([members[1]]);
  const invalid = dataOf(await t.gql('query { segmentQueryValidate(query: "churn_risk >= 2 AND churn_band = HIGHEST") { valid userErrors { code } } }', {}, { key: tenant.keys.ANALYST })) as any;
  expect(invalid.segmentQueryValidate.valid).toBe(false);
  expect(invalid.segmentQueryValidate.userErrors.map((e: any) => e.code)).toEqual(['BAD_VALUE', 'BAD_VALUE']);
});

test('with enough buyers CHURN_SCORE fits BG/NBD; one-time buyers of long ago rank riskier than regulars', async () => {
  const tenant = await t.tenant();
  expect((await updateTenant(tenant, { churnModelMinBuyers: 20 })).userErrors).toEqual([]);
  const random = prng(7);
  const regulars: string[] = [];
  const oneTimers: string[] = [];
  for (let i = 0; i < 30; i++) {
    const member = await createMember(t, tenant.keys.ADMIN);
    if (i % 3 === 0) {
      await buy(tenant, member, 200 + Math.floor(random() * 100));
      oneTimers.push(member);
    } else {
      // Every 20-40 days from about 300 days ago, the last one within the last month.
      let day = 280 + Math.floor(random() * 40);
      while (day > 0) {
        await buy(tenant, member, day);
        day -= 20 + Math.floor(random() * 20);
      }
      regulars.push(member);
    }
  }
  // A buyer first seen minutes ago (T = 0) tells the fit nothing, but must not break it, and is scored.
  const fresh = await createMember(t, tenant.keys.ADMIN);
  await buy(tenant, fresh, 0.01);
  const output = await runJob(tenant);
  // The switch from RHYTHM moves every score at once: levels follow silently, no crossings.
  expect(output).toMatchObject({ model: 'BG_NBD', buyers: 31, scored: 31, crossings: 0, modelSwitched: 'RHYTHM to BG_NBD' });
  expect((await riskOf(tenant, fresh)).churnRisk!.model).toBe('BG_NBD');
  const model = dataOf(await t.gql('{ churnModel { kind timeUnit buyers logLikelihood parameters { r alpha a b } } }', {}, { key: tenant.keys.ANALYST })).churnModel as any;
  expect(model).toMatchObject({ kind: 'BG_NBD', timeUnit: 'WEEK', buyers: 31 });
  expect(model.logLikelihood).toBeCloseTo(output.logLikelihood, 1);
  for (const value of Object.values(model.parameters) as number[]) expect(value).toBeGreaterThan(0);

  const risks = await Promise.all([...regulars, ...oneTimers].map(async (id) => (await riskOf(tenant, id)).churnRisk!));
  for (const risk of risks) {
    expect(risk.model).toBe('BG_NBD');
    expect(risk.drivers[0]!.name === 'PURCHASE_PATTERN' || risk.drivers.some((d) => d.name === 'PURCHASE_PATTERN')).toBe(true);
    expect(risk.expectedOrders).not.toBeNull();
  }
  const regularMax = Math.max(...risks.slice(0, regulars.length).map((r) => r.score));
  const oneTimerMin = Math.min(...risks.slice(regulars.length).map((r) => r.score));
  expect(oneTimerMin).toBeGreaterThan(regularMax);
  const regularOrders = Math.min(...risks.slice(0, regulars.length).map((r) => r.expectedOrders!));
  const oneTimerOrders = Math.max(...risks.slice(regulars.length).map((r) => r.expectedOrders!));
  expect(regularOrders).toBeGreaterThan(oneTimerOrders);

  // A fit as of a past date sees only the orders before it: none before 320 days ago.
  const pastModel = async (days: number) => dataOf(await t.gql('query($asOf: DateTime!) { churnModel(asOf: $asOf) { kind buyers asOf } }', { asOf: ago(days) }, { key: tenant.keys.ANALYST })).churnModel as any;
  expect(await pastModel(150)).toMatchObject({ kind: 'BG_NBD', buyers: 30 });
  expect(await pastModel(330)).toMatchObject({ kind: 'RHYTHM', buyers: 0 });

  const report = dataOf(
    await t.gql('query($asOf: DateTime!) { churnModelReport(asOf: $asOf, horizonDays: 60) { buyers churned churnRate model { kind buyers } score { auc topDecileLift } recency { auc topDecileLift } } }', { asOf: ago(120) }, { key: tenant.keys.ANALYST }),
  ).churnModelReport as any;
  expect(report.buyers).toBe(30);
  expect(report.model.buyers).toBe(30);
  // Every regular bought within 60 days after; every one-time buyer did not: both rankings separate them.
  expect(report.churned).toBe(oneTimers.length);
  expect(report.score.auc).toBeCloseTo(1, 5);
  expect(report.recency.auc).toBeGreaterThan(0.5);
  expect(report.score.topDecileLift).toBeCloseTo(30 / oneTimers.length, 5);
});

test('bad report and model arguments are clear errors', async () => {
  const tenant = await t.tenant();
  const query = 'query($asOf: DateTime!, $h: Int) { churnModelReport(asOf: $asOf, horizonDays: $h) { buyers } }';
  expect(errorCodes(await t.gql(query, { asOf: ago(10), h: 90 }, { key: tenant.keys.ANALYST }))).toEqual(['BAD_USER_INPUT']);
  expect(errorCodes(await t.gql(query, { asOf: ago(400), h: 0 }, { key: tenant.keys.ANALYST }))).toEqual(['BAD_USER_INPUT']);
  expect(errorCodes(await t.gql('query($asOf: DateTime!) { churnModel(asOf: $asOf) { kind } }', { asOf: new Date(Date.now() + 86_400_000).toISOString() }, { key: tenant.keys.ANALYST }))).toEqual(['BAD_USER_INPUT']);
  expect(errorCodes(await t.gql('{ churnRiskCrossings(first: 1, memberId: "nope") { totalCount } }', {}, { key: tenant.keys.ANALYST }))).toEqual(['BAD_USER_INPUT']);
  const empty = dataOf(await t.gql(query, { asOf: ago(400), h: 90 }, { key: tenant.keys.ANALYST })).churnModelReport as any;
  expect(empty.buyers).toBe(0);
});

test('churn risk on a list of members and crossings with their members cost the same statements for 5 as for 25', async () => {
  const tenant = await t.tenant();
  const ids: string[] = [];
  for (let i = 0; i < 25; i++) {
    const member = await createMember(t, tenant.keys.ADMIN);
    await buy(tenant, member, 80);
    ids.push(member);
  }
  const connection = t.orm.em.getConnection();
  const dbIds = ids.map((id) => Buffer.from(id, 'base64url').toString('utf8').split(':')[1]!);
  await connection.execute(`update member_stats set last_order_at = last_order_at - interval '30 days', first_order_at = first_order_at - interval '30 days' where member_id in (?)`, [dbIds]);
  expect((await runJob(tenant)).crossings).toBe(25);
  const members = 'query($n: Int) { members(first: $n) { nodes { id churnRisk { score band drivers { name contribution } expectedOrders } } } }';
  const listed = 'query($n: Int) { churnRiskCrossings(first: $n) { nodes { threshold member { id churnRisk { score } } } } }';
  for (const query of [members, listed]) {
    await t.gql(query, { n: 1 }, { key: tenant.keys.ANALYST }); // warm the key cache
    const small = await t.countSql(() => t.gql(query, { n: 5 }, { key: tenant.keys.ANALYST }));
    const large = await t.countSql(() => t.gql(query, { n: 25 }, { key: tenant.keys.ANALYST }));
    const data = dataOf(large.result) as any;
    const nodes = (data.members ?? data.churnRiskCrossings).nodes as any[];
    expect(nodes).toHaveLength(25);
    expect(nodes.every((node) => (node.churnRisk ?? node.member.churnRisk).score > 0.5)).toBe(true);
    expect(large.statements).toBe(small.statements);
  }
});

test('a tenant pass in small chunks scores exactly as one chunk does', async () => {
  const tenant = await t.tenant();
  for (let i = 0; i < 10; i++) {
    const member = await createMember(t, tenant.keys.ADMIN);
    for (let k = 0; k <= i % 4; k++) await buy(tenant, member, 20 + 37 * k + 11 * i);
    if (i % 3 === 0) await recordEvents(t, tenant.keys.INGEST, [event(member, { type: i % 2 ? 'COMPLAINT' : 'PAGE_VIEW', occurredAt: ago(3) })]);
  }
  await createMember(t, tenant.keys.ADMIN); // no orders: in a chunk, never scored
  const rows = async () =>
    t.orm.em
      .getConnection()
      .execute(`select member_id, score, band, level, drivers, expected_next_order_at from member_churn where tenant_id = ? order by member_id`, [tenant.id]);
  const now = new Date();
  // Both passes start from no scores (levels carry hysteresis memory from the scores before).
  await t.orm.em.getConnection().execute('delete from member_churn where tenant_id = ?', [tenant.id]);
  const chunked = await rescoreTenant(t.orm.em.fork() as EntityManager, tenant.id, now, undefined, false, 3);
  expect(chunked).toMatchObject({ scored: 10, chunks: 4 });
  const inChunks = await rows();
  await t.orm.em.getConnection().execute('delete from member_churn where tenant_id = ?', [tenant.id]);
  const whole = await rescoreTenant(t.orm.em.fork() as EntityManager, tenant.id, now);
  expect(whole).toMatchObject({ scored: 10, chunks: 1 });
  expect(await rows()).toEqual(inChunks);
  expect(inChunks).toHaveLength(10);
});
