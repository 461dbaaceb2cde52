import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { createHash } from 'node:crypto';
import PgBoss from 'pg-boss';
import { TENANT_FILTER } from '../db/mikro-orm.config.js';
import type { AppServices } from '../context.js';
import type { Logger } from '../logger.js';
import { JobDatabase, JOBS_SCHEMA } from './job-database.js';
import { logJobFailure, storedFailure } from './job-failure.js';
import { MANUAL, SCHEDULED, scheduleQueueOf, setUpQueues } from './queue-setup.js';
import { tenantJob, tenantJobs, type JobOutput } from './tenant-jobs.js';

/** How a run was started; stored in the job's data. */
export enum JobTrigger {
  SCHEDULE = 'SCHEDULE',
  MANUAL = 'MANUAL',
}

/** What every per-tenant job row carries in pg-boss's `data`; runs are listed by `tenantId`. */
export interface TenantJobData {
  tenantId: string;
  trigger: JobTrigger;
}

export interface JobQueueOptions {
  url: string;
  /** Work jobs here; otherwise this instance only enqueues and reads runs. */
  work: boolean;
  /** Fire the schedules from here (with `work`); pg-boss lets one instance fire each slot. */
  schedule: boolean;
  pollSeconds: number;
  /** Workers per job, i.e. tenants run at once per job on this instance. */
  concurrency: number;
  /** How long stop() waits for runs in progress before pg-boss fails them (they are retried). */
  stopTimeoutMs: number;
}

// pg-boss archives finished jobs after 12 hours and deletes them from the archive after this.
const KEEP_RUNS_DAYS = 30;

/** A run id fixed by the schedule firing and the tenant, so a retried fan-out enqueues nothing twice. */
function scheduledRunId(fanOutId: string, tenantId: string): string {
  const hex = createHash('sha256').update(`${fanOutId}:${tenantId}`).digest('hex');
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * The PostgreSQL-backed job queue of one process (pg-boss 10, which keeps and migrates its own schema
 * `pgboss` beside the app's migrations). Each registered job gets two queues:
 * - `<JOB>.schedule`: pg-boss's cron sends one job here per firing, once across all instances (it
 *   claims each minute slot in the database); its handler enqueues one job per tenant;
 * - `<JOB>`: one job per tenant (singleton key = tenant id, policy "stately"). Enqueueing takes an
 *   advisory lock per (job, tenant) and skips tenants that already have one queued, retrying or active,
 *   so a tenant never has the same job twice at once, whichever instance enqueues or works it.
 * Workers fetch with SKIP LOCKED, so each job runs on one instance only. A run past its 15-minute
 * limit is failed by pg-boss while its body goes on (pg-boss cannot stop it), and a retry may overlap
 * it: job bodies must be safe to repeat and to overlap (expiry and tier review lock what they change).
 */
export class JobQueue {
  private readonly db: JobDatabase;
  private readonly boss: PgBoss;
  private readonly workers = new Map<string, string>();
  private readonly closing = new AbortController();
  /** Set once pg-boss has stopped: a job fetched by a worker's last poll is failed, not run. */
  private halted = false;
  private stopping: Promise<void> | undefined;

  constructor(
    private readonly orm: MikroORM,
    private readonly options: JobQueueOptions,
    private readonly logger: Logger,
  ) {
    this.db = new JobDatabase(options.url, 3, logger);
    this.boss = this.pgBoss({ supervise: options.work, schedule: options.work && options.schedule });
  }

  private pgBoss(run: { supervise: boolean; schedule: boolean }, db: PgBoss.Db = this.db): PgBoss {
    const boss = new PgBoss({
      db,
      schema: JOBS_SCHEMA,
      migrate: true,
      ...run,
      pollingIntervalSeconds: this.options.pollSeconds,
      cronWorkerIntervalSeconds: this.options.pollSeconds,
      deleteAfterDays: KEEP_RUNS_DAYS,
    });
    boss.on('error', (error: Error & { code?: string; queue?: string }) => {
      if (this.halted) return;
      // Only the kind: pg-boss's errors carry the driver's message and fields, which may quote SQL.
      this.logger.warn({ errorName: error.name, errorCode: error.code, queue: error.queue }, 'job queue error');
    });
    return boss;
  }

  /** Aborted when the queue begins to close: waiting callers stop waiting. */
  get closingSignal(): AbortSignal {
    return this.closing.signal;
  }

  async start(): Promise<void> {
    await setUpQueues(this.db, (db) => this.pgBoss({ supervise: false, schedule: false }, db), this.options.work && this.options.schedule);
    await this.boss.start();
    if (!this.options.work) return;
    const poll = { pollingIntervalSeconds: this.options.pollSeconds, batchSize: 1 };
    for (const job of tenantJobs()) {
      for (let i = 0; i < this.options.concurrency; i++) {
        const id = await this.boss.work<TenantJobData>(job.name, poll, ([run]) => this.runForTenant(job.name, run!));
        if (i === 0) this.workers.set(job.name, id);
      }
      await this.boss.work(scheduleQueueOf(job.name), poll, ([fire]) => this.fanOut(job.name, fire!.id));
    }
  }

  /**
   * Enqueues a job for a tenant unless it already has one queued, retrying or active, in which case
   * that run's id is returned with `created: false`.
   */
  async enqueue(name: string, tenantId: string, trigger: JobTrigger, runId?: string): Promise<{ id: string; created: boolean }> {
    const client = await this.db.connect();
    try {
      await client.query('begin');
      await client.query('select pg_advisory_xact_lock(hashtextextended($1, 0))', [`ecrm-job:${name}:${tenantId}`]);
      const pending = await client.query<{ id: string }>(
        `select id from ${JOBS_SCHEMA}.job where name = $1 and singleton_key = $2 and state < 'completed' order by created_on limit 1`,
        [name, tenantId],
      );
      let id = pending.rows[0]?.id ?? null;
      let created = false;
      if (!id) {
        const data: TenantJobData = { tenantId, trigger };
        const options = trigger === JobTrigger.SCHEDULE ? SCHEDULED : MANUAL;
        const db = { executeSql: (text: string, values: unknown[]) => client.query(text, values) };
        id = await this.boss.send(name, data, { ...options, id: runId, singletonKey: tenantId, db });
        created = id !== null;
        // Only a given id can collide: that run of this firing exists already.
        id ??= runId ?? null;
      }
      await client.query('commit');
      if (!id) throw new Error(`job queue ${name} refused the job`);
      if (created) this.notify(name);
      return { id, created };
    } catch (error) {
      await client.query('rollback').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  /** Wakes this instance's worker for a queue, so a new job starts without waiting for the next poll. */
  private notify(name: string): void {
    const worker = this.workers.get(name);
    if (worker) this.boss.notifyWorker(worker);
  }

  private async fanOut(name: string, fireId: string): Promise<JobOutput> {
    const tenants = await this.orm.em.fork().getConnection().execute<{ id: string }[]>('select id from tenant order by id');
    let enqueued = 0;
    for (const { id } of tenants) {
      if (this.halted) throw new Error('job queue is stopping');
      if ((await this.enqueue(name, id, JobTrigger.SCHEDULE, scheduledRunId(fireId, id))).created) enqueued++;
    }
    this.logger.info({ job: name, tenants: tenants.length, enqueued }, 'job scheduled for tenants');
    return { tenants: tenants.length, enqueued };
  }

  private async runForTenant(name: string, job: PgBoss.Job<TenantJobData>): Promise<JobOutput> {
    const { tenantId } = job.data;
    const fields = { job: name, runId: job.id, tenantId };
    const started = Date.now();
    try {
      const definition = tenantJob(name);
      if (!definition) throw new Error(`job ${name} is not registered in this process`);
      if (this.halted) throw new Error('job queue is stopping');
      const em = this.orm.em.fork({ clear: true, useContext: false }) as EntityManager;
      em.setFilterParams(TENANT_FILTER, { tenantId });
      const output = await definition.run(em, tenantId, new Date());
      this.logger.info({ ...fields, ms: Date.now() - started }, 'job run completed');
      return output;
    } catch (error) {
      logJobFailure(this.logger, { ...fields, ms: Date.now() - started }, error);
      throw storedFailure(error, job.id);
    }
  }

  /** Waiting callers return at once; new enqueues still work until stop(). */
  beginClosing(): void {
    this.closing.abort();
  }

  /**
   * Stops fetching and firing schedules, waits for runs in progress (up to stopTimeoutMs; pg-boss then
   * fails them and they are retried), then closes the queue's connections. Call before the ORM closes.
   */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.beginClosing();
      await this.boss.stop({ graceful: true, wait: true, timeout: this.options.stopTimeoutMs });
      this.halted = true;
      await this.db.close(this.options.stopTimeoutMs);
    })();
    return this.stopping;
  }
}

const queues = new WeakMap<AppServices, JobQueue>();

/** Binds a process's queue to its services, where resolvers find it (several apps may share a process in tests). */
export function attachJobQueue(app: AppServices, queue: JobQueue): void {
  queues.set(app, queue);
}

export function jobQueueOf(app: AppServices): JobQueue {
  const queue = queues.get(app);
  if (!queue) throw new Error('no job queue is attached to this app');
  return queue;
}
