import os from 'node:os';
import { Client } from 'pg';
import { cpuDuring } from '../lib/cpu.js';
import { graphqlClient } from '../lib/graphql.js';
import { loopLoad, type LoadShape } from '../lib/load.js';
import { countStatements } from '../lib/postgres.js';
import { withTimeout } from '../lib/scope.js';
import { startServer } from '../lib/server.js';
import type { Benchmark, BenchContext, BenchResult } from '../lib/types.js';
import { BATCH, EventSource, RECORD_MUTATION, type SentRow } from './touchpoint-ingest.events.js';
import { copyRows, dbSeconds, insertJsonb } from './touchpoint-ingest.limit.js';
import { prepareIngestTenant, touchpointIndexes } from './touchpoint-ingest.seed.js';

const MEMBERS = Number(process.env.BENCH_INGEST_MEMBERS ?? 5_000);
const SHAPE: LoadShape = {
  concurrency: 4,
  warmupMs: Number(process.env.BENCH_WARMUP_MS ?? 2_000),
  durationMs: Number(process.env.BENCH_DURATION_MS ?? 10_000),
};

interface Payload {
  touchpointsRecord: { accepted: number; duplicates: number; rejected: number };
}

const round = (value: number | null | undefined, digits = 2) => (value == null || !Number.isFinite(value) ? null : Number(value.toFixed(digits)));
const per1000 = (seconds: number | null | undefined, rows: number) => (seconds == null || rows === 0 ? null : round((seconds * 1_000_000) / rows));

async function query<T>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

async function run(ctx: BenchContext): Promise<BenchResult> {
  const loadAverageAtStart = os.loadavg().map((l) => round(l));
  const pg = await ctx.postgres();
  const tenant = await withTimeout(prepareIngestTenant(ctx, MEMBERS), 60_000, 'seeding');
  ctx.log(`seeded ${MEMBERS} members with APP_USER identities in ${tenant.seedSeconds.toFixed(1)} s`);
  const server = await startServer({ databaseUrl: tenant.url });
  ctx.scope.defer('stop server', server.stop);
  const api = graphqlClient(server.url, tenant.ingestKey, 30_000);

  const runTag = `ev${Date.now().toString(36)}`;
  const sent: SentRow[] = [];
  const idle = Array.from({ length: SHAPE.concurrency }, (_, client) => new EventSource(tenant, runTag, client, sent));
  const totals = { sent: 0, accepted: 0, duplicates: 0, rejected: 0 };
  // Batches finished inside the measured phase, whenever they started: throughput without edge loss.
  let measuring = false;
  let finishedInPhase = 0;
  const record = async () => {
    const source = idle.pop()!;
    try {
      const variables = source.nextBatch();
      totals.sent += BATCH;
      const { touchpointsRecord: r } = await api.call<Payload>(RECORD_MUTATION, variables);
      totals.accepted += r.accepted;
      totals.duplicates += r.duplicates;
      totals.rejected += r.rejected;
      if (r.accepted !== BATCH) throw new Error(`batch accepted ${r.accepted} of ${BATCH} (duplicates ${r.duplicates}, rejected ${r.rejected})`);
      if (measuring) finishedInPhase++;
    } finally {
      idle.push(source);
    }
  };

  // One batch per client opens the server's pool connections; one more, alone, is counted.
  await Promise.all(Array.from({ length: SHAPE.concurrency }, record));
  const statements = await countStatements(pg, tenant.url, record);
  const backends = await query<{ pid: number }>(tenant.url, 'select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()');

  ctx.log(`API load: ${SHAPE.concurrency} clients x ${BATCH}-event batches, ${SHAPE.warmupMs} ms warm-up + ${SHAPE.durationMs} ms`);
  const cpu = cpuDuring({ server: server.pid, bench: process.pid, ...Object.fromEntries(backends.map((b) => [`db${b.pid}`, b.pid])) });
  const hooks = {
    start: () => ((measuring = true), cpu.hooks.start()),
    end: () => ((measuring = false), cpu.hooks.end()),
  };
  const load = await loopLoad(SHAPE, record, hooks);
  const share = cpu.share();
  const [stored] = await query<{ n: string }>(tenant.url, 'select count(*)::text as n from touchpoint where tenant_id = $1', [tenant.tenantId]);
  if (load.errors || totals.accepted !== totals.sent || totals.rejected || totals.duplicates || Number(stored?.n) !== totals.sent) {
    throw new Error(`API ingest lost or rejected events: ${JSON.stringify({ ...totals, errors: load.errors, stored: stored?.n })}`);
  }

  ctx.log(`COPY of the same ${sent.length} rows (new event ids), one connection`);
  const copy = await withTimeout(copyRows(tenant.url, tenant.tenantId, sent, `copy-${runTag}`), 60_000, 'COPY');
  ctx.log(`INSERT ... SELECT FROM jsonb_to_recordset of the same rows, ${SHAPE.concurrency} connections`);
  const jsonb = await withTimeout(insertJsonb(tenant.url, tenant.tenantId, sent, `jsonb-${runTag}`, SHAPE.concurrency), 60_000, 'jsonb insert');
  ctx.log('COPY of the same rows once more, foreign key triggers off (what the constraints cost)');
  const copyNoFk = await withTimeout(copyRows(tenant.url, tenant.tenantId, sent, `copynofk-${runTag}`, true), 60_000, 'COPY without foreign keys').catch((error: Error) => {
    ctx.log(`COPY without foreign keys skipped: ${error.message}`);
    return null;
  });
  const expected = (copyNoFk ? 4 : 3) * sent.length;
  const [after] = await query<{ n: string }>(tenant.url, 'select count(*)::text as n from touchpoint where tenant_id = $1', [tenant.tenantId]);
  if (Number(after?.n) !== expected) throw new Error(`expected ${expected} touchpoints, found ${after?.n}`);
  const indexes = await touchpointIndexes(tenant.url);

  const apiEventsPerSecond = Math.round((finishedInPhase * BATCH) / (SHAPE.durationMs / 1_000));
  const batches = finishedInPhase;
  const sum = (...values: (number | null | undefined)[]) => (values.some((v) => v == null) ? null : values.reduce((a: number, v) => a + v!, 0));
  const apiCpuPer1000 = per1000(sum(share?.seconds.server, dbSeconds(share), share?.seconds.bench), batches * BATCH);
  const copyCpuPer1000 = per1000(sum(copy.cpu.seconds.db, copy.cpu.seconds.bench), copy.rows);
  return {
    name: 'touchpoint-ingest',
    metrics: {
      members: MEMBERS,
      batchSize: BATCH,
      concurrency: SHAPE.concurrency,
      durationSeconds: SHAPE.durationMs / 1_000,
      loadAverage1mAtStart: loadAverageAtStart[0] ?? null,
      apiEventsPerSecond,
      apiBatchesInPhase: finishedInPhase,
      apiBatchP50Ms: load.p50Ms,
      apiBatchP99Ms: load.p99Ms,
      apiErrors: load.errors,
      apiEventsSent: totals.sent,
      apiAccepted: totals.accepted,
      apiDuplicates: totals.duplicates,
      apiRejected: totals.rejected,
      apiServerCpuMsPer1000Events: per1000(share?.seconds.server, batches * BATCH),
      apiDbCpuMsPer1000Events: per1000(dbSeconds(share), batches * BATCH),
      apiServerCpuPct: share?.processes.server ?? null,
      apiLoadGenCpuPct: share?.processes.bench ?? null,
      apiMachineCpuPct: share?.machine ?? null,
      statementsPerBatch: statements?.statements ?? null,
      dbExecMsPerBatch: round(statements?.execMs),
      copyRows: copy.rows,
      copyRowsPerSecond: Math.round(copy.rowsPerSecond),
      copyDbCpuMsPer1000Rows: per1000(copy.cpu.seconds.db, copy.rows),
      copyClientCpuMsPer1000Rows: per1000(copy.cpu.seconds.bench, copy.rows),
      copyWithoutForeignKeysRowsPerSecond: copyNoFk && Math.round(copyNoFk.rowsPerSecond),
      copyWithoutForeignKeysDbCpuMsPer1000Rows: copyNoFk && per1000(copyNoFk.cpu.seconds.db, copyNoFk.rows),
      jsonbRowsPerSecond: Math.round(jsonb.rowsPerSecond),
      jsonbDbCpuMsPer1000Rows: per1000(dbSeconds(jsonb.cpu), jsonb.rows),
      apiCpuMsPer1000Events: apiCpuPer1000,
      copyCpuMsPer1000Rows: copyCpuPer1000,
      cpuRatio: apiCpuPer1000 && copyCpuPer1000 ? round(copyCpuPer1000 / apiCpuPer1000, 3) : null,
      apiVsJsonbRatio: round(apiEventsPerSecond / jsonb.rowsPerSecond, 3),
      touchpointIndexes: indexes.filter((i) => i.definition.startsWith('CREATE')).length,
      touchpointForeignKeys: indexes.filter((i) => i.definition.startsWith('FOREIGN KEY')).length,
      loadAverage1mAtEnd: round(os.loadavg()[0]),
    },
    ratio: round(apiEventsPerSecond / copy.rowsPerSecond, 3),
    notes: [
      'ratio = apiEventsPerSecond / copyRowsPerSecond: the same rows (member ids, types, stores, times, properties), new event ids, same table and database',
      `COPY: one connection from the bench process; jsonb: the server's INSERT ... SELECT FROM jsonb_to_recordset ... ON CONFLICT DO NOTHING, ${SHAPE.concurrency} connections, ${BATCH} rows a statement`,
      'cpuRatio = COPY CPU per 1,000 rows / API CPU per 1,000 events (server + database backends + client, all processes on the path): the throughput ratio a CPU-bound machine approaches, steadier than ratio when other work shares the machine',
      'order: API, COPY, jsonb, COPY without foreign key triggers; each later writer meets a larger table (1x, 2x, 3x the API rows)',
      'members named half by APP_USER identity, half by global id; every event checked ACCEPTED (accepted == sent, 0 duplicates, 0 rejected) and counted in the table',
      `paid by every path: indexes ${indexes.filter((i) => i.definition.startsWith('CREATE')).map((i) => i.name).join(', ')}; foreign keys (a trigger lookup per row) ${indexes.filter((i) => i.definition.startsWith('FOREIGN KEY')).map((i) => i.name).join(', ')}`,
      'apiEventsPerSecond and CPU per 1,000 events count the batches finished in the measured phase; p50/p99 those that also started in it',
      'db CPU = the backends open when the phase started (the server pool / the writer connections); CPU % is of one core',
    ],
    details: { indexes, copyWithoutForeignKeysCpu: copyNoFk?.cpu, statementsPerBatch: statements?.byStatement, apiCpu: share, copyCpu: copy.cpu, jsonbCpu: jsonb.cpu, totals },
  };
}

export const touchpointIngest: Benchmark = {
  name: 'touchpoint-ingest',
  description: `touchpointsRecord with ${BATCH}-event batches from 4 clients vs COPY of the same rows into the same table`,
  timeoutMs: 180_000,
  run,
};
