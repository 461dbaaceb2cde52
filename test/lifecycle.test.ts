import { dataOf, errorCodes, startTestApp, type TestApp, type TestTenant } from './support/harness';
import { createMember } from './support/access-fixtures';
import { ago, nextId, orderInput, recordOrder, refundOrder } from './support/activity-fixtures';

/** The lifecycle state machine: stages on orders, refunds, merges, settings, and with time alone. */

let t: TestApp;
const DAY = 86_400_000;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

const STAGE = `query($id: ID!) { member(id: $id) { lifecycle { stage since expectedIntervalDays nextMoveAt }
  lifecycleHistory(first: 10) { totalCount nodes { from to cause occurredAt } } } }`;

async function lifecycleOf(tenant: TestTenant, id: string) {
  return dataOf(await t.gql(STAGE, { id }, { key: tenant.keys.ANALYST })).member as any;
}

async function buy(tenant: TestTenant, memberId: string, daysAgo: number) {
  return recordOrder(t, tenant.keys.INGEST, orderInput(memberId, { placedAt: ago(daysAgo) }));
}

async function runJob(tenant: TestTenant) {
  const payload = dataOf(await t.gql('mutation { jobRun(input: { job: LIFECYCLE_REFRESH, wait: true }) { jobRun { state output } } }', {}, { key: tenant.keys.ADMIN })).jobRun;
  expect(payload.jobRun.state).toBe('COMPLETED');
  return payload.jobRun.output as { moved: number; transitions: number; medianIntervalDays: number | null };
}

async function updateTenant(tenant: TestTenant, input: Record<string, unknown>) {
  return dataOf(
    await t.gql(
      'mutation($input: TenantUpdateInput!) { tenantUpdate(input: $input) { tenant { lifecycleAtRiskFactor lifecycleLapsedFactor lifecycleDefaultIntervalDays lifecycleMedianIntervalDays } userErrors { field code } } }',
      { input },
      { key: tenant.keys.ADMIN },
    ),
  ).tenantUpdate;
}

/** Moves a member's history `days` into the past, as if that much time had passed. */
async function timePasses(memberId: string, days: number) {
  const id = Buffer.from(memberId, 'base64url').toString('utf8').split(':')[1]!;
  const connection = t.orm.em.getConnection();
  const shift = `interval '${days} days'`;
  await connection.execute(`update orders set placed_at = placed_at - ${shift}, paid_at = paid_at - ${shift} where member_id = ?`, [id]);
  await connection.execute(`update member_stats set first_order_at = first_order_at - ${shift}, last_order_at = last_order_at - ${shift} where member_id = ?`, [id]);
  await connection.execute(`update member_lifecycle set since = since - ${shift} where member_id = ?`, [id]);
  await connection.execute(`update lifecycle_transition set occurred_at = occurred_at - ${shift} where member_id = ?`, [id]);
}

const near = (iso: string | null, ms: number, slack = 120_000) => iso !== null && Math.abs(new Date(iso).getTime() - ms) < slack;

test('orders move members PROSPECT → NEW → ACTIVE → AT_RISK → REACTIVATED → ACTIVE, each dated and caused', async () => {
  const tenant = await t.tenant();
  const prospect = await createMember(t, tenant.keys.ADMIN);
  expect((await lifecycleOf(tenant, prospect)).lifecycle).toEqual({ stage: 'PROSPECT', since: null, expectedIntervalDays: null, nextMoveAt: null });

  const member = await createMember(t, tenant.keys.ADMIN);
  await buy(tenant, member, 31);
  let state = await lifecycleOf(tenant, member);
  expect(state.lifecycle).toMatchObject({ stage: 'NEW', expectedIntervalDays: 90 });
  expect(near(state.lifecycle.since, Date.now() - 31 * DAY)).toBe(true);
  expect(near(state.lifecycle.nextMoveAt, Date.now() - 31 * DAY + 90 * DAY)).toBe(true);

  await buy(tenant, member, 21);
  expect((await lifecycleOf(tenant, member)).lifecycle.stage).toBe('ACTIVE');
  // The third order: the member's own average (10 days) now applies, and 11 days have passed since.
  await buy(tenant, member, 11);
  state = await lifecycleOf(tenant, member);
  expect(state.lifecycle.stage).toBe('AT_RISK');
  expect(state.lifecycle.expectedIntervalDays).toBeCloseTo(10, 3);
  expect(near(state.lifecycle.since, Date.now() - DAY)).toBe(true);
  expect(near(state.lifecycle.nextMoveAt, Date.now() + 9 * DAY)).toBe(true);

  await buy(tenant, member, 0.01);
  expect((await lifecycleOf(tenant, member)).lifecycle.stage).toBe('REACTIVATED');
  await buy(tenant, member, 0.005);
  state = await lifecycleOf(tenant, member);
  expect(state.lifecycle.stage).toBe('ACTIVE');
  expect(state.lifecycleHistory.nodes.map((n: any) => [n.from, n.to, n.cause])).toEqual([
    ['REACTIVATED', 'ACTIVE', 'ORDER'],
    ['AT_RISK', 'REACTIVATED', 'ORDER'],
    ['ACTIVE', 'AT_RISK', 'ORDER'],
    ['NEW', 'ACTIVE', 'ORDER'],
    ['PROSPECT', 'NEW', 'ORDER'],
  ]);
  expect(near(state.lifecycleHistory.nodes[3].occurredAt, Date.now() - 21 * DAY)).toBe(true);
});

test('time alone moves members: the job dates each move at the threshold it crossed, and a skipped AT_RISK is recorded too', async () => {
  const tenant = await t.tenant();
  expect((await updateTenant(tenant, { lifecycleDefaultIntervalDays: 30 })).userErrors).toEqual([]);
  const slow = await createMember(t, tenant.keys.ADMIN);
  await buy(tenant, slow, 20);
  const fast = await createMember(t, tenant.keys.ADMIN);
  await buy(tenant, fast, 5);
  expect((await lifecycleOf(tenant, slow)).lifecycle.stage).toBe('NEW');

  await timePasses(slow, 20); // last order 40 days ago: past 30, not past 60
  await timePasses(fast, 70); // last order 75 days ago: past 60
  const output = await runJob(tenant);
  expect(output).toMatchObject({ moved: 2, transitions: 3, medianIntervalDays: null });

  const slowState = await lifecycleOf(tenant, slow);
  expect(slowState.lifecycle.stage).toBe('AT_RISK');
  expect(slowState.lifecycleHistory.nodes[0]).toMatchObject({ from: 'NEW', to: 'AT_RISK', cause: 'TIME' });
  expect(near(slowState.lifecycleHistory.nodes[0].occurredAt, Date.now() - 10 * DAY)).toBe(true);

  const fastState = await lifecycleOf(tenant, fast);
  expect(fastState.lifecycle.stage).toBe('LAPSED');
  expect(fastState.lifecycleHistory.nodes.slice(0, 2).map((n: any) => [n.from, n.to, n.cause])).toEqual([
    ['AT_RISK', 'LAPSED', 'TIME'],
    ['NEW', 'AT_RISK', 'TIME'],
  ]);
  expect(near(fastState.lifecycleHistory.nodes[0].occurredAt, Date.now() - 15 * DAY)).toBe(true);
  expect(near(fastState.lifecycleHistory.nodes[1].occurredAt, Date.now() - 45 * DAY)).toBe(true);

  // Nothing changed since: a second run moves nobody.
  expect(await runJob(tenant)).toMatchObject({ moved: 0, transitions: 0 });
  // A lapsed member who buys is REACTIVATED.
  await buy(tenant, fast, 0);
  expect((await lifecycleOf(tenant, fast)).lifecycle.stage).toBe('REACTIVATED');

  const since = new Date(Date.now() - 100 * DAY).toISOString();
  const until = new Date(Date.now() + DAY).toISOString();
  const counts = dataOf(
    await t.gql('query($s: DateTime!, $u: DateTime!) { all: lifecycleTransitions(since: $s, until: $u) { total breakdown { from to cause count } } lapsed: lifecycleTransitions(since: $s, until: $u, to: LAPSED) { total } }', { s: since, u: until }, { key: tenant.keys.ANALYST }),
  );
  expect(counts.all.total).toBe(6);
  expect(counts.all.breakdown).toEqual(
    expect.arrayContaining([
      { from: 'PROSPECT', to: 'NEW', cause: 'ORDER', count: 2 },
      { from: 'NEW', to: 'AT_RISK', cause: 'TIME', count: 2 },
      { from: 'AT_RISK', to: 'LAPSED', cause: 'TIME', count: 1 },
      { from: 'LAPSED', to: 'REACTIVATED', cause: 'ORDER', count: 1 },
    ]),
  );
  expect(counts.lapsed.total).toBe(1);
  const distribution = dataOf(await t.gql('{ lifecycleDistribution { stage members } }', {}, { key: tenant.keys.ANALYST })).lifecycleDistribution;
  expect(distribution.filter((row: any) => row.members > 0)).toEqual([
    { stage: 'AT_RISK', members: 1 },
    { stage: 'REACTIVATED', members: 1 },
  ]);
  const refused = await t.gql('{ lifecycleTransitions(since: "2026-02-01T00:00:00Z", until: "2026-01-01T00:00:00Z") { total } }', {}, { key: tenant.keys.ANALYST });
  expect(errorCodes(refused)).toEqual(['BAD_USER_INPUT']);
});

test('members with fewer than 3 orders are measured against the tenant median of repeat buyers', async () => {
  const tenant = await t.tenant();
  for (const gap of [20, 40, 60]) {
    const repeat = await createMember(t, tenant.keys.ADMIN);
    await buy(tenant, repeat, gap + 1);
    await buy(tenant, repeat, 1);
  }
  const single = await createMember(t, tenant.keys.ADMIN);
  await buy(tenant, single, 50);
  expect((await lifecycleOf(tenant, single)).lifecycle.stage).toBe('NEW'); // default 90 days so far
  const output = await runJob(tenant);
  expect(output.medianIntervalDays).toBeCloseTo(40, 1);
  const state = await lifecycleOf(tenant, single);
  expect(state.lifecycle).toMatchObject({ stage: 'AT_RISK' });
  expect(state.lifecycle.expectedIntervalDays).toBeCloseTo(40, 1);
  const tenantRead = dataOf(await t.gql('{ tenant { lifecycleMedianIntervalDays } }', {}, { key: tenant.keys.ANALYST })).tenant;
  expect(tenantRead.lifecycleMedianIntervalDays).toBeCloseTo(40, 1);
});

test('refunds, merges and threshold changes move stages too; bad thresholds are refused', async () => {
  const tenant = await t.tenant();
  const member = await createMember(t, tenant.keys.ADMIN);
  await buy(tenant, member, 10);
  const second = await buy(tenant, member, 2);
  expect((await lifecycleOf(tenant, member)).lifecycle.stage).toBe('ACTIVE');
  await refundOrder(t, tenant.keys.INGEST, { orderId: second.id, refundId: nextId('r'), full: true });
  const afterRefund = await lifecycleOf(tenant, member);
  expect(afterRefund.lifecycle.stage).toBe('NEW');
  expect(afterRefund.lifecycleHistory.nodes[0]).toMatchObject({ from: 'ACTIVE', to: 'NEW', cause: 'ORDER' });

  const survivor = await createMember(t, tenant.keys.ADMIN);
  await t.gql('mutation($s: ID!, $m: ID!) { memberMerge(input: { survivorId: $s, mergedId: $m }) { userErrors { code } } }', { s: survivor, m: member }, { key: tenant.keys.ADMIN });
  const merged = await lifecycleOf(tenant, survivor);
  expect(merged.lifecycle.stage).toBe('NEW');
  expect(merged.lifecycleHistory.nodes[0]).toMatchObject({ from: 'PROSPECT', to: 'NEW', cause: 'MERGE' });

  for (const [input, field] of [
    [{ lifecycleAtRiskFactor: 0 }, 'lifecycleAtRiskFactor'],
    [{ lifecycleAtRiskFactor: 3 }, 'lifecycleLapsedFactor'],
    [{ lifecycleLapsedFactor: 0.5 }, 'lifecycleLapsedFactor'],
    [{ lifecycleDefaultIntervalDays: 0 }, 'lifecycleDefaultIntervalDays'],
  ] as const) {
    const payload = await updateTenant(tenant, input);
    expect({ input, errors: payload.userErrors }).toEqual({ input, errors: [{ field: ['input', field], code: 'INVALID' }] });
  }
  // Tighter thresholds: 10 days since the last order is past 0.1 x 90 days at once.
  const tightened = await updateTenant(tenant, { lifecycleAtRiskFactor: 0.1, lifecycleLapsedFactor: 0.2 });
  expect(tightened).toMatchObject({ userErrors: [], tenant: { lifecycleAtRiskFactor: 0.1, lifecycleLapsedFactor: 0.2, lifecycleDefaultIntervalDays: 90 } });
  const moved = await lifecycleOf(tenant, survivor);
  expect(moved.lifecycle.stage).toBe('AT_RISK');
  expect(moved.lifecycleHistory.nodes[0]).toMatchObject({ from: 'NEW', to: 'AT_RISK', cause: 'SETTINGS' });
});

test('lifecycle and its history on a member list cost the same statements for 5 members as for 25', async () => {
  const tenant = await t.tenant();
  for (let i = 0; i < 25; i++) {
    const member = await createMember(t, tenant.keys.ADMIN);
    if (i % 2) await buy(tenant, member, 3);
  }
  const query = 'query($n: Int!) { members(first: $n) { nodes { lifecycle { stage nextMoveAt } lifecycleHistory(first: 3) { totalCount nodes { to } } } } }';
  await t.gql(query, { n: 1 }, { key: tenant.keys.ANALYST }); // the key's first use is looked up once
  const small = await t.countSql(() => t.gql(query, { n: 5 }, { key: tenant.keys.ANALYST }));
  const large = await t.countSql(() => t.gql(query, { n: 25 }, { key: tenant.keys.ANALYST }));
  const nodes = dataOf(large.result).members.nodes as any[];
  expect(nodes.filter((node) => node.lifecycle.stage === 'NEW')).toHaveLength(12);
  expect(nodes.filter((node) => node.lifecycleHistory.totalCount === 1)).toHaveLength(12);
  expect(large.statements).toBe(small.statements);
});
