import { createHmac } from 'node:crypto';
import {
  buildClientSchema,
  getIntrospectionQuery,
  getNamedType,
  GraphQLObjectType,
  isNonNullType,
  type GraphQLSchema,
  type IntrospectionQuery,
} from 'graphql';
import { MemberMergeDocument, MemberTokenCreateDocument } from './generated/graphql';
import { dataOf, errorCodes, startTestApp, type TestApp, type TestTenant } from './support/harness';
import { createMember, memberToken, tokenSecretOf } from './support/access-fixtures';
import { event, nextId, orderInput, recordEvents, recordOrder } from './support/activity-fixtures';
import { earnPoints } from './support/points-fixtures';

/**
 * Member-token isolation: a token speaks for one member, and nothing it can ask reaches another. The
 * walk below is built from the schema itself, so a field added later that leads from the member to a
 * member is checked without anyone remembering to add it here.
 */
let t: TestApp;
let tenant: TestTenant;
const A = { id: '', mergedId: '', token: '', couponCode: '', orderId: '' };
const B = { id: '', couponId: '', couponCode: '', orderId: '', entryId: '', code: '' };

const MEMBER_IDS = 'query($id: ID!) { member(id: $id) { pointsAccount { balance } coupons(first: 10) { nodes { code status } } } }';
const SCAN = 'query($code: String!) { memberByCardCode(code: $code) { status member { id } } }';

async function tokenFor(memberId: string): Promise<string> {
  return dataOf(await t.gql(MemberTokenCreateDocument, { input: { memberId } }, { key: tenant.keys.ADMIN })).memberTokenCreate.token!;
}
async function coupon(templateId: string, memberId: string): Promise<{ id: string; code: string }> {
  const issued = await t.gql('mutation($i: CouponIssueInput!) { couponIssue(input: $i) { coupon { id code } userErrors { code } } }', { i: { templateId, memberId } }, { key: tenant.keys.ADMIN });
  return dataOf(issued).couponIssue.coupon;
}
const ownCard = async (token: string) => dataOf(await t.gql('{ viewer { member { id card { number barcodePayload } } } }', {}, { key: token })).viewer.member;
const adminView = async (memberId: string) => dataOf(await t.gql(MEMBER_IDS, { id: memberId }, { key: tenant.keys.ADMIN })).member;

beforeAll(async () => {
  t = await startTestApp();
  tenant = await t.tenant();
  const template = dataOf(
    await t.gql('mutation($i: CouponTemplateCreateInput!) { couponTemplateCreate(input: $i) { couponTemplate { id } } }', {
      i: { name: 'Ten off', kind: 'AMOUNT_OFF', amountOff: { amount: 1000, currency: 'CNY' }, perMemberLimit: 5 },
    }, { key: tenant.keys.ADMIN }),
  ).couponTemplateCreate.couponTemplate.id;
  // A, with a duplicate record merged in (its history moves to A), and B beside them, each with activity of every kind.
  A.id = await createMember(t, tenant.keys.ADMIN, { displayName: 'Anna App' });
  A.mergedId = await createMember(t, tenant.keys.ADMIN, { displayName: 'Anna Duplicate' });
  B.id = await createMember(t, tenant.keys.ADMIN, { displayName: 'Bert Other' });
  A.orderId = (await recordOrder(t, tenant.keys.INGEST, orderInput(A.id))).id;
  await recordOrder(t, tenant.keys.INGEST, orderInput(A.mergedId));
  B.orderId = (await recordOrder(t, tenant.keys.INGEST, orderInput(B.id))).id;
  await recordEvents(t, tenant.keys.INGEST, [event(A.id), event(A.mergedId), event(B.id)]);
  await earnPoints(t, tenant.keys.INGEST, A.id, 7);
  B.entryId = (await earnPoints(t, tenant.keys.INGEST, B.id, 400)).id;
  A.couponCode = (await coupon(template, A.mergedId)).code;
  const theirs = await coupon(template, B.id);
  [B.couponId, B.couponCode] = [theirs.id, theirs.code];
  const merge = await t.gql(MemberMergeDocument, { input: { survivorId: A.id, mergedId: A.mergedId } }, { key: tenant.keys.ADMIN });
  expect(dataOf(merge).memberMerge.userErrors).toEqual([]);
  A.token = await tokenFor(A.id);
  B.code = (await ownCard(await tokenFor(B.id))).card.barcodePayload;
});
afterAll(async () => {
  await t.close();
});

/** Fields a member token is refused outright (the last test checks it), so the walk leaves them out. */
const STAFF_ONLY = new Set(['Member.segments']);

/**
 * A selection of every field reachable from Member (no required arguments, bounded depth) that
 * returns a Member, each as `{ __typename id }`. A Member is not walked into again: it is the same
 * type, so what it can reach is what this walk already covers.
 */
function memberPaths(schema: GraphQLSchema, type: GraphQLObjectType, path: string, depth: number, found: string[]): string {
  const parts: string[] = [];
  for (const field of Object.values(type.getFields())) {
    if (field.args.some((arg) => isNonNullType(arg.type) && arg.defaultValue === undefined)) continue;
    if (STAFF_ONLY.has(`${type.name}.${field.name}`)) continue;
    const target = getNamedType(field.type);
    if (!(target instanceof GraphQLObjectType)) continue;
    if (target.name === 'Member') {
      found.push(`${path}.${field.name}`);
      parts.push(`${field.name} { __typename id }`);
    } else if (depth < 5) {
      const inner = memberPaths(schema, target, `${path}.${field.name}`, depth + 1, found);
      if (inner) parts.push(`${field.name} { ${inner} }`);
    }
  }
  return parts.join(' ');
}

function membersIn(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const item of value) membersIn(item, out);
  else if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    if (record.__typename === 'Member') out.push(record.id as string);
    for (const child of Object.values(record)) membersIn(child, out);
  }
  return out;
}

test('every path from viewer.member to a member leads back to the token’s own member', async () => {
  const introspection = dataOf(await t.gql<IntrospectionQuery>(getIntrospectionQuery(), {}, { key: tenant.keys.ADMIN }));
  const schema = buildClientSchema(introspection);
  const paths: string[] = [];
  const selection = memberPaths(schema, schema.getType('Member') as GraphQLObjectType, 'Member', 0, paths);
  // The walk is not vacuous: the member's orders, touchpoints and coupons all name a member.
  expect(paths).toEqual(expect.arrayContaining(['Member.orders.nodes.member', 'Member.touchpoints.nodes.member', 'Member.coupons.nodes.member']));
  const response = await t.gql(`{ viewer { member { __typename id ${selection} } } }`, {}, { key: A.token });
  const reached = membersIn(dataOf(response));
  // A's own orders (2, one from the merged record), touchpoints and coupon each answer with a member.
  expect(reached.length).toBeGreaterThanOrEqual(8);
  expect(new Set(reached)).toEqual(new Set([A.id]));
  // The same walk with an ADMIN key from B reaches B only, so the walk would see another member if one were there.
  const fromB = membersIn(dataOf(await t.gql(`query($id: ID!) { member(id: $id) { __typename id ${selection} } }`, { id: B.id }, { key: tenant.keys.ADMIN })));
  expect(new Set(fromB)).toEqual(new Set([B.id]));
});

test('a member token is refused the segments a member is in, which name other members', async () => {
  const response = await t.gql('{ viewer { member { id segments { id members(first: 5) { nodes { id } } } } } }', {}, { key: A.token });
  expect(errorCodes(response)).toEqual(['FORBIDDEN']);
});

test('points, coupons, tier and card through the token are the member’s own', async () => {
  const fields = ['card', 'pointsAccount', 'pointsHistory', 'coupons', 'tier'];
  const introspection = dataOf(await t.gql('{ __type(name: "Member") { fields { name } } }', {}, { key: tenant.keys.ADMIN }));
  // Fields added to Member by the points, coupon, tier and card modules: this test asserts through each.
  expect(introspection.__type.fields.map((field: { name: string }) => field.name)).toEqual(expect.arrayContaining(fields));
  const mine = dataOf(
    await t.gql(
      `{ viewer { member { id card { number balance } pointsAccount { balance }
          pointsHistory(first: 50) { totalCount nodes { id amount } } coupons(first: 50) { nodes { code } } tier { code } } } }`,
      {},
      { key: A.token },
    ),
  ).viewer.member;
  // 25 + 25 points from the two orders (one of the merged record) and 7 by hand; B earned 25 + 400.
  expect(mine.pointsAccount.balance).toBe(57);
  expect(mine.card.balance).toBe(57);
  expect(mine.pointsHistory.nodes.map((entry: { amount: number }) => entry.amount).sort((x: number, y: number) => x - y)).toEqual([7, 25, 25]);
  expect(mine.pointsHistory.nodes.map((entry: { id: string }) => entry.id)).not.toContain(B.entryId);
  expect(mine.coupons.nodes).toEqual([{ code: A.couponCode }]);
  expect(mine.card.number).not.toBe((await ownCard(await tokenFor(B.id))).card.number);
});

test('a member token cannot name another member: by id, node, nodes, card code or identity', async () => {
  const theirs = [B.id, B.couponId, B.orderId, B.entryId];
  const attempts: [string, Record<string, unknown>][] = [
    ['query($id: ID!) { member(id: $id) { id } }', { id: B.id }],
    ['query($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids: theirs }],
    ['{ memberByIdentity(channel: MEMBER_CARD, externalId: "x") { id } }', {}],
    [SCAN, { code: B.code }],
    // Even its own code: scanning is the store's job.
    [SCAN, { code: (await ownCard(A.token)).card.barcodePayload }],
    ['{ members(first: 5) { nodes { id } } }', {}],
    ['query($code: String!) { coupon(code: $code) { id } }', { code: B.couponCode }],
    ...theirs.map((id): [string, Record<string, unknown>] => ['query($id: ID!) { node(id: $id) { id } }', { id }]),
  ];
  for (const [query, variables] of attempts) {
    const response = await t.gql(query, variables, { key: A.token });
    expect({ query, variables, codes: errorCodes(response) }).toEqual({ query, variables, codes: ['FORBIDDEN'] });
  }
});

test('a member token changes nothing of another member (nor its own)', async () => {
  const before = await adminView(B.id);
  const writes: [string, Record<string, unknown>][] = [
    ['mutation($i: PointsRedeemInput!) { pointsRedeem(input: $i) { entry { id } } }', { i: { memberId: B.id, purpose: 'REWARD', reward: 'x', points: 10, idempotencyKey: nextId('steal') } }],
    ['mutation($i: PointsEarnInput!) { pointsEarn(input: $i) { entry { id } } }', { i: { memberId: A.id, points: 1000, reason: 'x', idempotencyKey: nextId('mint') } }],
    ['mutation($i: CouponRedeemInput!) { couponRedeem(input: $i) { coupon { id } } }', { i: { code: B.couponCode, orderExternalId: nextId('pos'), subtotal: { amount: 5000, currency: 'CNY' } } }],
    ['mutation($i: MemberUpdateInput!) { memberUpdate(input: $i) { member { id } } }', { i: { id: B.id, displayName: 'Hijacked' } }],
    ['mutation($i: MemberMergeInput!) { memberMerge(input: $i) { member { id } } }', { i: { survivorId: A.id, mergedId: B.id } }],
    ['mutation($i: MemberTokenCreateInput!) { memberTokenCreate(input: $i) { token } }', { i: { memberId: B.id } }],
  ];
  for (const [query, variables] of writes) {
    const response = await t.gql(query, variables, { key: A.token });
    expect({ query, codes: errorCodes(response) }).toEqual({ query, codes: ['FORBIDDEN'] });
  }
  expect(await adminView(B.id)).toEqual(before);
  expect(before.pointsAccount.balance).toBe(425);
  expect(dataOf(await t.gql('query($id: ID!) { member(id: $id) { displayName } }', { id: B.id }, { key: tenant.keys.ADMIN })).member.displayName).toBe('Bert Other');
});

test('a token issued before its member was merged shows the survivor’s card, barcode included', async () => {
  const survivor = await createMember(t, tenant.keys.ADMIN);
  const merged = await createMember(t, tenant.keys.ADMIN);
  const token = await tokenFor(merged);
  dataOf(await t.gql(MemberMergeDocument, { input: { survivorId: survivor, mergedId: merged } }, { key: tenant.keys.ADMIN }));
  const card = await ownCard(token);
  expect(card.id).toBe(survivor);
  expect(card.card.barcodePayload).toEqual(expect.any(String));
  expect(dataOf(await t.gql(SCAN, { code: card.card.barcodePayload }, { key: tenant.keys.INGEST })).memberByCardCode).toEqual({ status: 'VALID', member: { id: survivor } });
});

test('an expired or forged token reads no card', async () => {
  const secret = await tokenSecretOf(t, tenant.id);
  const otherSecret = await tokenSecretOf(t, (await t.tenant()).id);
  for (const token of [memberToken(secret, tenant.id, A.id, new Date(Date.now() - 1_000)), memberToken(otherSecret, tenant.id, A.id, new Date(Date.now() + 60_000))]) {
    const response = await t.gql('{ viewer { member { card { number barcodePayload } } } }', {}, { key: token });
    expect(response.status).toBe(401);
    expect(errorCodes(response)).toEqual(['UNAUTHENTICATED']);
    expect(response.body.data ?? null).toBeNull();
  }
});

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
function base32(bytes: Buffer): string {
  let [bits, value, out] = [0, 0, ''];
  for (const byte of bytes) {
    [value, bits] = [(value << 8) | byte, bits + 8];
    for (; bits >= 5; bits -= 5) out += BASE32[(value >>> (bits - 5)) & 31];
  }
  return out;
}

test('a card code is never a member token, and a member token never a card code', async () => {
  const { card } = await ownCard(A.token);
  const asBearer = await t.gql('{ viewer { member { id } } }', {}, { key: card.barcodePayload });
  expect(errorCodes(asBearer)).toEqual(['UNAUTHENTICATED']);
  const scan = async (code: string) => dataOf(await t.gql(SCAN, { code }, { key: tenant.keys.INGEST })).memberByCardCode;
  expect(await scan(A.token)).toEqual({ status: 'INVALID', member: null });
  // Signed the way member tokens are (the tenant secret itself, not the card's derived key): refused.
  const secret = await tokenSecretOf(t, tenant.id);
  const body = card.barcodePayload.split('.').slice(0, 3).join('.');
  const withTokenKey = `${body}.${base32(createHmac('sha256', secret).update(body).digest().subarray(0, 10))}`;
  expect(withTokenKey).not.toBe(card.barcodePayload);
  expect(await scan(withTokenKey)).toEqual({ status: 'INVALID', member: null });
  expect(await scan(card.barcodePayload)).toEqual({ status: 'VALID', member: { id: A.id } });
});

test('a physical card of any shape bound by the merchant gives a barcode that scans back, for every scanning role', async () => {
  for (const number of ['NY-0001234', 'card.007/b', '6200 0000 0000 0001']) {
    const memberId = await createMember(t, tenant.keys.ADMIN, { identities: [{ channel: 'MEMBER_CARD', externalId: number }] });
    const { card } = await ownCard(await tokenFor(memberId));
    expect(card.number).toBe(number);
    for (const key of [tenant.keys.OWNER, tenant.keys.ADMIN, tenant.keys.INGEST]) {
      const scanned = dataOf(await t.gql(SCAN, { code: card.barcodePayload }, { key })).memberByCardCode;
      expect({ number, scanned }).toEqual({ number, scanned: { status: 'VALID', member: { id: memberId } } });
    }
    // The number is signed too: the same code naming another card is refused.
    const forged = card.barcodePayload.replace(number, `${number}9`);
    expect(dataOf(await t.gql(SCAN, { code: forged }, { key: tenant.keys.INGEST })).memberByCardCode).toEqual({ status: 'INVALID', member: null });
  }
});
