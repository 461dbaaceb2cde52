import { Pool } from 'pg';
import { loadConfig } from '../../src/app/config.js';
import { migrate, openDatabase } from '../../src/app/database.js';
import { createTenant } from '../../src/modules/tenant/tenant.service.js';
import { cpuDuring } from '../lib/cpu.js';
import { httpLoad, loopLoad, type LoadShape } from '../lib/load.js';
import { countStatements } from '../lib/postgres.js';
import { startServer } from '../lib/server.js';
import { withTimeout } from '../lib/scope.js';
import type { Benchmark, BenchContext, BenchResult } from '../lib/types.js';
import { seedMembers } from './members-nested.seed.js';
import { assertSameRows, MEMBERS_NESTED_QUERY, MEMBERS_NESTED_SQL } from './members-nested.queries.js';

const MEMBERS = Number(process.env.BENCH_MEMBERS ?? 100_000);
const PAGE = 50;
const COUNTED_REQUESTS = 20;
const SHAPE: LoadShape = {
  concurrency: 16,
  warmupMs: Number(process.env.BENCH_WARMUP_MS ?? 2_000),
  durationMs: Number(process.env.BENCH_DURATION_MS ?? 10_000),
};

const perRequestMs = (seconds: number | null | undefined, requests: number) =>
  seconds == null || requests === 0 ? null : Number(((seconds * 1_000) / requests).toFixed(2));

/** Mean latency of `n` calls made one after another: the unloaded cost of one request. */
async function serially(n: number, fn: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < n; i++) await fn();
  return (performance.now() - started) / n;
}

/** A migrated database with one tenant of MEMBERS members; returns its URL, tenant id and OWNER key. */
async function prepare(ctx: BenchContext) {
  const pg = await ctx.postgres();
  const database = await pg.createDatabase('bench_members_nested');
  ctx.scope.defer('drop database', database.drop);
  const db = await openDatabase(loadConfig({ DATABASE_URL: database.url, LOG_LEVEL: 'warn' }));
  let tenant: { id: string; key: string };
  try {
    await migrate(db.orm);
    const created = await createTenant(db.orm.em.fork(), 'Bench tenant');
    tenant = { id: created.tenant.id, key: created.owner.key };
  } finally {
    await db.close();
  }
  const started = Date.now();
  const rows = await withTimeout(seedMembers(database.url, tenant.id, MEMBERS), 120_000, 'seeding');
  ctx.log(`seeded ${JSON.stringify(rows)} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return { pg, url: database.url, tenant, seconds: (Date.now() - started) / 1000 };
}

async function run(ctx: BenchContext): Promise<BenchResult> {
  const { pg, url, tenant, seconds } = await prepare(ctx);
  const server = await startServer({ databaseUrl: url });
  ctx.scope.defer('stop server', server.stop);
  const pool = new Pool({ connectionString: url, max: SHAPE.concurrency });
  ctx.scope.defer('close pool', () => pool.end());

  const headers = { 'content-type': 'application/json', authorization: `Bearer ${tenant.key}` };
  const body = JSON.stringify({ query: MEMBERS_NESTED_QUERY });
  const callApi = async () => {
    const response = await fetch(server.url, { method: 'POST', headers, body, signal: AbortSignal.timeout(10_000) });
    const text = await response.text();
    if (!response.ok) throw new Error(`HTTP ${response.status}: ${text.slice(0, 300)}`);
    return text;
  };
  const callSql = async () => {
    const result = await pool.query<{ members: string }>({ name: 'members_nested', text: MEMBERS_NESTED_SQL, values: [tenant.id, PAGE] });
    return result.rows[0]!.members;
  };

  const apiText = await callApi(); // also warms the key cache, so counting sees no auth query
  const sqlText = await callSql();
  assertSameRows(apiText, sqlText, PAGE);

  let apiSerialMs = 0;
  const statements = await countStatements(pg, url, async () => {
    apiSerialMs = await serially(COUNTED_REQUESTS, callApi);
  });

  ctx.log(`API load: ${SHAPE.concurrency} clients, ${SHAPE.warmupMs} ms warm-up + ${SHAPE.durationMs} ms`);
  const apiCpu = cpuDuring({ server: server.pid, bench: process.pid });
  const api = await httpLoad({ ...SHAPE, url: server.url, headers, body }, apiCpu.hooks);
  const apiShare = apiCpu.share();

  ctx.log(`raw SQL load: ${SHAPE.concurrency} clients, same duration`);
  const sqlCpu = cpuDuring({ bench: process.pid });
  const sql = await loopLoad(SHAPE, callSql, sqlCpu.hooks);
  const sqlShare = sqlCpu.share();
  let sqlSerialMs = 0;
  const sqlStatements = await countStatements(pg, url, async () => {
    sqlSerialMs = await serially(COUNTED_REQUESTS, callSql);
  });

  const ratio = sql.rps > 0 ? Number((api.rps / sql.rps).toFixed(3)) : null;
  return {
    name: 'members-nested',
    metrics: {
      members: MEMBERS,
      seedSeconds: Number(seconds.toFixed(1)),
      concurrency: SHAPE.concurrency,
      durationSeconds: SHAPE.durationMs / 1_000,
      apiRps: api.rps,
      apiP50Ms: api.p50Ms,
      apiP99Ms: api.p99Ms,
      apiErrors: api.errors,
      statementsPerRequest: statements && statements.statements / COUNTED_REQUESTS,
      dbExecMsPerRequest: statements && Number((statements.execMs / COUNTED_REQUESTS).toFixed(2)),
      apiOneClientMs: Number(apiSerialMs.toFixed(2)),
      apiServerCpuMsPerRequest: perRequestMs(apiShare?.seconds.server, api.requests),
      apiServerCpuPct: apiShare?.processes.server ?? null,
      apiLoadGenCpuPct: apiShare?.processes.bench ?? null,
      apiMachineCpuPct: apiShare?.machine ?? null,
      apiResponseBytes: Buffer.byteLength(apiText),
      sqlRps: sql.rps,
      sqlP50Ms: sql.p50Ms,
      sqlP99Ms: sql.p99Ms,
      sqlErrors: sql.errors,
      sqlOneClientMs: Number(sqlSerialMs.toFixed(2)),
      sqlDbExecMsPerRequest: sqlStatements && Number((sqlStatements.execMs / COUNTED_REQUESTS).toFixed(2)),
      sqlClientCpuPct: sqlShare?.processes.bench ?? null,
      sqlMachineCpuPct: sqlShare?.machine ?? null,
    },
    ratio,
    details: { apiStatements: statements?.byStatement, sqlStatements: sqlStatements?.byStatement },
    notes: [
      'ratio = apiRps / sqlRps, both measured in this run on the same data',
      'CPU figures are percent of one core (the machine total is out of nproc x 100)',
      statements === null ? 'statements/request not measured: pg_stat_statements is not loaded on this server' : `statements/request from pg_stat_statements over ${COUNTED_REQUESTS} requests`,
    ],
  };
}

export const membersNested: Benchmark = {
  name: 'members-nested',
  description: `members(first: ${PAGE}) with identities, tags, consents and store, ${MEMBERS} members, vs one hand-written SQL query`,
  timeoutMs: 240_000,
  run,
};
