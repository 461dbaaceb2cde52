import { fresh, INGESTERS, payloadSucceeded, READERS, WRITERS, type RootFieldRule } from '../role-rules';
import { earnPoints } from '../points-fixtures';

const CHANGE = '{ entry { id kind amount } userErrors { code } }';

/** Who may use the points programme's root fields. */
export const POINTS_RULES: RootFieldRule[] = [
  {
    field: 'Query.loyaltyProgram',
    allowed: READERS,
    operation: '{ loyaltyProgram { earnPoints expiryPolicy } }',
    check: (result) => expect(result).toEqual({ earnPoints: 1, expiryPolicy: 'END_OF_YEAR_AFTER' }),
  },
  {
    field: 'Query.pointsLiability',
    allowed: READERS,
    operation: '{ pointsLiability { points byExpiryMonth { key points } } }',
    // The fixture's paid order (25.00) earned 25 points.
    check: (result) => expect(result.points).toBeGreaterThanOrEqual(25),
  },
  {
    field: 'Query.pointsRules',
    allowed: READERS,
    operation: '{ pointsRules(first: 10) { totalCount } }',
    check: (result) => expect(result.totalCount).toBeGreaterThanOrEqual(0),
  },
  {
    field: 'Mutation.loyaltyProgramUpdate',
    allowed: WRITERS,
    operation: 'mutation($input: LoyaltyProgramUpdateInput!) { loyaltyProgramUpdate(input: $input) { loyaltyProgram { cardCodeTtlSeconds } userErrors { code } } }',
    variables: () => ({ input: { cardCodeTtlSeconds: 120 } }),
    check: (result) => {
      payloadSucceeded(result);
      expect(result.loyaltyProgram.cardCodeTtlSeconds).toBe(120);
    },
  },
  {
    field: 'Mutation.pointsRuleCreate',
    allowed: WRITERS,
    operation: 'mutation($input: PointsRuleInput!) { pointsRuleCreate(input: $input) { pointsRule { id name } userErrors { code } } }',
    variables: () => ({ input: { name: fresh('rule'), bonusPoints: 0 } }),
    check: (result) => {
      payloadSucceeded(result);
      expect(result.pointsRule.id).toEqual(expect.any(String));
    },
  },
  {
    field: 'Mutation.pointsRuleUpdate',
    allowed: WRITERS,
    operation: 'mutation($input: PointsRuleInput!) { pointsRuleUpdate(input: $input) { pointsRule { id active } userErrors { code } } }',
    prepare: async (t, fx) => {
      const created = await t.gql(
        'mutation($input: PointsRuleInput!) { pointsRuleCreate(input: $input) { pointsRule { id } } }',
        { input: { name: fresh('rule') } },
        { key: fx.tenant.keys.ADMIN },
      );
      return { input: { id: created.body.data.pointsRuleCreate.pointsRule.id, active: false } };
    },
    check: (result) => {
      payloadSucceeded(result);
      expect(result.pointsRule.active).toBe(false);
    },
  },
  {
    field: 'Mutation.pointsEarn',
    allowed: INGESTERS,
    operation: `mutation($input: PointsEarnInput!) { pointsEarn(input: $input) ${CHANGE} }`,
    variables: (fx) => ({ input: { memberId: fx.memberId, points: 5, reason: 'matrix', idempotencyKey: fresh('earn') } }),
    check: (result) => {
      payloadSucceeded(result);
      expect(result.entry).toMatchObject({ kind: 'EARN', amount: 5 });
    },
  },
  {
    field: 'Mutation.pointsRedeem',
    allowed: INGESTERS,
    operation: `mutation($input: PointsRedeemInput!) { pointsRedeem(input: $input) ${CHANGE} }`,
    // The fixture's order earned 25 points; 3 are spent per allowed call.
    variables: (fx) => ({ input: { memberId: fx.memberId, purpose: 'REWARD', reward: 'sticker', points: 3, idempotencyKey: fresh('redeem') } }),
    check: (result) => {
      payloadSucceeded(result);
      expect(result.entry).toMatchObject({ kind: 'REDEEM', amount: -3 });
    },
  },
  {
    field: 'Mutation.pointsAdjust',
    allowed: WRITERS,
    operation: `mutation($input: PointsAdjustInput!) { pointsAdjust(input: $input) ${CHANGE} }`,
    prepare: async (t, fx) => {
      await earnPoints(t, fx.tenant.keys.ADMIN, fx.memberId, 10);
      return { input: { memberId: fx.memberId, points: -4, reason: 'matrix', idempotencyKey: fresh('adjust') } };
    },
    check: (result) => {
      payloadSucceeded(result);
      expect(result.entry).toMatchObject({ kind: 'ADJUST', amount: -4 });
    },
  },
];
