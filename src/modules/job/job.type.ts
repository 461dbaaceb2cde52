import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { isTimeout, failureMessage } from '../../core/jobs/job-failure.js';
import { JobName } from '../../core/jobs/job-name.js';
import { JobTrigger } from '../../core/jobs/job-queue.js';
import type { TenantJob } from '../../core/jobs/tenant-jobs.js';
import { JSONScalar } from '../../core/graphql/scalars.js';
import { connectionOf } from '../../core/relay/connection.js';
import { toGlobalId } from '../../core/relay/global-id.js';
import { Node } from '../../core/relay/node.js';
import type { JobRunRow } from './job-runs.js';

registerEnumType(JobName, {
  name: 'JobName',
  description: 'A scheduled job that runs for each tenant.',
  valuesConfig: {
    POINTS_EXPIRY: { description: 'Expires points past their expiry date.' },
    TIER_REVIEW: { description: 'Reviews tiers at the end of each member\'s tier period, down as well as up.' },
  },
});

/** Where a run stands. */
export enum JobRunState {
  CREATED = 'CREATED',
  RETRY = 'RETRY',
  ACTIVE = 'ACTIVE',
  COMPLETED = 'COMPLETED',
  FAILED = 'FAILED',
  CANCELLED = 'CANCELLED',
  EXPIRED = 'EXPIRED',
}

registerEnumType(JobRunState, {
  name: 'JobRunState',
  description: 'Where a run stands.',
  valuesConfig: {
    CREATED: { description: 'Queued, waiting for a worker.' },
    RETRY: { description: 'An attempt failed; it runs again after a delay.' },
    ACTIVE: { description: 'Running now.' },
    COMPLETED: { description: 'Done; `output` says what it did.' },
    FAILED: { description: 'Failed and will not be retried; `error` says why.' },
    CANCELLED: { description: 'Cancelled before it finished.' },
    EXPIRED: { description: 'Stopped for running longer than its time limit, and not retried.' },
  },
});

registerEnumType(JobTrigger, {
  name: 'JobTrigger',
  description: 'How a run was started.',
  valuesConfig: {
    SCHEDULE: { description: "By the job's schedule; a failed attempt is retried up to 3 times." },
    MANUAL: { description: 'By `jobRun`; a failed attempt is not retried.' },
  },
});

const dateOf = (value: string | Date | null) => (value === null ? null : new Date(value));

function stateOf(row: JobRunRow): JobRunState {
  if (row.state === 'failed' && isTimeout(row.output)) return JobRunState.EXPIRED;
  return row.state.toUpperCase() as JobRunState;
}

@ObjectType('JobRun', { simpleResolvers: true, implements: Node, description: 'One run of a scheduled job for your tenant.' })
export class JobRunNode extends Node {
  @Field(() => JobName, { description: 'Which job.' })
  job!: JobName;

  @Field(() => JobRunState, { description: 'Where the run stands.' })
  state!: JobRunState;

  @Field(() => JobTrigger, { description: 'How the run was started.' })
  trigger!: JobTrigger;

  @Field(() => Int, { description: 'Attempts started so far (retries included).' })
  attempts!: number;

  @Field({ description: 'When the run was queued.' })
  createdAt!: Date;

  @Field(() => Date, { nullable: true, description: 'When its latest attempt started; null while queued.' })
  startedAt!: Date | null;

  @Field(() => Date, { nullable: true, description: 'When it completed or finally failed; null until then.' })
  completedAt!: Date | null;

  @Field(() => JSONScalar, { nullable: true, description: 'What a completed run did, e.g. { "members": 12, "points": 3400 }; null otherwise.' })
  output!: Record<string, unknown> | null;

  @Field(() => String, { nullable: true, description: 'Why the latest attempt failed, without internal details; null unless it failed.' })
  error!: string | null;

  static from(row: JobRunRow): JobRunNode {
    const state = stateOf(row);
    return Object.assign(new JobRunNode(), {
      id: toGlobalId('JobRun', row.id),
      job: row.name as JobName,
      state,
      trigger: row.trigger === JobTrigger.SCHEDULE ? JobTrigger.SCHEDULE : JobTrigger.MANUAL,
      attempts: row.started_on ? row.retry_count + 1 : 0,
      createdAt: dateOf(row.created_on),
      startedAt: dateOf(row.started_on),
      completedAt: state === JobRunState.RETRY ? null : dateOf(row.completed_on),
      output: state === JobRunState.COMPLETED ? ((row.output as Record<string, unknown> | null) ?? null) : null,
      error: row.state === 'failed' || row.state === 'retry' ? failureMessage(row.output) : null,
    });
  }
}

export const JobRunConnection = connectionOf(JobRunNode, 'JobRun', 'A page of job runs, newest first.');
export type JobRunConnection = InstanceType<typeof JobRunConnection>;

@ObjectType('Job', { simpleResolvers: true, description: 'A scheduled job: what it does and when it runs for every tenant.' })
export class JobNode {
  @Field(() => JobName, { description: 'Its name, for `jobRun` and `jobRuns`.' })
  name!: JobName;

  @Field({ description: 'What it does.' })
  description!: string;

  @Field({ description: "When it runs: a cron expression ('minute hour day month weekday') in UTC." })
  schedule!: string;

  static from(job: TenantJob): JobNode {
    return Object.assign(new JobNode(), { name: job.name, description: job.description, schedule: job.cron });
  }
}
