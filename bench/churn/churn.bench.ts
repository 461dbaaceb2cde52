import type { EntityManager } from '@mikro-orm/postgresql';
import { Client, Pool } from 'pg';
import { buyerGroups, refitModel } from '../../src/modules/churn/churn-model.js';
import { sequenceCrossings } from '../../src/modules/churn/churn-outbox.js';
import { rescoreTenant } from '../../src/modules/churn/churn-rescore.js';
import { churnSettings } from '../../src/modules/churn/churn-settings.js';
import { ChurnModelKind } from '../../src/modules/churn/churn.enums.js';
import { createTenant } from '../../src/modules/tenant/tenant.service.js';
import { migratedDatabase, round, timed } from '../lib/measure.js';
import type { Benchmark, BenchContext, BenchResult, Metric } from '../lib/types.js';
import { captureStatement, explain } from './churn.explain.js';
import { runFanout } from './churn.fanout.js';
import { firstMemberIds, seedChurnData } from './churn.seed.js';
import { COMPARE_SQL, PEER_SQL, PEER_TABLE, type Comparison } from './churn.sql.js';

const MEMBERS = Number(process.env.BENCH_CHURN_MEMBERS ?? 1_000_000);
const SUBSCRIBERS = Number(process.env.BENCH_CHURN_SUBSCRIBERS ?? 1_000);
const CROSSINGS = Number(process.env.BENCH_CHURN_CROSSINGS ?? 1_000);
const BATCHES = Number(process.env.BENCH_CHURN_BATCHES ?? 10);
const BATCH_INTERVAL_MS = Number(process.env.BENCH_CHURN_BATCH_INTERVAL_MS ?? 0);
const CLIENTS = process.env.BENCH_CHURN_CLIENTS === 'thread' ? 'thread' : 'worker';
const EXPLAIN = Boolean(process.env.BENCH_CHURN_EXPLAIN);
const BGNBD = process.env.BENCH_CHURN_BGNBD !== '0';
/** BENCH_CHURN_FIT=0: no refit (about 20 min at 1M buyers); a BG/NBD model with these parameters (a 20,000-buyer fit of this data) is stored instead. */
const FIT = process.env.BENCH_CHURN_FIT !== '0';
const FIXED_MODEL = { r: 0.19, alpha: 0.591, a: 2.3977e6, b: 3.0594e7 };
const SHIFT_DAYS = 20;
const DAY = 86_400_000;


/** A migrated database with one tenant (created by the product) and the seeded members, stats and touchpoints. */
async function prepare(ctx: BenchContext, now: Date) {
  const { url, db } = await migratedDatabase(ctx, 'bench_churn');
  const tenantId = (await createTenant(db.orm.em.fork(), 'Bench churn tenant')).tenant.id;
  const seed = await seedChurnData(ctx, url, tenantId, now, MEMBERS);
  return { url, db, tenantId, seed };
}

async function run(ctx: BenchContext): Promise<BenchResult> {
  const now = new Date(Math.floor(Date.now() / 1000) * 1000);
  const later = new Date(now.getTime() + SHIFT_DAYS * DAY);
  const { url, db, tenantId, seed } = await prepare(ctx, now);
  const em = () => db.orm.em.fork() as EntityManager;
  const client = new Client({ connectionString: url });
  await client.connect();
  client.on('error', (error) => ctx.log(`bench connection lost: ${error.message}`));
  ctx.scope.defer('close client', () => client.end());
  await client.query(PEER_TABLE);
  const pool = new Pool({ connectionString: url, max: 1 });
  pool.on('error', (error) => ctx.log(`bench pool connection lost: ${error.message}`));
  ctx.scope.defer('close pool', () => pool.end());
  const settings = await churnSettings(em(), tenantId);
  const peer = (at: Date) => client.query(PEER_SQL, [tenantId, at, settings.median, settings.atRisk]);
  const compare = async (label: string) => {
    const { rows } = await client.query<Comparison>(COMPARE_SQL, [tenantId]);
    const c = rows[0]!;
    ctx.log(`${label}: ${c.rows} rows, max |score difference| ${c.max_diff.toExponential(2)}, ${c.at_risk} at or above 0.5`);
    if (c.rows !== MEMBERS || c.missing_ours || c.missing_peer || !(c.max_diff < 1e-9) || c.band_differs || c.other_differs) {
      throw new Error(`${label}: product and hand-written scores differ: ${JSON.stringify(c)}`);
    }
    return c;
  };

  // 1. RHYTHM rescoring: first pass (every row inserted), then 20 days later (every row updated, crossings recorded).
  const first = await timed(() => rescoreTenant(em(), tenantId, now));
  const firstPeer = await timed(() => peer(now));
  const firstCheck = await compare('first pass');
  ctx.log(`first pass: ours ${first.ms.toFixed(0)} ms (${first.value.chunks} chunks), peer ${firstPeer.ms.toFixed(0)} ms`);
  await client.query('vacuum analyze member_churn, bench_churn_peer');
  const againPeer = await timed(() => peer(later));
  // The ORM's statements are watched (a string test per statement) so that BENCH_CHURN_EXPLAIN can rerun one chunk.
  const watched = await timed(() => captureStatement(em(), 'insert into member_churn', () => rescoreTenant(em(), tenantId, later)));
  const again = { ms: watched.ms, value: watched.value.value };
  const againCheck = await compare(`${SHIFT_DAYS} days later`);
  const plans: Record<string, string> = {};
  const statement = watched.value.statement;
  if (EXPLAIN && statement) {
    plans.ours = await explain(client, statement.sql, statement.bindings ?? []);
    plans.peer = await explain(client, PEER_SQL, [tenantId, later, settings.median, settings.atRisk]);
    ctx.log(`plan of ours (first chunk, rerun):\n${plans.ours}\n\nplan of the peer (rerun):\n${plans.peer}`);
  }
  ctx.log(`${SHIFT_DAYS} days later: ours ${again.ms.toFixed(0)} ms (${again.value.crossings} crossings), peer ${againPeer.ms.toFixed(0)} ms`);
  const numbering = await timed(() => sequenceCrossings(pool));

  // 2. Fan-out of crossings to graphql-ws subscribers of the app running in this process.
  const fan = await runFanout(ctx, {
    url,
    tenantId,
    memberIds: await firstMemberIds(url, tenantId, Math.min(CROSSINGS, MEMBERS)),
    subscribers: SUBSCRIBERS,
    batches: BATCHES,
    intervalMs: BATCH_INTERVAL_MS,
    clients: CLIENTS,
    timeoutMs: Number(process.env.BENCH_CHURN_FANOUT_TIMEOUT_MS ?? 10 * 60_000),
  });
  ctx.log(`fan-out: ${fan.deliveries} deliveries, p50 ${fan.p50Ms.toFixed(1)} ms, p99 ${fan.p99Ms.toFixed(1)} ms, ${fan.deliveriesPerSecond.toFixed(0)}/s`);

  // 3. BG/NBD: the product's refit as the CHURN_SCORE job runs it (its SQL grouping also timed alone), then a rescoring with it.
  let bgNbd: Record<string, Metric> = { bgNbd: 'skipped' };
  let fitted: unknown = null;
  if (BGNBD) {
    const groups = await timed(() => buyerGroups(em(), tenantId, later, true));
    const fit = await timed(async () => {
      if (FIT) {
        return em().transactional(async (tx) => {
          await tx.execute(`set local statement_timeout = '10min'`);
          return refitModel(tx, tenantId, later, settings.minBuyers);
        });
      }
      await client.query(
        `insert into churn_model (id, tenant_id, created_at, kind, r, alpha, a, b, log_likelihood, buyers, as_of, fitted_at)
         values (gen_random_uuid(), $1, $2, 'BG_NBD', $3, $4, $5, $6, null, $7, $2, $2)`,
        [tenantId, later, FIXED_MODEL.r, FIXED_MODEL.alpha, FIXED_MODEL.a, FIXED_MODEL.b, groups.value.buyers],
      );
      return { kind: ChurnModelKind.BG_NBD, ...FIXED_MODEL, logLikelihood: null, buyers: groups.value.buyers, converged: false };
    });
    const model = fit.value;
    fitted = model;
    ctx.log(
      FIT
        ? `BG/NBD fit ${fit.ms.toFixed(0)} ms (${groups.value.groups.length} groups of ${model.buyers} buyers, grouping ${groups.ms.toFixed(0)} ms; converged: ${model.converged})`
        : `BG/NBD: no fit (BENCH_CHURN_FIT=0), fixed parameters stored; ${groups.value.groups.length} groups of ${model.buyers} buyers, grouping ${groups.ms.toFixed(0)} ms`,
    );
    const bg = await timed(() => rescoreTenant(em(), tenantId, later));
    const bgNumbering = await timed(() => sequenceCrossings(pool));
    ctx.log(`BG/NBD rescoring (${bg.value.modelKind}): ${bg.ms.toFixed(0)} ms, ${bg.value.crossings} crossings`);
    const param = (value: number | null) => (value === null ? null : Number(value.toPrecision(5)));
    bgNbd = {
      bgNbdFitMs: FIT ? round(fit.ms) : null,
      bgNbdGroupingMs: round(groups.ms),
      bgNbdKind: model.kind,
      bgNbdBuyers: model.buyers,
      bgNbdGroups: groups.value.groups.length,
      bgNbdConverged: FIT ? model.converged : null,
      bgNbdR: param(model.r),
      bgNbdAlpha: param(model.alpha),
      bgNbdA: param(model.a),
      bgNbdB: param(model.b),
      bgNbdLogLikelihood: model.logLikelihood === null ? null : round(model.logLikelihood, 1),
      rescoreBgNbdMs: round(bg.ms),
      rescoreBgNbdRowsPerSecond: Math.round(bg.value.scored / (bg.ms / 1000)),
      rescoreBgNbdCrossings: bg.value.crossings,
      bgNbdCrossingNumberingMs: round(bgNumbering.ms),
    };
  }

  const rowsPerSecond = (rows: number, ms: number) => Math.round(rows / (ms / 1000));
  const ratio = round(again.ms / againPeer.ms);
  const { batches, ...fanMetrics } = fan;
  return {
    name: 'churn',
    ratio,
    metrics: {
      members: MEMBERS,
      touchpoints: seed.touchpoints,
      oneTimeBuyers: seed.oneTimeBuyers,
      seedSeconds: round(seed.seedSeconds, 0),
      rescoreFirstMs: round(first.ms),
      rescoreFirstPeerMs: round(firstPeer.ms),
      rescoreFirstRatio: round(first.ms / firstPeer.ms),
      rescoreFirstRowsPerSecond: rowsPerSecond(first.value.scored, first.ms),
      rescoreFirstPeerRowsPerSecond: rowsPerSecond(MEMBERS, firstPeer.ms),
      rescoreAgainMs: round(again.ms),
      rescoreAgainPeerMs: round(againPeer.ms),
      rescoreAgainRatio: ratio,
      rescoreAgainRowsPerSecond: rowsPerSecond(again.value.scored, again.ms),
      rescoreAgainPeerRowsPerSecond: rowsPerSecond(MEMBERS, againPeer.ms),
      rescoreChunks: again.value.chunks,
      rescoreAgainCrossings: again.value.crossings,
      membersAtRiskFirst: firstCheck.at_risk,
      membersAtRiskAgain: againCheck.at_risk,
      maxScoreDifference: Math.max(firstCheck.max_diff, againCheck.max_diff),
      crossingNumberingMs: round(numbering.ms),
      ...Object.fromEntries(Object.entries(fanMetrics).map(([name, value]) => [`fanout${name[0]!.toUpperCase()}${name.slice(1)}`, typeof value === 'number' ? round(value) : value])),
      ...bgNbd,
    },
    notes: [
      `ours = rescoreTenant (${first.value.chunks} chunks of up to 50,000 members, each one transaction: scores, hysteresis levels, crossings); peer = one hand-written statement computing the same RHYTHM scores, band, drivers and dates into a logged copy of member_churn (same keys and index), no levels or crossings`,
      `first = every row inserted (scores as of now); again = every row updated ${SHIFT_DAYS} days later (crossings recorded); ratio = ours / peer for "again"; scores compared in SQL after each pair (max difference < 1e-9, same bands, drivers and dates)`,
      'crossing numbering (sequenceCrossings, the outbox sequencer) is timed apart and is not part of ours',
      `fan-out: the real app (startApp) and all ${SUBSCRIBERS} graphql-ws clients run in this one process, the clients ${CLIENTS === 'worker' ? 'in a worker thread (their own event loop; heapUsed is the server thread only, rss the whole process)' : 'on the server thread (one event loop; heapUsed covers both sides)'} (${BATCHES} committed batches of ${Math.ceil(Math.min(CROSSINGS, MEMBERS) / BATCHES)} crossings, ${BATCH_INTERVAL_MS ? `${BATCH_INTERVAL_MS} ms apart` : 'back to back'}, kickChurnOutbox() after each); latency = receipt − the batch's commit (database clock, offset measured)${fan.gcForced ? '; memory after forced GC of the server thread' : '; memory without forced GC'}`,
      !BGNBD
        ? 'BG/NBD: skipped (BENCH_CHURN_BGNBD=0)'
        : FIT
        ? 'BG/NBD (after the fan-out): refitModel as the CHURN_SCORE job runs it (buyer groups in SQL, timed alone too, then Nelder-Mead in Node, at most 5,000 iterations); rescoring with the fitted model has no peer'
        : 'BG/NBD (after the fan-out): no refit (BENCH_CHURN_FIT=0); a model with fixed parameters was stored; rescoring with it has no peer',
    ],
    details: { fanoutBatches: batches, settings, plans, fit: fitted },
  };
}

export const churn: Benchmark = {
  name: 'churn',
  description: 'Churn rescoring of 1M buyers vs one hand-written statement, crossings fanned out to 1,000 graphql-ws subscribers, and the BG/NBD fit',
  timeoutMs: 90 * 60_000,
  run,
};
