import { READERS, type RootFieldRule } from '../role-rules';

/** Who may read segment analytics. */
export const SEGMENT_RULES: RootFieldRule[] = [
  {
    field: 'Query.rfmDistribution',
    allowed: READERS,
    operation: '{ rfmDistribution { buyers windowDays groups { key members } } }',
    check: (result) => expect(result.windowDays).toBe(365),
  },
];
