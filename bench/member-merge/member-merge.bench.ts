import os from 'node:os';
import { Client } from 'pg';
import { toGlobalId } from '../../src/core/relay/global-id.js';
import { cpuWindow } from '../lib/cpu.js';
import { graphqlClient, medianMax, type GraphQLClient } from '../lib/graphql.js';
import { countStatements } from '../lib/postgres.js';
import { withTimeout } from '../lib/scope.js';
import { startServer } from '../lib/server.js';
import type { Benchmark, BenchContext, BenchResult } from '../lib/types.js';
import { PURCHASES_SQL, rawMerge, type RawMerge } from './member-merge.raw.js';
import { ORDERS_PER_MEMBER, PURCHASES_PER_MEMBER, TOUCHPOINTS_PER_MEMBER, prepareMergeTenant, type MergeTenant } from './member-merge.seed.js';

const MERGES = Number(process.env.BENCH_MERGES ?? 10);
const COUNTED = 2;
// Pairs: 0 warms the server up and 1 the raw connection (first plans, caches; not counted); then MERGES rounds,
// each one merge through the API and one as raw SQL, alternating so that a busy machine slows both alike;
// then COUNTED more API merges under pg_stat_statements.
const PAIRS = 2 + 2 * MERGES + COUNTED;

const MERGE = `mutation($s:ID!,$m:ID!){ memberMerge(input:{survivorId:$s, mergedId:$m}){ member { id } userErrors { code message } } }`;
const CHECK = `query($id:ID!){ member(id:$id){ status touchpoints(first:1){ totalCount } orders(first:1){ totalCount } purchaseStats{ orderCount netSpend } } }`;

interface MergePayload {
  memberMerge: { member: { id: string } | null; userErrors: { code: string; message: string }[] };
}
interface CheckPayload {
  member: { status: string; touchpoints: { totalCount: number }; orders: { totalCount: number }; purchaseStats: { orderCount: number; netSpend: { amount: number } } };
}

const round = (value: number | null | undefined, digits = 2) => (value == null || !Number.isFinite(value) ? null : Number(value.toFixed(digits)));
const pair = (tenant: MergeTenant, p: number) => ({ survivor: tenant.memberIds[2 * p]!, merged: tenant.memberIds[2 * p + 1]! });

async function apiMerge(api: GraphQLClient, survivor: string, merged: string): Promise<number> {
  const started = performance.now();
  const { memberMerge: result } = await api.call<MergePayload>(MERGE, { s: toGlobalId('Member', survivor), m: toGlobalId('Member', merged) });
  const ms = performance.now() - started;
  if (result.userErrors.length || !result.member) throw new Error(`memberMerge failed: ${JSON.stringify(result.userErrors)}`);
  return ms;
}

/** Throws unless the survivor holds both members' rows and its stats match its paid orders, through the API and in the table. */
async function verify(api: GraphQLClient, url: string, tenantId: string, survivor: string, merged: string): Promise<void> {
  const { member } = await api.call<CheckPayload>(CHECK, { id: toGlobalId('Member', survivor) });
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ paid: string; spend: string; left: string; status: string }>(
      `select (select count(*) from orders where tenant_id = $1 and member_id = $2 and status in (${PURCHASES_SQL}))::text as paid,
              (select coalesce(sum(total - refunded_amount), 0) from orders where tenant_id = $1 and member_id = $2 and status in (${PURCHASES_SQL}))::text as spend,
              ((select count(*) from touchpoint where tenant_id = $1 and member_id = $3) + (select count(*) from orders where tenant_id = $1 and member_id = $3))::text as left,
              (select status from member where id = $3) as status`,
      [tenantId, survivor, merged],
    );
    const db = rows[0]!;
    const problems = [
      member?.touchpoints.totalCount !== 2 * TOUCHPOINTS_PER_MEMBER && `touchpoints ${member?.touchpoints.totalCount}`,
      member?.orders.totalCount !== 2 * ORDERS_PER_MEMBER && `orders ${member?.orders.totalCount}`,
      member?.purchaseStats.orderCount !== Number(db.paid) && `orderCount ${member?.purchaseStats.orderCount} vs ${db.paid} paid orders`,
      Number(db.paid) !== 2 * PURCHASES_PER_MEMBER && `${db.paid} paid orders, expected ${2 * PURCHASES_PER_MEMBER}`,
      member?.purchaseStats.netSpend.amount !== Number(db.spend) && `netSpend ${member?.purchaseStats.netSpend.amount} vs ${db.spend}`,
      db.left !== '0' && `${db.left} rows left on the merged member`,
      db.status !== 'MERGED' && `merged member is ${db.status}`,
    ].filter(Boolean);
    if (problems.length) throw new Error(`merge of ${merged} into ${survivor} is wrong: ${problems.join('; ')}`);
  } finally {
    await client.end();
  }
}

async function run(ctx: BenchContext): Promise<BenchResult> {
  const loadAverageAtStart = os.loadavg()[0]!;
  const pg = await ctx.postgres();
  const tenant = await withTimeout(prepareMergeTenant(ctx, 2 * PAIRS), 90_000, 'seeding');
  ctx.log(`seeded ${2 * PAIRS} members x (${TOUCHPOINTS_PER_MEMBER} touchpoints, ${ORDERS_PER_MEMBER} orders) in ${tenant.seedSeconds.toFixed(1)} s`);
  const server = await startServer({ databaseUrl: tenant.url });
  ctx.scope.defer('stop server', server.stop);
  const api = graphqlClient(server.url, tenant.ownerKey, 30_000);

  const sql = new Client({ connectionString: tenant.url });
  await sql.connect();
  ctx.scope.defer('close raw connection', () => sql.end());
  const apiWarmupMs = await apiMerge(api, pair(tenant, 0).survivor, pair(tenant, 0).merged);
  const rawWarmupMs = (await rawMerge(sql, tenant.tenantId, pair(tenant, 1).survivor, pair(tenant, 1).merged)).totalMs;

  ctx.log(`${MERGES} rounds: one merge through the API, one as raw SQL in one transaction`);
  const times: number[] = [];
  const raws: RawMerge[] = [];
  let serverCpuSeconds = 0;
  for (let i = 0; i < MERGES; i++) {
    const viaApi = pair(tenant, 2 + 2 * i);
    const cpu = cpuWindow({ server: server.pid });
    times.push(await apiMerge(api, viaApi.survivor, viaApi.merged));
    serverCpuSeconds += cpu().seconds.server ?? Number.NaN;
    const viaSql = pair(tenant, 3 + 2 * i);
    raws.push(await rawMerge(sql, tenant.tenantId, viaSql.survivor, viaSql.merged));
  }
  const statements = await countStatements(pg, tenant.url, async () => {
    for (let p = PAIRS - COUNTED; p < PAIRS; p++) await apiMerge(api, pair(tenant, p).survivor, pair(tenant, p).merged);
  });
  for (let p = 0; p < PAIRS; p++) await verify(api, tenant.url, tenant.tenantId, pair(tenant, p).survivor, pair(tenant, p).merged);

  const apiMs = medianMax(times);
  const rawMs = medianMax(raws.map((r) => r.totalMs));
  const rawStep = (name: string) => round(medianMax(raws.map((r) => r.stepMs[name] ?? 0)).median);
  return {
    name: 'member-merge',
    metrics: {
      touchpointsPerMember: TOUCHPOINTS_PER_MEMBER,
      ordersPerMember: ORDERS_PER_MEMBER,
      merges: MERGES,
      loadAverage1mAtStart: round(loadAverageAtStart),
      apiWarmupMergeMs: round(apiWarmupMs),
      apiMergeMedianMs: round(apiMs.median),
      apiMergeMaxMs: round(apiMs.max),
      statementsPerMerge: statements && statements.statements / COUNTED,
      dbExecMsPerMerge: statements && round(statements.execMs / COUNTED),
      serverCpuMsPerMerge: round((serverCpuSeconds * 1000) / MERGES),
      rawWarmupMergeMs: round(rawWarmupMs),
      rawMergeMedianMs: round(rawMs.median),
      rawMergeMaxMs: round(rawMs.max),
      rawTouchpointsUpdateMs: rawStep('touchpoints'),
      rawOrdersUpdateMs: rawStep('orders'),
      rawStatsMs: rawStep('stats'),
      rawCommitMs: rawStep('commit'),
      loadAverage1mAtEnd: round(os.loadavg()[0]),
    },
    ratio: round(apiMs.median / rawMs.median, 3),
    notes: [
      `ratio = apiMergeMedianMs / rawMergeMedianMs (higher is slower); each pair is fresh: ${TOUCHPOINTS_PER_MEMBER} touchpoints, ${ORDERS_PER_MEMBER} orders with items, tags, consents, identities per member`,
      `API time is the memberMerge HTTP round trip, one merge at a time, alternating with the raw ones; the first of each (warm-up) is reported apart; statements from ${COUNTED} further merges`,
      'raw = the same steps as the server (lock, identities, tags, consents, consent history, touchpoints, orders, stats, member rows, merge record) in one transaction on one kept-open connection',
      `every merge checked: survivor has ${2 * TOUCHPOINTS_PER_MEMBER} touchpoints and ${2 * ORDERS_PER_MEMBER} orders, purchaseStats.orderCount and netSpend match its paid orders, nothing left on the merged member`,
    ],
    details: { apiMergeMs: times.map((t) => round(t)), raw: raws, statements: statements?.byStatement },
  };
}

export const memberMerge: Benchmark = {
  name: 'member-merge',
  description: `memberMerge of two members with ${TOUCHPOINTS_PER_MEMBER} touchpoints and ${ORDERS_PER_MEMBER} orders each, vs the same steps as raw SQL`,
  timeoutMs: 150_000,
  run,
};
