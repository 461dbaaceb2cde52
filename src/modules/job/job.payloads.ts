import { payloadOf } from '../../core/graphql/payload.js';
import { JobRunNode } from './job.type.js';

export const JobRunPayload = payloadOf('jobRun', 'jobRun', JobRunNode, 'run');
