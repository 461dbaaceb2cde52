import { fresh, payloadSucceeded, READERS, WRITERS, type RootFieldRule } from '../role-rules';
import type { TestApp } from '../harness';

const TIER = '{ tier { id code name retiredAt } userErrors { code } }';

// Thresholds are unique among a tenant's active tiers; every call gets its own.
let threshold = 7_000_000;
const nextThreshold = () => (threshold += 100);

async function createTier(t: TestApp, key: string): Promise<string> {
  const created = await t.gql(
    'mutation($input: TierCreateInput!) { tierCreate(input: $input) { tier { id } userErrors { code } } }',
    { input: { code: fresh('tier'), name: 'Matrix', threshold: nextThreshold() } },
    { key },
  );
  return created.body.data.tierCreate.tier.id;
}

/** Who may use the tiers' root fields. */
export const TIER_RULES: RootFieldRule[] = [
  {
    field: 'Query.tiers',
    allowed: READERS,
    operation: '{ tiers(first: 10) { totalCount nodes { code threshold } } }',
    check: (result) => expect(result.totalCount).toBe(result.nodes.length),
  },
  {
    field: 'Mutation.tierCreate',
    allowed: WRITERS,
    operation: `mutation($input: TierCreateInput!) { tierCreate(input: $input) ${TIER} }`,
    variables: () => ({ input: { code: fresh('tier'), name: 'Matrix', threshold: nextThreshold() } }),
    check: (result) => {
      payloadSucceeded(result);
      expect(result.tier).toMatchObject({ id: expect.any(String), name: 'Matrix', retiredAt: null });
    },
  },
  {
    field: 'Mutation.tierUpdate',
    allowed: WRITERS,
    operation: `mutation($input: TierUpdateInput!) { tierUpdate(input: $input) ${TIER} }`,
    prepare: async (t, fx) => ({ input: { id: await createTier(t, fx.tenant.keys.ADMIN), name: 'Renamed' } }),
    check: (result) => {
      payloadSucceeded(result);
      expect(result.tier.name).toBe('Renamed');
    },
  },
  {
    field: 'Mutation.tierRetire',
    allowed: WRITERS,
    operation: `mutation($input: TierRetireInput!) { tierRetire(input: $input) ${TIER} }`,
    prepare: async (t, fx) => ({ input: { id: await createTier(t, fx.tenant.keys.ADMIN) } }),
    check: (result) => {
      payloadSucceeded(result);
      expect(result.tier.retiredAt).toEqual(expect.any(String));
    },
  },
];
