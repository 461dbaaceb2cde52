import { readFileSync } from 'node:fs';
import { Client } from 'pg';
import { cpuWindow } from '../lib/cpu.js';
import { graphqlClient, type GraphQLClient } from '../lib/graphql.js';
import { countStatements, type BenchPostgres, type StatementStats } from '../lib/postgres.js';
import { sleep } from '../lib/scope.js';
import { startServer, type ServerProcess } from '../lib/server.js';
import type { BenchContext } from '../lib/types.js';

export const BODY_A = 'Hi {{name}}, you have {{points}} points ({{tier}}).';
export const BODY_B = 'Hello {{name}}: {{points}} points to spend, {{tier}} member.';
export const CONTROL_PERCENT = 10;

const SETTINGS = `mutation($input: CampaignSettingsUpdateInput!) { campaignSettingsUpdate(input: $input) { userErrors { field message } } }`;
const CHANNEL = `mutation($input: MessageChannelConfigureInput!) { messageChannelConfigure(input: $input) { channel { adapter } userErrors { field message } } }`;
const CREATE = `mutation($input: CampaignCreateInput!) { campaignCreate(input: $input) { campaign { id attributionDays } userErrors { field message } } }`;
const LAUNCH = `mutation($id: ID!) { campaignLaunch(input: { id: $id }) { campaign { status } userErrors { field message } } }`;
const STATUS = `query($id: ID!) { campaign(id: $id) { status } }`;
const FINAL = `query($id: ID!) { campaign(id: $id) { status launchedAt finishedAt progress { queued sending sent failed suppressed suppressedBy { reason count } } } }`;

type UserErrors = { userErrors: { field: string[] | null; message: string }[] };

function noUserErrors(label: string, payload: UserErrors): void {
  if (payload.userErrors.length) throw new Error(`${label}: ${JSON.stringify(payload.userErrors)}`);
}

/** The database id behind a global id (base64url of "Type:uuid"). */
export const dbIdOf = (globalId: string) => Buffer.from(globalId, 'base64url').toString('utf8').split(':')[1]!;

/** Memory of a process from /proc: current RSS and its high-water mark, in MB (null off Linux). */
function memoryMb(pid: number): { rss: number; hwm: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
    return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 };
  } catch {
    return null;
  }
}

export interface ServerSession {
  server: ServerProcess;
  api: GraphQLClient;
}

/**
 * `ecrm serve` with a fast campaign tick and the given batch size; no cron jobs, so nothing else runs beside the send.
 * `statementTimeoutMs` overrides the server's 15 s default (ECRM_STATEMENT_TIMEOUT_MS) when given.
 */
export async function startCampaignServer(ctx: BenchContext, url: string, key: string, batch: number, statementTimeoutMs?: number): Promise<ServerSession> {
  const env: Record<string, string> = { ECRM_CAMPAIGN_TICK_MS: '200', ECRM_CAMPAIGN_BATCH: String(batch), ECRM_JOBS_SCHEDULE: 'false' };
  if (statementTimeoutMs) env.ECRM_STATEMENT_TIMEOUT_MS = String(statementTimeoutMs);
  const server = await startServer({ databaseUrl: url, env });
  ctx.scope.defer(`stop server (batch ${batch})`, server.stop);
  return { server, api: graphqlClient(server.url, key, 120_000) };
}

/** OUTBOX wiring for SMS and a frequency cap that no run of this benchmark reaches. */
export async function configureSending(api: GraphQLClient): Promise<void> {
  noUserErrors('messageChannelConfigure', (await api.call<{ messageChannelConfigure: UserErrors }>(CHANNEL, { input: { channel: 'SMS', adapter: 'OUTBOX' } })).messageChannelConfigure);
  noUserErrors('campaignSettingsUpdate', (await api.call<{ campaignSettingsUpdate: UserErrors }>(SETTINGS, { input: { capMessages: 100, capDays: 7 } })).campaignSettingsUpdate);
}

/** A DRAFT SMS campaign to every active member: two variants, a 10% control group, no offer. */
export async function createCampaign(api: GraphQLClient, name: string): Promise<{ id: string; dbId: string; attributionDays: number }> {
  const input = {
    name,
    goal: 'REPURCHASE',
    channel: 'SMS',
    schedule: 'NOW',
    controlPercent: CONTROL_PERCENT,
    offer: { kind: 'NONE' },
    variants: [
      { key: 'A', weight: 1, body: BODY_A },
      { key: 'B', weight: 1, body: BODY_B },
    ],
  };
  const { campaignCreate } = await api.call<{ campaignCreate: UserErrors & { campaign: { id: string; attributionDays: number } } }>(CREATE, { input });
  noUserErrors('campaignCreate', campaignCreate);
  return { id: campaignCreate.campaign.id, dbId: dbIdOf(campaignCreate.campaign.id), attributionDays: campaignCreate.campaign.attributionDays };
}

/** The runner keeps failing (e.g. the plan statement hits the statement timeout on every pass). */
export class PassesFailing extends Error {
  constructor(readonly codes: string[], readonly afterMs: number) {
    super(`the campaign runner failed ${codes.length} passes (${codes.join(', ')}) in ${(afterMs / 1000).toFixed(0)} s`);
  }
}

export interface ProductRun {
  batch: number;
  /** From the launch request to the poll that saw COMPLETED. */
  wallMs: number;
  /** launchedAt to the first batch's sent_at (the plan statement, its transaction and the runner's pass). */
  planMs: number;
  /** First batch's sent_at to finishedAt. */
  sendMs: number;
  sent: number;
  queuedLeft: number;
  suppressed: Record<string, number>;
  batches: number;
  /** Mean time between batch starts over the first and the last five batches: a growing gap means batches slow down. */
  firstBatchesMs: number | null;
  lastBatchesMs: number | null;
  serverCpuSeconds: number | null;
  machineCpuPercent: number | null;
  serverPeakRssMb: number | null;
  serverRssHighWaterMb: number | null;
  statements: StatementStats | null;
  /** Runner passes that failed ("campaign pass failed" in the server's log), with their error codes (57014: statement timeout). */
  passFailures: number;
  failureCodes: string[];
}

interface Timestamps {
  launched_at: Date;
  finished_at: Date;
  first_sent: Date;
  last_sent: Date;
  starts: Date[];
}

async function timestamps(url: string, campaignId: string): Promise<Timestamps> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<Omit<Timestamps, 'starts'>>(
      `select c.launched_at, c.finished_at, min(d.sent_at) as first_sent, max(d.sent_at) as last_sent
         from campaign c join campaign_delivery d on d.campaign_id = c.id where c.id = $1 group by c.id`,
      [campaignId],
    );
    const starts = await client.query<{ sent_at: Date }>(`select distinct sent_at from campaign_delivery where campaign_id = $1 and sent_at is not null order by 1`, [campaignId]);
    return { ...rows[0]!, starts: starts.rows.map((row) => row.sent_at) };
  } finally {
    await client.end();
  }
}

const meanGap = (starts: Date[]) => (starts.length < 2 ? null : (starts[starts.length - 1]!.getTime() - starts[0]!.getTime()) / (starts.length - 1));

/** Launches the campaign and polls its status every 250 ms until COMPLETED; returns the wall time. */
async function launchAndPoll(ctx: BenchContext, session: ServerSession, campaign: { id: string }, batch: number, timeoutMs: number, maxFailedPasses: number): Promise<number> {
  const { api, server } = session;
  const started = performance.now();
  noUserErrors('campaignLaunch', (await api.call<{ campaignLaunch: UserErrors }>(LAUNCH, { id: campaign.id })).campaignLaunch);
  let lastLog = started;
  for (;;) {
    const { status } = (await api.call<{ campaign: { status: string } }>(STATUS, { id: campaign.id })).campaign;
    const elapsed = performance.now() - started;
    if (status === 'COMPLETED') return elapsed;
    if (status !== 'RUNNING' && status !== 'SCHEDULED') throw new Error(`campaign is ${status}`);
    if (elapsed > timeoutMs) throw new Error(`campaign not COMPLETED after ${timeoutMs} ms`);
    const failing = passFailures(server.output());
    if (failing.passFailures >= maxFailedPasses) throw new PassesFailing(failing.failureCodes, elapsed);
    if (performance.now() - lastLog > 30_000) {
      lastLog = performance.now();
      ctx.log(`batch ${batch}: still ${status} after ${(elapsed / 1000).toFixed(0)} s`);
    }
    await sleep(250);
  }
}

/**
 * Launches the campaign through the API and waits (polling its status, not its progress, whose count over every
 * delivery would compete with the send) until the server's runner has planned and sent it; throws PassesFailing
 * once the runner has logged `maxFailedPasses` failed passes.
 */
export async function launchAndWait(
  ctx: BenchContext,
  pg: BenchPostgres,
  url: string,
  session: ServerSession,
  campaign: { id: string; dbId: string },
  batch: number,
  timeoutMs: number,
  maxFailedPasses = Infinity,
): Promise<ProductRun> {
  const { api, server } = session;
  let peakRss: number | null = null;
  const sampler = setInterval(() => {
    const memory = memoryMb(server.pid);
    if (memory) peakRss = Math.max(peakRss ?? 0, memory.rss);
  }, 200);
  const cpu = cpuWindow({ server: server.pid });
  let wallMs = 0;
  let statements: StatementStats | null;
  try {
    statements = await countStatements(pg, url, async () => {
      wallMs = await launchAndPoll(ctx, session, campaign, batch, timeoutMs, maxFailedPasses);
    });
  } finally {
    clearInterval(sampler);
  }
  const share = cpu();
  const memory = memoryMb(server.pid);
  const final = (await api.call<{ campaign: { progress: { queued: number; sending: number; sent: number; suppressedBy: { reason: string; count: number }[] } } }>(FINAL, { id: campaign.id })).campaign;
  const times = await timestamps(url, campaign.dbId);
  return {
    batch,
    wallMs,
    planMs: times.first_sent.getTime() - times.launched_at.getTime(),
    sendMs: times.finished_at.getTime() - times.first_sent.getTime(),
    sent: final.progress.sent,
    queuedLeft: final.progress.queued + final.progress.sending,
    suppressed: Object.fromEntries(final.progress.suppressedBy.map((row) => [row.reason, row.count])),
    batches: times.starts.length,
    firstBatchesMs: meanGap(times.starts.slice(0, 6)),
    lastBatchesMs: meanGap(times.starts.slice(-6)),
    serverCpuSeconds: share.seconds.server ?? null,
    machineCpuPercent: share.machine,
    serverPeakRssMb: peakRss,
    serverRssHighWaterMb: memory?.hwm ?? null,
    statements,
    ...passFailures(server.output()),
  };
}

function passFailures(output: string): { passFailures: number; failureCodes: string[] } {
  const codes: string[] = [];
  for (const line of output.split('\n')) {
    if (!line.includes('campaign pass failed')) continue;
    codes.push(/"errorCode":"([^"]+)"/.exec(line)?.[1] ?? /"errorName":"([^"]+)"/.exec(line)?.[1] ?? '?');
  }
  return { passFailures: codes.length, failureCodes: codes };
}
