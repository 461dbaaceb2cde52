import {
  CouponIssueDocument,
  CouponRedeemDocument,
  CouponTemplateByIdDocument,
  CouponTemplateCreateDocument,
  CouponTemplateUpdateDocument,
  MemberCouponsDocument,
  type CouponIssueInput,
  type CouponTemplateCreateInput,
} from './generated/graphql';
import { dataOf, startTestApp, type TestApp, type TestTenant } from './support/harness';
import { createMember } from './support/access-fixtures';
import { nextId } from './support/activity-fixtures';

/** Stock, per-member limits and once-only redemption, with many requests truly in flight at once. */
let t: TestApp;
let tenant: TestTenant;

beforeAll(async () => {
  t = await startTestApp();
  tenant = await t.tenant();
});
afterAll(async () => {
  await t.close();
});

const cny = (amount: number) => ({ amount, currency: 'CNY' });

async function template(input: Partial<CouponTemplateCreateInput>) {
  const full = { name: nextId('tpl'), kind: 'AMOUNT_OFF', amountOff: cny(500), ...input } as CouponTemplateCreateInput;
  const payload = dataOf(await t.gql(CouponTemplateCreateDocument, { input: full }, { key: tenant.keys.ADMIN })).couponTemplateCreate;
  expect(payload.userErrors).toEqual([]);
  return payload.couponTemplate!;
}
const tryIssue = async (input: CouponIssueInput) => dataOf(await t.gql(CouponIssueDocument, { input }, { key: tenant.keys.ADMIN })).couponIssue;
const templateNow = async (id: string) => dataOf(await t.gql(CouponTemplateByIdDocument, { id }, { key: tenant.keys.ADMIN })).node as { issuedCount: number; remainingStock: number | null };
const couponsOf = async (memberId: string) => dataOf(await t.gql(MemberCouponsDocument, { id: memberId, first: 250 }, { key: tenant.keys.ADMIN })).member!.coupons;
const codes = (results: { userErrors: { code: string }[] }[]) => results.map((result) => result.userErrors[0]?.code ?? 'OK');
const tally = (values: string[]) => values.reduce<Record<string, number>>((counts, value) => ({ ...counts, [value]: (counts[value] ?? 0) + 1 }), {});

test('50 parallel issues to 50 members against a stock of 10 issue exactly 10', async () => {
  const tpl = await template({ totalStock: 10 });
  const members = await Promise.all(Array.from({ length: 50 }, () => createMember(t, tenant.keys.ADMIN)));
  const results = await Promise.all(members.map((memberId) => tryIssue({ templateId: tpl.id, memberId })));
  expect(tally(codes(results))).toEqual({ OK: 10, OUT_OF_STOCK: 40 });
  expect(await templateNow(tpl.id)).toMatchObject({ issuedCount: 10, remainingStock: 0 });
  const holders = await Promise.all(members.map(async (memberId) => (await couponsOf(memberId)).totalCount));
  expect(holders.reduce((sum, n) => sum + n, 0)).toBe(10);
  // The stock can grow again, but never shrink below what was issued.
  const raised = dataOf(await t.gql(CouponTemplateUpdateDocument, { input: { id: tpl.id, totalStock: 12 } }, { key: tenant.keys.ADMIN })).couponTemplateUpdate;
  expect(raised.couponTemplate).toMatchObject({ issuedCount: 10, remainingStock: 2 });
});

test('stock and a shrinking stock race: issues and updates never oversell', async () => {
  const tpl = await template({ totalStock: 30 });
  const members = await Promise.all(Array.from({ length: 30 }, () => createMember(t, tenant.keys.ADMIN)));
  const update = (totalStock: number) =>
    t.gql(CouponTemplateUpdateDocument, { input: { id: tpl.id, totalStock } }, { key: tenant.keys.ADMIN }).then((r) => dataOf(r).couponTemplateUpdate);
  const [issues, updates] = await Promise.all([
    Promise.all(members.map((memberId) => tryIssue({ templateId: tpl.id, memberId }))),
    Promise.all([15, 12, 20, 15].map(update)),
  ]);
  const issued = issues.filter((result) => result.coupon).length;
  const after = await templateNow(tpl.id);
  expect(after.issuedCount).toBe(issued);
  expect(after.remainingStock).toBeGreaterThanOrEqual(0);
  // A refused shrink said why; an accepted one never went below what was issued at that moment.
  for (const result of updates) {
    if (result.userErrors.length) expect(result.userErrors).toEqual([expect.objectContaining({ field: ['input', 'totalStock'], code: 'INVALID' })]);
  }
  expect(issues.every((result) => result.coupon || result.userErrors[0]?.code === 'OUT_OF_STOCK')).toBe(true);
});

test('20 parallel issues to one member with a limit of 3 issue exactly 3', async () => {
  const tpl = await template({ perMemberLimit: 3, totalStock: 100 });
  const memberId = await createMember(t, tenant.keys.ADMIN);
  const results = await Promise.all(Array.from({ length: 20 }, () => tryIssue({ templateId: tpl.id, memberId })));
  expect(tally(codes(results))).toEqual({ OK: 3, LIMIT_REACHED: 17 });
  expect((await couponsOf(memberId)).totalCount).toBe(3);
  // Refusals gave their stock back.
  expect(await templateNow(tpl.id)).toMatchObject({ issuedCount: 3, remainingStock: 97 });
});

test('20 parallel issues with one idempotency key issue one coupon and all answer with it', async () => {
  const tpl = await template({ perMemberLimit: 20 });
  const memberId = await createMember(t, tenant.keys.ADMIN);
  const idempotencyKey = nextId('same');
  const results = await Promise.all(Array.from({ length: 20 }, () => tryIssue({ templateId: tpl.id, memberId, idempotencyKey })));
  expect(results.map((result) => result.userErrors)).toEqual(Array(20).fill([]));
  expect(new Set(results.map((result) => result.coupon!.id)).size).toBe(1);
  expect((await couponsOf(memberId)).totalCount).toBe(1);
  expect(await templateNow(tpl.id)).toMatchObject({ issuedCount: 1 });
});

test('20 tills redeeming one coupon on different orders at once: exactly one wins; retries of the winner agree', async () => {
  const tpl = await template({});
  const memberId = await createMember(t, tenant.keys.ADMIN);
  const coupon = dataOf(await t.gql(CouponIssueDocument, { input: { templateId: tpl.id, memberId } }, { key: tenant.keys.ADMIN })).couponIssue.coupon!;
  const redeem = (orderExternalId: string) =>
    t.gql(CouponRedeemDocument, { input: { code: coupon.code, orderExternalId, subtotal: cny(2000) } }, { key: tenant.keys.INGEST }).then((r) => dataOf(r).couponRedeem);
  const results = await Promise.all(Array.from({ length: 20 }, (_, i) => redeem(`till-${i}`)));
  expect(tally(codes(results))).toEqual({ OK: 1, COUPON_REDEEMED: 19 });
  const winner = results.find((result) => result.coupon)!.coupon!;
  expect(winner).toMatchObject({ status: 'REDEEMED', discount: cny(500) });

  const retries = await Promise.all(Array.from({ length: 10 }, () => redeem(winner.orderExternalId!)));
  expect(retries.map((result) => result.coupon)).toEqual(Array(10).fill(winner));
  expect((await couponsOf(memberId)).nodes).toEqual([expect.objectContaining({ id: coupon.id, status: 'REDEEMED', orderExternalId: winner.orderExternalId, redeemedAt: winner.redeemedAt })]);
});
