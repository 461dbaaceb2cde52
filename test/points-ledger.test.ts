import { LoyaltyProgramUpdateDocument, MemberMergeDocument, MembersPointsDocument, PointsLiabilityDocument, PointsRuleCreateDocument } from './generated/graphql';
import { dataOf, startTestApp, type TestApp, type TestTenant } from './support/harness';
import { createMember, createStore } from './support/access-fixtures';
import { ago, nextId, orderInput, recordOrder, refundOrder } from './support/activity-fixtures';
import { earnPoints, pointsOf, tryAdjust, tryEarn, tryRedeem } from './support/points-fixtures';

let t: TestApp;
let tenant: TestTenant;

beforeAll(async () => {
  t = await startTestApp();
  tenant = await t.tenant();
});
afterAll(async () => {
  await t.close();
});

/** Every account's invariant, read through the API: the ledger sums to balance minus debt. */
async function expectConsistent(memberId: string) {
  const { account, ledgerSum } = await pointsOf(t, tenant.keys.ADMIN, memberId);
  expect(ledgerSum).toBe(account.spendablePoints - account.debt);
  expect(account.spendablePoints).toBeGreaterThanOrEqual(0);
  return account;
}

describe('earning on orders', () => {
  test('a paid order earns at the programme rate, with the breakdown on the entry', async () => {
    const memberId = await createMember(t, tenant.keys.ADMIN);
    const storeId = await createStore(t, tenant.keys.ADMIN);
    const order = await recordOrder(t, tenant.keys.INGEST, orderInput(memberId, { channel: 'STORE', storeId })); // 25.00 paid -> 25 points at 1 per 1.00
    const { account, entries } = await pointsOf(t, tenant.keys.ADMIN, memberId);
    expect(entries[0]).toMatchObject({ channel: 'STORE', store: { id: storeId }, order: { id: order.id, externalId: order.externalId }, reason: `order ${order.externalId}` });
    expect(account).toMatchObject({ balance: 25, spendablePoints: 25, debt: 0, earned: 25, redeemed: 0 });
    expect(account.moneyValue).toEqual({ amount: 25, currency: 'CNY' });
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ kind: 'EARN', amount: 25, balanceAfter: 25, debtAfter: 0 });
    expect(entries[0]!.breakdown).toMatchObject({ points: 25, tierMultiplierPercent: 100, lines: [{ lineNo: 1, points: 20 }, { lineNo: 2, points: 5 }] });
  });

  test('a placed order earns nothing until it is paid, and re-sending it never earns twice', async () => {
    const memberId = await createMember(t, tenant.keys.ADMIN);
    const input = orderInput(memberId, { status: 'PLACED' });
    await recordOrder(t, tenant.keys.INGEST, input);
    expect((await pointsOf(t, tenant.keys.ADMIN, memberId)).entries).toEqual([]);
    await recordOrder(t, tenant.keys.INGEST, { ...input, status: 'PAID' });
    await recordOrder(t, tenant.keys.INGEST, { ...input, status: 'PAID' });
    const { account, entries } = await pointsOf(t, tenant.keys.ADMIN, memberId);
    expect(entries.map((entry) => entry.kind)).toEqual(['EARN']);
    expect(account.balance).toBe(25);
  });

  test('rules multiply matching lines (the highest applies) and add bonuses once per order', async () => {
    const own = await t.tenant();
    const storeId = await createStore(t, own.keys.ADMIN);
    const rule = async (input: Record<string, unknown>) => {
      const payload = dataOf(await t.gql(PointsRuleCreateDocument, { input }, { key: own.keys.ADMIN })).pointsRuleCreate;
      expect(payload.userErrors).toEqual([]);
      return payload.pointsRule!;
    };
    await rule({ name: 'tea doubles', category: 'drinks', multiplierPercent: 200 });
    await rule({ name: 'tea triples in store', category: 'drinks', storeId, multiplierPercent: 300 });
    await rule({ name: 'store visit bonus', storeId, bonusPoints: 7 });
    await rule({ name: 'expired promo', multiplierPercent: 1000, startsAt: ago(30), endsAt: ago(20) });
    const memberId = await createMember(t, own.keys.ADMIN);
    await recordOrder(t, own.keys.INGEST, orderInput(memberId, { channel: 'STORE', storeId }));
    const { entries } = await pointsOf(t, own.keys.ADMIN, memberId);
    // Tea 20.00 at 3x = 60, cup 5.00 at 1x = 5, bonus 7.
    expect(entries[0]!.amount).toBe(72);
    expect(entries[0]!.breakdown).toMatchObject({
      lines: [
        { lineNo: 1, multiplierPercent: 300, rules: ['tea triples in store'], points: 60 },
        { lineNo: 2, multiplierPercent: 100, rules: [], points: 5 },
      ],
      bonuses: [{ rule: 'store visit bonus', points: 7 }],
    });
    const online = await createMember(t, own.keys.ADMIN);
    await recordOrder(t, own.keys.INGEST, orderInput(online));
    expect((await pointsOf(t, own.keys.ADMIN, online)).entries[0]!.amount).toBe(45); // 20.00 at 2x + 5
  });

  test('shipping earns nothing and discounts are shared over the lines', async () => {
    const memberId = await createMember(t, tenant.keys.ADMIN);
    await recordOrder(t, tenant.keys.INGEST, orderInput(memberId, { discount: 500, shipping: 1000 })); // paid 30.00, goods 20.00
    expect((await pointsOf(t, tenant.keys.ADMIN, memberId)).account.balance).toBe(20);
  });
});

describe('pointsEarn and idempotency', () => {
  test('the same key and request returns the first entry and writes nothing; another request under it is refused', async () => {
    const memberId = await createMember(t, tenant.keys.ADMIN);
    const idempotencyKey = nextId('key');
    const first = await tryEarn(t, tenant.keys.INGEST, memberId, 40, { idempotencyKey });
    expect(first.userErrors).toEqual([]);
    expect(first.account).toEqual({ balance: 40 });
    const again = await tryEarn(t, tenant.keys.INGEST, memberId, 40, { idempotencyKey });
    expect(again.entry).toEqual(first.entry);
    const other = await tryEarn(t, tenant.keys.INGEST, memberId, 41, { idempotencyKey });
    expect(other).toMatchObject({ entry: null, userErrors: [{ field: ['input', 'idempotencyKey'], code: 'IDEMPOTENCY_CONFLICT' }] });
    const { account, entries } = await pointsOf(t, tenant.keys.ADMIN, memberId);
    expect(account.balance).toBe(40);
    expect(entries).toHaveLength(1);
  });

  test('bad input is refused with userErrors and writes nothing', async () => {
    const memberId = await createMember(t, tenant.keys.ADMIN);
    const cases: [Record<string, unknown>, string[]][] = [
      [{ points: 0 }, ['input', 'points']],
      [{ points: -5 }, ['input', 'points']],
      [{ points: 10_000_001 }, ['input', 'points']],
      [{ reason: ' ' }, ['input', 'reason']],
      [{ idempotencyKey: '' }, ['input', 'idempotencyKey']],
      [{ idempotencyKey: 'ecrm:order:x:earn' }, ['input', 'idempotencyKey']],
      [{ storeId: 'U3RvcmU6MDAwMDAwMDAtMDAwMC0wMDAwLTAwMDAtMDAwMDAwMDAwMDAw' }, ['input', 'storeId']],
    ];
    for (const [override, field] of cases) {
      const payload = await tryEarn(t, tenant.keys.INGEST, memberId, (override.points as number) ?? 10, override);
      expect({ override, errors: payload.userErrors.map((error) => error.field) }).toEqual({ override, errors: [field] });
    }
    const unknown = await tryEarn(t, tenant.keys.INGEST, 'TWVtYmVyOjAwMDAwMDAwLTAwMDAtMDAwMC0wMDAwLTAwMDAwMDAwMDAwMA', 10);
    expect(unknown.userErrors).toEqual([expect.objectContaining({ code: 'NOT_FOUND' })]);
    expect((await pointsOf(t, tenant.keys.ADMIN, memberId)).entries).toEqual([]);
  });
});

describe('redeeming', () => {
  test('all or nothing: INSUFFICIENT_POINTS leaves the account as it was', async () => {
    const memberId = await createMember(t, tenant.keys.ADMIN);
    await earnPoints(t, tenant.keys.INGEST, memberId, 30);
    const refused = await tryRedeem(t, tenant.keys.INGEST, { memberId, points: 31 });
    expect(refused).toMatchObject({ entry: null, userErrors: [{ code: 'INSUFFICIENT_POINTS', field: ['input', 'points'] }] });
    const redeemed = await tryRedeem(t, tenant.keys.INGEST, { memberId, points: 30 });
    expect(redeemed.entry).toMatchObject({ kind: 'REDEEM', amount: -30, balanceAfter: 0, reason: 'tote bag' });
    expect((await expectConsistent(memberId)).redeemed).toBe(30);
  });

  test('money off an order at the tenant rate', async () => {
    const own = await t.tenant();
    const update = dataOf(await t.gql(LoyaltyProgramUpdateDocument, { input: { redeemPoints: 50, redeemValue: 100 } }, { key: own.keys.ADMIN }));
    expect(update.loyaltyProgramUpdate.userErrors).toEqual([]);
    const memberId = await createMember(t, own.keys.ADMIN);
    await earnPoints(t, own.keys.INGEST, memberId, 300);
    const payload = await tryRedeem(t, own.keys.INGEST, { memberId, purpose: 'ORDER_DISCOUNT', points: 125, orderExternalId: 'pos-1', reward: null });
    expect(payload.userErrors).toEqual([]);
    expect(payload.moneyValue).toEqual({ amount: 250, currency: 'CNY' });
    const missing = await tryRedeem(t, own.keys.INGEST, { memberId, purpose: 'ORDER_DISCOUNT', points: 10, reward: null });
    expect(missing.userErrors).toEqual([expect.objectContaining({ field: ['input', 'orderExternalId'], code: 'INVALID' })]);
  });

  test('the soonest-expiring points go first', async () => {
    const memberId = await createMember(t, tenant.keys.ADMIN);
    // Paid last year: expires at the end of this year. Paid now: at the end of next year.
    const lastYear = new Date(Date.UTC(new Date().getUTCFullYear() - 1, 5, 1)).toISOString();
    await recordOrder(t, tenant.keys.INGEST, orderInput(memberId, { placedAt: lastYear, paidAt: lastYear }));
    await recordOrder(t, tenant.keys.INGEST, orderInput(memberId));
    const before = (await pointsOf(t, tenant.keys.ADMIN, memberId)).account.expiringSoon;
    expect(before.map((lot) => lot.points)).toEqual([25, 25]);
    await tryRedeem(t, tenant.keys.INGEST, { memberId, points: 30 });
    const after = (await pointsOf(t, tenant.keys.ADMIN, memberId)).account.expiringSoon;
    expect(after).toEqual([{ expiresAt: before[1]!.expiresAt, points: 20 }]);
    await expectConsistent(memberId);
  });
});

describe('refunds take points back', () => {
  test('a partial refund reverses its share; a full refund the rest', async () => {
    const memberId = await createMember(t, tenant.keys.ADMIN);
    const order = await recordOrder(t, tenant.keys.INGEST, orderInput(memberId, { items: [{ sku: 'X', name: 'X', quantity: 1, unitPrice: 10000 }] }));
    await refundOrder(t, tenant.keys.INGEST, { orderId: order.id, refundId: 'r1', amount: 2500 });
    let { account, entries } = await pointsOf(t, tenant.keys.ADMIN, memberId);
    expect(entries[0]).toMatchObject({ kind: 'REVERSE', amount: -25 });
    expect(account.balance).toBe(75);
    await refundOrder(t, tenant.keys.INGEST, { orderId: order.id, refundId: 'r2', full: true });
    ({ account, entries } = await pointsOf(t, tenant.keys.ADMIN, memberId));
    expect(entries.map((entry) => entry.amount)).toEqual([-75, -25, 100]);
    expect(account).toMatchObject({ balance: 0, debt: 0, earned: 0 });
  });

  test('buy, earn, spend, refund: the spent points become debt, repaid from the next earnings', async () => {
    const memberId = await createMember(t, tenant.keys.ADMIN);
    const order = await recordOrder(t, tenant.keys.INGEST, orderInput(memberId, { items: [{ sku: 'X', name: 'X', quantity: 1, unitPrice: 10000 }] }));
    await earnPoints(t, tenant.keys.INGEST, memberId, 10);
    expect((await tryRedeem(t, tenant.keys.INGEST, { memberId, points: 90 })).userErrors).toEqual([]);
    await refundOrder(t, tenant.keys.INGEST, { orderId: order.id, refundId: 'all', full: true });
    let account = await expectConsistent(memberId);
    expect(account).toMatchObject({ balance: 0, spendablePoints: 0, debt: 80 });
    await earnPoints(t, tenant.keys.INGEST, memberId, 50);
    account = await expectConsistent(memberId);
    expect(account).toMatchObject({ balance: 0, debt: 30 });
    const entry = await earnPoints(t, tenant.keys.INGEST, memberId, 40);
    expect(entry.breakdown).toMatchObject({ debtRepaid: 30 });
    expect(await expectConsistent(memberId)).toMatchObject({ balance: 10, debt: 0 });
  });

  test('under NEGATIVE_BALANCE the same shortfall shows as a negative balance', async () => {
    const own = await t.tenant();
    await t.gql(LoyaltyProgramUpdateDocument, { input: { shortfallPolicy: 'NEGATIVE_BALANCE' } }, { key: own.keys.ADMIN });
    const memberId = await createMember(t, own.keys.ADMIN);
    const order = await recordOrder(t, own.keys.INGEST, orderInput(memberId));
    await tryRedeem(t, own.keys.INGEST, { memberId, points: 20 });
    await refundOrder(t, own.keys.INGEST, { orderId: order.id, refundId: 'all', full: true });
    const { account, ledgerSum } = await pointsOf(t, own.keys.ADMIN, memberId);
    expect(account).toMatchObject({ balance: -20, spendablePoints: 0, debt: 20 });
    expect(ledgerSum).toBe(-20);
  });
});

describe('adjustments', () => {
  test('need a reason, cannot go below zero, and are kept with who made them', async () => {
    const memberId = await createMember(t, tenant.keys.ADMIN);
    expect((await tryAdjust(t, tenant.keys.ADMIN, { memberId, points: 5, reason: '' })).userErrors).toEqual([expect.objectContaining({ field: ['input', 'reason'] })]);
    const added = await tryAdjust(t, tenant.keys.ADMIN, { memberId, points: 15, reason: 'lost parcel' });
    expect(added.entry).toMatchObject({ kind: 'ADJUST', amount: 15, reason: 'lost parcel', actor: expect.stringMatching(/^key:/) });
    expect((await tryAdjust(t, tenant.keys.ADMIN, { memberId, points: -16 })).userErrors).toEqual([expect.objectContaining({ code: 'INSUFFICIENT_POINTS' })]);
    expect((await tryAdjust(t, tenant.keys.ADMIN, { memberId, points: -15 })).entry).toMatchObject({ amount: -15, balanceAfter: 0 });
    await expectConsistent(memberId);
  });
});

describe('merges', () => {
  test('the survivor gets both ledgers, lots and balances', async () => {
    const survivor = await createMember(t, tenant.keys.ADMIN);
    const merged = await createMember(t, tenant.keys.ADMIN);
    await earnPoints(t, tenant.keys.INGEST, survivor, 10);
    await earnPoints(t, tenant.keys.INGEST, merged, 32);
    await tryRedeem(t, tenant.keys.INGEST, { memberId: merged, points: 2 });
    const merge = dataOf(await t.gql(MemberMergeDocument, { input: { survivorId: survivor, mergedId: merged } }, { key: tenant.keys.ADMIN }));
    expect(merge.memberMerge.userErrors).toEqual([]);
    const { account, entries } = await pointsOf(t, tenant.keys.ADMIN, survivor);
    expect(account).toMatchObject({ balance: 40, earned: 42, redeemed: 2 });
    expect(entries).toHaveLength(3);
    // The merged id acts on the survivor.
    expect((await tryRedeem(t, tenant.keys.INGEST, { memberId: merged, points: 40 })).entry).toMatchObject({ balanceAfter: 0 });
    await expectConsistent(survivor);
  });
});

test('points on a list of members cost the same statements for 5 members as for 40', async () => {
  const own = await t.tenant();
  const run = async (count: number) => {
    for (let i = 0; i < count; i++) {
      const memberId = await createMember(t, own.keys.ADMIN);
      await earnPoints(t, own.keys.INGEST, memberId, 5 + i);
    }
    const { statements, result } = await t.countSql(() => t.gql(MembersPointsDocument, { first: 100 }, { key: own.keys.ADMIN }));
    expect(dataOf(result).members.nodes.every((node) => node.pointsAccount.balance > 0 && node.pointsHistory.nodes.length === 1)).toBe(true);
    return statements;
  };
  const few = await run(5);
  const many = await run(35);
  expect(many).toBe(few);
});

describe('expiry', () => {
  // History back-filled with the payment dates it had: 2 years ago expired at the end of last year.
  const paidYearsAgo = (years: number) => new Date(Date.UTC(new Date().getUTCFullYear() - years, 5, 1)).toISOString();

  test('the expiry job expires what is left of lots past their date, soonest first, once', async () => {
    const own = await t.tenant();
    const memberId = await createMember(t, own.keys.ADMIN);
    await recordOrder(t, own.keys.INGEST, orderInput(memberId, { placedAt: paidYearsAgo(2), paidAt: paidYearsAgo(2) })); // 25, expired
    await recordOrder(t, own.keys.INGEST, orderInput(memberId, { placedAt: paidYearsAgo(1), paidAt: paidYearsAgo(1) })); // 25, end of this year
    await earnPoints(t, own.keys.INGEST, memberId, 10); // end of next year
    const first = await runExpiry(own);
    expect(first).toEqual({ members: 1, points: 25 });
    expect(await runExpiry(own)).toEqual({ members: 0, points: 0 });
    const { account, entries } = await pointsOf(t, own.keys.ADMIN, memberId);
    expect(entries[0]).toMatchObject({ kind: 'EXPIRE', amount: -25, balanceAfter: 35, reason: 'points expired' });
    expect(account).toMatchObject({ balance: 35, expired: 25 });
    expect(account.expiringSoon.map((lot) => lot.points)).toEqual([25, 10]);
  });

  test('a redemption never spends points past their date, even before the job ran', async () => {
    const memberId = await createMember(t, tenant.keys.ADMIN);
    await recordOrder(t, tenant.keys.INGEST, orderInput(memberId, { placedAt: paidYearsAgo(2), paidAt: paidYearsAgo(2) }));
    await earnPoints(t, tenant.keys.INGEST, memberId, 10);
    const refused = await tryRedeem(t, tenant.keys.INGEST, { memberId, points: 20 });
    expect(refused.userErrors).toEqual([expect.objectContaining({ code: 'INSUFFICIENT_POINTS' })]);
    const { account, entries } = await pointsOf(t, tenant.keys.ADMIN, memberId);
    // The refusal rolled back, expiry included: the job will write it.
    expect(entries.map((entry) => entry.kind)).toEqual(['EARN', 'EARN']);
    expect((await tryRedeem(t, tenant.keys.INGEST, { memberId, points: 10 })).userErrors).toEqual([]);
    const after = await pointsOf(t, tenant.keys.ADMIN, memberId);
    expect(after.entries.map((entry) => entry.kind)).toEqual(['REDEEM', 'EXPIRE', 'EARN', 'EARN']);
    expect(after.account).toMatchObject({ balance: 0, expired: 25 });
    expect(account.balance).toBe(35);
  });

  test('liability: outstanding points by expiry month and by tier, with their money value', async () => {
    const own = await t.tenant();
    await t.gql(LoyaltyProgramUpdateDocument, { input: { redeemPoints: 100, redeemValue: 50 } }, { key: own.keys.ADMIN });
    const one = await createMember(t, own.keys.ADMIN);
    const two = await createMember(t, own.keys.ADMIN);
    await recordOrder(t, own.keys.INGEST, orderInput(one, { placedAt: paidYearsAgo(1), paidAt: paidYearsAgo(1) }));
    await earnPoints(t, own.keys.INGEST, one, 175);
    await earnPoints(t, own.keys.INGEST, two, 200);
    const liability = dataOf(await t.gql(PointsLiabilityDocument, {}, { key: own.keys.ANALYST })).pointsLiability;
    const year = new Date().getUTCFullYear();
    expect(liability).toMatchObject({ points: 400, debt: 0, moneyValue: { amount: 200, currency: 'CNY' } });
    expect(liability.byExpiryMonth).toEqual([
      { key: `${year}-12`, members: 1, points: 25, moneyValue: { amount: 12, currency: 'CNY' } },
      { key: `${year + 1}-12`, members: 2, points: 375, moneyValue: { amount: 187, currency: 'CNY' } },
    ]);
    expect(liability.byTier).toEqual([{ key: null, name: null, members: 2, points: 400 }]);
  });
});

/** Runs the expiry job for a tenant now, through the queue, as an administrator would. */
async function runExpiry(own: TestTenant): Promise<{ members: number; points: number }> {
  const run = 'mutation($input: JobRunInput!) { jobRun(input: $input) { jobRun { job state output } userErrors { code } } }';
  const payload = dataOf(await t.gql(run, { input: { job: 'POINTS_EXPIRY' } }, { key: own.keys.ADMIN })).jobRun;
  expect(payload.userErrors).toEqual([]);
  expect(payload.jobRun).toMatchObject({ job: 'POINTS_EXPIRY', state: 'COMPLETED' });
  return payload.jobRun.output;
}
