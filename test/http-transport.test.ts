import { request } from 'node:http';
import { startTestApp, type TestApp, type TestTenant } from './support/harness';

let t: TestApp;
let tenant: TestTenant;
let origin: string;
beforeAll(async () => {
  t = await startTestApp();
  tenant = await t.tenant();
  origin = new URL(t.url).origin;
});
afterAll(async () => {
  await t.close();
});

async function memberCount(): Promise<number> {
  const response = await t.gql<{ members: { totalCount: number } }>('{ members(first: 1) { totalCount } }', {}, { key: tenant.keys.OWNER });
  return response.body.data!.members.totalCount;
}

test('idle connections are kept 65 s, and the Keep-Alive header tells clients so', async () => {
  const headers = await new Promise<Record<string, unknown>>((resolve, reject) => {
    const body = JSON.stringify({ query: '{ __typename }' });
    const req = request(t.url, { method: 'POST', headers: { 'content-type': 'application/json', connection: 'keep-alive', authorization: `Bearer ${tenant.keys.OWNER}` } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.headers));
    });
    req.on('error', reject);
    req.end(body);
  });
  expect(headers.connection).toBe('keep-alive');
  expect(headers['keep-alive']).toBe('timeout=65');
});

describe('CSRF prevention', () => {
  const create = 'mutation { memberCreate(input: { displayName: "Forged" }) { member { id } } }';

  test('a text/plain POST (a "simple" cross-site request) is refused and writes nothing', async () => {
    const response = await fetch(t.url, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', authorization: `Bearer ${tenant.keys.OWNER}` },
      body: JSON.stringify({ query: create }),
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/CSRF/);
    expect(await memberCount()).toBe(0);
  });

  test('a GET without a preflight-forcing header is refused', async () => {
    const url = new URL(t.url);
    url.searchParams.set('query', '{ members(first: 1) { totalCount } }');
    const response = await fetch(url, { headers: { authorization: `Bearer ${tenant.keys.OWNER}` } });
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/CSRF/);
  });

  test('the same GET with apollo-require-preflight is served', async () => {
    const url = new URL(t.url);
    url.searchParams.set('query', '{ members(first: 1) { totalCount } }');
    const response = await fetch(url, { headers: { authorization: `Bearer ${tenant.keys.OWNER}`, 'apollo-require-preflight': 'true' } });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { members: { totalCount: 0 } } });
  });

  test('a mutation over GET is refused even with the header', async () => {
    const url = new URL(t.url);
    url.searchParams.set('query', create);
    const response = await fetch(url, { headers: { authorization: `Bearer ${tenant.keys.OWNER}`, 'apollo-require-preflight': 'true' } });
    expect(response.status).toBe(405);
    expect(await memberCount()).toBe(0);
  });
});

describe('health checks', () => {
  test('/healthz answers 200 {status: ok}', async () => {
    const response = await fetch(`${origin}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  test('/readyz answers 200 {status: ready} with the database reachable and migrated', async () => {
    const response = await fetch(`${origin}/readyz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ready' });
  });

  test('an unknown path is a JSON 404', async () => {
    const response = await fetch(`${origin}/nope`);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/application\/json/);
  });
});

describe('request ids', () => {
  test('a client X-Request-Id is echoed', async () => {
    const response = await fetch(`${origin}/healthz`, { headers: { 'x-request-id': 'client-id-42' } });
    expect(response.headers.get('x-request-id')).toBe('client-id-42');
    const graphql = await t.gql('{ __typename }', {}, { headers: { 'x-request-id': 'client-id-43' } });
    expect(graphql.headers.get('x-request-id')).toBe('client-id-43');
  });

  test('without one, each response gets a fresh id', async () => {
    const first = (await fetch(`${origin}/healthz`)).headers.get('x-request-id');
    const second = (await fetch(`${origin}/healthz`)).headers.get('x-request-id');
    expect(first).toMatch(/^[0-9a-f-]{36}$/);
    expect(second).toMatch(/^[0-9a-f-]{36}$/);
    expect(first).not.toBe(second);
  });

  test('an unsafe client id (log injection) is replaced', async () => {
    const response = await fetch(`${origin}/healthz`, { headers: { 'x-request-id': 'a b"}{"level":60' } });
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  test('a bad key is UNAUTHENTICATED and still carries the request id', async () => {
    const response = await t.gql('{ members(first: 1) { totalCount } }', {}, { headers: { authorization: 'Bearer not-a-key', 'x-request-id': 'req-unauth' } });
    expect(response.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(response.headers.get('x-request-id')).toBe('req-unauth');
  });
});
