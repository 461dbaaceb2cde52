import { setTimeout as sleep } from 'node:timers/promises';
import type { GraphQLContext } from '../../core/context.js';
import { tenantIdOf } from '../../core/context.js';
import { ok, type Outcome } from '../../core/errors.js';
import { JOB_NAMES, type JobName } from '../../core/jobs/job-name.js';
import { JobTrigger, jobQueueOf } from '../../core/jobs/job-queue.js';
import { tenantJob, type TenantJob } from '../../core/jobs/tenant-jobs.js';
import type { Page, PageRequest } from '../../core/relay/connection.js';
import { idOf } from '../../core/relay/global-id.js';
import { findJobRun, jobRunPage, type JobRunRow } from './job-runs.js';
import type { JobRunInput } from './job.inputs.js';

/** How long `jobRun` waits for its run to end; then it answers with the run as it stands. */
const WAIT_MS = 60_000;
const FINISHED = new Set<JobRunRow['state']>(['completed', 'failed', 'cancelled']);

export class JobService {
  constructor(private readonly ctx: GraphQLContext) {}

  /** The registered jobs of the public JobName enum (a test may register others). */
  jobs(): TenantJob[] {
    return JOB_NAMES.map((name) => tenantJob(name)).filter((job): job is TenantJob => job !== undefined);
  }

  /**
   * Queues the job for the caller's tenant and waits for it to end. If the tenant already has that job
   * queued, retrying or running (from the schedule or another call), that run is the answer instead:
   * a tenant never has the same job twice at once.
   */
  async run(input: JobRunInput): Promise<Outcome<JobRunRow>> {
    const queue = jobQueueOf(this.ctx.app);
    const { id } = await queue.enqueue(input.job, tenantIdOf(this.ctx), JobTrigger.MANUAL);
    const deadline = Date.now() + WAIT_MS;
    let pause = 50;
    for (;;) {
      const run = await this.find(id);
      if (!run) throw new Error('a queued job run cannot be read back');
      if (input.wait === false || FINISHED.has(run.state) || Date.now() >= deadline || queue.closingSignal.aborted) return ok(run);
      // Another instance may work the job, so its end is read from the table rather than awaited here.
      await sleep(Math.min(pause, deadline - Date.now()), undefined, { signal: queue.closingSignal }).catch(() => undefined);
      pause = Math.min(pause * 2, 1_000);
    }
  }

  list(job: JobName | null | undefined, page: PageRequest): Promise<Page<JobRunRow>> {
    return jobRunPage(this.ctx.em, job ? [job] : JOB_NAMES, tenantIdOf(this.ctx), page);
  }

  async findByGlobalId(globalId: string): Promise<JobRunRow | null> {
    const id = idOf(globalId, 'JobRun');
    return id ? this.find(id) : null;
  }

  private find(id: string): Promise<JobRunRow | null> {
    return findJobRun(this.ctx.em, JOB_NAMES, tenantIdOf(this.ctx), id);
  }
}
