import { Client } from 'pg';
import v8 from 'node:v8';
import vm from 'node:vm';
import { startApp } from '../../src/app/app.js';
import { loadConfig } from '../../src/app/config.js';
import { Role } from '../../src/core/auth/role.js';
import { toGlobalId } from '../../src/core/relay/global-id.js';
import { issueAccessKey } from '../../src/modules/access-key/access-key.service.js';
import { churnFeedOf, kickChurnOutbox } from '../../src/modules/churn/churn-feed.js';
import { crossingCursor } from '../../src/modules/churn/churn.type.js';
import { sleep, withTimeout } from '../lib/scope.js';
import type { BenchContext } from '../lib/types.js';
import { clientsInThread, clientsInWorker, clock, type ClientSide } from './churn.clients.js';

const INSERT = `
insert into churn_crossing (id, tenant_id, created_at, member_id, threshold, direction, previous_score, score, occurred_at)
select gen_random_uuid(), $1, now(), m, 0.7, 'UP', 0.65, 0.75, now() from unnest($2::uuid[]) m returning id`;

/** global.gc, or the same function obtained at run time when node was started without --expose-gc. */
function gcFunction(): (() => void) | null {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (typeof existing === 'function') return existing;
  try {
    v8.setFlagsFromString('--expose-gc');
    return vm.runInNewContext('gc') as () => void;
  } catch {
    return null;
  }
}

async function memory(gc: (() => void) | null): Promise<NodeJS.MemoryUsage> {
  for (let i = 0; gc && i < 3; i++) {
    gc();
    await sleep(50);
  }
  return process.memoryUsage();
}

const percentile = (sorted: Float64Array, p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;

export interface FanoutOptions {
  url: string;
  tenantId: string;
  /** One crossing per member, in this order. */
  memberIds: string[];
  subscribers: number;
  batches: number;
  /** Pause between batches (0: back to back). */
  intervalMs: number;
  timeoutMs: number;
  /** Where the clients run: a worker thread of this process (own event loop) or the server's own thread. */
  clients: 'worker' | 'thread';
}

/**
 * The real app in this process, `subscribers` graphql-ws clients (in a worker thread or on the server's thread) on the same subscription, then one crossing per
 * member written in committed batches, each followed by kickChurnOutbox() as production writers do. Latency is
 * receipt time minus the batch's commit time (clock_timestamp() just before COMMIT, mapped to this process's
 * clock by a measured offset, so a busy event loop does not hide it).
 */
export async function runFanout(ctx: BenchContext, options: FanoutOptions) {
  const { memberIds, subscribers } = options;
  const crossings = memberIds.length;
  const config = loadConfig({ DATABASE_URL: options.url, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'warn', ECRM_JOBS_SCHEDULE: 'false' });
  const app = await startApp(config, { bootstrap: false });
  ctx.scope.defer('close app', () => app.close());
  const feed = churnFeedOf(app.services);
  if (!feed) throw new Error('the churn feed is not running');
  const key = (await issueAccessKey(app.services.orm.em.fork(), options.tenantId, Role.ADMIN, 'bench churn')).key;
  const wsUrl = app.url.replace(/^http/, 'ws');

  const problems: string[] = [];
  const problem = (message: string) => {
    if (problems.length < 20) problems.push(message);
  };
  const spec = { wsUrl, key, subscribers, memberGlobalIds: memberIds.map((id) => toGlobalId('Member', id)) };
  const side: ClientSide = options.clients === 'worker' ? await clientsInWorker(spec) : clientsInThread(spec);
  ctx.scope.defer('close graphql-ws clients', () => side.dispose());

  const gc = gcFunction();
  const before = await memory(gc);
  const connectStarted = clock();
  await side.start();
  await withTimeout(
    (async () => {
      while (feed.subscriberCount < subscribers) {
        const { problems: trouble } = await side.progress();
        if (trouble.length) throw new Error(`subscribing failed: ${trouble.join('; ')}`);
        await sleep(20);
      }
    })(),
    120_000,
    `${subscribers} subscriptions`,
  );
  const connectMs = clock() - connectStarted;
  const after = await memory(gc);

  const writer = new Client({ connectionString: options.url });
  await writer.connect();
  writer.on('error', (error) => problem(`writer connection lost: ${error.message}`));
  ctx.scope.defer('close writer', () => writer.end());
  // The database clock in this process's terms: offset = db - local, from the quickest of a few round trips.
  let offset = 0;
  let bestRtt = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 7; i++) {
    const t0 = clock();
    const { rows } = await writer.query<{ ms: string }>('select (extract(epoch from clock_timestamp()) * 1000)::text as ms');
    const t1 = clock();
    if (t1 - t0 < bestRtt) [bestRtt, offset] = [t1 - t0, Number(rows[0]!.ms) - (t0 + t1) / 2];
  }

  const batchSize = Math.ceil(crossings / options.batches);
  const commitAt: number[] = [];
  const ids: string[] = [];
  const cpuBefore = process.cpuUsage();
  const loopBefore = performance.eventLoopUtilization();
  for (let b = 0; b < options.batches; b++) {
    await writer.query('begin');
    const inserted = await writer.query<{ id: string }>(INSERT, [options.tenantId, memberIds.slice(b * batchSize, (b + 1) * batchSize)]);
    ids.push(...inserted.rows.map((row) => row.id));
    const { rows } = await writer.query<{ ms: string }>('select (extract(epoch from clock_timestamp()) * 1000)::text as ms');
    await writer.query('commit');
    commitAt.push(Number(rows[0]!.ms) - offset);
    kickChurnOutbox();
    if (options.intervalMs) await sleep(options.intervalMs);
  }
  const expected = subscribers * crossings;
  let delivered = 0;
  await withTimeout(
    (async () => {
      for (;;) {
        const progress = await side.progress();
        delivered = progress.delivered;
        if (delivered >= expected || progress.problems.length) return;
        await sleep(10);
      }
    })(),
    options.timeoutMs,
    `${expected} deliveries`,
  ).catch((error: Error) => problem(`${error.message} (${delivered} arrived)`));
  const cpu = process.cpuUsage(cpuBefore);
  const loop = performance.eventLoopUtilization(loopBefore);
  await sleep(1_000); // anything sent twice arrives meanwhile
  const { counts, receipts, cursors, problems: clientProblems } = await side.report();
  clientProblems.forEach(problem);

  let last = 0;
  const latencies = new Float64Array(expected);
  const byBatch = commitAt.map(() => [] as number[]);
  for (let c = 0, k = 0; c < subscribers; c++) {
    for (let i = 0; i < crossings; i++, k++) {
      if (counts[k] !== 1) problem(`client ${c} got crossing ${i} ${counts[k]} times`);
      const batch = Math.floor(i / batchSize);
      latencies[k] = receipts[k]! - commitAt[batch]!;
      byBatch[batch]!.push(latencies[k]!);
      if (receipts[k]! > last) last = receipts[k]!;
    }
  }
  const { rows: seqs } = await writer.query<{ member_id: string; seq: string | null }>('select member_id, seq::text as seq from churn_crossing where id = any($1::uuid[])', [ids]);
  const seqOf = new Map(seqs.map((row) => [row.member_id, row.seq]));
  memberIds.forEach((id, i) => {
    const seq = seqOf.get(id);
    if (!seq || cursors[i] !== crossingCursor(seq)) problem(`crossing ${i}: delivered cursor ${cursors[i]}, stored seq ${seq}`);
  });
  if (problems.length) throw new Error(`fan-out: ${problems.length} problem(s): ${problems.join('; ')}`);
  latencies.sort();
  const drainMs = last - commitAt[0]!;

  await side.dispose();
  await app.close();
  return {
    clients: options.clients,
    subscribers,
    crossings,
    deliveries: expected,
    connectMs,
    heapPerSubscriberKb: (after.heapUsed - before.heapUsed) / subscribers / 1024,
    rssPerSubscriberKb: (after.rss - before.rss) / subscribers / 1024,
    heapBeforeMb: before.heapUsed / 1048576,
    heapAfterMb: after.heapUsed / 1048576,
    rssAfterMb: after.rss / 1048576,
    gcForced: gc !== null,
    minMs: latencies[0]!,
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    maxMs: latencies[latencies.length - 1]!,
    batches: byBatch.map((values, b) => {
      const sorted = Float64Array.from(values).sort();
      return { commitOffsetMs: commitAt[b]! - commitAt[0]!, minMs: sorted[0]!, p50Ms: percentile(sorted, 0.5), p99Ms: percentile(sorted, 0.99), maxMs: sorted[sorted.length - 1]! };
    }),
    drainMs,
    deliveriesPerSecond: expected / (drainMs / 1000),
    /** CPU of every thread (server, clients, GC) per delivery. */
    cpuUsPerDelivery: (cpu.user + cpu.system) / expected,
    /** Time the server thread's event loop was busy, per delivery (writer and clients included when they share it). */
    serverLoopBusyUsPerDelivery: (loop.active * 1000) / expected,
    serverLoopUtilization: loop.utilization,
    clockOffsetMs: offset,
    clockRttMs: bestRtt,
    commitSpreadMs: commitAt[commitAt.length - 1]! - commitAt[0]!,
  };
}
