import { payloadSucceeded, READERS, WRITERS, type RootFieldRule } from '../role-rules';

/** Who may see and start the scheduled jobs. */
export const JOB_RULES: RootFieldRule[] = [
  {
    field: 'Query.jobs',
    allowed: READERS,
    operation: '{ jobs { name schedule } }',
    check: (result) => expect(result).toEqual([{ name: 'POINTS_EXPIRY', schedule: '15 0 * * *' }, { name: 'TIER_REVIEW', schedule: '30 0 * * *' }, { name: 'LIFECYCLE_REFRESH', schedule: '40 0 * * *' }, { name: 'RFM_REFRESH', schedule: '45 0 * * *' }, { name: 'CHURN_SCORE', schedule: '50 0 * * *' }, { name: 'SEGMENT_REFRESH', schedule: '0 1 * * *' }]),
  },
  {
    field: 'Query.jobRuns',
    allowed: READERS,
    operation: '{ jobRuns(first: 10) { totalCount nodes { job } } }',
    check: (result) => expect(result.totalCount).toBe(result.nodes.length),
  },
  {
    field: 'Mutation.jobRun',
    allowed: WRITERS,
    // The fixture's paid order earned points that expire next year or later: nothing is due.
    operation: 'mutation { jobRun(input: { job: POINTS_EXPIRY }) { jobRun { job state trigger output } userErrors { code } } }',
    check: (result) => {
      payloadSucceeded(result);
      expect(result.jobRun).toEqual({ job: 'POINTS_EXPIRY', state: 'COMPLETED', trigger: 'MANUAL', output: { members: 0, points: 0 } });
    },
  },
];
