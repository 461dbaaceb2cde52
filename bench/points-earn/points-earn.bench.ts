import { createHash } from 'node:crypto';
import os from 'node:os';
import { loadConfig } from '../../src/app/config.js';
import { LoyaltyProgram } from '../../src/modules/points/loyalty-program.entity.js';
import { expiryOf } from '../../src/modules/points/loyalty-program.js';
import { PointsEntryKind } from '../../src/modules/points/points.enums.js';
import { cpuDuring } from '../lib/cpu.js';
import { graphqlClient } from '../lib/graphql.js';
import type { LoadShape } from '../lib/load.js';
import { countStatements } from '../lib/postgres.js';
import { withTimeout } from '../lib/scope.js';
import { startServer } from '../lib/server.js';
import type { Benchmark, BenchContext, BenchResult } from '../lib/types.js';
import { EARN_MUTATION, EarnRequests, earnLoad, REASON } from './points-earn.load.js';
import { cpuSince, postgresCpuSeconds, postmasterOf } from './points-earn.cpu.js';
import { findPgbench, pgbenchScript, runPgbench, type PgbenchDefines, type PgbenchStats } from './points-earn.pgbench.js';
import { prepareEarnTenant } from './points-earn.seed.js';
import { ledgerCheck, perCall, sameStatements } from './points-earn.verify.js';

const MEMBERS = Number(process.env.BENCH_POINTS_MEMBERS ?? 10_000);
const MAX_POINTS = 100;
const COUNTED = 20;
const PGBENCH_THREADS = 2;
const SHAPE: LoadShape = {
  concurrency: 32,
  warmupMs: Number(process.env.BENCH_WARMUP_MS ?? 2_000),
  durationMs: Number(process.env.BENCH_DURATION_MS ?? 20_000),
};
const PGBENCH_ACTOR = 'pgbench';

const round = (value: number | null | undefined, digits = 2) => (value == null || !Number.isFinite(value) ? null : Number(value.toFixed(digits)));
const msPerOp = (seconds: number | null | undefined, ops: number) => (seconds == null || ops === 0 ? null : round((seconds * 1_000) / ops, 3));
const sum = (...values: (number | null | undefined)[]) => (values.some((v) => v == null) ? null : values.reduce((a: number, v) => a + v!, 0));

async function run(ctx: BenchContext): Promise<BenchResult> {
  const loadAverageAtStart = os.loadavg()[0]!;
  const pgbench = await findPgbench();
  const pg = await ctx.postgres();
  const tenant = await withTimeout(prepareEarnTenant(ctx, MEMBERS), 60_000, 'seeding');
  ctx.log(`seeded ${MEMBERS} members with points accounts in ${tenant.seedSeconds.toFixed(1)} s; ${pgbench.version}`);
  const server = await startServer({ databaseUrl: tenant.url });
  ctx.scope.defer('stop server', server.stop);
  const poolMax = loadConfig({ ...process.env, DATABASE_URL: tenant.url }).poolMax;

  // One request opens the key cache; then COUNTED more, one at a time, under pg_stat_statements.
  const api = graphqlClient(server.url, tenant.ingestKey, 30_000);
  const runTag = `pe${Date.now().toString(36)}`;
  const requests = new EarnRequests(tenant.memberIds, MAX_POINTS, runTag);
  const callOnce = async () => {
    const body = JSON.parse(requests.body()) as { variables: Record<string, unknown> };
    const data = await api.call<{ pointsEarn: { entry: unknown; userErrors: unknown[] } }>(EARN_MUTATION, body.variables);
    requests.check(200, JSON.stringify(data));
  };
  await callOnce();
  let apiOneClientMs = 0;
  const apiStatements = await countStatements(pg, tenant.url, async () => {
    const started = performance.now();
    for (let i = 0; i < COUNTED; i++) await callOnce();
    apiOneClientMs = (performance.now() - started) / COUNTED;
  });

  ctx.log(`API load: ${SHAPE.concurrency} clients, random members, ${SHAPE.warmupMs} ms warm-up + ${SHAPE.durationMs} ms`);
  const postmasterPid = await postmasterOf(tenant.url);
  const dbCpuReader = () => (postmasterPid ? postgresCpuSeconds(postmasterPid) : null);
  const apiCpu = cpuDuring({ server: server.pid, bench: process.pid });
  let apiDbWindow: (() => number | null) | undefined;
  let apiDbSeconds: number | null = null;
  const hooks = {
    start: () => ((apiDbWindow = cpuSince(dbCpuReader)), apiCpu.hooks.start()),
    end: () => (apiCpu.hooks.end(), (apiDbSeconds = apiDbWindow?.() ?? null)),
  };
  const apiLoad = await earnLoad(server.url, tenant.ingestKey, requests, SHAPE, hooks);
  const apiShare = apiCpu.share();
  const apiTally = { ...requests.tally };
  if (apiTally.bad || apiLoad.errors || apiLoad.timeouts) {
    throw new Error(`pointsEarn failed under load: ${JSON.stringify({ ...apiTally, errors: apiLoad.errors, timeouts: apiLoad.timeouts })}`);
  }
  // The server no longer serves: pgbench gets the machine to itself, as the API had it.
  await server.stop();

  const now = new Date();
  const defines: PgbenchDefines = {
    tenantId: tenant.tenantId,
    kind: PointsEntryKind.EARN,
    reason: REASON,
    actor: PGBENCH_ACTOR,
    hash: createHash('sha256').update('pgbench').digest('hex'),
    breakdown: '{}',
    // The default programme's expiry for points earned now, as the server computes it.
    expiresAt: expiryOf(new LoyaltyProgram(), now)!.toISOString(),
  };
  const script = pgbenchScript(MEMBERS, MAX_POINTS, 'prepared');
  const simpleScript = pgbenchScript(MEMBERS, MAX_POINTS, 'simple');
  const seconds = SHAPE.durationMs / 1_000;
  let pgbenchCounted: PgbenchStats | undefined;
  const pgbenchStatements = await countStatements(pg, tenant.url, async () => {
    pgbenchCounted = await runPgbench(pgbench.path, tenant.url, simpleScript, defines, { clients: 1, threads: 1, transactions: COUNTED, mode: 'simple', log: false });
  });
  // Statements sent fewer times than there were requests are the server's background work (the job queue polling), not pointsEarn's.
  const perApi = perCall(apiStatements, COUNTED);
  const perPgbench = perCall(pgbenchStatements, COUNTED);
  sameStatements(apiStatements, pgbenchStatements, COUNTED);

  ctx.log(`pgbench -M prepared: ${SHAPE.concurrency} clients, ${PGBENCH_THREADS} threads, ${SHAPE.warmupMs} ms warm-up + ${seconds} s`);
  const warmup = await runPgbench(pgbench.path, tenant.url, script, defines, {
    clients: SHAPE.concurrency,
    threads: PGBENCH_THREADS,
    durationSeconds: Math.max(1, Math.round(SHAPE.warmupMs / 1_000)),
    mode: 'prepared',
    log: false,
  });
  const prepared = await runPgbench(pgbench.path, tenant.url, script, defines, {
    clients: SHAPE.concurrency,
    threads: PGBENCH_THREADS,
    durationSeconds: seconds,
    mode: 'prepared',
    log: true,
    postmasterPid,
  });
  const simpleSeconds = Math.max(3, Math.round(seconds / 2));
  ctx.log(`pgbench -M simple (values in the text, as the server sends them): ${SHAPE.concurrency} clients, ${simpleSeconds} s`);
  const simple = await runPgbench(pgbench.path, tenant.url, simpleScript, defines, {
    clients: SHAPE.concurrency,
    threads: PGBENCH_THREADS,
    durationSeconds: simpleSeconds,
    mode: 'simple',
    log: true,
    postmasterPid,
  });

  const ledger = await ledgerCheck(tenant, PGBENCH_ACTOR);
  const pgbenchTransactions = pgbenchCounted!.transactions + warmup.transactions + prepared.transactions + simple.transactions;
  const apiEntries = Number(ledger.api_entries);
  // autocannon drops the requests in flight when a run (warm-up, measured) ends; the server still completes them.
  const cutOff = apiEntries - apiTally.ok;
  const problems = [
    ledger.wrong !== '0' && `${ledger.wrong} of ${ledger.touched} touched accounts disagree with their entries or lots`,
    (cutOff < 0 || cutOff > 2 * SHAPE.concurrency) && `${apiEntries} API entries for ${apiTally.ok} answered requests`,
    Number(ledger.pgbench_entries) !== pgbenchTransactions && `${ledger.pgbench_entries} pgbench entries for ${pgbenchTransactions} transactions`,
    ledger.lots !== ledger.entries && `${ledger.lots} lots for ${ledger.entries} entries`,
  ].filter(Boolean);
  if (problems.length) throw new Error(`ledger check failed: ${problems.join('; ')}`);

  const ratio = prepared.tps > 0 ? round(apiLoad.rps / prepared.tps, 3) : null;
  const apiOps = apiLoad.requests;
  const apiCpuMs = msPerOp(sum(apiShare?.seconds.server, apiShare?.seconds.bench, apiDbSeconds), apiOps);
  const pgbenchCpuMs = msPerOp(sum(prepared.clientCpuSeconds, prepared.dbCpuSeconds), prepared.transactions);
  return {
    name: 'points-earn',
    metrics: {
      members: MEMBERS,
      concurrency: SHAPE.concurrency,
      durationSeconds: seconds,
      cpus: os.cpus().length,
      loadAverage1mAtStart: round(loadAverageAtStart),
      seedSeconds: round(tenant.seedSeconds, 1),
      serverPoolMax: poolMax,
      apiOpsPerSecond: apiLoad.rps,
      apiP50Ms: apiLoad.p50Ms,
      apiP99Ms: apiLoad.p99Ms,
      apiErrors: apiLoad.errors + apiTally.bad,
      apiOneClientMs: round(apiOneClientMs),
      statementsPerRequest: perApi?.statements ?? null,
      dbExecMsPerRequest: round(perApi?.execMs, 3),
      backgroundStatementsMeanwhile: perApi?.background ?? null,
      apiServerCpuMsPerOp: msPerOp(apiShare?.seconds.server, apiOps),
      apiLoadGenCpuMsPerOp: msPerOp(apiShare?.seconds.bench, apiOps),
      apiDbCpuMsPerOp: msPerOp(apiDbSeconds, apiOps),
      apiCpuMsPerOp: apiCpuMs,
      apiServerCpuPct: apiShare?.processes.server ?? null,
      apiLoadGenCpuPct: apiShare?.processes.bench ?? null,
      apiDbCpuPct: apiDbSeconds === null ? null : Math.round((apiDbSeconds / seconds) * 100),
      apiMachineCpuPct: apiShare?.machine ?? null,
      pgbenchTps: round(prepared.tps, 1),
      pgbenchP50Ms: round(prepared.p50Ms),
      pgbenchP99Ms: round(prepared.p99Ms),
      pgbenchFailed: prepared.failed,
      statementsPerPgbenchTransaction: perPgbench?.statements ?? null,
      dbExecMsPerPgbenchTransaction: round(perPgbench?.execMs, 3),
      pgbenchClientCpuMsPerOp: msPerOp(prepared.clientCpuSeconds, prepared.transactions),
      pgbenchDbCpuMsPerOp: msPerOp(prepared.dbCpuSeconds, prepared.transactions),
      pgbenchCpuMsPerOp: pgbenchCpuMs,
      pgbenchDbCpuPct: prepared.dbCpuSeconds === null ? null : Math.round((prepared.dbCpuSeconds / seconds) * 100),
      pgbenchMachineCpuPct: prepared.cpu.machine,
      pgbenchSimpleTps: round(simple.tps, 1),
      pgbenchSimpleP50Ms: round(simple.p50Ms),
      pgbenchSimpleP99Ms: round(simple.p99Ms),
      pgbenchSimpleDbCpuMsPerOp: msPerOp(simple.dbCpuSeconds, simple.transactions),
      apiVsSimpleRatio: simple.tps > 0 ? round(apiLoad.rps / simple.tps, 3) : null,
      cpuRatio: apiCpuMs && pgbenchCpuMs ? round(pgbenchCpuMs / apiCpuMs, 3) : null,
      accountsTouched: Number(ledger.touched),
      ledgerEntries: Number(ledger.entries),
      loadAverage1mAtEnd: round(os.loadavg()[0]),
    },
    ratio,
    notes: [
      'ratio = apiOpsPerSecond / pgbenchTps: pointsEarn through HTTP + GraphQL vs pgbench sending the same statement (EARN_SQL; the cached loyalty programme is re-read at most every 5 s) against the same database, tables and accounts',
      `pgbench: -c ${SHAPE.concurrency} -j ${PGBENCH_THREADS} -M prepared (parsed and planned once per connection: the database's best), then -M simple for ${simpleSeconds} s (values pasted into the text, parsed and planned every time: how MikroORM's execute and find send statements; the server sends this one prepared); each statement auto-committed, as the server sends it; ${pgbench.version}`,
      `pgbench's EARN statement is EARN_SQL with its :params replaced (same CTEs, locks and writes): random member n in 1..${MEMBERS} (id md5(tenant:n) as seeded), 1..${MAX_POINTS} points, now() for the time, time-ordered ids like uuidv7, gen_random_uuid() keys`,
      `API: autocannon, ${SHAPE.concurrency} connections, random member, 1..${MAX_POINTS} points and a unique idempotency key per request; the server's pool has ${poolMax} connections, pgbench ${SHAPE.concurrency}`,
      `every API answer checked (an entry, no userErrors); afterwards every touched account checked: balance - debt = sum of its entries = earned = sum of its lots' remaining points, one lot per entry, entries per writer = requests answered / pgbench transactions`,
      `${os.cpus().length} cores shared by the server, the load generator (autocannon or pgbench) and PostgreSQL (and anything else running: see the load averages); CPU % is of one core`,
      'CPU ms per op: server process, load generator (this process / pgbench) and the whole PostgreSQL server (every backend, WAL writer, ...); cpuRatio = pgbenchCpuMsPerOp / apiCpuMsPerOp, the throughput ratio a CPU-bound machine approaches, steadier than ratio when other work shares the machine',
      `statements per request and per pgbench transaction from pg_stat_statements over ${COUNTED} sequential calls; statements sent fewer times than that (the server's job queue polling) are counted apart as backgroundStatementsMeanwhile`,
    ],
    details: {
      pgbenchScript: script,
      pgbenchSimpleScript: simpleScript,
      apiStatements: apiStatements?.byStatement,
      pgbenchStatements: pgbenchStatements?.byStatement,
      apiTally,
      apiCutOffInFlight: cutOff,
      apiCpu: apiShare,
      pgbenchCpu: prepared.cpu,
      pgbenchOutput: prepared.output,
      pgbenchSimpleOutput: simple.output,
      pgbenchAverageMs: prepared.averageMs,
    },
  };
}

export const pointsEarn: Benchmark = {
  name: 'points-earn',
  description: `pointsEarn from ${SHAPE.concurrency} clients over ${MEMBERS.toLocaleString('en-US')} accounts vs pgbench running the same statements`,
  timeoutMs: 180_000,
  run,
};
