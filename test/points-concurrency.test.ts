import { dataOf, startTestApp, type TestApp, type TestTenant } from './support/harness';
import { createMember } from './support/access-fixtures';
import { nextId, orderInput, prng, recordOrder, refundOrder } from './support/activity-fixtures';
import { earnPoints, pointsOf, tryEarn, tryRedeem } from './support/points-fixtures';
import { MemberMergeDocument } from './generated/graphql';

let t: TestApp;
let tenant: TestTenant;

beforeAll(async () => {
  // A thousand requests queue for ten connections; shedding load (DATABASE_UNAVAILABLE after 5 s) is not
  // what this file tests, correctness under contention is.
  t = await startTestApp({ poolAcquireTimeoutMs: 120_000 });
  tenant = await t.tenant();
});
afterAll(async () => {
  await t.close();
});

test('1,000 concurrent earns and redemptions on one account: no overdraft, and the balance is the sum of the ledger', async () => {
  const memberId = await createMember(t, tenant.keys.ADMIN);
  await earnPoints(t, tenant.keys.INGEST, memberId, 300);
  const random = prng(20261123);
  const operations = Array.from({ length: 1000 }, (_, i) => (random() < 0.55 ? { kind: 'redeem' as const, points: 1 + (i % 7) } : { kind: 'earn' as const, points: 1 + (i % 3) }));
  const results = await Promise.all(
    operations.map((operation) =>
      operation.kind === 'earn' ? tryEarn(t, tenant.keys.INGEST, memberId, operation.points) : tryRedeem(t, tenant.keys.INGEST, { memberId, points: operation.points }),
    ),
  );
  const refused = results.filter((result) => result.userErrors.length);
  // The only acceptable refusal is a redemption the balance could not cover at that moment.
  expect(new Set(refused.flatMap((result) => result.userErrors.map((error) => error.code)))).toEqual(refused.length ? new Set(['INSUFFICIENT_POINTS']) : new Set());
  expect(refused.every((_, i) => operations[results.indexOf(refused[i]!)]!.kind === 'redeem')).toBe(true);
  const written = results.filter((result) => result.entry).map((result) => result.entry!);
  const expected = 300 + written.reduce((sum, entry) => sum + entry.amount, 0);

  const { account, entries, ledgerSum } = await pointsOf(t, tenant.keys.ADMIN, memberId);
  expect(entries).toHaveLength(written.length + 1);
  expect(new Set(entries.map((entry) => entry.id))).toEqual(new Set([...written.map((entry) => entry.id), entries[entries.length - 1]!.id]));
  expect(account.spendablePoints).toBe(expected);
  expect(ledgerSum).toBe(account.spendablePoints - account.debt);
  expect(account.debt).toBe(0);
  // Every entry's balanceAfter is a state the account really passed through: never negative.
  expect(entries.every((entry) => entry.balanceAfter >= 0)).toBe(true);
  // The lots still hold exactly the spendable balance.
  expect(account.expiringSoon.reduce((sum, lot) => sum + lot.points, 0)).toBe(account.spendablePoints);
  expect(written.filter((entry) => entry.kind === 'REDEEM').length).toBeGreaterThan(100);
});

test('the same idempotency key sent 20 times at once writes one entry', async () => {
  const memberId = await createMember(t, tenant.keys.ADMIN);
  await earnPoints(t, tenant.keys.INGEST, memberId, 100);
  const idempotencyKey = nextId('same');
  const earns = await Promise.all(Array.from({ length: 20 }, () => tryEarn(t, tenant.keys.INGEST, memberId, 7, { idempotencyKey })));
  expect(new Set(earns.map((result) => result.entry?.id)).size).toBe(1);
  const redeemKey = nextId('same-redeem');
  const redeems = await Promise.all(Array.from({ length: 20 }, () => tryRedeem(t, tenant.keys.INGEST, { memberId, points: 9, idempotencyKey: redeemKey })));
  expect(redeems.every((result) => result.userErrors.length === 0)).toBe(true);
  expect(new Set(redeems.map((result) => result.entry?.id)).size).toBe(1);
  const { account, entries } = await pointsOf(t, tenant.keys.ADMIN, memberId);
  expect(entries).toHaveLength(3);
  expect(account.spendablePoints).toBe(98);
});

test('redemptions racing a refund and a merge keep both accounts exact', async () => {
  const survivor = await createMember(t, tenant.keys.ADMIN);
  const merged = await createMember(t, tenant.keys.ADMIN);
  const order = await recordOrder(t, tenant.keys.INGEST, orderInput(merged, { items: [{ sku: 'X', name: 'X', quantity: 1, unitPrice: 20000 }] }));
  await earnPoints(t, tenant.keys.INGEST, survivor, 50);
  const work = [
    ...Array.from({ length: 30 }, () => tryRedeem(t, tenant.keys.INGEST, { memberId: merged, points: 5 })),
    ...Array.from({ length: 30 }, () => tryRedeem(t, tenant.keys.INGEST, { memberId: survivor, points: 3 })),
    refundOrder(t, tenant.keys.INGEST, { orderId: order.id, refundId: 'race', amount: 10000 }),
    t.gql(MemberMergeDocument, { input: { survivorId: survivor, mergedId: merged } }, { key: tenant.keys.ADMIN }).then(dataOf),
  ];
  const results = await Promise.all(work);
  const codes = results.slice(0, 60).flatMap((result) => (result as Awaited<ReturnType<typeof tryRedeem>>).userErrors.map((error) => error.code));
  expect(codes.every((code) => code === 'INSUFFICIENT_POINTS' || code === 'MEMBER_MERGED')).toBe(true);
  const { account, ledgerSum, entries } = await pointsOf(t, tenant.keys.ADMIN, survivor);
  expect(ledgerSum).toBe(account.spendablePoints - account.debt);
  expect(account.spendablePoints).toBeGreaterThanOrEqual(0);
  expect(account.expiringSoon.reduce((sum, lot) => sum + lot.points, 0)).toBe(account.spendablePoints);
  // Exactly half of the 200 points the order earned were reversed, whatever was spent first.
  expect(entries.filter((entry) => entry.kind === 'REVERSE').reduce((sum, entry) => sum - entry.amount, 0)).toBe(100);
});
