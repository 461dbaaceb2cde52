import { MemberEraseDocument, MemberMergeDocument, MemberTokenCreateDocument } from './generated/graphql';
import { dataOf, errorCodes, startTestApp, type TestApp, type TestTenant } from './support/harness';
import { createMember, tokenSecretOf } from './support/access-fixtures';
import { orderInput, recordOrder } from './support/activity-fixtures';
import { earnPoints } from './support/points-fixtures';
import { signCardCode } from '../src/modules/card/card-code';
import { luhnDigit } from '../src/modules/card/card-number';

let t: TestApp;
let tenant: TestTenant;
let other: TestTenant;

beforeAll(async () => {
  t = await startTestApp();
  tenant = await t.tenant();
  other = await t.tenant();
});
afterAll(async () => {
  await t.close();
});

const CARD = `{ viewer { member { id card { number barcodePayload barcodeExpiresAt balance tier { code } expiringSoon(withinDays: 3660) { points } }
  pointsHistory(first: 10) { nodes { kind amount } } coupons(first: 10) { nodes { code status } } } } }`;
const SCAN = 'query($code: String!) { memberByCardCode(code: $code) { status expiresAt member { id displayName } } }';

async function tokenFor(memberId: string, own = tenant): Promise<string> {
  return dataOf(await t.gql(MemberTokenCreateDocument, { input: { memberId } }, { key: own.keys.ADMIN })).memberTokenCreate.token!;
}
async function cardOf(token: string) {
  return dataOf(await t.gql(CARD, {}, { key: token })).viewer.member;
}
async function scan(code: string, key = tenant.keys.INGEST) {
  return dataOf(await t.gql(SCAN, { code }, { key })).memberByCardCode;
}
const luhnValid = (number: string) => luhnDigit(number.slice(0, -1)) === Number(number.slice(-1));

test('a member token reads its card, points, tier and coupons through viewer', async () => {
  const memberId = await createMember(t, tenant.keys.ADMIN, { displayName: 'Card Holder' });
  await recordOrder(t, tenant.keys.INGEST, orderInput(memberId));
  await earnPoints(t, tenant.keys.INGEST, memberId, 75);
  const token = await tokenFor(memberId);
  const mine = await cardOf(token);
  expect(mine.id).toBe(memberId);
  expect(mine.card).toMatchObject({ number: expect.stringMatching(/^[1-9]\d{15}$/), balance: 100, tier: null, expiringSoon: [{ points: 100 }] });
  expect(luhnValid(mine.card.number)).toBe(true);
  expect(mine.pointsHistory.nodes).toEqual([
    { kind: 'EARN', amount: 75 },
    { kind: 'EARN', amount: 25 },
  ]);
  expect(mine.coupons.nodes).toEqual([]);
  expect(new Date(mine.card.barcodeExpiresAt).getTime() - Date.now()).toBeGreaterThan(100_000);
  // The number is stable; the barcode is fresh each time.
  const again = await cardOf(token);
  expect(again.card.number).toBe(mine.card.number);
  const scanned = await scan(mine.card.barcodePayload);
  expect(scanned).toMatchObject({ status: 'VALID', member: { id: memberId, displayName: 'Card Holder' } });
  expect((await scan(again.card.barcodePayload, tenant.keys.ADMIN)).member.id).toBe(memberId);
});

test('ten first reads at once issue one card number', async () => {
  const memberId = await createMember(t, tenant.keys.ADMIN);
  const token = await tokenFor(memberId);
  const cards = await Promise.all(Array.from({ length: 10 }, () => cardOf(token)));
  expect(new Set(cards.map((card) => card.card.number)).size).toBe(1);
  const byIdentity = await t.gql('query($c: IdentityChannel!, $e: String!) { memberByIdentity(channel: $c, externalId: $e) { id } }', { c: 'MEMBER_CARD', e: cards[0].card.number }, { key: tenant.keys.ADMIN });
  expect(dataOf(byIdentity).memberByIdentity.id).toBe(memberId);
});

test('a physical card bound by the merchant is the card number', async () => {
  const memberId = await createMember(t, tenant.keys.ADMIN, { identities: [{ channel: 'MEMBER_CARD', externalId: '6200000000000001' }] });
  expect((await cardOf(await tokenFor(memberId))).card.number).toBe('6200000000000001');
});

test('a screenshot stops working: expired, tampered and foreign codes reveal no member', async () => {
  const memberId = await createMember(t, tenant.keys.ADMIN);
  const { number } = (await cardOf(await tokenFor(memberId))).card;
  const secret = await tokenSecretOf(t, tenant.id);
  const taken = new Date(Date.now() - 1000);
  const expired = await scan(signCardCode(secret, number, taken));
  expect(expired).toEqual({ status: 'EXPIRED', expiresAt: new Date(Math.floor(taken.getTime() / 1000) * 1000).toISOString(), member: null });
  const valid = signCardCode(secret, number, new Date(Date.now() + 60_000));
  const tampered = valid.replace(number, `${number.slice(0, -2)}${number.slice(-2) === '00' ? '11' : '00'}`);
  expect(await scan(tampered)).toEqual({ status: 'INVALID', expiresAt: null, member: null });
  expect(await scan('garbage')).toEqual({ status: 'INVALID', expiresAt: null, member: null });
  // Tenant B's genuine code, scanned with tenant A's key, is indistinguishable from garbage.
  const foreignMember = await createMember(t, other.keys.ADMIN);
  const foreignCode = (await cardOf(await tokenFor(foreignMember, other))).card.barcodePayload;
  expect(await scan(foreignCode)).toEqual({ status: 'INVALID', expiresAt: null, member: null });
  expect((await scan(foreignCode, other.keys.INGEST)).status).toBe('VALID');
});

test('keys read the number but never a barcode; ANALYST sees it masked', async () => {
  const memberId = await createMember(t, tenant.keys.ADMIN);
  const { number } = (await cardOf(await tokenFor(memberId))).card;
  const read = (key: string) => t.gql('query($id: ID!) { member(id: $id) { card { number barcodePayload } } }', { id: memberId }, { key }).then((r) => dataOf(r).member.card);
  expect(await read(tenant.keys.ADMIN)).toEqual({ number, barcodePayload: null });
  expect(await read(tenant.keys.ANALYST)).toEqual({ number: `***${number.slice(-4)}`, barcodePayload: null });
});

test('codes follow merges to the survivor; an erased member’s code is invalid', async () => {
  const survivor = await createMember(t, tenant.keys.ADMIN);
  const merged = await createMember(t, tenant.keys.ADMIN);
  const code = (await cardOf(await tokenFor(merged))).card.barcodePayload;
  expect(dataOf(await t.gql(MemberMergeDocument, { input: { survivorId: survivor, mergedId: merged } }, { key: tenant.keys.ADMIN })).memberMerge.userErrors).toEqual([]);
  expect((await scan(code)).member.id).toBe(survivor);
  const leaving = await createMember(t, tenant.keys.ADMIN);
  const leavingCode = (await cardOf(await tokenFor(leaving))).card.barcodePayload;
  dataOf(await t.gql(MemberEraseDocument, { input: { id: leaving } }, { key: tenant.keys.ADMIN }));
  expect((await scan(leavingCode)).status).toBe('INVALID');
});

test('a member token reaches no other member: not by id, node, card code, or any write', async () => {
  const me = await createMember(t, tenant.keys.ADMIN);
  const them = await createMember(t, tenant.keys.ADMIN, { displayName: 'Someone Else' });
  await earnPoints(t, tenant.keys.INGEST, them, 40);
  const token = await tokenFor(me);
  const theirCode = (await cardOf(await tokenFor(them))).card.barcodePayload;
  const attempts = [
    t.gql('query($id: ID!) { member(id: $id) { id } }', { id: them }, { key: token }),
    t.gql('query($id: ID!) { node(id: $id) { id } }', { id: them }, { key: token }),
    t.gql(SCAN, { code: theirCode }, { key: token }),
    t.gql('mutation($i: PointsRedeemInput!) { pointsRedeem(input: $i) { entry { id } } }', { i: { memberId: them, purpose: 'REWARD', reward: 'x', points: 1, idempotencyKey: 'steal' } }, { key: token }),
    t.gql('mutation($i: PointsEarnInput!) { pointsEarn(input: $i) { entry { id } } }', { i: { memberId: me, points: 1000, reason: 'x', idempotencyKey: 'mint' } }, { key: token }),
    t.gql('{ members(first: 5) { nodes { id } } }', {}, { key: token }),
    t.gql('{ pointsLiability { points } }', {}, { key: token }),
  ];
  for (const response of await Promise.all(attempts)) expect(errorCodes(response)).toEqual(['FORBIDDEN']);
  const mine = await cardOf(token);
  expect(mine.id).toBe(me);
  expect(mine.card.balance).toBe(0);
  expect(mine.pointsHistory.nodes).toEqual([]);
});

test('cards on a list of members cost the same statements for 5 as for 40', async () => {
  const own = await t.tenant();
  const count = async () => {
    const { statements, result } = await t.countSql(() => t.gql('{ members(first: 100) { nodes { card { number } } } }', {}, { key: own.keys.ADMIN }));
    expect(dataOf(result).members.nodes.every((node: { card: { number: string } }) => /^\d{16}$/.test(node.card.number))).toBe(true);
    return statements;
  };
  for (let i = 0; i < 5; i++) await createMember(t, own.keys.ADMIN);
  await count(); // first read issues the numbers
  const few = await count();
  for (let i = 0; i < 35; i++) await createMember(t, own.keys.ADMIN);
  await count();
  expect(await count()).toBe(few);
});
