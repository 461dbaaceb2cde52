import { fresh, INGESTERS, payloadSucceeded, READERS, WRITERS, type RootFieldRule } from '../role-rules';
import type { TestApp } from '../harness';

/** A template and a coupon of the fixture's member, made with the tenant's ADMIN key. */
async function couponOf(t: TestApp, key: string, memberId: string): Promise<{ templateId: string; couponId: string; code: string }> {
  const created = await t.gql(
    'mutation($input: CouponTemplateCreateInput!) { couponTemplateCreate(input: $input) { couponTemplate { id } } }',
    { input: { name: fresh('tpl'), kind: 'AMOUNT_OFF', amountOff: { amount: 500, currency: 'CNY' } } },
    { key },
  );
  const templateId = created.body.data.couponTemplateCreate.couponTemplate.id;
  const issued = await t.gql('mutation($input: CouponIssueInput!) { couponIssue(input: $input) { coupon { id code } } }', { input: { templateId, memberId } }, { key });
  return { templateId, couponId: issued.body.data.couponIssue.coupon.id, code: issued.body.data.couponIssue.coupon.code };
}

/** Who may use the coupon root fields. */
export const COUPON_RULES: RootFieldRule[] = [
  {
    field: 'Query.couponTemplates',
    allowed: READERS,
    operation: '{ couponTemplates(first: 10) { totalCount } }',
    prepare: async (t, fx) => {
      await couponOf(t, fx.tenant.keys.ADMIN, fx.memberId);
      return {};
    },
    check: (result) => expect(result.totalCount).toBeGreaterThanOrEqual(1),
  },
  {
    field: 'Query.coupon',
    allowed: [...READERS, 'INGEST'],
    operation: 'query($code: String!) { coupon(code: $code) { code status } }',
    prepare: async (t, fx) => ({ code: (await couponOf(t, fx.tenant.keys.ADMIN, fx.memberId)).code }),
    check: (result) => expect(result.status).toBe('AVAILABLE'),
  },
  {
    field: 'Mutation.couponTemplateCreate',
    allowed: WRITERS,
    operation: 'mutation($input: CouponTemplateCreateInput!) { couponTemplateCreate(input: $input) { couponTemplate { id } userErrors { code } } }',
    variables: () => ({ input: { name: fresh('tpl'), kind: 'FREE_SHIPPING' } }),
    check: payloadSucceeded,
  },
  {
    field: 'Mutation.couponTemplateUpdate',
    allowed: WRITERS,
    operation: 'mutation($input: CouponTemplateUpdateInput!) { couponTemplateUpdate(input: $input) { couponTemplate { active } userErrors { code } } }',
    prepare: async (t, fx) => ({ input: { id: (await couponOf(t, fx.tenant.keys.ADMIN, fx.memberId)).templateId, active: false } }),
    check: (result) => {
      payloadSucceeded(result);
      expect(result.couponTemplate.active).toBe(false);
    },
  },
  {
    field: 'Mutation.couponIssue',
    allowed: WRITERS,
    operation: 'mutation($input: CouponIssueInput!) { couponIssue(input: $input) { coupon { status } userErrors { code } } }',
    prepare: async (t, fx) => ({ input: { templateId: (await couponOf(t, fx.tenant.keys.ADMIN, fx.otherMemberId)).templateId, memberId: fx.memberId } }),
    check: (result) => {
      payloadSucceeded(result);
      expect(result.coupon.status).toBe('AVAILABLE');
    },
  },
  {
    field: 'Mutation.couponRedeem',
    allowed: INGESTERS,
    operation: 'mutation($input: CouponRedeemInput!) { couponRedeem(input: $input) { coupon { status discount } userErrors { code } } }',
    prepare: async (t, fx) => ({
      input: { code: (await couponOf(t, fx.tenant.keys.ADMIN, fx.memberId)).code, orderExternalId: fresh('till'), subtotal: { amount: 2000, currency: 'CNY' } },
    }),
    check: (result) => {
      payloadSucceeded(result);
      expect(result.coupon).toEqual({ status: 'REDEEMED', discount: { amount: 500, currency: 'CNY' } });
    },
  },
  {
    field: 'Mutation.couponVoid',
    allowed: WRITERS,
    operation: 'mutation($input: CouponVoidInput!) { couponVoid(input: $input) { coupon { status } userErrors { code } } }',
    prepare: async (t, fx) => ({ input: { id: (await couponOf(t, fx.tenant.keys.ADMIN, fx.memberId)).couponId } }),
    check: (result) => {
      payloadSucceeded(result);
      expect(result.coupon.status).toBe('VOID');
    },
  },
];
