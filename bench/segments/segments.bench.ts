import type { EntityManager } from '@mikro-orm/postgresql';
import { Client } from 'pg';
import { seedDemoTenant } from '../../src/modules/demo/demo.service.js';
import { refreshTenantLifecycle } from '../../src/modules/lifecycle/lifecycle.sql.js';
import { refreshRfm } from '../../src/modules/segment/rfm.sql.js';
import { compileSegmentQuery } from '../../src/modules/segment/query/compile.js';
import { membershipStatement } from '../../src/modules/segment/segment-membership.js';
import { SegmentMovementCause } from '../../src/modules/segment/segment.enums.js';
import { graphqlClient, medianMax } from '../lib/graphql.js';
import { startServer } from '../lib/server.js';
import { withTimeout } from '../lib/scope.js';
import { migratedDatabase, round, timed } from '../lib/measure.js';
import type { Benchmark, BenchContext, BenchResult } from '../lib/types.js';
import { COUNT_SQL, PAGE_SQL, PEER_TABLES, REFRESH_SQL, RFM_CELLS_PEER, RFM_CELLS_PRODUCT, RFM_SQL, SEGMENT_QUERY } from './segments.sql.js';

const MEMBERS = Number(process.env.BENCH_SEGMENT_MEMBERS ?? 1_000_000);
const ROUNDS = Number(process.env.BENCH_SEGMENT_ROUNDS ?? 5);
const DAY = 86_400_000;

const PREVIEW = 'query($q: String!) { segmentPreview(query: $q, sampleSize: 50) { count sample { id } userErrors { message } } }';
const CREATE = 'mutation($input: SegmentCreateInput!) { segmentCreate(input: $input) { segment { id count } userErrors { message } } }';
const REFRESH = 'mutation($id: ID!) { segmentRefresh(input: { id: $id }) { segment { count } entered exited userErrors { message } } }';

const dbIdOf = (globalId: string) => Buffer.from(globalId, 'base64url').toString('utf8').split(':')[1]!;

function assertEqual(label: string, a: unknown, b: unknown): void {
  if (JSON.stringify(a) !== JSON.stringify(b)) throw new Error(`${label}: product and hand-written SQL differ: ${JSON.stringify(a).slice(0, 300)} vs ${JSON.stringify(b).slice(0, 300)}`);
}

/** A migrated database with a demo tenant (members and orders, no touchpoints), its RFM and lifecycle computed once. */
async function prepare(ctx: BenchContext) {
  const { url, db } = await migratedDatabase(ctx, 'bench_segments');
  const started = Date.now();
  const report = await withTimeout(
    seedDemoTenant(db.orm.em.fork() as EntityManager, url, { members: MEMBERS, seed: 42, activity: false }),
    45 * 60_000,
    'demo seeding',
  );
  const seedSeconds = (Date.now() - started) / 1000;
  ctx.log(`demo tenant: ${MEMBERS} members, ${report.tables.orders.rows} orders in ${seedSeconds.toFixed(0)} s`);
  return { url, db, tenantId: report.tenantId, key: report.ownerKey, orders: report.tables.orders.rows, seedSeconds };
}

async function run(ctx: BenchContext): Promise<BenchResult> {
  const { url, db, tenantId, key, orders, seedSeconds } = await prepare(ctx);
  const client = new Client({ connectionString: url });
  await client.connect();
  ctx.scope.defer('close client', () => client.end());
  await client.query(PEER_TABLES);
  await client.query('vacuum analyze');
  const now = new Date();
  const em = () => db.orm.em.fork() as EntityManager;

  // 1. Full RFM recompute: first (all inserts) and steady state (all updates), product vs peer, alternating.
  const rfm: { product: number[]; peer: number[] } = { product: [], peer: [] };
  for (let i = 0; i < 2; i++) {
    rfm.product.push((await timed(() => refreshRfm(em(), tenantId, now))).ms);
    rfm.peer.push((await timed(() => client.query(RFM_SQL, [tenantId, now]))).ms);
  }
  assertEqual('RFM cells', (await client.query(RFM_CELLS_PRODUCT, [tenantId])).rows, (await client.query(RFM_CELLS_PEER)).rows);
  const lifecycle = await timed(() => refreshTenantLifecycle(em(), tenantId, now));
  await client.query('vacuum analyze member_rfm, member_lifecycle, bench_rfm');

  // 2. Count and first page of the four-clause segment: the API, the compiled statements alone, hand-written SQL.
  const server = await startServer({ databaseUrl: url });
  ctx.scope.defer('stop server', server.stop);
  const api = graphqlClient(server.url, key, 15 * 60_000);
  const thirtyDaysAgo = new Date(Math.floor(now.getTime() / DAY) * DAY - 30 * DAY);
  const compiled = compileSegmentQuery(SEGMENT_QUERY, { tenantId, now, currency: 'CNY' });
  if (!compiled.ok) throw new Error(`the benchmark query does not compile: ${JSON.stringify(compiled.problems)}`);
  const toPg = (sql: string) => sql.replace(/\?/g, (() => { let n = 0; return () => `$${++n}`; })());
  const compiledCount = compiled.query.count();
  const compiledPage = compiled.query.page(null, 50);
  const timings = { api: [] as number[], compiled: [] as number[], sql: [] as number[] };
  let matched = 0;
  for (let i = 0; i <= ROUNDS; i++) {
    const viaApi = await timed(() => api.call<{ segmentPreview: { count: number; sample: { id: string }[] } }>(PREVIEW, { q: SEGMENT_QUERY }));
    const viaCompiled = await timed(async () => {
      const count = await client.query(toPg(compiledCount.sql), compiledCount.params);
      const page = await client.query(toPg(compiledPage.sql), compiledPage.params);
      return { count: count.rows[0].count as number, ids: page.rows.map((row) => row.id as string) };
    });
    const viaSql = await timed(async () => {
      const count = await client.query(COUNT_SQL, [tenantId, thirtyDaysAgo, 50_000]);
      const page = await client.query(PAGE_SQL, [tenantId, thirtyDaysAgo, 50_000]);
      return { count: count.rows[0].count as number, ids: page.rows.map((row) => row.id as string) };
    });
    const apiResult = { count: viaApi.value.segmentPreview.count, ids: viaApi.value.segmentPreview.sample.map((m) => dbIdOf(m.id)) };
    assertEqual('segment count and first page (API)', apiResult, viaSql.value);
    assertEqual('segment count and first page (compiled)', viaCompiled.value, viaSql.value);
    matched = viaSql.value.count;
    if (i === 0) continue; // warm-up: plans, caches
    timings.api.push(viaApi.ms);
    timings.compiled.push(viaCompiled.ms);
    timings.sql.push(viaSql.ms);
  }

  ctx.log(`preview medians: API ${medianMax(timings.api).median.toFixed(1)} ms, compiled ${medianMax(timings.compiled).median.toFixed(1)} ms, SQL ${medianMax(timings.sql).median.toFixed(1)} ms; ${matched} members`);
  ctx.log(`RFM: product ${rfm.product.map((ms) => ms.toFixed(0)).join('/')} ms, SQL ${rfm.peer.map((ms) => ms.toFixed(0)).join('/')} ms; lifecycle ${lifecycle.ms.toFixed(0)} ms`);

  // 3. Materialising the segment: first refresh (everyone enters), then after 1% of members change.
  const created = await api.call<{ segmentCreate: { segment: { id: string } } }>(CREATE, { input: { name: 'Bench segment', kind: 'DYNAMIC', query: SEGMENT_QUERY, refresh: false } });
  const segmentId = created.segmentCreate.segment.id;
  const refresh = async () => (await api.call<{ segmentRefresh: { segment: { count: number }; entered: number; exited: number } }>(REFRESH, { id: segmentId })).segmentRefresh;
  const peerRefresh = async () => (await client.query(REFRESH_SQL, [tenantId, thirtyDaysAgo, 50_000])).rows[0] as { entered: number; exited: number };
  if (process.env.BENCH_SEGMENT_EXPLAIN) {
    const segment = { id: dbIdOf(segmentId), tenantId, version: 1, tag: null };
    const statement = membershipStatement(segment, compiled.query.memberIds(), 'replace', SegmentMovementCause.REFRESH, now);
    await client.query('begin');
    const plan = await client.query(`explain (analyze, buffers, timing) ${toPg(statement.sql)}`, statement.params);
    await client.query('rollback');
    ctx.log(plan.rows.map((row) => row['QUERY PLAN']).join('\n'));
  }
  const firstApi = await timed(refresh);
  const firstPeer = await timed(peerRefresh);
  assertEqual('first refresh', [firstApi.value.entered, firstApi.value.exited], [firstPeer.value.entered, firstPeer.value.exited]);
  ctx.log(`first refresh: API ${firstApi.ms.toFixed(0)} ms, SQL ${firstPeer.ms.toFixed(0)} ms; ${firstApi.value.entered} entered`);
  // 1% of members: half leave (spend cleared), half may enter (spend raised); both sides see the same change.
  await client.query(
    `update member_stats set net_spend = case when hashtext(member_id::text) % 2 = 0 then 0 else net_spend + 100000 end
      where tenant_id = $1 and abs(hashtext(member_id::text)) % 100 = 0`,
    [tenantId],
  );
  const againApi = await timed(refresh);
  const againPeer = await timed(peerRefresh);
  assertEqual('incremental refresh', [againApi.value.entered, againApi.value.exited], [againPeer.value.entered, againPeer.value.exited]);
  const { rows: members } = await client.query('select count(*)::int as n from bench_segment_member');
  assertEqual('materialised members', againApi.value.segment.count, members[0].n);

  const api5 = medianMax(timings.api).median;
  const compiled5 = medianMax(timings.compiled).median;
  const sql5 = medianMax(timings.sql).median;
  const ratio = round(api5 / sql5);
  return {
    name: 'segments',
    ratio,
    metrics: {
      members: MEMBERS,
      orders,
      seedSeconds: round(seedSeconds, 0),
      segmentMembers: matched,
      previewApiMedianMs: round(api5),
      previewCompiledSqlMedianMs: round(compiled5),
      previewHandWrittenSqlMedianMs: round(sql5),
      previewApiRatio: ratio,
      previewCompiledRatio: round(compiled5 / sql5),
      refreshFirstApiMs: round(firstApi.ms),
      refreshFirstSqlMs: round(firstPeer.ms),
      refreshFirstRatio: round(firstApi.ms / firstPeer.ms),
      refreshAgainApiMs: round(againApi.ms),
      refreshAgainSqlMs: round(againPeer.ms),
      refreshAgainRatio: round(againApi.ms / againPeer.ms),
      refreshAgainEntered: againApi.value.entered,
      refreshAgainExited: againApi.value.exited,
      rfmFirstMs: round(rfm.product[0]!),
      rfmFirstSqlMs: round(rfm.peer[0]!),
      rfmFirstRatio: round(rfm.product[0]! / rfm.peer[0]!),
      rfmSteadyMs: round(rfm.product[1]!),
      rfmSteadySqlMs: round(rfm.peer[1]!),
      rfmSteadyRatio: round(rfm.product[1]! / rfm.peer[1]!),
      lifecycleRefreshMs: round(lifecycle.ms),
    },
    notes: [
      `query: ${SEGMENT_QUERY}`,
      'preview = count + first 50 ids; API through HTTP and GraphQL, compiled = the language’s own statements sent directly, SQL = hand-written joins',
      'refresh: product = segmentRefresh through the API (movements, count, lock); peer = one hand-written CTE into scratch tables',
      'RFM: product refreshRfm (upsert into member_rfm and delete of non-buyers) vs hand-written upsert into bench_rfm; both give the same cells',
    ],
  };
}

export const segments: Benchmark = {
  name: 'segments',
  description: 'A four-clause segment on a demo tenant (1M members, ~10M orders): preview, refresh and RFM vs hand-written SQL',
  timeoutMs: 75 * 60_000,
  run,
};
