import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { dataOf, startTestApp, type TestApp, type TestTenant } from './support/harness';
import { createMember } from './support/access-fixtures';
import { ago, orderInput, recordOrder, shiftOrders } from './support/activity-fixtures';
import { startServerProcess, type ServerProcess } from './support/server-process';
import { churnFeedOf } from '../src/modules/churn/churn-feed';

/**
 * churnRiskCrossed over graphql-ws: filters, masking, tenant isolation, resuming from a cursor without loss or
 * repeats, delivery across server processes on one database, and a server killed mid-stream.
 */

let t: TestApp;
const clients: Client[] = [];
const processes: ServerProcess[] = [];

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await Promise.all(clients.map((client) => client.dispose()));
  await Promise.all(processes.map((server) => server.kill()));
  await t.close();
});

const SELECTION = 'cursor direction threshold previousScore score member { id phone }';

interface Received {
  cursor: string;
  direction: string;
  threshold: number;
  score: number;
  member: { id: string; phone: string | null } | null;
}

/** A subscription that collects what it receives; `until(n)` waits for n results (or fails after a timeout). */
function listen(wsUrl: string, key: string, args = '', variables: Record<string, unknown> = {}) {
  const client = createClient({ url: wsUrl, webSocketImpl: WebSocket, lazy: true, retryAttempts: 0, connectionParams: { authorization: `Bearer ${key}` } });
  clients.push(client);
  const received: Received[] = [];
  const errors: unknown[] = [];
  let ended = false;
  const declared = Object.keys(variables).length ? `(${Object.keys(variables).map((name) => `$${name}: ${name === 'after' ? 'String' : name === 'segmentId' ? 'ID' : name === 'minNetSpent' ? 'Int' : name === 'threshold' ? 'Float' : 'CrossingDirection'}`).join(', ')})` : '';
  const query = `subscription${declared} { churnRiskCrossed${args ? `(${args})` : ''} { ${SELECTION} } }`;
  const unsubscribe = client.subscribe<{ churnRiskCrossed: Received }>(
    { query, variables },
    {
      next: (result) => {
        if (result.errors) errors.push(...result.errors);
        if (result.data) received.push(result.data.churnRiskCrossed);
      },
      error: (error) => {
        errors.push(error);
        ended = true;
      },
      complete: () => {
        ended = true;
      },
    },
  );
  return {
    received,
    errors,
    ended: () => ended,
    stop: () => {
      unsubscribe();
      return client.dispose();
    },
    async until(count: number, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while (received.length < count && Date.now() < deadline && !errors.length) await new Promise((resolve) => setTimeout(resolve, 25));
      if (received.length < count) throw new Error(`got ${received.length} of ${count} crossings: ${JSON.stringify({ received, errors })}`);
      return received;
    },
  };
}

/** Subscriptions start after the `subscribe` message is handled; a round trip on the same server proves that. */
async function settle(ms = 300) {
  await new Promise((resolve) => setTimeout(resolve, ms));
}

async function buy(tenant: TestTenant, memberId: string, daysAgo: number) {
  return recordOrder(t, tenant.keys.INGEST, orderInput(memberId, { placedAt: ago(daysAgo) }));
}

/** As if `days` had passed since the members' orders. */
const timePasses = (memberIds: string[], days: number) => shiftOrders(t, memberIds, days);

async function score(tenant: TestTenant): Promise<number> {
  const run = dataOf(await t.gql('mutation { jobRun(input: { job: CHURN_SCORE, wait: true }) { jobRun { state output } } }', {}, { key: tenant.keys.ADMIN })).jobRun.jobRun;
  expect(run.state).toBe('COMPLETED');
  return run.output.crossings;
}

/** A buyer at 0.41 (one order 80 days ago); `rise(days)` later makes them cross. */
async function buyer(tenant: TestTenant, phone?: string) {
  const member = await createMember(t, tenant.keys.ADMIN, phone ? { phone } : {});
  await buy(tenant, member, 80);
  return member;
}

async function polled(tenant: TestTenant) {
  return dataOf(await t.gql('{ churnRiskCrossings(first: 100) { nodes { cursor direction threshold member { id } } } }', {}, { key: tenant.keys.ADMIN })).churnRiskCrossings.nodes as any[];
}

test('each subscriber gets the crossings its filters ask for, masked for ANALYST, and another tenant gets none', async () => {
  const tenant = await t.tenant();
  const other = await t.tenant();
  const x = await buyer(tenant, '13800138001');
  const y = await buyer(tenant);
  await buy(tenant, y, 79); // a second order: net spend 5,000
  const segment = dataOf(
    await t.gql('mutation($input: SegmentCreateInput!) { segmentCreate(input: $input) { segment { id } userErrors { code } } }', { input: { name: 'watch', kind: 'STATIC' } }, { key: tenant.keys.ADMIN }),
  ).segmentCreate.segment.id;
  const added = dataOf(await t.gql('mutation($input: SegmentMembersInput!) { segmentMembersAdd(input: $input) { userErrors { code } } }', { input: { id: segment, memberIds: [x] } }, { key: tenant.keys.ADMIN }));
  expect(added.segmentMembersAdd.userErrors).toEqual([]);

  const all = listen(t.wsUrl, tenant.keys.ADMIN);
  const analyst = listen(t.wsUrl, tenant.keys.ANALYST);
  const high = listen(t.wsUrl, tenant.keys.ADMIN, 'threshold: $threshold, direction: $direction', { threshold: 0.7, direction: 'UP' });
  const inSegment = listen(t.wsUrl, tenant.keys.ANALYST, 'segmentId: $segmentId', { segmentId: segment });
  const bigSpenders = listen(t.wsUrl, tenant.keys.ADMIN, 'minNetSpent: $minNetSpent', { minNetSpent: 3000 });
  const foreign = listen(t.wsUrl, other.keys.ADMIN);
  // Two more clients with the first one's document and role: they share its group.
  const twins = [listen(t.wsUrl, tenant.keys.ADMIN), listen(t.wsUrl, tenant.keys.ADMIN)];
  await settle();
  const feed = churnFeedOf(t.app.services)!;
  expect(feed.groupCount).toBe(6);
  expect(feed.subscriberCount).toBe(8);
  const rendersBefore = feed.renders;

  // x: 120 days since the order, 0.70 (crosses 0.5 and 0.7); y: 100 days, 0.58 (crosses 0.5).
  await timePasses([x], 40);
  await timePasses([y], 21);
  expect(await score(tenant)).toBe(3);

  const got = await all.until(3);
  const polledNodes = await polled(tenant);
  expect(got.map((c) => c.cursor)).toEqual(polledNodes.map((c) => c.cursor));
  expect(got.map((c) => [c.member!.id, c.threshold, c.direction]).sort()).toEqual(
    [
      [x, 0.5, 'UP'],
      [x, 0.7, 'UP'],
      [y, 0.5, 'UP'],
    ].sort(),
  );
  expect(got.find((c) => c.member!.id === x)!.member!.phone).toBe('+8613800138001');
  const masked = await analyst.until(3);
  expect(masked.find((c) => c.member!.id === x)!.member!.phone).not.toContain('38001');
  expect(masked.find((c) => c.member!.id === x)!.member!.phone).toMatch(/\*/);
  expect((await high.until(1)).map((c) => [c.member!.id, c.threshold])).toEqual([[x, 0.7]]);
  expect((await inSegment.until(2)).map((c) => [c.member!.id, c.threshold])).toEqual([
    [x, 0.5],
    [x, 0.7],
  ]);
  expect((await bigSpenders.until(1)).map((c) => c.member!.id)).toEqual([y]);
  await settle(500);
  // Nothing more arrived anywhere, and nothing crossed tenants.
  expect([all.received.length, analyst.received.length, high.received.length, inSegment.received.length, bigSpenders.received.length]).toEqual([3, 3, 1, 2, 1]);
  expect(foreign.received).toEqual([]);
  for (const twin of twins) expect((await twin.until(3)).map((c) => c.cursor)).toEqual(got.map((c) => c.cursor));
  // Each event's selection ran once per group (3 + 3 + 1 + 2 + 1), not once per subscriber (3 x 3 + 3 + 1 + 2 + 1).
  expect(feed.renders - rendersBefore).toBe(10);
  for (const subscription of [all, analyst, high, inSegment, bigSpenders, foreign, ...twins]) expect(subscription.errors).toEqual([]);
});

test('subscribing is refused without a reader key, and bad arguments are clear errors', async () => {
  const tenant = await t.tenant();
  const other = await t.tenant();
  const foreignSegment = dataOf(
    await t.gql('mutation($input: SegmentCreateInput!) { segmentCreate(input: $input) { segment { id } } }', { input: { name: 'theirs', kind: 'STATIC' } }, { key: other.keys.ADMIN }),
  ).segmentCreate.segment.id;
  const codesOf = async (key: string, args: string, variables: Record<string, unknown>) => {
    const subscription = listen(t.wsUrl, key, args, variables);
    const deadline = Date.now() + 5_000;
    while (!subscription.errors.length && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
    return subscription.errors.map((error: any) => error.extensions?.code ?? error.message);
  };
  expect(await codesOf(tenant.keys.INGEST, '', {})).toEqual(['FORBIDDEN']);
  expect(await codesOf(tenant.keys.ADMIN, 'segmentId: $segmentId', { segmentId: foreignSegment })).toEqual(['BAD_USER_INPUT']);
  expect(await codesOf(tenant.keys.ADMIN, 'afterCursor: $after', { after: 'not-a-cursor' })).toEqual(['BAD_USER_INPUT']);
  expect(await codesOf(tenant.keys.ADMIN, 'threshold: $threshold', { threshold: 1.5 })).toEqual(['BAD_USER_INPUT']);

  // The same validation and depth limits as over HTTP, before anything is subscribed.
  const refusedDocument = async (query: string) => {
    const client = createClient({ url: t.wsUrl, webSocketImpl: WebSocket, lazy: true, retryAttempts: 0, connectionParams: { authorization: `Bearer ${tenant.keys.ADMIN}` } });
    clients.push(client);
    return new Promise<unknown[]>((resolve) => {
      client.subscribe({ query }, { next: (r) => resolve((r.errors ?? []).map((e: any) => e.extensions?.code)), error: (e) => resolve(Array.isArray(e) ? e.map((x: any) => x.extensions?.code) : [String(e)]), complete: () => resolve([]) });
    });
  };
  expect(await refusedDocument('subscription { churnRiskCrossed { nope } }')).toEqual(['GRAPHQL_VALIDATION_FAILED']);
  const deep = 'member { orders(first: 1) { nodes { member { orders(first: 1) { nodes { member { orders(first: 1) { nodes { member { id } } } } } } } } } }';
  expect(await refusedDocument(`subscription { churnRiskCrossed { ${deep} } }`)).toEqual(['QUERY_TOO_COMPLEX']);
});

test('revoking the access key ends its live subscriptions', async () => {
  const tenant = await t.tenant();
  const created = dataOf(
    await t.gql('mutation { accessKeyCreate(input: { name: "dashboard", role: ANALYST }) { accessKey { id } key userErrors { code } } }', {}, { key: tenant.keys.OWNER }),
  ).accessKeyCreate;
  const subscription = listen(t.wsUrl, created.key);
  const survivor = listen(t.wsUrl, tenant.keys.ANALYST);
  await settle();
  const revoked = dataOf(await t.gql('mutation($input: AccessKeyRevokeInput!) { accessKeyRevoke(input: $input) { userErrors { code } } }', { input: { id: created.accessKey.id } }, { key: tenant.keys.OWNER }));
  expect(revoked.accessKeyRevoke.userErrors).toEqual([]);
  const deadline = Date.now() + 20_000;
  while (!subscription.ended() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  expect(subscription.ended()).toBe(true);
  expect(subscription.errors.map((e: any) => e.extensions?.code ?? e.message)).toEqual(['SUBSCRIPTION_ENDED']);
  // The other key's subscription still delivers.
  const member = await buyer(tenant);
  await timePasses([member], 20);
  expect(await score(tenant)).toBe(1);
  expect((await survivor.until(1)).map((c) => c.member!.id)).toEqual([member]);
}, 60_000);

test('a client that reconnects with afterCursor gets what it missed, then live crossings: nothing lost, nothing twice', async () => {
  const tenant = await t.tenant();
  const members = [];
  for (let i = 0; i < 4; i++) members.push(await buyer(tenant));

  const first = listen(t.wsUrl, tenant.keys.ADMIN);
  await settle();
  await timePasses([members[0]!], 20); // 100 days: UP 0.5
  await score(tenant);
  const [seen] = await first.until(1);
  await first.stop();

  // Missed while away: two more members cross.
  await timePasses([members[1]!, members[2]!], 20);
  expect(await score(tenant)).toBe(2);

  const resumed = listen(t.wsUrl, tenant.keys.ADMIN, 'afterCursor: $after', { after: seen!.cursor });
  const missed = await resumed.until(2);
  expect(missed.map((c) => c.member!.id).sort()).toEqual([members[1], members[2]].sort());
  // Then live.
  await timePasses([members[3]!], 20);
  expect(await score(tenant)).toBe(1);
  await resumed.until(3);
  await settle(500);
  const cursors = resumed.received.map((c) => c.cursor);
  expect(new Set(cursors).size).toBe(3);
  expect(resumed.received.map((c) => c.member!.id)).toEqual([...missed.slice(0, 2).map((c) => c.member!.id), members[3]]);
  expect(cursors).toEqual((await polled(tenant)).slice(1).map((c) => c.cursor));
});

test('a crossing caused through one server process reaches a subscriber of another', async () => {
  const tenant = await t.tenant();
  const member = await buyer(tenant);
  const other = await startServerProcess(t.databaseUrl);
  processes.push(other);
  const remote = listen(other.url.replace(/^http/, 'ws'), tenant.keys.ANALYST);
  await settle(500);
  await timePasses([member], 20);
  expect(await score(tenant)).toBe(1); // scored and committed by this (test) process
  const [crossing] = await remote.until(1, 20_000);
  expect(crossing).toMatchObject({ direction: 'UP', threshold: 0.5, member: { id: member } });
  expect(remote.errors).toEqual([]);
}, 60_000);

test('a server killed mid-stream loses nothing: the client resumes on another process from its last cursor', async () => {
  const tenant = await t.tenant();
  const members = [];
  for (let i = 0; i < 5; i++) members.push(await buyer(tenant));
  let server = await startServerProcess(t.databaseUrl);
  processes.push(server);
  const before = listen(server.url.replace(/^http/, 'ws'), tenant.keys.ADMIN);
  await settle(500);
  await timePasses([members[0]!, members[1]!], 20);
  expect(await score(tenant)).toBe(2);
  await before.until(2, 20_000);
  const last = before.received[before.received.length - 1]!.cursor;

  await server.kill();
  // Crossings committed while no server delivers to this client.
  await timePasses([members[2]!, members[3]!], 20);
  expect(await score(tenant)).toBe(2);

  server = await startServerProcess(t.databaseUrl);
  processes.push(server);
  const after = listen(server.url.replace(/^http/, 'ws'), tenant.keys.ADMIN, 'afterCursor: $after', { after: last });
  await after.until(2, 20_000);
  await timePasses([members[4]!], 20);
  expect(await score(tenant)).toBe(1);
  await after.until(3, 20_000);
  await settle(500);
  const delivered = [...before.received, ...after.received].map((c) => c.member!.id);
  // Every crossing exactly once, in commit order, across the two processes.
  expect(delivered).toHaveLength(5);
  expect(new Set(delivered)).toEqual(new Set(members));
  expect([...before.received, ...after.received].map((c) => c.cursor)).toEqual((await polled(tenant)).map((c) => c.cursor));
}, 90_000);
