import type { EntityManager } from '@mikro-orm/postgresql';
import { JobName } from './job-name.js';

/** A JSON summary of what a run did, e.g. `{ members: 12, points: 3400 }`: counts, never personal data. */
export type JobOutput = Record<string, unknown>;

/**
 * Work done for one tenant at a time. `run` gets a fresh EntityManager whose tenant filter is bound to
 * that tenant, and must be safe to run again (a retry after a crash repeats it).
 */
export interface TenantJob {
  name: JobName;
  /** One sentence for operators: what the job does. */
  description: string;
  /** When it runs for every tenant: a five-field cron expression in UTC, e.g. '15 0 * * *'. */
  cron: string;
  run(em: EntityManager, tenantId: string, now: Date): Promise<JobOutput>;
}

const jobs = new Map<string, TenantJob>();

/**
 * Registers a job; registering a name again replaces its definition (tests swap a job's body this way).
 * Queues started afterwards create its queue and schedule; running queues pick up a new `run` at once.
 */
export function registerTenantJob(job: TenantJob): void {
  jobs.set(job.name, job);
}

export function tenantJob(name: string): TenantJob | undefined {
  return jobs.get(name);
}

export function tenantJobs(): TenantJob[] {
  return [...jobs.values()];
}
