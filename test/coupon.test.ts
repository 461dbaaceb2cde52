import {
  CouponByCodeDocument,
  CouponByIdDocument,
  CouponIssueDocument,
  CouponRedeemDocument,
  CouponTemplateByIdDocument,
  CouponTemplateCreateDocument,
  CouponTemplatesDocument,
  CouponTemplateUpdateDocument,
  CouponVoidDocument,
  MemberCouponsDocument,
  MemberEraseDocument,
  MemberMergeDocument,
  MembersCouponsDocument,
  MemberTokenCreateDocument,
  PointsRedeemCouponDocument,
  type CouponIssueInput,
  type CouponRedeemInput,
  type CouponStatus,
  type CouponTemplateCreateInput,
  type CouponTemplateUpdateInput,
} from './generated/graphql';
import { dataOf, dbIdOf, startTestApp, type TestApp, type TestTenant } from './support/harness';
import { createMember, missingId } from './support/access-fixtures';
import { nextId, orderInput, recordOrder } from './support/activity-fixtures';
import { earnPoints, pointsOf } from './support/points-fixtures';

let t: TestApp;
let tenant: TestTenant;

beforeAll(async () => {
  t = await startTestApp();
  tenant = await t.tenant();
});
afterAll(async () => {
  await t.close();
});

const DAY = 86_400_000;
const cny = (amount: number) => ({ amount, currency: 'CNY' });
const inDays = (days: number) => new Date(Date.now() + days * DAY).toISOString();
/** Time travel only: moves a coupon's validity window (the API never writes the past). */
const backdate = (couponId: string, validFrom: Date, validUntil: Date) =>
  t.orm.em.getConnection().execute('update coupon set valid_from = ?, valid_until = ? where id = ?', [validFrom, validUntil, dbIdOf(couponId)]);

async function tryTemplate(input: Partial<CouponTemplateCreateInput>, own = tenant) {
  const full = { name: nextId('tpl'), kind: 'AMOUNT_OFF', ...input } as CouponTemplateCreateInput;
  return dataOf(await t.gql(CouponTemplateCreateDocument, { input: full }, { key: own.keys.ADMIN })).couponTemplateCreate;
}
/** An AMOUNT_OFF template of 10.00 unless `input` says otherwise. */
async function template(input: Partial<CouponTemplateCreateInput> = {}, own = tenant) {
  const payload = await tryTemplate(input.kind && input.kind !== 'AMOUNT_OFF' ? input : { amountOff: cny(1000), ...input }, own);
  expect(payload.userErrors).toEqual([]);
  return payload.couponTemplate!;
}
const tryUpdate = async (input: CouponTemplateUpdateInput, own = tenant) => dataOf(await t.gql(CouponTemplateUpdateDocument, { input }, { key: own.keys.ADMIN })).couponTemplateUpdate;
const templateNow = async (id: string, own = tenant) => dataOf(await t.gql(CouponTemplateByIdDocument, { id }, { key: own.keys.ANALYST })).node as { issuedCount: number; remainingStock: number | null };
const tryIssue = async (input: CouponIssueInput, own = tenant) => dataOf(await t.gql(CouponIssueDocument, { input }, { key: own.keys.ADMIN })).couponIssue;
async function issue(templateId: string, memberId: string, own = tenant) {
  const payload = await tryIssue({ templateId, memberId }, own);
  expect(payload.userErrors).toEqual([]);
  return payload.coupon!;
}
async function tryRedeem(input: Partial<CouponRedeemInput> & { code: string }, own = tenant) {
  const full = { orderExternalId: nextId('pos'), subtotal: cny(10000), ...input };
  return dataOf(await t.gql(CouponRedeemDocument, { input: full }, { key: own.keys.INGEST })).couponRedeem;
}
const tryVoid = async (id: string, own = tenant) => dataOf(await t.gql(CouponVoidDocument, { input: { id } }, { key: own.keys.ADMIN })).couponVoid;
const couponNow = async (id: string, own = tenant) => dataOf(await t.gql(CouponByIdDocument, { id }, { key: own.keys.ADMIN })).node as { status: CouponStatus; redeemedAt: string | null };
const codesOf = (payload: { userErrors: { code: string; field?: string[] | null }[] }) => payload.userErrors.map((error) => [error.field?.[1], error.code]);
async function memberCoupons(memberId: string, status?: CouponStatus, own = tenant) {
  return dataOf(await t.gql(MemberCouponsDocument, { id: memberId, status, first: 50 }, { key: own.keys.ADMIN })).member!.coupons;
}

describe('templates', () => {
  test('bad templates are refused field by field, and none is written', async () => {
    const own = await t.tenant();
    const cases: [Partial<CouponTemplateCreateInput>, [string, string][]][] = [
      [{ kind: 'AMOUNT_OFF' }, [['amountOff', 'INVALID']]],
      [{ kind: 'AMOUNT_OFF', amountOff: cny(0) }, [['amountOff', 'INVALID']]],
      [{ kind: 'AMOUNT_OFF', amountOff: { amount: 500, currency: 'USD' } }, [['amountOff', 'CURRENCY_MISMATCH']]],
      [{ kind: 'AMOUNT_OFF', amountOff: cny(500), maxDiscount: cny(100) }, [['maxDiscount', 'INVALID']]],
      [{ kind: 'AMOUNT_OFF', amountOff: cny(500), percentOff: 10 }, [['percentOff', 'INVALID']]],
      [{ kind: 'PERCENT_OFF' }, [['percentOff', 'INVALID']]],
      [{ kind: 'PERCENT_OFF', percentOff: 0 }, [['percentOff', 'INVALID']]],
      [{ kind: 'PERCENT_OFF', percentOff: 101 }, [['percentOff', 'INVALID']]],
      [{ kind: 'PERCENT_OFF', percentOff: 10, amountOff: cny(100) }, [['amountOff', 'INVALID']]],
      [{ kind: 'PERCENT_OFF', percentOff: 10, maxDiscount: cny(0) }, [['maxDiscount', 'INVALID']]],
      [{ kind: 'FREE_SHIPPING', amountOff: cny(100) }, [['amountOff', 'INVALID']]],
      [{ kind: 'FREE_SHIPPING', minSpend: cny(-1) }, [['minSpend', 'INVALID']]],
      [{ kind: 'FREE_SHIPPING', minSpend: { amount: 100, currency: 'EUR' } }, [['minSpend', 'CURRENCY_MISMATCH']]],
      [{ kind: 'FREE_SHIPPING', perMemberLimit: 0 }, [['perMemberLimit', 'INVALID']]],
      [{ kind: 'FREE_SHIPPING', totalStock: -1 }, [['totalStock', 'INVALID']]],
      [{ kind: 'FREE_SHIPPING', pointsCost: 0 }, [['pointsCost', 'INVALID']]],
      [{ kind: 'FREE_SHIPPING', validDays: 0 }, [['validDays', 'INVALID']]],
      [{ kind: 'FREE_SHIPPING', validFrom: inDays(2), validUntil: inDays(1) }, [['validUntil', 'INVALID']]],
      [{ kind: 'FREE_SHIPPING', validUntil: inDays(-1) }, [['validUntil', 'INVALID']]],
      [{ kind: 'FREE_SHIPPING', name: '  ' }, [['name', 'INVALID']]],
      [{ kind: 'FREE_SHIPPING', name: 'x'.repeat(201) }, [['name', 'INVALID']]],
      [{ kind: 'AMOUNT_OFF', perMemberLimit: 0, pointsCost: -5 }, [['perMemberLimit', 'INVALID'], ['pointsCost', 'INVALID']]],
    ];
    for (const [input, expected] of cases) {
      const payload = await tryTemplate(input, own);
      expect({ input, errors: codesOf(payload), template: payload.couponTemplate }).toEqual({ input, errors: expected, template: null });
    }
    expect(dataOf(await t.gql(CouponTemplatesDocument, { first: 10 }, { key: own.keys.ADMIN })).couponTemplates.totalCount).toBe(0);
  });

  test('each kind shows what it takes off; the list pages newest first and filters by active', async () => {
    const own = await t.tenant();
    const amount = await template({ name: 'Ten off', minSpend: cny(5000), totalStock: 100, perMemberLimit: 2, pointsCost: 300 }, own);
    expect(amount).toMatchObject({
      name: 'Ten off',
      kind: 'AMOUNT_OFF',
      amountOff: cny(1000),
      percentOff: null,
      maxDiscount: null,
      minSpend: cny(5000),
      totalStock: 100,
      issuedCount: 0,
      remainingStock: 100,
      perMemberLimit: 2,
      pointsCost: 300,
      active: true,
    });
    const percent = await template({ kind: 'PERCENT_OFF', percentOff: 15, maxDiscount: cny(2000), validDays: 30 }, own);
    expect(percent).toMatchObject({ kind: 'PERCENT_OFF', amountOff: null, percentOff: 15, maxDiscount: cny(2000), minSpend: cny(0), validDays: 30, totalStock: null, remainingStock: null, pointsCost: null });
    const shipping = await template({ kind: 'FREE_SHIPPING', active: false, validFrom: inDays(1), validUntil: inDays(10) }, own);
    expect(shipping).toMatchObject({ kind: 'FREE_SHIPPING', amountOff: null, percentOff: null, perMemberLimit: 1, active: false });

    const list = (variables: { active?: boolean; first?: number; after?: string | null }) => t.gql(CouponTemplatesDocument, variables, { key: own.keys.ANALYST }).then((r) => dataOf(r).couponTemplates);
    const page1 = await list({ first: 2 });
    expect(page1.nodes.map((node) => node.id)).toEqual([shipping.id, percent.id]);
    expect(page1.totalCount).toBe(3);
    const page2 = await list({ first: 2, after: page1.pageInfo.endCursor });
    expect(page2.nodes.map((node) => node.id)).toEqual([amount.id]);
    expect(page2.pageInfo.hasNextPage).toBe(false);
    expect((await list({ active: false })).nodes.map((node) => node.id)).toEqual([shipping.id]);
    expect((await list({ active: true })).nodes.map((node) => node.id)).toEqual([percent.id, amount.id]);
  });

  test('before any issue everything may change; after, what a coupon takes off is fixed and stock never falls below what was issued', async () => {
    const tpl = await template({ totalStock: 5 });
    const rekinded = await tryUpdate({ id: tpl.id, kind: 'PERCENT_OFF', percentOff: 20 });
    expect(rekinded.userErrors).toEqual([]);
    expect(rekinded.couponTemplate).toMatchObject({ kind: 'PERCENT_OFF', percentOff: 20, amountOff: null });
    await issue(tpl.id, await createMember(t, tenant.keys.ADMIN));
    await issue(tpl.id, await createMember(t, tenant.keys.ADMIN));

    const fixed: [CouponTemplateUpdateInput, string][] = [
      [{ id: tpl.id, kind: 'AMOUNT_OFF', amountOff: cny(100), percentOff: null }, 'kind'],
      [{ id: tpl.id, percentOff: 25 }, 'percentOff'],
      [{ id: tpl.id, maxDiscount: cny(100) }, 'maxDiscount'],
      [{ id: tpl.id, minSpend: cny(100) }, 'minSpend'],
    ];
    for (const [input, field] of fixed) expect(codesOf(await tryUpdate(input))).toContainEqual([field, 'INVALID_TRANSITION']);
    expect(codesOf(await tryUpdate({ id: tpl.id, totalStock: 1 }))).toEqual([['totalStock', 'INVALID']]);
    expect(codesOf(await tryUpdate({ id: tpl.id, name: '' }))).toEqual([['name', 'INVALID']]);
    // Restating a fixed value is not a change.
    const renamed = await tryUpdate({ id: tpl.id, percentOff: 20, totalStock: 2, name: 'Renamed', pointsCost: 50, perMemberLimit: 4 });
    expect(renamed.userErrors).toEqual([]);
    expect(renamed.couponTemplate).toMatchObject({ name: 'Renamed', percentOff: 20, totalStock: 2, issuedCount: 2, remainingStock: 0, pointsCost: 50, perMemberLimit: 4 });
    const unlimited = await tryUpdate({ id: tpl.id, totalStock: null, pointsCost: null, active: false });
    expect(unlimited.couponTemplate).toMatchObject({ totalStock: null, remainingStock: null, pointsCost: null, active: false });
    expect(codesOf(await tryUpdate({ id: missingId('CouponTemplate'), name: 'x' }))).toEqual([['id', 'NOT_FOUND']]);
    expect(codesOf(await tryUpdate({ id: 'garbage', name: 'x' }))).toEqual([['id', 'NOT_FOUND']]);
  });
});

describe('issuing', () => {
  test('a coupon gets an unambiguous code and its validity from the template', async () => {
    const memberId = await createMember(t, tenant.keys.ADMIN);
    const until = inDays(5);
    const tpl = await template({ validDays: 30, validUntil: until, totalStock: 3, perMemberLimit: 2 });
    const before = Date.now();
    const coupon = await issue(tpl.id, memberId);
    expect(coupon).toMatchObject({ status: 'AVAILABLE', source: 'ADMIN', member: { id: memberId }, template: { id: tpl.id }, discount: null, redeemedAt: null, freeShipping: false });
    expect(coupon.code).toMatch(/^[2-9A-HJKMNP-Z]{12}$/);
    expect(Date.parse(coupon.validFrom)).toBeGreaterThanOrEqual(before - 1000);
    // 30 days after issue, but no later than the template's end.
    expect(coupon.validUntil).toBe(until);
    const relative = await issue((await template({ validDays: 7 })).id, memberId);
    expect(Date.parse(relative.validUntil!) - Date.parse(relative.validFrom)).toBe(7 * DAY);
    const later = await issue((await template({ validFrom: inDays(2), validDays: 3 })).id, memberId);
    expect(Date.parse(later.validFrom)).toBeGreaterThan(Date.now() + DAY);
    expect(Date.parse(later.validUntil!) - Date.parse(later.validFrom)).toBe(3 * DAY);
    expect(await templateNow(tpl.id)).toMatchObject({ issuedCount: 1, remainingStock: 2 });
  });

  test('every refusal has its code, and none takes stock', async () => {
    const memberId = await createMember(t, tenant.keys.ADMIN);
    const tpl = await template({ totalStock: 2, perMemberLimit: 1 });
    await issue(tpl.id, memberId);
    expect(codesOf(await tryIssue({ templateId: tpl.id, memberId }))).toEqual([['memberId', 'LIMIT_REACHED']]);
    expect(codesOf(await tryIssue({ templateId: missingId('CouponTemplate'), memberId }))).toEqual([['templateId', 'NOT_FOUND']]);
    expect(codesOf(await tryIssue({ templateId: tpl.id, memberId: missingId('Member') }))).toEqual([['memberId', 'NOT_FOUND']]);
    expect(codesOf(await tryIssue({ templateId: tpl.id, memberId, idempotencyKey: ' ' }))).toEqual([['idempotencyKey', 'INVALID']]);
    const erased = await createMember(t, tenant.keys.ADMIN);
    expect(dataOf(await t.gql(MemberEraseDocument, { input: { id: erased } }, { key: tenant.keys.OWNER })).memberErase.userErrors).toEqual([]);
    expect(codesOf(await tryIssue({ templateId: tpl.id, memberId: erased }))).toEqual([['memberId', 'MEMBER_ERASED']]);
    expect(await templateNow(tpl.id)).toMatchObject({ issuedCount: 1, remainingStock: 1 });
    await issue(tpl.id, await createMember(t, tenant.keys.ADMIN));
    expect(codesOf(await tryIssue({ templateId: tpl.id, memberId: await createMember(t, tenant.keys.ADMIN) }))).toEqual([['templateId', 'OUT_OF_STOCK']]);
    expect(await templateNow(tpl.id)).toMatchObject({ issuedCount: 2, remainingStock: 0 });

    const off = await template({ active: false });
    expect(codesOf(await tryIssue({ templateId: off.id, memberId }))).toEqual([['templateId', 'INACTIVE']]);
    const ended = await template({ validUntil: inDays(1) });
    await t.orm.em.getConnection().execute('update coupon_template set valid_until = ? where id = ?', [new Date(Date.now() - 1000), dbIdOf(ended.id)]);
    expect(codesOf(await tryIssue({ templateId: ended.id, memberId }))).toEqual([['templateId', 'EXPIRED']]);
    expect(await templateNow(ended.id)).toMatchObject({ issuedCount: 0 });
    expect((await memberCoupons(memberId)).totalCount).toBe(1);
  });

  test('an idempotency key issues once; with another template or member it is a conflict', async () => {
    const memberId = await createMember(t, tenant.keys.ADMIN);
    const tpl = await template({ perMemberLimit: 5 });
    const idempotencyKey = nextId('issue');
    const first = await tryIssue({ templateId: tpl.id, memberId, idempotencyKey });
    const again = await tryIssue({ templateId: tpl.id, memberId, idempotencyKey });
    expect(again).toEqual(first);
    expect(await templateNow(tpl.id)).toMatchObject({ issuedCount: 1 });
    expect(codesOf(await tryIssue({ templateId: (await template()).id, memberId, idempotencyKey }))).toEqual([['idempotencyKey', 'IDEMPOTENCY_CONFLICT']]);
    const someoneElse = await createMember(t, tenant.keys.ADMIN);
    expect(codesOf(await tryIssue({ templateId: tpl.id, memberId: someoneElse, idempotencyKey }))).toEqual([['idempotencyKey', 'IDEMPOTENCY_CONFLICT']]);
    expect(await templateNow(tpl.id)).toMatchObject({ issuedCount: 1 });
    expect((await memberCoupons(someoneElse)).totalCount).toBe(0);
  });

  test('a merged member id issues to the survivor', async () => {
    const survivor = await createMember(t, tenant.keys.ADMIN);
    const merged = await createMember(t, tenant.keys.ADMIN);
    expect(dataOf(await t.gql(MemberMergeDocument, { input: { survivorId: survivor, mergedId: merged } }, { key: tenant.keys.ADMIN })).memberMerge.userErrors).toEqual([]);
    const coupon = await issue((await template()).id, merged);
    expect(coupon.member).toEqual({ id: survivor });
  });
});

describe('redeeming', () => {
  test('amount off, percent off (rounded down, capped) and free shipping', async () => {
    const memberId = await createMember(t, tenant.keys.ADMIN);
    const amount = await issue((await template({ amountOff: cny(1000), perMemberLimit: 2 })).id, memberId);
    const small = await issue((await template({ amountOff: cny(1000) })).id, memberId);
    const percentTpl = await template({ kind: 'PERCENT_OFF', percentOff: 15, maxDiscount: cny(1200), perMemberLimit: 2 });
    const percent = await issue(percentTpl.id, memberId);
    const capped = await issue(percentTpl.id, memberId);
    const uncapped = await issue((await template({ kind: 'PERCENT_OFF', percentOff: 33 })).id, memberId);
    const shipping = await issue((await template({ kind: 'FREE_SHIPPING' })).id, memberId);
    expect(shipping.freeShipping).toBe(true);

    const redeemed = await tryRedeem({ code: amount.code, orderExternalId: 'web-1', subtotal: cny(5000), memberId });
    expect(redeemed.userErrors).toEqual([]);
    expect(redeemed.coupon).toMatchObject({ id: amount.id, status: 'REDEEMED', discount: cny(1000), orderExternalId: 'web-1', freeShipping: false });
    expect(Date.parse(redeemed.coupon!.redeemedAt!)).toBeGreaterThan(Date.now() - 60_000);
    // Never more than the subtotal.
    expect((await tryRedeem({ code: small.code, subtotal: cny(600) })).coupon!.discount).toEqual(cny(600));
    expect((await tryRedeem({ code: percent.code, subtotal: cny(4999) })).coupon!.discount).toEqual(cny(749));
    expect((await tryRedeem({ code: capped.code, subtotal: cny(100000) })).coupon!.discount).toEqual(cny(1200));
    expect((await tryRedeem({ code: uncapped.code, subtotal: cny(1001) })).coupon!.discount).toEqual(cny(330));
    expect((await tryRedeem({ code: shipping.code.toLowerCase(), subtotal: cny(0) })).coupon).toMatchObject({ discount: cny(0), freeShipping: true, status: 'REDEEMED' });
  });

  test('a retry for the same order answers the same and writes nothing; another order is refused', async () => {
    const memberId = await createMember(t, tenant.keys.ADMIN);
    const coupon = await issue((await template()).id, memberId);
    const first = await tryRedeem({ code: coupon.code, orderExternalId: 'pos-7', subtotal: cny(3000) });
    const retry = await tryRedeem({ code: coupon.code, orderExternalId: 'pos-7', subtotal: cny(3000) });
    expect(retry).toEqual(first);
    expect((await couponNow(coupon.id)).redeemedAt).toBe(first.coupon!.redeemedAt);
    expect(codesOf(await tryRedeem({ code: coupon.code, orderExternalId: 'pos-8' }))).toEqual([['code', 'COUPON_REDEEMED']]);
    expect(codesOf(await tryVoid(coupon.id))).toEqual([['id', 'COUPON_REDEEMED']]);
    expect((await memberCoupons(memberId, 'REDEEMED')).nodes).toEqual([expect.objectContaining({ id: coupon.id, orderExternalId: 'pos-7', discount: cny(1000) })]);
  });

  test('every refusal has its code and leaves the coupon available', async () => {
    const memberId = await createMember(t, tenant.keys.ADMIN);
    const other = await createMember(t, tenant.keys.ADMIN);
    const coupon = await issue((await template({ minSpend: cny(5000) })).id, memberId);
    const refusals: [Partial<CouponRedeemInput>, [string, string]][] = [
      [{ subtotal: cny(4999) }, ['subtotal', 'MIN_SPEND_NOT_MET']],
      [{ subtotal: { amount: 9000, currency: 'USD' } }, ['subtotal', 'CURRENCY_MISMATCH']],
      [{ subtotal: cny(-1) }, ['subtotal', 'INVALID']],
      [{ orderExternalId: ' ' }, ['orderExternalId', 'INVALID']],
      [{ orderExternalId: 'x'.repeat(101) }, ['orderExternalId', 'INVALID']],
      [{ memberId: other }, ['memberId', 'MEMBER_MISMATCH']],
      [{ memberId: missingId('Member') }, ['memberId', 'NOT_FOUND']],
      [{ orderExternalId: (await recordOrder(t, tenant.keys.INGEST, orderInput(other))).externalId }, ['orderExternalId', 'MEMBER_MISMATCH']],
    ];
    for (const [input, expected] of refusals) {
      expect({ input, errors: codesOf(await tryRedeem({ code: coupon.code, ...input })) }).toEqual({ input, errors: [expected] });
    }
    expect(codesOf(await tryRedeem({ code: 'NOSUCHCODE22' }))).toEqual([['code', 'NOT_FOUND']]);
    expect(await couponNow(coupon.id)).toMatchObject({ status: 'AVAILABLE', redeemedAt: null });
    // The member's own recorded order is fine.
    const own = await recordOrder(t, tenant.keys.INGEST, orderInput(memberId));
    expect((await tryRedeem({ code: coupon.code, orderExternalId: own.externalId, memberId })).coupon).toMatchObject({ status: 'REDEEMED', discount: cny(1000) });
  });

  test('void, expired and not yet valid coupons are refused', async () => {
    const memberId = await createMember(t, tenant.keys.ADMIN);
    const tpl = await template({ perMemberLimit: 3 });
    const voided = await issue(tpl.id, memberId);
    const voidedNow = await tryVoid(voided.id);
    expect(voidedNow.coupon).toMatchObject({ status: 'VOID', voidedAt: expect.any(String) });
    expect(await tryVoid(voided.id)).toEqual(voidedNow);
    expect(codesOf(await tryRedeem({ code: voided.code }))).toEqual([['code', 'COUPON_VOID']]);
    expect(codesOf(await tryVoid(missingId('Coupon')))).toEqual([['id', 'NOT_FOUND']]);

    const expired = await issue(tpl.id, memberId);
    await backdate(expired.id, new Date(Date.now() - 10 * DAY), new Date(Date.now() - DAY));
    expect(codesOf(await tryRedeem({ code: expired.code }))).toEqual([['code', 'EXPIRED']]);
    const early = await issue((await template({ validFrom: inDays(1), validUntil: inDays(9) })).id, memberId);
    expect(early.status).toBe('AVAILABLE');
    expect(codesOf(await tryRedeem({ code: early.code }))).toEqual([['code', 'NOT_YET_VALID']]);

    const statuses = (await memberCoupons(memberId)).nodes.map((node) => [node.id, node.status]);
    expect(statuses).toEqual([
      [early.id, 'AVAILABLE'],
      [expired.id, 'EXPIRED'],
      [voided.id, 'VOID'],
    ]);
    for (const [status, ids] of [
      ['AVAILABLE', [early.id]],
      ['EXPIRED', [expired.id]],
      ['VOID', [voided.id]],
      ['REDEEMED', []],
    ] as const) {
      const page = await memberCoupons(memberId, status);
      expect({ status, ids: page.nodes.map((node) => node.id), total: page.totalCount }).toEqual({ status, ids, total: ids.length });
    }
  });
});

describe('reading', () => {
  test('a till looks a code up in any case; member.coupons pages newest first', async () => {
    const memberId = await createMember(t, tenant.keys.ADMIN);
    const tpl = await template({ perMemberLimit: 5 });
    const coupons = [];
    for (let i = 0; i < 5; i++) coupons.push(await issue(tpl.id, memberId));
    const found = dataOf(await t.gql(CouponByCodeDocument, { code: ` ${coupons[0]!.code.toLowerCase()} ` }, { key: tenant.keys.INGEST })).coupon;
    expect(found).toMatchObject({ id: coupons[0]!.id, template: { id: tpl.id, name: tpl.name }, member: { id: memberId } });
    expect(dataOf(await t.gql(CouponByCodeDocument, { code: 'NOSUCHCODE22' }, { key: tenant.keys.ANALYST })).coupon).toBeNull();

    const newestFirst = [...coupons].reverse().map((coupon) => coupon.id);
    const page = (after?: string | null) => t.gql(MemberCouponsDocument, { id: memberId, first: 2, after }, { key: tenant.keys.ANALYST }).then((r) => dataOf(r).member!.coupons);
    const seen: string[] = [];
    let after: string | null | undefined;
    do {
      const current = await page(after);
      expect(current.totalCount).toBe(5);
      seen.push(...current.nodes.map((node) => node.id));
      after = current.pageInfo.hasNextPage ? current.pageInfo.endCursor : null;
    } while (after);
    expect(seen).toEqual(newestFirst);
  });

  test('a member token reads its own coupons through viewer, and no one else’s', async () => {
    const memberId = await createMember(t, tenant.keys.ADMIN);
    const other = await createMember(t, tenant.keys.ADMIN);
    const tpl = await template();
    const mine = await issue(tpl.id, memberId);
    await issue(tpl.id, other);
    const token = dataOf(await t.gql(MemberTokenCreateDocument, { input: { memberId } }, { key: tenant.keys.ADMIN })).memberTokenCreate.token!;
    // The viewer shape is `viewer { member { ... } }` (issue 4) or, before that change, the member itself.
    const selection = '{ id coupons(first: 10) { totalCount nodes { id code status template { name } } } }';
    let response = await t.gql(`{ viewer { member ${selection} } }`, {}, { key: token });
    const nested = !response.body.errors;
    if (!nested) response = await t.gql(`{ viewer ${selection} }`, {}, { key: token });
    const viewer = nested ? dataOf(response).viewer.member : dataOf(response).viewer;
    expect(viewer).toEqual({ id: memberId, coupons: { totalCount: 1, nodes: [{ id: mine.id, code: mine.code, status: 'AVAILABLE', template: { name: tpl.name } }] } });
    // Admin queries stay closed to the token.
    const refused = await t.gql(CouponByCodeDocument, { code: mine.code }, { key: token });
    expect(refused.body.data?.coupon ?? null).toBeNull();
    expect(refused.body.errors?.map((error) => error.extensions?.code)).toEqual(['FORBIDDEN']);
  });
});

describe('points', () => {
  test('bought with points: coupon and points move together, or neither does', async () => {
    const memberId = await createMember(t, tenant.keys.ADMIN);
    await earnPoints(t, tenant.keys.INGEST, memberId, 250);
    const tpl = await template({ pointsCost: 100, totalStock: 1 });
    const buy = (idempotencyKey: string, points?: number, couponTemplateId = tpl.id) =>
      t.gql(PointsRedeemCouponDocument, { input: { memberId, purpose: 'COUPON', couponTemplateId, idempotencyKey, points } }, { key: tenant.keys.INGEST }).then((r) => dataOf(r).pointsRedeem);
    expect(codesOf(await buy(nextId('buy'), 90))).toEqual([['points', 'INVALID']]);
    const key = nextId('buy');
    const bought = await buy(key);
    expect(bought.userErrors).toEqual([]);
    expect(bought.entry).toMatchObject({ kind: 'REDEEM', amount: -100, balanceAfter: 150 });
    expect(bought.coupon).toMatchObject({ source: 'POINTS', status: 'AVAILABLE', template: { id: tpl.id }, member: { id: memberId } });
    // The retry returns the same coupon; the sold-out template costs nothing.
    expect((await buy(key)).coupon!.id).toBe(bought.coupon!.id);
    expect(codesOf(await buy(nextId('buy')))).toEqual([['couponTemplateId', 'OUT_OF_STOCK']]);
    const notForSale = await template({ pointsCost: null });
    expect(codesOf(await buy(nextId('buy'), undefined, notForSale.id))).toEqual([['couponTemplateId', 'INVALID']]);
    const off = await template({ pointsCost: 10, active: false });
    expect(codesOf(await buy(nextId('buy'), undefined, off.id))).toEqual([['couponTemplateId', 'INACTIVE']]);
    expect(codesOf(await buy(nextId('buy'), undefined, missingId('CouponTemplate')))).toEqual([['couponTemplateId', 'NOT_FOUND']]);
    const dear = await template({ pointsCost: 1000 });
    expect(codesOf(await buy(nextId('buy'), undefined, dear.id))).toEqual([['points', 'INSUFFICIENT_POINTS']]);
    expect(await templateNow(dear.id)).toMatchObject({ issuedCount: 0 });
    const points = await pointsOf(t, tenant.keys.ADMIN, memberId);
    expect(points.account.balance).toBe(150);
    expect(points.ledgerSum).toBe(150);
    expect((await memberCoupons(memberId)).totalCount).toBe(1);
  });
});

describe('merges and erasure', () => {
  test('coupons follow a merge and count towards the survivor’s limit; erasure withdraws the open ones', async () => {
    const tpl = await template({ perMemberLimit: 2 });
    const survivor = await createMember(t, tenant.keys.ADMIN);
    const merged = await createMember(t, tenant.keys.ADMIN);
    const kept = await issue(tpl.id, survivor);
    const moved = await issue(tpl.id, merged);
    expect(dataOf(await t.gql(MemberMergeDocument, { input: { survivorId: survivor, mergedId: merged } }, { key: tenant.keys.ADMIN })).memberMerge.userErrors).toEqual([]);
    const after = await memberCoupons(survivor);
    expect(after.nodes.map((node) => [node.id, node.member?.id])).toEqual([
      [moved.id, survivor],
      [kept.id, survivor],
    ]);
    expect(codesOf(await tryIssue({ templateId: tpl.id, memberId: survivor }))).toEqual([['memberId', 'LIMIT_REACHED']]);
    // The merged member's id still redeems as the survivor.
    expect((await tryRedeem({ code: kept.code, memberId: merged, orderExternalId: 'merged-till' })).coupon).toMatchObject({ status: 'REDEEMED' });

    expect(dataOf(await t.gql(MemberEraseDocument, { input: { id: survivor } }, { key: tenant.keys.OWNER })).memberErase.userErrors).toEqual([]);
    expect(await couponNow(moved.id)).toMatchObject({ status: 'VOID' });
    expect(await couponNow(kept.id)).toMatchObject({ status: 'REDEEMED' });
    expect(codesOf(await tryRedeem({ code: moved.code }))).toEqual([['code', 'COUPON_VOID']]);
  });
});

test('a members list with coupons costs the same statements for 5 members as for 40', async () => {
  const own = await t.tenant();
  const tpl = await template({ perMemberLimit: 3 }, own);
  const shipping = await template({ kind: 'FREE_SHIPPING' }, own);
  for (let i = 0; i < 40; i++) {
    const memberId = await createMember(t, own.keys.ADMIN);
    // Every fourth member has none (empty pages cost nothing extra either); 10 have a free-shipping one too.
    if (i % 4 === 3) continue;
    await issue(tpl.id, memberId, own);
    if (i % 2) await issue(shipping.id, memberId, own);
  }
  const key = own.keys.ANALYST;
  await t.gql(MembersCouponsDocument, { first: 1 }, { key }); // warm the key cache
  const small = await t.countSql(() => t.gql(MembersCouponsDocument, { first: 5 }, { key }));
  const large = await t.countSql(() => t.gql(MembersCouponsDocument, { first: 40 }, { key }));
  const nodes = dataOf(large.result).members.nodes;
  expect(dataOf(small.result).members.nodes).toHaveLength(5);
  expect(nodes).toHaveLength(40);
  expect(nodes.filter((node) => node.coupons.totalCount > 0)).toHaveLength(30);
  expect(nodes.flatMap((node) => node.coupons.nodes).filter((coupon) => coupon.freeShipping)).toHaveLength(10);
  expect(nodes.every((node) => node.coupons.nodes.length === node.coupons.totalCount && node.coupons.nodes.every((coupon) => coupon.member?.id === node.id))).toBe(true);
  expect(large.statements).toBe(small.statements);
  // members page + coupon pages + counts + templates + members of coupons + tenant settings.
  expect(large.statements).toBeLessThanOrEqual(7);
});

test('another tenant’s template, coupon or member answers exactly like a missing one, and nothing changes', async () => {
  const other = await t.tenant();
  const foreignTemplate = await template({ totalStock: 5 }, other);
  const foreignMember = await createMember(t, other.keys.ADMIN);
  const foreignCoupon = await issue(foreignTemplate.id, foreignMember, other);
  const ownMember = await createMember(t, tenant.keys.ADMIN);
  const ownTemplate = await template();
  const ownCoupon = await issue(ownTemplate.id, ownMember);
  const foreignBefore = await memberCoupons(foreignMember, undefined, other);
  const same = async (document: Parameters<TestApp['gql']>[0], foreign: Record<string, unknown>, missing: Record<string, unknown>, key = tenant.keys.ADMIN) => {
    const a = await t.gql(document, { input: foreign }, { key });
    const b = await t.gql(document, { input: missing }, { key });
    expect(a.body).toEqual(b.body);
    expect(JSON.stringify(a.body)).toMatch(/NOT_FOUND/);
  };
  await same(CouponIssueDocument, { templateId: foreignTemplate.id, memberId: ownMember }, { templateId: missingId('CouponTemplate'), memberId: ownMember });
  await same(CouponIssueDocument, { templateId: ownTemplate.id, memberId: foreignMember }, { templateId: ownTemplate.id, memberId: missingId('Member') });
  await same(CouponTemplateUpdateDocument, { id: foreignTemplate.id, active: false, totalStock: 1 }, { id: missingId('CouponTemplate'), active: false, totalStock: 1 });
  await same(CouponVoidDocument, { id: foreignCoupon.id }, { id: missingId('Coupon') });
  const redeem = (code: string, memberId?: string) => ({ code, orderExternalId: 'x-1', subtotal: cny(5000), memberId });
  await same(CouponRedeemDocument, redeem(foreignCoupon.code), redeem('NOSUCHCODE22'), tenant.keys.INGEST);
  await same(CouponRedeemDocument, redeem(ownCoupon.code, foreignMember), redeem(ownCoupon.code, missingId('Member')), tenant.keys.INGEST);
  await same(PointsRedeemCouponDocument, { memberId: ownMember, purpose: 'COUPON', couponTemplateId: foreignTemplate.id, idempotencyKey: 'p-1' }, {
    memberId: ownMember,
    purpose: 'COUPON',
    couponTemplateId: missingId('CouponTemplate'),
    idempotencyKey: 'p-1',
  }, tenant.keys.INGEST);
  // A new template is the creator's alone.
  const created = await template({}, tenant);
  expect(dataOf(await t.gql(CouponTemplatesDocument, { first: 250 }, { key: other.keys.ADMIN })).couponTemplates.nodes.map((node) => node.id)).not.toContain(created.id);

  for (const [document, variables] of [
    [CouponByCodeDocument, { code: foreignCoupon.code }],
    [CouponByIdDocument, { id: foreignCoupon.id }],
    [CouponTemplateByIdDocument, { id: foreignTemplate.id }],
  ] as const) {
    const response = dataOf(await t.gql(document as never, variables, { key: tenant.keys.ADMIN })) as Record<string, unknown>;
    expect(Object.values(response)).toEqual([null]);
  }
  expect(await memberCoupons(foreignMember, undefined, other)).toEqual(foreignBefore);
  expect(await templateNow(foreignTemplate.id, other)).toMatchObject({ issuedCount: 1, remainingStock: 4 });
  expect(await couponNow(ownCoupon.id)).toMatchObject({ status: 'AVAILABLE' });
});
