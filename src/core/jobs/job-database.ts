import { Pool, type PoolClient, type QueryResult } from 'pg';
import type PgBoss from 'pg-boss';
import type { Logger } from '../logger.js';

/** Where pg-boss keeps its tables; it creates and migrates this schema itself (see job-queue.ts). */
export const JOBS_SCHEMA = 'pgboss';

// pg-boss's statement texts (the version is pinned exactly in package.json).
const plans = require('pg-boss/src/plans.js') as Record<'completeJobs' | 'failJobsById', (schema: string) => string>;

/**
 * pg-boss 10 records a worker's result without awaiting it (manager.js, onFetch): if that write failed,
 * the rejection would be unhandled and end the process. Failures of these two statements are logged
 * instead; the job stays active until its time limit, when pg-boss fails it (and retries a scheduled one).
 */
const UNAWAITED = new Set([plans.completeJobs(JOBS_SCHEMA), plans.failJobsById(JOBS_SCHEMA)]);

/**
 * The queue's own small pool, apart from the ORM's: its polling must not compete with requests for
 * connections, nor show up in the ORM's statement counts. pg-boss runs on it through the `db` option.
 *
 * Why not pg-boss's own pool: pg-boss stops its workers without waiting for their last fetch, and a
 * pg pool that ends with queries still waiting for a connection never settles them, so a worker would
 * poll forever and keep the process alive. Here `close` first waits for every query in flight.
 */
export class JobDatabase implements PgBoss.Db {
  private readonly pool: Pool;
  private inFlight = 0;
  private closed = false;
  private drained: (() => void) | undefined;

  constructor(url: string, max: number, private readonly logger: Logger) {
    this.pool = new Pool({ connectionString: url, max, application_name: 'ecrm-jobs', idleTimeoutMillis: 10_000 });
    // An idle connection dropped by the server; the pool replaces it. Driver messages may quote SQL.
    this.pool.on('error', (error: Error & { code?: string }) => logger.warn({ errorName: error.name, errorCode: error.code }, 'job queue connection lost'));
  }

  /** pg-boss's statements. After close, like pg-boss's own pool, it answers nothing instead of failing. */
  executeSql(text: string, values?: unknown[]): Promise<QueryResult> {
    if (this.closed) return Promise.resolve(undefined as unknown as QueryResult);
    const result = this.track(this.pool.query(text, values));
    if (!UNAWAITED.has(text)) return result;
    return result.catch((error: Error & { code?: string }) => {
      this.logger.warn({ errorName: error.name, errorCode: error.code }, 'job result not recorded');
      return undefined as unknown as QueryResult;
    });
  }

  /** One connection for a transaction; it counts as in flight until released. */
  async connect(): Promise<PoolClient> {
    if (this.closed) throw new Error('job queue is closed');
    let release!: () => void;
    void this.track(new Promise<void>((resolve) => (release = resolve)));
    try {
      const client = await this.pool.connect();
      const done = client.release.bind(client);
      client.release = (error?: Error | boolean) => {
        release();
        return done(error);
      };
      return client;
    } catch (error) {
      release();
      throw error;
    }
  }

  /** Waits (up to `timeoutMs`) for the statements in flight, then closes the pool. */
  async close(timeoutMs: number): Promise<void> {
    if (this.closed) return;
    if (this.inFlight > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        new Promise<void>((resolve) => (this.drained = resolve)),
        new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs))),
      ]);
      clearTimeout(timer);
    }
    this.closed = true;
    await this.pool.end();
  }

  private async track<T>(work: Promise<T>): Promise<T> {
    this.inFlight++;
    try {
      return await work;
    } finally {
      if (--this.inFlight === 0) this.drained?.();
    }
  }
}
