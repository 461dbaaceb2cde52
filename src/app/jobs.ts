import type { MikroORM } from '@mikro-orm/postgresql';
import type { Config } from './config.js';
import { JobName } from '../core/jobs/job-name.js';
import { JobQueue } from '../core/jobs/job-queue.js';
import { registerTenantJob } from '../core/jobs/tenant-jobs.js';
import type { Logger } from '../core/logger.js';
import { expirePoints } from '../modules/points/points-expiry.js';
import { reviewTiers } from '../modules/tier/tier-review.js';
import { refreshRfm } from '../modules/segment/rfm.sql.js';
import { refreshTenantLifecycle } from '../modules/lifecycle/lifecycle.sql.js';
import { scoreTenantChurn } from '../modules/churn/churn-job.js';
import { refreshTenantSegments } from '../modules/segment/segment-refresh.js';

let registered = false;

/**
 * The modules' scheduled jobs, once per process (a second app in the same process, as in tests, keeps
 * whatever was registered, including a test's replacement of a job's body). Times are UTC, a little
 * after midnight, expiry before the tier review.
 */
export function registerModuleJobs(): void {
  if (registered) return;
  registered = true;
  registerTenantJob({
    name: JobName.POINTS_EXPIRY,
    description: 'Expires what remains of points lots past their expiry date, as one EXPIRE entry per member.',
    cron: '15 0 * * *',
    run: (em, tenantId, now) => expirePoints(em, tenantId, now),
  });
  registerTenantJob({
    name: JobName.TIER_REVIEW,
    description: 'Places every member whose tier period has ended in the tier their growth value now reaches, up or down.',
    cron: '30 0 * * *',
    run: (em, tenantId, now) => reviewTiers(em, tenantId, now),
  });
  registerTenantJob({
    name: JobName.LIFECYCLE_REFRESH,
    description: 'Recomputes the median repurchase interval and moves members whose stage time alone has changed (AT_RISK, LAPSED), recording each transition.',
    cron: '40 0 * * *',
    run: async (em, tenantId, now) => ({ ...(await refreshTenantLifecycle(em, tenantId, now)) }),
  });
  registerTenantJob({
    name: JobName.RFM_REFRESH,
    description: 'Recomputes every buyer’s RFM scores, cell and group in one set-based pass.',
    cron: '45 0 * * *',
    run: (em, tenantId, now) => refreshRfm(em, tenantId, now),
  });
  registerTenantJob({
    name: JobName.CHURN_SCORE,
    description: 'Refits the churn model (BG/NBD from enough buyers, else the rhythm model) and rescores every buyer set-based, recording threshold crossings.',
    cron: '50 0 * * *',
    run: (em, tenantId, now) => scoreTenantChurn(em, tenantId, now),
  });
  registerTenantJob({
    name: JobName.SEGMENT_REFRESH,
    description: 'Recomputes every dynamic segment’s membership (after the RFM and lifecycle refreshes), recording entries and exits.',
    cron: '0 1 * * *',
    run: (em, tenantId, now) => refreshTenantSegments(em, tenantId, now),
  });
}

/** Registers the jobs and starts this process's queue on the app's database. */
export async function startJobQueue(orm: MikroORM, url: string, config: Config, logger: Logger): Promise<JobQueue> {
  registerModuleJobs();
  const queue = new JobQueue(
    orm,
    {
      url,
      work: config.jobs.enabled,
      schedule: config.jobs.schedule,
      pollSeconds: config.jobs.pollSeconds,
      concurrency: config.jobs.concurrency,
      // Half the shutdown grace for runs in progress; the rest drains HTTP and closes the pools.
      stopTimeoutMs: Math.max(1_000, Math.floor(config.shutdownGraceMs / 2)),
    },
    logger,
  );
  try {
    await queue.start();
  } catch (error) {
    await queue.stop();
    throw error;
  }
  return queue;
}
