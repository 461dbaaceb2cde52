import {
  AccessViewerFullDocument,
  MemberEraseDocument,
  MemberMergeDocument,
  MemberTokenCreateDocument,
  MemberUpdateDocument,
  ViewerDocument,
} from './generated/graphql';
import { dataOf, errorCodes, startTestApp, type TestApp, type TestTenant } from './support/harness';
import { createMember, createStore, grantConsent, memberToken, missingId, openSocket, overSocket, tokenSecretOf } from './support/access-fixtures';

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

const MAX_TTL = 3_600; // ECRM_MEMBER_TOKEN_TTL_SECONDS default

async function issue(memberId: string, ttlSeconds?: number, key = tenant.keys.ADMIN) {
  return dataOf(await t.gql(MemberTokenCreateDocument, { input: { memberId, ttlSeconds } }, { key })).memberTokenCreate;
}

async function tokenFor(memberId: string): Promise<string> {
  const payload = await issue(memberId);
  expect(payload.userErrors).toEqual([]);
  return payload.token!;
}

async function expectRefused(token: string) {
  const response = await t.gql(ViewerDocument, {}, { key: token });
  expect(response.status).toBe(401);
  expect(errorCodes(response)).toEqual(['UNAUTHENTICATED']);
  expect(response.body.data ?? null).toBeNull();
}

describe('memberTokenCreate', () => {
  test('issues a token for the member, valid for ttlSeconds (the maximum by default)', async () => {
    const memberId = await createMember(t, tenant.keys.ADMIN);
    for (const [ttlSeconds, expected] of [
      [undefined, MAX_TTL],
      [60, 60],
      [MAX_TTL, MAX_TTL],
      [900, 900],
    ] as const) {
      const started = Date.now();
      const payload = await issue(memberId, ttlSeconds, tenant.keys.OWNER);
      expect(payload.userErrors).toEqual([]);
      expect(payload.member).toEqual({ id: memberId });
      expect(payload.token).toMatch(/^ecrm_mt\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
      const expiresAt = new Date(payload.expiresAt!).getTime();
      expect(expiresAt).toBeGreaterThanOrEqual(started + expected * 1000 - 1000);
      expect(expiresAt).toBeLessThanOrEqual(Date.now() + expected * 1000 + 1000);
      expect(dataOf(await t.gql(ViewerDocument, {}, { key: payload.token! })).viewer?.member?.id).toBe(memberId);
    }
  });

  test.each([59, 0, -1, MAX_TTL + 1, 2_147_483_647])('ttlSeconds %i is INVALID and issues nothing', async (ttlSeconds) => {
    const memberId = await createMember(t, tenant.keys.ADMIN);
    expect(await issue(memberId, ttlSeconds)).toEqual({
      token: null,
      expiresAt: null,
      member: null,
      userErrors: [{ field: ['input', 'ttlSeconds'], message: `ttlSeconds must be between 60 and ${MAX_TTL}`, code: 'INVALID' }],
    });
  });

  test('an unknown member is NOT_FOUND, an erased one MEMBER_ERASED', async () => {
    for (const memberId of [missingId('Member'), await createStore(t, tenant.keys.ADMIN), 'garbage']) {
      expect(await issue(memberId)).toEqual({
        token: null,
        expiresAt: null,
        member: null,
        userErrors: [{ field: ['input', 'memberId'], message: 'no member has this id', code: 'NOT_FOUND' }],
      });
    }
    const erased = await createMember(t, tenant.keys.ADMIN);
    dataOf(await t.gql(MemberEraseDocument, { input: { id: erased } }, { key: tenant.keys.ADMIN }));
    const payload = await issue(erased);
    expect(payload.token).toBeNull();
    expect(payload.userErrors).toEqual([{ field: ['input', 'memberId'], message: 'this member was erased', code: 'MEMBER_ERASED' }]);
  });

  test('for a merged id is issued for the survivor', async () => {
    const survivor = await createMember(t, tenant.keys.ADMIN, { displayName: 'Kept' });
    const merged = await createMember(t, tenant.keys.ADMIN, { displayName: 'Gone' });
    dataOf(await t.gql(MemberMergeDocument, { input: { survivorId: survivor, mergedId: merged } }, { key: tenant.keys.ADMIN }));
    const payload = await issue(merged);
    expect(payload.userErrors).toEqual([]);
    expect(payload.member).toEqual({ id: survivor });
    expect(dataOf(await t.gql(ViewerDocument, {}, { key: payload.token! })).viewer?.member).toMatchObject({ id: survivor, displayName: 'Kept' });
  });
});

describe('a member token', () => {
  test('reads its own member through viewer, unmasked', async () => {
    const storeId = await createStore(t, tenant.keys.ADMIN);
    const memberId = await createMember(t, tenant.keys.ADMIN, {
      displayName: 'Mobile Mia',
      phone: '13800138001',
      email: 'Mia@Example.com',
      address: '1 Garden Road',
      birthday: '1990-04-05',
      registeredStoreId: storeId,
      tags: ['app'],
      identities: [{ channel: 'PHONE', externalId: '13800138001' }],
    });
    await grantConsent(t, tenant.keys.ADMIN, memberId, 'PUSH');
    const token = await tokenFor(memberId);
    const viewer = dataOf(await t.gql(AccessViewerFullDocument, {}, { key: token })).viewer!.member!;
    expect(viewer).toMatchObject({
      id: memberId,
      displayName: 'Mobile Mia',
      phone: '+8613800138001',
      email: 'mia@example.com',
      address: '1 Garden Road',
      birthday: '1990-04-05',
      tags: ['app'],
      registeredStore: { id: storeId },
      identities: [{ channel: 'PHONE', externalId: '+8613800138001' }],
      consents: [{ channel: 'PUSH', granted: true }],
    });
  });

  test('reads nothing but viewer, and writes nothing', async () => {
    const memberId = await createMember(t, tenant.keys.ADMIN, { displayName: 'Only me' });
    const otherMember = await createMember(t, tenant.keys.ADMIN, { displayName: 'Someone else' });
    const token = await tokenFor(memberId);
    const forbidden: [string, Record<string, unknown>][] = [
      ['{ members { totalCount } }', {}],
      ['query($id: ID!) { member(id: $id) { id } }', { id: memberId }],
      ['query($id: ID!) { member(id: $id) { id } }', { id: otherMember }],
      ['query($id: ID!) { node(id: $id) { id } }', { id: memberId }],
      ['query($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids: [otherMember] }],
      ['{ memberByIdentity(channel: APP_USER, externalId: "x") { id } }', {}],
      ['{ stores { totalCount } }', {}],
      ['{ tenant { id } }', {}],
      ['{ accessKeys { totalCount } }', {}],
    ];
    for (const [query, variables] of forbidden) {
      const response = await t.gql(query, variables, { key: token });
      expect({ query, codes: errorCodes(response) }).toEqual({ query, codes: ['FORBIDDEN'] });
    }
    const update = await t.gql(MemberUpdateDocument, { input: { id: memberId, displayName: 'Changed by app' } }, { key: token });
    expect(errorCodes(update)).toEqual(['FORBIDDEN']);
    const selfIssue = await t.gql(MemberTokenCreateDocument, { input: { memberId: otherMember } }, { key: token });
    expect(errorCodes(selfIssue)).toEqual(['FORBIDDEN']);
    expect(dataOf(await t.gql(ViewerDocument, {}, { key: token })).viewer?.member?.displayName).toBe('Only me');
  });

  test('with a tampered signature or payload is UNAUTHENTICATED', async () => {
    const memberId = await createMember(t, tenant.keys.ADMIN);
    const otherMember = await createMember(t, tenant.keys.ADMIN);
    const token = await tokenFor(memberId);
    const dot = token.lastIndexOf('.');
    const [body, signature] = [token.slice(0, dot), token.slice(dot + 1)];
    const flipped = signature.slice(0, -2) + (signature.at(-2) === 'A' ? 'B' : 'A') + signature.slice(-1);
    await expectRefused(`${body}.${flipped}`);
    await expectRefused(body);
    await expectRefused(`${body}.`);
    // Claims naming another member, kept with the original signature.
    const claims = JSON.parse(Buffer.from(body.slice('ecrm_mt.'.length), 'base64url').toString('utf8'));
    const otherUuid = Buffer.from(otherMember, 'base64url').toString('utf8').split(':')[1];
    const forged = Buffer.from(JSON.stringify({ ...claims, m: otherUuid })).toString('base64url');
    await expectRefused(`ecrm_mt.${forged}.${signature}`);
    // A longer life, same signature.
    const extended = Buffer.from(JSON.stringify({ ...claims, exp: claims.exp + 86_400 })).toString('base64url');
    await expectRefused(`ecrm_mt.${extended}.${signature}`);
    // The genuine token still works.
    expect(dataOf(await t.gql(ViewerDocument, {}, { key: token })).viewer?.member?.id).toBe(memberId);
  });

  test('signed with the right secret works; signed for another tenant, or with its secret, does not', async () => {
    const memberId = await createMember(t, tenant.keys.ADMIN);
    const otherMember = await createMember(t, other.keys.ADMIN);
    const secret = await tokenSecretOf(t, tenant.id);
    const otherSecret = await tokenSecretOf(t, other.id);
    expect(otherSecret).not.toBe(secret);
    const inAnHour = new Date(Date.now() + 3_600_000);
    // Control: a token made the way the server makes them is accepted, so the refusals below are for the reasons named.
    expect(dataOf(await t.gql(ViewerDocument, {}, { key: memberToken(secret, tenant.id, memberId, inAnHour) })).viewer?.member?.id).toBe(memberId);
    // The other tenant's secret, claiming this tenant.
    await expectRefused(memberToken(otherSecret, tenant.id, memberId, inAnHour));
    // This tenant's secret, claiming the other tenant (and its member).
    await expectRefused(memberToken(secret, other.id, otherMember, inAnHour));
    // A tenant that does not exist.
    await expectRefused(memberToken(secret, '01900000-0000-7000-8000-000000000000', memberId, inAnHour));
  });

  test("validly signed for a member of another tenant, it sees nothing", async () => {
    const otherMember = await createMember(t, other.keys.ADMIN, { displayName: 'Foreign' });
    const secret = await tokenSecretOf(t, tenant.id);
    const token = memberToken(secret, tenant.id, otherMember, new Date(Date.now() + 3_600_000));
    const response = await t.gql(ViewerDocument, {}, { key: token });
    expect(response.body).toEqual({ data: { viewer: null } });
  });

  test('that has expired is UNAUTHENTICATED', async () => {
    const memberId = await createMember(t, tenant.keys.ADMIN);
    const secret = await tokenSecretOf(t, tenant.id);
    await expectRefused(memberToken(secret, tenant.id, memberId, new Date(Date.now() - 1_000)));
    await expectRefused(memberToken(secret, tenant.id, memberId, new Date(Date.now() - 86_400_000)));
    await expectRefused(memberToken(secret, tenant.id, memberId, new Date(0)));
  });

  test('stops working on an open WebSocket connection when it expires', async () => {
    const memberId = await createMember(t, tenant.keys.ADMIN, { displayName: 'Short lived' });
    const secret = await tokenSecretOf(t, tenant.id);
    // Expiry has one-second resolution: this token lives between 1 and 2 seconds.
    const expiresAt = new Date(Math.floor(Date.now() / 1000) * 1000 + 2_000);
    const client = openSocket(t, memberToken(secret, tenant.id, memberId, expiresAt));
    try {
      expect(await overSocket(client, '{ viewer { member { displayName } } }')).toEqual({ data: { viewer: { member: { displayName: 'Short lived' } } }, codes: [] });
      await new Promise((resolve) => setTimeout(resolve, expiresAt.getTime() - Date.now() + 100));
      expect(await overSocket(client, '{ viewer { member { displayName } } }')).toEqual({ codes: ['UNAUTHENTICATED'] });
    } finally {
      await client.dispose();
    }
  });

  test('after its member is merged, viewer answers with the survivor', async () => {
    const survivor = await createMember(t, tenant.keys.ADMIN, { displayName: 'Survivor' });
    const merged = await createMember(t, tenant.keys.ADMIN, { displayName: 'Duplicate', tags: ['from-duplicate'] });
    const token = await tokenFor(merged);
    expect(dataOf(await t.gql(ViewerDocument, {}, { key: token })).viewer?.member?.id).toBe(merged);
    const payload = dataOf(await t.gql(MemberMergeDocument, { input: { survivorId: survivor, mergedId: merged } }, { key: tenant.keys.ADMIN })).memberMerge;
    expect(payload.userErrors).toEqual([]);
    const viewer = dataOf(await t.gql(AccessViewerFullDocument, {}, { key: token })).viewer?.member;
    expect(viewer).toMatchObject({ id: survivor, displayName: 'Survivor', tags: ['from-duplicate'], merges: [{ mergedMemberId: merged }] });
  });

  test('after its member is erased, viewer is null', async () => {
    const memberId = await createMember(t, tenant.keys.ADMIN, { displayName: 'Leaving', phone: '13800138002' });
    const token = await tokenFor(memberId);
    expect(dataOf(await t.gql(ViewerDocument, {}, { key: token })).viewer?.member?.phone).toBe('+8613800138002');
    expect(dataOf(await t.gql(MemberEraseDocument, { input: { id: memberId } }, { key: tenant.keys.ADMIN })).memberErase.userErrors).toEqual([]);
    const response = await t.gql(ViewerDocument, {}, { key: token });
    expect(response.body).toEqual({ data: { viewer: null } });
  });

  test('after its survivor is erased, viewer is null too', async () => {
    const survivor = await createMember(t, tenant.keys.ADMIN);
    const merged = await createMember(t, tenant.keys.ADMIN);
    const token = await tokenFor(merged);
    dataOf(await t.gql(MemberMergeDocument, { input: { survivorId: survivor, mergedId: merged } }, { key: tenant.keys.ADMIN }));
    dataOf(await t.gql(MemberEraseDocument, { input: { id: survivor } }, { key: tenant.keys.ADMIN }));
    expect((await t.gql(ViewerDocument, {}, { key: token })).body).toEqual({ data: { viewer: null } });
  });
});
