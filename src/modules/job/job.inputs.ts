import { Field, InputType } from 'type-graphql';
import { JobName } from '../../core/jobs/job-name.js';

@InputType({ description: 'A job to run now for your tenant.' })
export class JobRunInput {
  @Field(() => JobName, { description: 'Which job.' })
  job!: JobName;

  @Field(() => Boolean, {
    nullable: true,
    defaultValue: true,
    description: 'Wait (up to 60 seconds) for the run to end before answering; false answers at once with the queued run.',
  })
  wait?: boolean | null;
}
