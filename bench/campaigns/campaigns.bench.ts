import type { EntityManager } from '@mikro-orm/postgresql';
import { Client } from 'pg';
import { campaignReports, type CampaignArmReport, type CampaignReport } from '../../src/modules/campaign/campaign-report.js';
import { createTenant } from '../../src/modules/tenant/tenant.service.js';
import { migratedDatabase, round, timed } from '../lib/measure.js';
import type { Benchmark, BenchContext, BenchResult, Metric } from '../lib/types.js';
import { BODY_A, BODY_B, configureSending, CONTROL_PERCENT, createCampaign, launchAndWait, PassesFailing, startCampaignServer, type ProductRun } from './campaigns.api.js';
import { explain } from '../churn/churn.explain.js';
import { explainPlans, explainPlanShape, explainReport } from './campaigns.explain.js';
import { seedMembers, seedOutcomes } from './campaigns.seed.js';
import {
  COMPARE_SQL,
  MAX_UUID,
  MIN_UUID,
  PEER_NEXT_BATCH_SQL,
  PEER_OUTBOX_SQL,
  PEER_PLAN_SQL,
  PEER_REPORT_SQL,
  PEER_SENT_SQL,
  PEER_TOUCHPOINT_SQL,
  SAMPLE_SQL,
  type Comparison,
  type PeerArm,
} from './campaigns.sql.js';

const MEMBERS = Number(process.env.BENCH_CAMPAIGN_MEMBERS ?? 1_000_000);
const BATCH = Number(process.env.BENCH_CAMPAIGN_BATCH ?? 5_000);
/** A second product run with another batch size, after everything else (0: none). */
const BATCH_2 = Number(process.env.BENCH_CAMPAIGN_BATCH_2 ?? 0);
const REPORT_ROUNDS = Number(process.env.BENCH_CAMPAIGN_REPORT_ROUNDS ?? 2);
const SEND_TIMEOUT_MS = Number(process.env.BENCH_CAMPAIGN_SEND_TIMEOUT_MS ?? 20 * 60_000);
const EXPLAIN = Boolean(process.env.BENCH_CAMPAIGN_EXPLAIN);
/** BENCH_CAMPAIGN_PEER_BATCHED=0 skips the batched peer (a few minutes at 1M). */
const PEER_BATCHED = process.env.BENCH_CAMPAIGN_PEER_BATCHED !== '0';
/** Failed runner passes after which the default-timeout run is given up, and the timeout of the run that replaces it. */
const MAX_FAILED_PASSES = Number(process.env.BENCH_CAMPAIGN_MAX_FAILED_PASSES ?? 3);
const RAISED_TIMEOUT_MS = Number(process.env.BENCH_CAMPAIGN_RAISED_TIMEOUT_MS ?? 30 * 60_000);

const perSecond = (count: number, ms: number) => Math.round(count / (ms / 1000));

/** A migrated database, one tenant made by the product (with its owner key), and the seeded members. */
async function prepare(ctx: BenchContext, now: Date) {
  const pg = await ctx.postgres();
  const { url, db } = await migratedDatabase(ctx, 'bench_campaigns');
  const created = await createTenant(db.orm.em.fork(), 'Bench campaigns tenant');
  const tenantId = created.tenant.id;
  const seed = await seedMembers(ctx, url, tenantId, now, MEMBERS);
  return { pg, url, db, tenantId, key: created.owner.key, seed };
}

interface PeerRun {
  planMs: number;
  sendMs: number;
  sent: number;
  batches: number;
}

/** The peer's plan (one statement), then its send: one transaction of three statements, or batches of `batch` deliveries. */
async function runPeer(client: Client, tenantId: string, peerId: string, hashId: string, batch: number | null): Promise<PeerRun> {
  const now = new Date();
  const plan = await timed(() => client.query(PEER_PLAN_SQL, [tenantId, peerId, hashId, now, CONTROL_PERCENT * 100, 5_000]));
  const sendOne = async (from: string, upto: string, at: Date) => {
    await client.query('begin');
    const out = await client.query(PEER_OUTBOX_SQL, [tenantId, peerId, from, upto, at, BODY_A, BODY_B]);
    await client.query(PEER_TOUCHPOINT_SQL, [tenantId, peerId, from, upto, at, peerId]);
    await client.query(PEER_SENT_SQL, [tenantId, peerId, from, upto, at]);
    await client.query('commit');
    return out.rowCount ?? 0;
  };
  let sent = 0;
  let batches = 0;
  const send = await timed(async () => {
    if (batch === null) {
      sent = await sendOne(MIN_UUID, MAX_UUID, new Date());
      batches = 1;
      return;
    }
    for (let after = MIN_UUID; ; ) {
      const { rows } = await client.query<{ upto: string | null }>(PEER_NEXT_BATCH_SQL, [tenantId, peerId, batch, after]);
      const upto = rows[0]?.upto;
      if (!upto) return;
      sent += await sendOne(after, upto, new Date());
      batches++;
      after = upto;
    }
  });
  return { planMs: plan.ms, sendMs: send.ms, sent, batches };
}

async function compare(ctx: BenchContext, client: Client, tenantId: string, ours: string, peer: string, label: string): Promise<Comparison> {
  const c = (await client.query<Comparison>(COMPARE_SQL, [tenantId, ours, peer])).rows[0]!;
  ctx.log(`${label}: ${JSON.stringify(c)}`);
  if (c.ours_deliveries !== MEMBERS || c.peer_deliveries !== MEMBERS || c.deliveries_differ || c.ours_messages !== c.peer_messages || c.messages_differ) {
    throw new Error(`${label}: product and hand-written campaign differ: ${JSON.stringify(c)}`);
  }
  return c;
}

/** The figures both report paths give, per arm: VARIANT:<key> and CONTROL with outcomes, NONE:<reason> with units only. */
type ArmFigures = Record<string, { units: number; reached?: number; converters?: number; revenue?: string; opened?: number; repurchase?: string }>;

/** A rate as both sides print it (the product's is a float, the peer's a ratio of counts). */
const rate = (value: number | null) => (value === null ? 'none' : value.toFixed(9));

function productFigures(report: CampaignReport): ArmFigures {
  const figures: ArmFigures = {};
  const outcome = (arm: CampaignArmReport) => ({
    units: arm.units,
    reached: arm.reached,
    converters: arm.conversions,
    revenue: String(arm.revenue),
    opened: arm.openRate === null ? 0 : Math.round(arm.openRate * arm.reached),
    repurchase: rate(arm.repurchaseRate),
  });
  for (const arm of report.variants) if (arm.units > 0) figures[`VARIANT:${arm.arm}`] = outcome(arm);
  if (report.control) figures.CONTROL = outcome(report.control);
  for (const row of report.suppressed) figures[`NONE:${row.reason}`] = { units: row.count };
  return figures;
}

function peerFigures(rows: PeerArm[]): ArmFigures {
  const figures: ArmFigures = {};
  for (const row of rows) {
    if (row.arm === 'NONE') figures[`NONE:${row.arm_key}`] = { units: row.units };
    else figures[row.arm === 'CONTROL' ? 'CONTROL' : `VARIANT:${row.arm_key}`] = {
        units: row.units,
        reached: row.reached,
        converters: row.converters,
        revenue: row.revenue,
        opened: row.opened,
        repurchase: rate(row.prior_buyers ? row.prior_converted / row.prior_buyers : null),
      };
  }
  return figures;
}

const sorted = (figures: ArmFigures) => JSON.stringify(Object.fromEntries(Object.entries(figures).sort(([a], [b]) => a.localeCompare(b))));

function productMetrics(prefix: string, run: ProductRun): Record<string, Metric> {
  return {
    [`${prefix}WallMs`]: round(run.wallMs),
    [`${prefix}PlanMs`]: round(run.planMs),
    [`${prefix}SendMs`]: round(run.sendMs),
    [`${prefix}Sent`]: run.sent,
    [`${prefix}MessagesPerSecond`]: perSecond(run.sent, run.wallMs),
    [`${prefix}SendMessagesPerSecond`]: perSecond(run.sent, run.sendMs),
    [`${prefix}Batches`]: run.batches,
    [`${prefix}FirstBatchesMs`]: run.firstBatchesMs === null ? null : round(run.firstBatchesMs),
    [`${prefix}LastBatchesMs`]: run.lastBatchesMs === null ? null : round(run.lastBatchesMs),
    [`${prefix}ServerCpuSeconds`]: run.serverCpuSeconds,
    [`${prefix}MachineCpuPercent`]: run.machineCpuPercent,
    [`${prefix}ServerPeakRssMb`]: run.serverPeakRssMb === null ? null : round(run.serverPeakRssMb, 0),
    [`${prefix}ServerRssHighWaterMb`]: run.serverRssHighWaterMb === null ? null : round(run.serverRssHighWaterMb, 0),
    [`${prefix}Statements`]: run.statements?.statements ?? null,
    [`${prefix}DbExecMs`]: run.statements ? round(run.statements.execMs) : null,
    [`${prefix}FailedPasses`]: run.passFailures,
  };
}

/** The busiest statements of a product run (pg_stat_statements), shortened for the log and the JSON. */
function topStatements(run: ProductRun, count = 6) {
  return (run.statements?.byStatement ?? []).slice(0, count).map((row) => ({
    query: row.query.replace(/\s+/g, ' ').slice(0, 160),
    calls: row.calls,
    rows: row.rows,
    execMs: row.execMs,
    meanMs: round(row.execMs / Math.max(row.calls, 1)),
  }));
}

async function run(ctx: BenchContext): Promise<BenchResult> {
  const now = new Date(Math.floor(Date.now() / 1000) * 1000);
  const { pg, url, db, tenantId, key, seed } = await prepare(ctx, now);
  const client = new Client({ connectionString: url });
  await client.connect();
  client.on('error', (error) => ctx.log(`bench connection lost: ${error.message}`));
  ctx.scope.defer('close client', () => client.end());
  await client.query('set statement_timeout = 0');

  const em = () => db.orm.em.fork() as EntityManager;

  // 1. The product: campaign created, wired and launched through the API; the server's runner plans and sends it.
  // With the server's default statement timeout first; if the runner keeps failing (the plan statement times
  // out on every pass), that campaign is cancelled and a new one runs on a server with a raised timeout.
  let session = await startCampaignServer(ctx, url, key, BATCH);
  await configureSending(session.api);
  const first = await createCampaign(session.api, 'Bench campaign');
  const peerSingle = await createCampaign(session.api, 'Peer (single statements)');
  const peerBatched = await createCampaign(session.api, 'Peer (batches)');
  const retry = await createCampaign(session.api, 'Bench campaign (raised statement timeout)');
  const forExplain = EXPLAIN ? await createCampaign(session.api, 'Explained, never launched') : null;
  const plans: Record<string, string> = {};
  const shape = async (label: string, campaignId: string) => {
    plans[label] = await explainPlanShape(em(), client, campaignId);
    // The frequency-cap subquery probing the (tenant, campaign, member, occurrence) key skips its second column:
    // it reads every delivery of the tenant for each member, including the rows this statement is inserting.
    const wrongIndex = /unique on campaign_delivery x\b/.test(plans[label]!);
    ctx.log(`plan shape of the planning statement (${label}): cap subquery ${wrongIndex ? 'on the UNIQUE key (tenant, campaign, member, occurrence): quadratic' : 'on (tenant, member, channel, sent_at)'}`);
    return wrongIndex;
  };
  const capOnWrongIndex = await shape('planBeforeLaunch', first.dbId);
  let ours = first;
  let defaultTimeoutFailure: PassesFailing | null = null;
  let product: ProductRun;
  try {
    product = await launchAndWait(ctx, pg, url, session, first, BATCH, SEND_TIMEOUT_MS, MAX_FAILED_PASSES);
  } catch (error) {
    if (!(error instanceof PassesFailing)) throw error;
    defaultTimeoutFailure = error;
    ctx.log(`${error.message}: cancelling it; again on a server with ECRM_STATEMENT_TIMEOUT_MS=${RAISED_TIMEOUT_MS}`);
    // campaignCancel waits for the campaign's row lock, which the failing plan pass holds for 15 s out of every 15.2:
    // through the API it times out. The server is stopped first and the campaign cancelled in SQL.
    await session.server.stop();
    await client.query(`update campaign set status = 'CANCELLED', next_run_at = null, finished_at = now(), updated_at = now() where id = $1`, [first.dbId]);
    session = await startCampaignServer(ctx, url, key, BATCH, RAISED_TIMEOUT_MS);
    ours = retry;
    await shape('planBeforeRetry', retry.dbId);
    product = await launchAndWait(ctx, pg, url, session, retry, BATCH, SEND_TIMEOUT_MS);
  }
  await session.server.stop();
  ctx.log(
    `product (batch ${BATCH}): ${product.sent} sent in ${(product.wallMs / 1000).toFixed(1)} s (plan ${(product.planMs / 1000).toFixed(1)} s, send ${(product.sendMs / 1000).toFixed(1)} s, ${product.batches} batches, first ${product.firstBatchesMs?.toFixed(0)} ms/batch, last ${product.lastBatchesMs?.toFixed(0)} ms/batch)`,
  );
  for (const row of topStatements(product)) ctx.log(`  ${row.calls} x ${row.meanMs} ms = ${row.execMs} ms: ${row.query}`);
  if (product.passFailures) ctx.log(`the runner logged ${product.passFailures} failed passes (error codes ${product.failureCodes.join(', ')}; 57014 = statement timeout)`);
  if (product.queuedLeft) throw new Error(`${product.queuedLeft} deliveries still queued after COMPLETED`);
  if (forExplain) {
    Object.assign(plans, await explainPlans(em(), client, tenantId, forExplain.dbId));
    ctx.log(`plan of the product's planning statement (rolled back):\n${plans.productPlan}\n\nplan of the peer's (rolled back):\n${plans.peerPlan}`);
  }

  // 2. The peer, same data and tables, hashing with the product campaign's id: single statements, then batches.
  await client.query('vacuum analyze campaign_delivery, outbox_message, touchpoint');
  const single = await runPeer(client, tenantId, peerSingle.dbId, ours.dbId, null);
  ctx.log(`peer (single statements): plan ${single.planMs.toFixed(0)} ms, send ${single.sendMs.toFixed(0)} ms, ${single.sent} sent`);
  const singleCheck = await compare(ctx, client, tenantId, ours.dbId, peerSingle.dbId, 'product vs peer (single)');
  let batched: PeerRun | null = null;
  if (PEER_BATCHED) {
    batched = await runPeer(client, tenantId, peerBatched.dbId, ours.dbId, BATCH);
    ctx.log(`peer (batches of ${BATCH}): plan ${batched.planMs.toFixed(0)} ms, send ${batched.sendMs.toFixed(0)} ms, ${batched.sent} sent in ${batched.batches} batches`);
    const batchedCheck = await compare(ctx, client, tenantId, ours.dbId, peerBatched.dbId, 'product vs peer (batches)');
    if (batched.sent !== batchedCheck.peer_messages) throw new Error(`batched peer: ${batched.sent} sent, ${batchedCheck.peer_messages} in the outbox`);
  }
  const sample = (await client.query(SAMPLE_SQL, [tenantId, ours.dbId, peerSingle.dbId, 5])).rows;
  if (product.sent !== singleCheck.ours_messages || single.sent !== singleCheck.peer_messages) {
    throw new Error(`sent counts disagree with the outbox: product ${product.sent}/${singleCheck.ours_messages}, peer ${single.sent}/${singleCheck.peer_messages}`);
  }

  // 3. Reports: outcomes seeded on the product campaign's members, then campaignReports against a hand-written statement.
  const outcomes = await seedOutcomes(ctx, url, tenantId, ours.dbId, now, ours.attributionDays);
  const productReport = () =>
    em().transactional(async (tx) => {
      // At 1M deliveries the report statement can outlast the default 15 s statement timeout.
      await tx.execute('set local statement_timeout = 0');
      return (await campaignReports(tx, tenantId, [ours.dbId])).get(ours.dbId)!;
    });
  const peerReport = async () => (await client.query<PeerArm>(PEER_REPORT_SQL, [tenantId, ours.dbId, ours.attributionDays])).rows;
  const reportMs = { ours: [] as number[], peer: [] as number[] };
  let figures: { ours: ArmFigures; peer: ArmFigures } | undefined;
  for (let i = 0; i < REPORT_ROUNDS; i++) {
    const a = await timed(productReport);
    const b = await timed(peerReport);
    reportMs.ours.push(a.ms);
    reportMs.peer.push(b.ms);
    figures = { ours: productFigures(a.value), peer: peerFigures(b.value) };
    if (sorted(figures.ours) !== sorted(figures.peer)) throw new Error(`campaignReports and the hand-written report differ:\n${sorted(figures.ours)}\n${sorted(figures.peer)}`);
  }
  const reportOurs = Math.min(...reportMs.ours);
  const reportPeer = Math.min(...reportMs.peer);
  ctx.log(`report: campaignReports ${reportMs.ours.map((ms) => ms.toFixed(0)).join('/')} ms, hand-written ${reportMs.peer.map((ms) => ms.toFixed(0)).join('/')} ms; figures agree`);

  if (EXPLAIN) {
    plans.report = await explainReport(client, tenantId, ours.dbId);
    plans.peerReport = await explain(client, PEER_REPORT_SQL, [tenantId, ours.dbId, ours.attributionDays]);
    ctx.log(`plan of campaignReports' statement:\n${plans.report}\n\nplan of the hand-written report:\n${plans.peerReport}`);
  }

  // 4. Optionally, the product again with another batch size (a new campaign; the tables are larger by now).
  let second: ProductRun | null = null;
  if (BATCH_2 > 0) {
    const session2 = await startCampaignServer(ctx, url, key, BATCH_2, defaultTimeoutFailure ? RAISED_TIMEOUT_MS : undefined);
    const again = await createCampaign(session2.api, `Bench campaign (batch ${BATCH_2})`);
    second = await launchAndWait(ctx, pg, url, session2, again, BATCH_2, SEND_TIMEOUT_MS);
    await session2.server.stop();
    ctx.log(`product (batch ${BATCH_2}): ${second.sent} sent in ${(second.wallMs / 1000).toFixed(1)} s (plan ${(second.planMs / 1000).toFixed(1)} s, send ${(second.sendMs / 1000).toFixed(1)} s)`);
    for (const row of topStatements(second)) ctx.log(`  ${row.calls} x ${row.meanMs} ms = ${row.execMs} ms: ${row.query}`);
  }

  const peerTotal = (peer: PeerRun) => peer.planMs + peer.sendMs;
  const ratio = round(product.wallMs / peerTotal(single));
  return {
    name: 'campaigns',
    ratio,
    metrics: {
      members: MEMBERS,
      smsConsented: seed.consented,
      seedSeconds: round(seed.seedSeconds, 0),
      batchSize: BATCH,
      capSubqueryOnWrongIndexAtLaunch: capOnWrongIndex,
      defaultTimeoutFailedPasses: defaultTimeoutFailure ? defaultTimeoutFailure.codes.length : 0,
      defaultTimeoutGaveUpAfterMs: defaultTimeoutFailure ? round(defaultTimeoutFailure.afterMs) : null,
      statementTimeoutRaised: !!defaultTimeoutFailure,
      ...productMetrics('ours', product),
      peerSinglePlanMs: round(single.planMs),
      peerSingleSendMs: round(single.sendMs),
      peerSingleMessagesPerSecond: perSecond(single.sent, peerTotal(single)),
      peerSingleSendMessagesPerSecond: perSecond(single.sent, single.sendMs),
      ...(batched
        ? {
            peerBatchedPlanMs: round(batched.planMs),
            peerBatchedSendMs: round(batched.sendMs),
            peerBatchedMessagesPerSecond: perSecond(batched.sent, peerTotal(batched)),
            peerBatchedSendMessagesPerSecond: perSecond(batched.sent, batched.sendMs),
            peerBatches: batched.batches,
          }
        : { peerBatched: 'skipped' }),
      ratioVsSingle: ratio,
      ratioVsBatched: batched ? round(product.wallMs / peerTotal(batched)) : null,
      planRatioVsSingle: round(product.planMs / single.planMs),
      sendRatioVsSingle: round(product.sendMs / single.sendMs),
      sendRatioVsBatched: batched ? round(product.sendMs / batched.sendMs) : null,
      outboxMessages: singleCheck.ours_messages,
      controlGroup: product.suppressed.CONTROL_GROUP ?? 0,
      windowOrders: outcomes.windowOrders,
      priorOrders: outcomes.priorOrders,
      openClickTouchpoints: outcomes.touchpoints,
      reportMs: round(reportOurs),
      reportPeerMs: round(reportPeer),
      reportRatio: round(reportOurs / reportPeer),
      ...(second ? { batchSize2: BATCH_2, ...productMetrics('ours2', second) } : {}),
    },
    notes: [
      `ours = campaignCreate + campaignLaunch through the API (SMS on the OUTBOX adapter, 2 variants, ${CONTROL_PERCENT}% control, no offer); the server's runner (ECRM_CAMPAIGN_TICK_MS=200, ECRM_CAMPAIGN_BATCH=${BATCH}, cron jobs off) plans and sends; wall = launch request to the status poll (every 250 ms) that saw COMPLETED`,
      'plan = launchedAt to the first batch’s sent_at; send = first sent_at to finishedAt (server clock, same machine)',
      defaultTimeoutFailure
        ? `with the default 15 s statement timeout the runner failed ${defaultTimeoutFailure.codes.length} passes in a row (${defaultTimeoutFailure.codes.join(', ')}; 57014 = statement timeout) and planned nothing: that campaign was cancelled and the figures are those of a new one on a server with ECRM_STATEMENT_TIMEOUT_MS=${RAISED_TIMEOUT_MS}`
        : `default statement timeout (15 s); failed runner passes: ${product.passFailures} (each costs up to 15 s of the plan phase)`,
      'peer = hand-written SQL into the same tables under another campaign row, hashing with the product campaign’s id (same control group and variants): plan = one INSERT…SELECT; send = INSERT outbox (replace() rendering) + INSERT touchpoint + UPDATE deliveries, either once over all (single) or per batch of the same size, one transaction each (plus an index-only lookup of the batch’s upper id); it skips the cap, segment and repurchase-cycle checks, none of which changes a row here',
      'every member’s delivery (state, reason, variant) and message (recipient, body) compared between the product and each peer; ratio = ours wall / peer single (plan + send)',
      `report: campaignReports (one statement, run with set local statement_timeout = 0: at 1M deliveries it can outlast the default 15 s) vs a hand-written statement with hash joins; best of ${REPORT_ROUNDS}, alternating; units, reached, converters, revenue, opened and the repurchase rate agree per arm`,
      'peak RSS = max VmRSS of the server sampled every 200 ms during the run; high water = VmHWM since the server started',
    ],
    details: {
      statements: topStatements(product, 12),
      statements2: second ? topStatements(second, 12) : null,
      suppressed: product.suppressed,
      sample,
      reportFigures: figures?.ours,
      reportMs,
      plans,
    },
  };
}

export const campaigns: Benchmark = {
  name: 'campaigns',
  description: 'A 1M-member SMS campaign planned and sent by the server’s runner vs hand-written SQL, and its report',
  timeoutMs: 40 * 60_000,
  run,
};
