import PgBoss from 'pg-boss';
import type { JobDatabase } from './job-database.js';
import { tenantJobs } from './tenant-jobs.js';

const LIMIT_SECONDS = 15 * 60;
// Scheduled runs retry after ~30 s, ~1 min, ~2 min (pg-boss doubles the delay, with jitter).
export const SCHEDULED = { retryLimit: 3, retryDelay: 30, retryBackoff: true, expireInSeconds: LIMIT_SECONDS };
// A manual run has a caller waiting for it, who sees a failure at once and may start it again.
export const MANUAL = { retryLimit: 0, expireInSeconds: LIMIT_SECONDS };

/** pg-boss 10's internal queue through which its scheduler sends each firing. */
const SEND_IT_QUEUE = '__pgboss__send-it';
const SETUP_LOCK = ['ecrm-jobs:setup'];

/** The queue that receives a job's schedule and fans it out to one job per tenant. */
export const scheduleQueueOf = (name: string) => `${name}.schedule`;

/**
 * pg-boss's schema, every registered job's two queues and (when this instance fires schedules) one
 * schedule per job, through a pg-boss that runs nothing, before the real one starts: its scheduler
 * looks at the schedules at once, and a first look that finds none waits half a minute for the next.
 * Instances set up one at a time (a session lock): pg-boss creates each queue as a partition of its
 * job table, and two instances creating different queues at once deadlock.
 */
export async function setUpQueues(db: JobDatabase, bossOn: (db: PgBoss.Db) => PgBoss, schedule: boolean): Promise<void> {
  const client = await db.connect();
  let failure: Error | undefined;
  try {
    await client.query('select pg_advisory_lock(hashtextextended($1, 0))', SETUP_LOCK);
    const boss = bossOn({ executeSql: (text, values) => client.query(text, values) });
    await boss.start();
    try {
      for (const job of tenantJobs()) {
        await boss.createQueue(job.name, { name: job.name, policy: 'stately', ...SCHEDULED });
        await boss.createQueue(scheduleQueueOf(job.name), { name: scheduleQueueOf(job.name), ...SCHEDULED });
      }
      if (schedule) {
        // pg-boss's scheduler would create its queue itself, outside the lock.
        await boss.createQueue(SEND_IT_QUEUE);
        await syncSchedules(boss);
      }
    } finally {
      await boss.stop({ graceful: false, close: false });
    }
    await client.query('select pg_advisory_unlock(hashtextextended($1, 0))', SETUP_LOCK);
  } catch (error) {
    failure = error as Error;
    throw error;
  } finally {
    // A connection that failed midway may still hold the lock: it is closed rather than reused.
    client.release(failure);
  }
}

/** One schedule per job, in UTC; schedules of jobs no longer registered are removed. */
async function syncSchedules(boss: PgBoss): Promise<void> {
  const wanted = new Map(tenantJobs().map((job) => [scheduleQueueOf(job.name), job.cron]));
  for (const existing of await boss.getSchedules()) {
    if (!wanted.has(existing.name)) await boss.unschedule(existing.name);
  }
  for (const [name, cron] of wanted) await boss.schedule(name, cron, {}, { tz: 'UTC', ...SCHEDULED });
}
