import { fresh, payloadSucceeded, READERS, WRITERS, type RootFieldRule } from '../role-rules';
import type { TestApp } from '../harness';

const SEGMENT = '{ segment { id name version count kind } userErrors { code message } }';

async function createSegment(t: TestApp, key: string, kind: 'DYNAMIC' | 'STATIC' = 'DYNAMIC'): Promise<string> {
  const created = await t.gql(
    'mutation($input: SegmentCreateInput!) { segmentCreate(input: $input) { segment { id } userErrors { code message } } }',
    { input: { name: fresh('segment'), kind, ...(kind === 'DYNAMIC' ? { query: 'order_count >= 1' } : {}) } },
    { key },
  );
  const id = created.body.data?.segmentCreate?.segment?.id;
  if (!id) throw new Error(`segmentCreate failed: ${JSON.stringify(created.body)}`);
  return id;
}

/** Who may read segments and analytics, and who may change segments. */
export const SEGMENT_RULES: RootFieldRule[] = [
  {
    field: 'Query.rfmDistribution',
    allowed: READERS,
    operation: '{ rfmDistribution { buyers windowDays groups { key members } } }',
    check: (result) => expect(result.windowDays).toBe(365),
  },
  {
    field: 'Query.segments',
    allowed: READERS,
    operation: '{ segments(first: 5) { totalCount nodes { id name } } }',
    check: (result) => expect(result.totalCount).toBeGreaterThanOrEqual(result.nodes.length),
  },
  {
    field: 'Query.segment',
    allowed: READERS,
    operation: 'query($id: ID!) { segment(id: $id) { id count members(first: 5) { totalCount } } }',
    prepare: async (t, fx) => ({ id: await createSegment(t, fx.tenant.keys.ADMIN) }),
    check: (result) => expect(result.count).toBe(result.members.totalCount),
  },
  {
    field: 'Query.segmentPreview',
    allowed: READERS,
    operation: 'query($q: String!) { segmentPreview(query: $q) { count sample { id } userErrors { code } } }',
    variables: () => ({ q: 'order_count >= 1' }),
    check: (result) => expect(result.count).toBeGreaterThanOrEqual(1),
  },
  {
    field: 'Query.segmentQueryValidate',
    allowed: READERS,
    operation: 'query($q: String!) { segmentQueryValidate(query: $q) { valid fields } }',
    variables: () => ({ q: "tags CONTAINS 'vip'" }),
    check: (result) => expect(result).toEqual({ valid: true, fields: ['tags'] }),
  },
  {
    field: 'Query.segmentFilters',
    allowed: READERS,
    operation: '{ segmentFilters { name type } }',
    check: (result) => expect(result.map((filter: { name: string }) => filter.name)).toContain('net_spent'),
  },
  {
    field: 'Query.lifecycleTransitions',
    allowed: READERS,
    operation: '{ lifecycleTransitions(since: "2000-01-01T00:00:00Z", until: "2002-01-01T00:00:00Z") { total breakdown { count } } }',
    check: (result) => expect(result).toEqual({ total: 0, breakdown: [] }),
  },
  {
    field: 'Query.lifecycleDistribution',
    allowed: READERS,
    operation: '{ lifecycleDistribution { stage members } }',
    check: (result) => expect(result).toHaveLength(6),
  },
  {
    field: 'Mutation.segmentCreate',
    allowed: WRITERS,
    operation: `mutation($input: SegmentCreateInput!) { segmentCreate(input: $input) ${SEGMENT} }`,
    variables: () => ({ input: { name: fresh('segment'), kind: 'DYNAMIC', query: 'order_count >= 1' } }),
    check: (result) => {
      payloadSucceeded(result);
      expect(result.segment).toMatchObject({ version: 1, kind: 'DYNAMIC' });
      expect(result.segment.count).toBeGreaterThanOrEqual(1);
    },
  },
  {
    field: 'Mutation.segmentUpdate',
    allowed: WRITERS,
    operation: `mutation($input: SegmentUpdateInput!) { segmentUpdate(input: $input) ${SEGMENT} }`,
    prepare: async (t, fx) => ({ input: { id: await createSegment(t, fx.tenant.keys.ADMIN), name: fresh('renamed') } }),
    check: (result) => {
      payloadSucceeded(result);
      expect(result.segment.version).toBe(2);
    },
  },
  {
    field: 'Mutation.segmentDelete',
    allowed: WRITERS,
    operation: `mutation($input: SegmentIdInput!) { segmentDelete(input: $input) ${SEGMENT} }`,
    prepare: async (t, fx) => ({ input: { id: await createSegment(t, fx.tenant.keys.ADMIN) } }),
    check: (result) => payloadSucceeded(result),
  },
  {
    field: 'Mutation.segmentRefresh',
    allowed: WRITERS,
    operation: 'mutation($input: SegmentIdInput!) { segmentRefresh(input: $input) { segment { count } entered exited userErrors { code } } }',
    prepare: async (t, fx) => ({ input: { id: await createSegment(t, fx.tenant.keys.ADMIN) } }),
    check: (result) => {
      payloadSucceeded(result);
      expect(result).toMatchObject({ exited: 0 });
      expect(result.segment.count).toBeGreaterThanOrEqual(1);
    },
  },
  {
    field: 'Mutation.segmentMembersAdd',
    allowed: WRITERS,
    operation: 'mutation($input: SegmentMembersInput!) { segmentMembersAdd(input: $input) { segment { count } changed userErrors { code } } }',
    prepare: async (t, fx) => ({ input: { id: await createSegment(t, fx.tenant.keys.ADMIN, 'STATIC'), memberIds: [fx.memberId] } }),
    check: (result) => {
      payloadSucceeded(result);
      expect(result).toMatchObject({ changed: 1, segment: { count: 1 } });
    },
  },
  {
    field: 'Mutation.segmentMembersRemove',
    allowed: WRITERS,
    operation: 'mutation($input: SegmentMembersInput!) { segmentMembersRemove(input: $input) { segment { count } changed userErrors { code } } }',
    prepare: async (t, fx) => ({ input: { id: await createSegment(t, fx.tenant.keys.ADMIN, 'STATIC'), memberIds: [fx.memberId] } }),
    check: (result) => {
      payloadSucceeded(result);
      expect(result).toMatchObject({ changed: 0, segment: { count: 0 } });
    },
  },
  {
    field: 'Mutation.segmentMembersImport',
    allowed: WRITERS,
    operation: 'mutation($input: SegmentMembersImportInput!) { segmentMembersImport(input: $input) { matched added unmatchedCount userErrors { code } } }',
    prepare: async (t, fx) => ({ input: { id: await createSegment(t, fx.tenant.keys.ADMIN, 'STATIC'), csv: 'channel,external_id\nAPP_USER,nobody-here\n' } }),
    check: (result) => {
      payloadSucceeded(result);
      expect(result).toMatchObject({ matched: 0, added: 0, unmatchedCount: 1 });
    },
  },
];
