import { Arg, Args, Authorized, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import type { GraphQLContext } from '../../core/context.js';
import { READERS, WRITERS } from '../../core/auth/viewer.js';
import { toPayload } from '../../core/graphql/payload.js';
import { JobName } from '../../core/jobs/job-name.js';
import { PageArgs, pageRequest } from '../../core/relay/connection.js';
import { JobRunInput } from './job.inputs.js';
import { JobRunPayload } from './job.payloads.js';
import { JobService } from './job.service.js';
import { JobNode, JobRunConnection, JobRunNode } from './job.type.js';

@Resolver(() => JobRunNode)
export class JobResolver {
  @Authorized(READERS)
  @Query(() => [JobNode], { description: 'The scheduled jobs: what each does and when it runs.' })
  jobs(@Ctx() ctx: GraphQLContext): JobNode[] {
    return new JobService(ctx).jobs().map(JobNode.from);
  }

  @Authorized(READERS)
  @Query(() => JobRunConnection, { description: 'Runs of the scheduled jobs for your tenant, newest first; finished runs are kept 30 days.' })
  async jobRuns(
    @Arg('job', () => JobName, { nullable: true, description: 'Only runs of this job.' }) job: JobName | null,
    @Args() args: PageArgs,
    @Ctx() ctx: GraphQLContext,
  ): Promise<JobRunConnection> {
    const page = await new JobService(ctx).list(job, pageRequest(args));
    return JobRunConnection.from(page, JobRunNode.from);
  }

  @Authorized(WRITERS)
  @Mutation(() => JobRunPayload, {
    description:
      'Runs a scheduled job now for your tenant and waits up to 60 seconds for it to end. If the job is already queued or running for your tenant, that run is returned instead of starting another.',
  })
  async jobRun(@Arg('input') input: JobRunInput, @Ctx() ctx: GraphQLContext) {
    return toPayload('jobRun', await new JobService(ctx).run(input), JobRunNode.from);
  }
}
