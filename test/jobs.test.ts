import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { print } from 'graphql';
import { Client } from 'pg';
import { JobRunByIdDocument, JobRunDocument, JobRunsDocument, JobsDocument, type JobRunFieldsFragment } from './generated/graphql';
import type { JobsConfig } from '../src/app/config';
import { startApp, type RunningApp } from '../src/app/app';
import { JobDatabase } from '../src/core/jobs/job-database';
import { JobError } from '../src/core/jobs/job-failure';
import { JobName } from '../src/core/jobs/job-name';
import { JobTrigger } from '../src/core/jobs/job-queue';
import { scheduleQueueOf } from '../src/core/jobs/queue-setup';
import { toGlobalId } from '../src/core/relay/global-id';
import { registerTenantJob, tenantJob, type JobOutput } from '../src/core/jobs/tenant-jobs';
import { logger } from '../src/core/logger';
import { Member } from '../src/modules/member/member.entity';
import { dataOf, errorCodes, startTestApp, type TestApp, type TestTenant } from './support/harness';
import { createMember, missingId } from './support/access-fixtures';
import { orderInput, recordOrder } from './support/activity-fixtures';
import { pointsOf } from './support/points-fixtures';

/**
 * The job queue through the API. TIER_REVIEW's body is replaced per tenant by a script (the real one
 * runs for every other tenant), so the machinery can be driven to succeed, fail or hold on demand.
 */
const JOBS: JobsConfig = { enabled: true, schedule: false, pollSeconds: 1, concurrency: 1 };
type Script = (em: EntityManager, tenantId: string) => Promise<JobOutput>;
const scripts = new Map<string, Script>();

let t: TestApp;
let second: RunningApp;

beforeAll(async () => {
  t = await startTestApp({ jobs: JOBS });
  // A second instance on the same database, as in a deployment with several servers.
  second = await startApp({ ...t.app.services.config, port: 0 }, { bootstrap: false });
  const real = tenantJob(JobName.TIER_REVIEW)!;
  registerTenantJob({ ...real, run: (em, tenantId, now) => scripts.get(tenantId)?.(em, tenantId) ?? real.run(em, tenantId, now) });
});
afterAll(async () => {
  await second?.close();
  await t?.close();
});

/** One operation against a given instance (the harness's gql talks to the first). */
async function gqlAt<T, V>(url: string, document: TypedDocumentNode<T, V>, variables: V, key: string): Promise<T> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query: print(document), variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: unknown[] };
  if (body.errors || !body.data) throw new Error(`GraphQL errors: ${JSON.stringify(body.errors)}`);
  return body.data;
}

async function runJob(tenant: TestTenant, job: JobName, wait = true, url = t.url): Promise<JobRunFieldsFragment> {
  const payload = (await gqlAt(url, JobRunDocument, { input: { job, wait } }, tenant.keys.ADMIN)).jobRun;
  expect(payload.userErrors).toEqual([]);
  return payload.jobRun!;
}

async function runById(tenant: TestTenant, id: string) {
  return dataOf(await t.gql(JobRunByIdDocument, { id }, { key: tenant.keys.ANALYST })).node;
}

/** Reads the run through the API until it has ended (bounded). */
async function ended(tenant: TestTenant, id: string): Promise<JobRunFieldsFragment> {
  for (let i = 0; i < 200; i++) {
    const run = (await runById(tenant, id)) as JobRunFieldsFragment;
    if (['COMPLETED', 'FAILED', 'EXPIRED', 'CANCELLED'].includes(run.state)) return run;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`run ${id} did not end`);
}

const gates = new Set<() => void>();
// A test that fails while a run waits on a gate must not leave that run (and a worker) hanging.
afterEach(() => gates.forEach((open) => open()));

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  gates.add(open);
  return { opened, open };
}

describe('jobRun', () => {
  const paidYearsAgo = (years: number) => new Date(Date.UTC(new Date().getUTCFullYear() - years, 5, 1)).toISOString();

  test('runs POINTS_EXPIRY for the caller\'s tenant, waits for it and answers with its output', async () => {
    const tenant = await t.tenant();
    const other = await t.tenant();
    const members = new Map<TestTenant, string>();
    for (const owner of [tenant, other]) {
      const memberId = await createMember(t, owner.keys.ADMIN);
      // Paid two years ago: its 25 points expired at the end of last year.
      await recordOrder(t, owner.keys.INGEST, orderInput(memberId, { placedAt: paidYearsAgo(2), paidAt: paidYearsAgo(2) }));
      members.set(owner, memberId);
    }
    const run = await runJob(tenant, JobName.POINTS_EXPIRY);
    expect(run).toMatchObject({ job: 'POINTS_EXPIRY', state: 'COMPLETED', trigger: 'MANUAL', attempts: 1, output: { members: 1, points: 25 }, error: null });
    expect(Date.parse(run.completedAt!)).toBeGreaterThanOrEqual(Date.parse(run.startedAt!));
    expect(Date.parse(run.startedAt!)).toBeGreaterThanOrEqual(Date.parse(run.createdAt));
    expect((await pointsOf(t, tenant.keys.ADMIN, members.get(tenant)!)).account).toMatchObject({ balance: 0, expired: 25 });
    const again = await runJob(tenant, JobName.POINTS_EXPIRY);
    expect(again).toMatchObject({ state: 'COMPLETED', output: { members: 0, points: 0 } });
    expect(again.id).not.toBe(run.id);
    // The other tenant's points wait for its own run.
    expect((await pointsOf(t, other.keys.ADMIN, members.get(other)!)).account).toMatchObject({ balance: 25, expired: 0 });
    expect((await runJob(other, JobName.POINTS_EXPIRY)).output).toEqual({ members: 1, points: 25 });
  });

  test('the run gets an EntityManager bound to its tenant', async () => {
    const tenant = await t.tenant();
    await createMember(t, tenant.keys.ADMIN);
    await createMember(t, tenant.keys.ADMIN);
    scripts.set(tenant.id, async (em) => ({ members: await em.count(Member, {}) }));
    expect((await runJob(tenant, JobName.TIER_REVIEW)).output).toEqual({ members: 2 });
  });

  test('a failure comes back FAILED with a masked error, is not retried, and is logged without its message', async () => {
    const tenant = await t.tenant();
    const logged = jest.spyOn(logger, 'error');
    try {
      // The driver quotes the bad value in its message, as it would a phone number.
      scripts.set(tenant.id, async (em) => em.execute('select ?::int as n', ['13800000000x']));
      const run = await runJob(tenant, JobName.TIER_REVIEW);
      expect(run).toMatchObject({ state: 'FAILED', attempts: 1, output: null });
      expect(run.error).toMatch(/^The run failed with an internal error \(\w+( \w+)?\); the server log has the details under run [0-9a-f-]{36}\.$/);
      expect(run.error).not.toContain('13800000000');
      const entries = logged.mock.calls.filter((call) => call[1] === 'job run failed');
      expect(entries).toHaveLength(1);
      expect(entries[0]![0]).toMatchObject({ job: 'TIER_REVIEW', tenantId: tenant.id, errorName: expect.any(String) });
      expect(JSON.stringify(entries[0])).not.toContain('13800000000');
    } finally {
      logged.mockRestore();
    }
    // A JobError's message is written for people and shown as it is.
    scripts.set(tenant.id, async () => {
      throw new JobError('No tier programme is set up for this tenant.');
    });
    expect(await runJob(tenant, JobName.TIER_REVIEW)).toMatchObject({ state: 'FAILED', error: 'No tier programme is set up for this tenant.' });
  });

  test('a scheduled run that fails waits to be retried, and jobRun meanwhile answers with that run', async () => {
    const tenant = await t.tenant();
    scripts.set(tenant.id, async () => {
      throw new JobError('Not yet.');
    });
    // What the schedule's fan-out does for each tenant.
    const { id } = await t.app.jobs.enqueue(JobName.TIER_REVIEW, tenant.id, JobTrigger.SCHEDULE);
    let run = (await runById(tenant, toGlobalId('JobRun', id))) as JobRunFieldsFragment;
    for (let i = 0; i < 200 && run.state !== 'RETRY'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      run = (await runById(tenant, run.id)) as JobRunFieldsFragment;
    }
    expect(run).toMatchObject({ job: 'TIER_REVIEW', state: 'RETRY', trigger: 'SCHEDULE', attempts: 1, error: 'Not yet.', completedAt: null });
    expect(await runJob(tenant, JobName.TIER_REVIEW, false, second.url)).toMatchObject({ id: run.id, state: 'RETRY' });
  });

  test('concurrent calls on two instances share the one run a tenant may have at a time', async () => {
    const tenant = await t.tenant();
    const hold = gate();
    let runs = 0;
    scripts.set(tenant.id, async () => {
      runs++;
      await hold.opened;
      return { runs };
    });
    const queued = await Promise.all(
      Array.from({ length: 12 }, (_, i) => runJob(tenant, JobName.TIER_REVIEW, false, i % 2 ? second.url : t.url)),
    );
    expect(new Set(queued.map((run) => run.id)).size).toBe(1);
    expect(queued.every((run) => ['CREATED', 'ACTIVE'].includes(run.state))).toBe(true);
    hold.open();
    const done = await ended(tenant, queued[0]!.id);
    expect(done).toMatchObject({ state: 'COMPLETED', output: { runs: 1 } });
    expect(runs).toBe(1);
    const listed = dataOf(await t.gql(JobRunsDocument, { job: 'TIER_REVIEW' }, { key: tenant.keys.ANALYST })).jobRuns;
    expect(listed.totalCount).toBe(1);
  });

  test('a caller that waits gets the run once it ends', async () => {
    const tenant = await t.tenant();
    const hold = gate();
    const started = gate();
    scripts.set(tenant.id, async () => {
      started.open();
      await hold.opened;
      return { waited: true };
    });
    const waiting = runJob(tenant, JobName.TIER_REVIEW, true, second.url);
    await started.opened;
    hold.open();
    expect(await waiting).toMatchObject({ state: 'COMPLETED', output: { waited: true } });
  });
});

describe('jobRuns and node', () => {
  test('list the tenant\'s own runs newest first, in pages, and never another tenant\'s', async () => {
    const tenant = await t.tenant();
    const other = await t.tenant();
    scripts.set(tenant.id, async () => ({ ok: true }));
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await runJob(tenant, JobName.TIER_REVIEW)).id);
    ids.push((await runJob(tenant, JobName.POINTS_EXPIRY)).id);
    const foreign = await runJob(other, JobName.POINTS_EXPIRY);
    const newestFirst = [...ids].reverse();

    const key = tenant.keys.ANALYST;
    const all = dataOf(await t.gql(JobRunsDocument, {}, { key })).jobRuns;
    expect(all.edges.map((edge) => edge.node.id)).toEqual(newestFirst);
    expect(all.totalCount).toBe(4);
    const first = dataOf(await t.gql(JobRunsDocument, { first: 2 }, { key })).jobRuns;
    expect(first.edges.map((edge) => edge.node.id)).toEqual(newestFirst.slice(0, 2));
    expect(first.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const rest = dataOf(await t.gql(JobRunsDocument, { first: 2, after: first.pageInfo.endCursor }, { key })).jobRuns;
    expect(rest.edges.map((edge) => edge.node.id)).toEqual(newestFirst.slice(2));
    expect(rest.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    const back = dataOf(await t.gql(JobRunsDocument, { last: 2, before: rest.pageInfo.startCursor }, { key })).jobRuns;
    expect(back.edges.map((edge) => edge.node.id)).toEqual(newestFirst.slice(0, 2));
    const tierOnly = dataOf(await t.gql(JobRunsDocument, { job: 'TIER_REVIEW' }, { key })).jobRuns;
    expect(tierOnly.edges.map((edge) => edge.node.id)).toEqual(newestFirst.slice(1));
    const bad = await t.gql(JobRunsDocument, { first: 2, after: 'not-a-cursor' }, { key });
    expect(errorCodes(bad)).toEqual(['BAD_USER_INPUT']);

    // The other tenant sees its own run only; one of ours answers exactly like an id that names nothing.
    const theirs = dataOf(await t.gql(JobRunsDocument, {}, { key: other.keys.OWNER })).jobRuns;
    expect(theirs.edges.map((edge) => edge.node.id)).toEqual([foreign.id]);
    expect(await runById(other, ids[0]!)).toBeNull();
    expect(await runById(other, missingId('JobRun'))).toBeNull();
    expect(await runById(tenant, ids[0]!)).toMatchObject({ __typename: 'JobRun', id: ids[0], state: 'COMPLETED' });
  });

  test('jobs lists the scheduled jobs with their UTC schedules', async () => {
    const tenant = await t.tenant();
    const jobs = dataOf(await t.gql(JobsDocument, {}, { key: tenant.keys.ANALYST })).jobs;
    expect(jobs.map(({ name, schedule }) => ({ name, schedule }))).toEqual([
      { name: 'POINTS_EXPIRY', schedule: '15 0 * * *' },
      { name: 'TIER_REVIEW', schedule: '30 0 * * *' },
      { name: 'LIFECYCLE_REFRESH', schedule: '40 0 * * *' },
      { name: 'RFM_REFRESH', schedule: '45 0 * * *' },
      { name: 'CHURN_SCORE', schedule: '50 0 * * *' },
      { name: 'SEGMENT_REFRESH', schedule: '0 1 * * *' },
    ]);
    expect(jobs.every((job) => job.description.length > 0)).toBe(true);
  });
});

test("a failed write of a worker's result, which pg-boss does not await, is logged rather than ending the process", async () => {
  const plans = require('pg-boss/src/plans.js');
  const warned = jest.spyOn(logger, 'warn');
  const unreachable = new JobDatabase('postgres://nobody:nothing@127.0.0.1:1/none', 1, logger);
  try {
    await expect(unreachable.executeSql(plans.completeJobs('pgboss'), ['q', [], null])).resolves.toBeUndefined();
    await expect(unreachable.executeSql(plans.failJobsById('pgboss'), ['q', [], null])).resolves.toBeUndefined();
    expect(warned.mock.calls.filter((call) => call[1] === 'job result not recorded')).toHaveLength(2);
    await expect(unreachable.executeSql('select 1')).rejects.toThrow();
  } finally {
    warned.mockRestore();
    await unreachable.close(1_000);
  }
});

describe('two instances on one schedule', () => {
  // A job for this test only (not part of the API's JobName): it fires every minute and counts its runs.
  const EVERY_MINUTE = 'TEST_EVERY_MINUTE' as JobName;
  const counts = new Map<string, number>();
  let main: TestApp;
  let instances: RunningApp[] = [];
  const tenants: TestTenant[] = [];

  beforeAll(async () => {
    main = await startTestApp({ jobs: { ...JOBS, enabled: false } });
    for (let i = 0; i < 4; i++) tenants.push(await main.tenant());
    registerTenantJob({
      name: EVERY_MINUTE,
      description: 'Counts its runs per tenant.',
      cron: '* * * * *',
      run: async (_em, tenantId) => {
        counts.set(tenantId, (counts.get(tenantId) ?? 0) + 1);
        return { count: counts.get(tenantId) };
      },
    });
    const config = { ...main.app.services.config, jobs: { ...JOBS, schedule: true, concurrency: 2 } };
    // Started at once, so they also race to set up pg-boss's queues and schedules.
    const started = await Promise.allSettled([startApp(config, { bootstrap: false }), startApp(config, { bootstrap: false })]);
    instances = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
    for (const result of started) if (result.status === 'rejected') throw result.reason;
  });
  afterAll(async () => {
    await Promise.all(instances.map((instance) => instance.close()));
    await main?.close();
  });

  /** pg-boss's bookkeeping of the test job, read directly: the API does not show test jobs. */
  async function queueState() {
    const sql = `select name, state::text as state, count(*)::int as n, count(distinct date_trunc('minute', created_on))::int as minutes
                   from pgboss.job where name in (?, ?) group by 1, 2`;
    const rows = await main.orm.em.getConnection().execute<{ name: string; state: string; n: number; minutes: number }[]>(sql, [EVERY_MINUTE, scheduleQueueOf(EVERY_MINUTE)]);
    const of = (name: string, state?: string) => rows.filter((row) => row.name === name && (!state || row.state === state));
    const count = (name: string, state?: string) => of(name, state).reduce((sum, row) => sum + row.n, 0);
    const fires = scheduleQueueOf(EVERY_MINUTE);
    return {
      fires: count(fires),
      firesDone: count(fires, 'completed'),
      fireMinutes: of(fires, 'completed').reduce((sum, row) => sum + row.minutes, 0),
      runs: count(EVERY_MINUTE),
      runsDone: count(EVERY_MINUTE, 'completed'),
    };
  }

  test('a firing runs once per tenant, whichever instance fires and works it', async () => {
    let state = await queueState();
    for (let i = 0; i < 300 && !(state.fires > 0 && state.firesDone === state.fires && state.runsDone === state.fires * tenants.length); i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      state = await queueState();
    }
    // Both instances fire schedules; pg-boss lets one claim each minute slot, so there is one firing per
    // minute (a test straddling a minute may see a second one, which must then run once per tenant too).
    const fires = state.fires;
    expect(fires).toBeGreaterThanOrEqual(1);
    expect(state).toEqual({ fires, firesDone: fires, fireMinutes: fires, runs: fires * tenants.length, runsDone: fires * tenants.length });
    expect(tenants.map((tenant) => counts.get(tenant.id))).toEqual(tenants.map(() => state.fires));
  });

  test('closing the apps stops their workers and scheduler and closes every connection', async () => {
    await Promise.all(instances.map((instance) => instance.close()));
    await main.app.close();
    const admin = new Client({ connectionString: main.databaseUrl });
    await admin.connect();
    try {
      const { rows } = await admin.query<{ application_name: string }>(
        'select application_name from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()',
      );
      expect(rows).toEqual([]);
    } finally {
      await admin.end();
    }
  });
});
