import { Client } from 'pg';
import type { Client as WsClient } from 'graphql-ws';
import { AccessKeyCreateDocument, AccessKeyRevokeDocument, AccessKeysDocument, MemberCreateDocument, TenantDocument } from './generated/graphql';
import { sha256 } from '../src/core/auth/secrets';
import { dataOf, errorCodes, startTestApp, type TestApp, type TestTenant } from './support/harness';
import { missingId, openSocket, overSocket } from './support/access-fixtures';

let t: TestApp;
let tenant: TestTenant;
beforeAll(async () => {
  t = await startTestApp();
  tenant = await t.tenant();
});
afterAll(async () => {
  await Promise.all(sockets.map((socket) => socket.dispose()));
  await t.close();
});

const sockets: WsClient[] = [];
const socket = (key: string) => {
  const client = openSocket(t, key);
  sockets.push(client);
  return client;
};

const TENANT_QUERY = '{ tenant { id } }';

/** Replaces one character of the secret part of a key with another valid one. */
function tamper(key: string, at = key.length - 1): string {
  const replacement = key[at] === 'A' ? 'B' : 'A';
  return key.slice(0, at) + replacement + key.slice(at + 1);
}

async function expectUnauthenticated(headers: Record<string, string>, query = TENANT_QUERY) {
  const response = await t.gql(query, {}, { headers });
  expect(response.status).toBe(401);
  expect(errorCodes(response)).toEqual(['UNAUTHENTICATED']);
  expect(response.body.data ?? null).toBeNull();
  return response;
}

async function createKey(role: 'OWNER' | 'ADMIN' | 'ANALYST' | 'INGEST', name = `${role} key`) {
  const payload = dataOf(await t.gql(AccessKeyCreateDocument, { input: { name, role } }, { key: tenant.keys.OWNER })).accessKeyCreate;
  expect(payload.userErrors).toEqual([]);
  return { key: payload.key!, accessKey: payload.accessKey! };
}

describe('authentication', () => {
  test('without an Authorization header, fields answer UNAUTHENTICATED but __typename works', async () => {
    const anonymous = await t.gql(TENANT_QUERY);
    expect(errorCodes(anonymous)).toEqual(['UNAUTHENTICATED']);
    expect(anonymous.body.errors?.[0]?.message).toMatch(/Bearer/);
    expect(anonymous.body.data ?? null).toBeNull();
    expect((await t.gql('{ __typename }')).body).toEqual({ data: { __typename: 'Query' } });
    // An empty header is the same as none.
    expect(errorCodes(await t.gql(TENANT_QUERY, {}, { headers: { authorization: '' } }))).toEqual(['UNAUTHENTICATED']);
  });

  test('a valid key of each role authenticates', async () => {
    for (const role of ['OWNER', 'ADMIN', 'ANALYST'] as const) {
      expect(dataOf(await t.gql(TenantDocument, {}, { key: tenant.keys[role] })).tenant.id).toEqual(expect.any(String));
    }
    // INGEST is authenticated (FORBIDDEN, not UNAUTHENTICATED) even though it may read nothing yet.
    expect(errorCodes(await t.gql(TenantDocument, {}, { key: tenant.keys.INGEST }))).toEqual(['FORBIDDEN']);
  });

  test('the scheme is case-insensitive and surrounding whitespace is ignored', async () => {
    for (const header of [`bearer ${tenant.keys.OWNER}`, `BEARER   ${tenant.keys.OWNER}`, `  Bearer ${tenant.keys.OWNER}  `]) {
      const response = await t.gql(TENANT_QUERY, {}, { headers: { authorization: header } });
      expect(response.body.errors).toBeUndefined();
    }
  });

  test.each([
    ['another scheme', (key: string) => `Basic ${key}`],
    ['no scheme', (key: string) => key],
    ['no token', () => 'Bearer'],
    ['two tokens', (key: string) => `Bearer ${key} ${key}`],
    ['a token with a space inside', (key: string) => `Bearer ${key.slice(0, 10)} ${key.slice(10)}`],
  ])('a malformed header (%s) is UNAUTHENTICATED with HTTP 401', async (_name, header) => {
    const response = await expectUnauthenticated({ authorization: header(tenant.keys.OWNER) });
    expect(response.body.errors?.[0]?.message).toMatch(/Bearer <key>/);
  });

  test.each([
    ['random text', () => 'not-a-key'],
    ['the right shape but unknown', () => `ecrm_0123456789ab_${'A'.repeat(43)}`],
    ['a known prefix with another secret', (key: string) => `${key.slice(0, 18)}${'A'.repeat(43)}`],
    ['one character of the secret changed', (key: string) => tamper(key)],
    ['one character of the prefix changed', (key: string) => `${key.slice(0, 5)}${key[5] === 'a' ? 'b' : 'a'}${key.slice(6)}`],
    ['truncated', (key: string) => key.slice(0, -1)],
    ['extended', (key: string) => `${key}A`],
    ['a member token that is not one', () => 'ecrm_mt.garbage'],
  ])('a bad key (%s) is UNAUTHENTICATED with HTTP 401, even for __typename', async (_name, make) => {
    const headers = { authorization: `Bearer ${make(tenant.keys.OWNER)}` };
    const response = await expectUnauthenticated(headers);
    expect(response.body.errors?.[0]?.message).not.toContain(tenant.keys.OWNER);
    // A bad credential is refused outright, never downgraded to an anonymous caller.
    await expectUnauthenticated(headers, '{ __typename }');
  });

  test('a tampered key stays refused after the genuine key was cached', async () => {
    const { key } = await createKey('ADMIN');
    expect(dataOf(await t.gql(TenantDocument, {}, { key })).tenant.id).toEqual(expect.any(String));
    await expectUnauthenticated({ authorization: `Bearer ${tamper(key)}` });
    await expectUnauthenticated({ authorization: `Bearer ${tamper(key, 20)}` });
  });

  test('a revoked key stops working at once, even though it was just used (and cached)', async () => {
    const { key, accessKey } = await createKey('ADMIN', 'to be revoked');
    for (let i = 0; i < 2; i++) expect(dataOf(await t.gql(TenantDocument, {}, { key })).tenant.id).toEqual(expect.any(String));
    const revoked = dataOf(await t.gql(AccessKeyRevokeDocument, { input: { id: accessKey.id } }, { key: tenant.keys.OWNER })).accessKeyRevoke;
    expect(revoked.userErrors).toEqual([]);
    expect(revoked.accessKey).toMatchObject({ id: accessKey.id, active: false, revokedAt: expect.any(String) });
    await expectUnauthenticated({ authorization: `Bearer ${key}` });
    const write = await t.gql(MemberCreateDocument, { input: { displayName: 'After revocation' } }, { key });
    expect(write.status).toBe(401);
    expect(errorCodes(write)).toEqual(['UNAUTHENTICATED']);
    const members = dataOf(await t.gql('{ members(query: "name:\\"After revocation\\"") { totalCount } }', {}, { key: tenant.keys.OWNER }));
    expect(members).toEqual({ members: { totalCount: 0 } });
  });

  test('a revoked key stops working at once on an open WebSocket connection too', async () => {
    const { key, accessKey } = await createKey('ADMIN', 'revoked while connected');
    const client = socket(key);
    expect(await overSocket(client, '{ tenant { name } }')).toEqual({ data: { tenant: { name: expect.any(String) } }, codes: [] });
    dataOf(await t.gql(AccessKeyRevokeDocument, { input: { id: accessKey.id } }, { key: tenant.keys.OWNER }));
    expect((await overSocket(client, '{ tenant { name } }')).codes).toEqual(['UNAUTHENTICATED']);
    const write = await overSocket(client, 'mutation { memberCreate(input: { displayName: "Over a revoked socket" }) { member { id } } }');
    expect(write.codes).toEqual(['UNAUTHENTICATED']);
    const members = dataOf(await t.gql('{ members(query: "name:\\"Over a revoked socket\\"") { totalCount } }', {}, { key: tenant.keys.OWNER }));
    expect(members).toEqual({ members: { totalCount: 0 } });
  });

  test('an OWNER can revoke its own key, and then it no longer works', async () => {
    const { key, accessKey } = await createKey('OWNER', 'self-revoking owner');
    const revoked = dataOf(await t.gql(AccessKeyRevokeDocument, { input: { id: accessKey.id } }, { key })).accessKeyRevoke;
    expect(revoked.userErrors).toEqual([]);
    await expectUnauthenticated({ authorization: `Bearer ${key}` });
  });
});

describe('access keys', () => {
  test('accessKeyCreate returns the key once, and it works at once with its role', async () => {
    const analyst = await createKey('ANALYST', '  reporting  ');
    expect(analyst.key).toMatch(/^ecrm_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    expect(analyst.accessKey).toEqual({ id: expect.any(String), name: 'reporting', role: 'ANALYST', prefix: analyst.key.slice(5, 17), active: true });
    expect(dataOf(await t.gql('{ members { totalCount } }', {}, { key: analyst.key })).members.totalCount).toEqual(expect.any(Number));
    expect(errorCodes(await t.gql(MemberCreateDocument, { input: { displayName: 'x' } }, { key: analyst.key }))).toEqual(['FORBIDDEN']);

    const admin = await createKey('ADMIN', 'back office');
    const created = dataOf(await t.gql(MemberCreateDocument, { input: { displayName: 'By new admin' } }, { key: admin.key })).memberCreate;
    expect(created.userErrors).toEqual([]);
    expect(errorCodes(await t.gql(AccessKeysDocument, {}, { key: admin.key }))).toEqual(['FORBIDDEN']);

    const owner = await createKey('OWNER', 'second owner');
    expect(dataOf(await t.gql(AccessKeysDocument, {}, { key: owner.key })).accessKeys.nodes.map((k) => k.id)).toContain(owner.accessKey.id);

    const ingest = await createKey('INGEST', 'pipeline');
    expect(errorCodes(await t.gql(TenantDocument, {}, { key: ingest.key }))).toEqual(['FORBIDDEN']);
    expect(new Set([analyst.key, admin.key, owner.key, ingest.key]).size).toBe(4);
  });

  test('accessKeys lists the keys of the tenant and never their secrets', async () => {
    const { key, accessKey } = await createKey('ANALYST', 'listed');
    const response = await t.gql(
      '{ accessKeys(first: 100) { totalCount edges { cursor node { id name role prefix active createdAt revokedAt } } } }',
      {},
      { key: tenant.keys.OWNER },
    );
    const list = dataOf(response).accessKeys;
    expect(list.edges.map((edge: { node: { id: string } }) => edge.node.id)).toContain(accessKey.id);
    expect(list.totalCount).toBe(list.edges.length);
    const body = JSON.stringify(response.body);
    const secretPart = key.slice(18);
    expect(body).not.toContain(secretPart);
    expect(body).not.toContain(sha256(key));
    for (const role of ['OWNER', 'ADMIN', 'ANALYST', 'INGEST'] as const) expect(body).not.toContain(tenant.keys[role].slice(18));
  });

  test('the AccessKey type has no field that could carry a secret or its hash', async () => {
    const type = dataOf(await t.gql('{ __type(name: "AccessKey") { fields { name } } }'));
    const fields = type.__type.fields.map((f: { name: string }) => f.name).sort();
    expect(fields).toEqual(['active', 'createdAt', 'id', 'name', 'prefix', 'revokedAt', 'role']);
    for (const field of ['secretHash', 'secret', 'hash', 'key']) {
      const response = await t.gql(`{ accessKeys { nodes { ${field} } } }`, {}, { key: tenant.keys.OWNER });
      expect(errorCodes(response)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    }
    // The key is only in the creation payload.
    const payloadType = dataOf(await t.gql('{ __type(name: "AccessKeyCreatePayload") { fields { name } } }'));
    expect(payloadType.__type.fields.map((f: { name: string }) => f.name).sort()).toEqual(['accessKey', 'key', 'userErrors']);
  });

  test('node(id:) of an access key answers only to OWNER keys; to any other reader it is null', async () => {
    const { accessKey } = await createKey('INGEST', 'seen by owners only');
    const query = 'query($id: ID!) { node(id: $id) { id ... on AccessKey { name role prefix } } }';
    const asOwner = dataOf(await t.gql(query, { id: accessKey.id }, { key: tenant.keys.OWNER }));
    expect(asOwner.node).toEqual({ id: accessKey.id, name: 'seen by owners only', role: 'INGEST', prefix: accessKey.prefix });
    for (const role of ['ADMIN', 'ANALYST'] as const) {
      expect((await t.gql(query, { id: accessKey.id }, { key: tenant.keys[role] })).body).toEqual({ data: { node: null } });
      const nodes = await t.gql('query($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids: [accessKey.id] }, { key: tenant.keys[role] });
      expect(nodes.body).toEqual({ data: { nodes: [null] } });
    }
  });

  test('a blank or too long name is a userError and creates nothing', async () => {
    const before = dataOf(await t.gql(AccessKeysDocument, {}, { key: tenant.keys.OWNER })).accessKeys.totalCount;
    for (const name of ['', '   ']) {
      const payload = dataOf(await t.gql(AccessKeyCreateDocument, { input: { name, role: 'ADMIN' } }, { key: tenant.keys.OWNER })).accessKeyCreate;
      expect(payload).toEqual({ key: null, accessKey: null, userErrors: [{ field: ['input', 'name'], message: 'name must not be blank', code: 'INVALID' }] });
    }
    const long = dataOf(await t.gql(AccessKeyCreateDocument, { input: { name: 'n'.repeat(101), role: 'ADMIN' } }, { key: tenant.keys.OWNER })).accessKeyCreate;
    expect(long.key).toBeNull();
    expect(long.userErrors).toEqual([{ field: ['input', 'name'], message: 'name must be at most 100 characters', code: 'TOO_LONG' }]);
    const exactly100 = dataOf(await t.gql(AccessKeyCreateDocument, { input: { name: 'n'.repeat(100), role: 'ADMIN' } }, { key: tenant.keys.OWNER }));
    expect(exactly100.accessKeyCreate.userErrors).toEqual([]);
    const after = dataOf(await t.gql(AccessKeysDocument, {}, { key: tenant.keys.OWNER })).accessKeys.totalCount;
    expect(after).toBe(before + 1);
  });

  test('an unknown role is refused by the schema', async () => {
    const response = await t.gql(AccessKeyCreateDocument, { input: { name: 'root', role: 'SUPERUSER' as 'OWNER' } }, { key: tenant.keys.OWNER });
    expect(response.status).toBe(400);
    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
  });

  test('revoking an unknown key, or an id of another type, is NOT_FOUND', async () => {
    const member = dataOf(await t.gql(MemberCreateDocument, { input: { displayName: 'Not a key' } }, { key: tenant.keys.ADMIN })).memberCreate.member!;
    for (const id of [missingId('AccessKey'), member.id, 'garbage', '']) {
      const payload = dataOf(await t.gql(AccessKeyRevokeDocument, { input: { id } }, { key: tenant.keys.OWNER })).accessKeyRevoke;
      expect(payload).toEqual({ accessKey: null, userErrors: [{ field: ['input', 'id'], message: 'no access key has this id', code: 'NOT_FOUND' }] });
    }
  });

  test('revoking twice is ALREADY_REVOKED and keeps the first revocation time', async () => {
    const { accessKey } = await createKey('ANALYST', 'twice');
    const first = dataOf(await t.gql(AccessKeyRevokeDocument, { input: { id: accessKey.id } }, { key: tenant.keys.OWNER })).accessKeyRevoke;
    expect(first.userErrors).toEqual([]);
    const second = dataOf(await t.gql(AccessKeyRevokeDocument, { input: { id: accessKey.id } }, { key: tenant.keys.OWNER })).accessKeyRevoke;
    expect(second).toEqual({ accessKey: null, userErrors: [{ field: ['input', 'id'], message: 'this key is already revoked', code: 'ALREADY_REVOKED' }] });
    const listed = dataOf(await t.gql('{ accessKeys(first: 100) { nodes { id active revokedAt } } }', {}, { key: tenant.keys.OWNER }));
    expect(listed.accessKeys.nodes.find((k: { id: string }) => k.id === accessKey.id)).toEqual({ id: accessKey.id, active: false, revokedAt: first.accessKey!.revokedAt });
  });

  test('the access_key table stores a hash of the key, never the key', async () => {
    const { key, accessKey } = await createKey('ADMIN', 'stored');
    const db = new Client({ connectionString: t.databaseUrl });
    await db.connect();
    try {
      const { rows } = await db.query('select k.*, row_to_json(k)::text as whole from access_key k where prefix = $1', [accessKey.prefix]);
      expect(rows).toHaveLength(1);
      const row = rows[0];
      expect(row.secret_hash).not.toBe(key);
      expect(row.secret_hash).toBe(sha256(key));
      expect(row.whole).not.toContain(key.slice(18));
      // No key of the tenant is stored in the clear anywhere in the table.
      const { rows: all } = await db.query('select row_to_json(k)::text as whole from access_key k');
      for (const stored of all) {
        for (const role of ['OWNER', 'ADMIN', 'ANALYST', 'INGEST'] as const) expect(stored.whole).not.toContain(tenant.keys[role].slice(18));
      }
    } finally {
      await db.end();
    }
  });
});
