import { loadConfig } from '../src/app/config';
import { startTestApp, type TestApp, type TestTenant } from './support/harness';

interface RawResponse {
  status: number;
  contentType: string | null;
  text: string;
  body: { data?: unknown; errors?: { message: string; extensions?: Record<string, unknown> }[] } | undefined;
}

let t: TestApp;
let small: TestApp;
let tenant: TestTenant;
let smallTenant: TestTenant;
const seen: RawResponse[] = [];

// Depth 6 instead of the default 10: no field of the schema nests deeper than 7 without cycles, so
// a lower bound is what lets a "too deep" document be written at all.
const limits = { ...loadConfig({}).limits, maxDepth: 6 };

beforeAll(async () => {
  t = await startTestApp({ limits });
  small = await startTestApp({ bodyLimitBytes: 2048 });
  tenant = await t.tenant();
  smallTenant = await small.tenant();
});
afterAll(async () => {
  await t?.close();
  await small?.close();
});

async function post(url: string, body: string, key: string | undefined, contentType = 'application/json'): Promise<RawResponse> {
  const headers: Record<string, string> = { 'content-type': contentType };
  if (key) headers.authorization = `Bearer ${key}`;
  const response = await fetch(url, { method: 'POST', headers, body });
  const text = await response.text();
  let parsed: RawResponse['body'];
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const raw = { status: response.status, contentType: response.headers.get('content-type'), text, body: parsed };
  seen.push(raw);
  return raw;
}

const graphql = (query: string, variables?: unknown, app = t, key = tenant.keys.OWNER) =>
  post(app.url, JSON.stringify({ query, variables }), key);

async function memberCount(app = t, key = tenant.keys.OWNER): Promise<number> {
  const response = await graphql('{ members(first: 1) { totalCount } }', undefined, app, key);
  return (response.body?.data as { members: { totalCount: number } }).members.totalCount;
}

function codes(response: RawResponse): unknown[] {
  return (response.body?.errors ?? []).map((error) => error.extensions?.code);
}

const tooManyAliasedCreates = `mutation {
  ${Array.from({ length: limits.maxAliases + 1 }, (_, i) => `m${i}: memberCreate(input: { displayName: "Alias ${i}" }) { member { id } }`).join('\n  ')}
}`;

// consentHistory(first: 250) inside members(first: 250) prices at ~63,000 rows, within depth 6.
const tooCostly = `{ members(first: 250) { nodes { consentHistory(first: 250) { nodes { channel } } } } }`;
const tooDeep = `{ members(first: 1) { edges { node { consentHistory(first: 1) { edges { node { channel } } } } } } }`;

describe('each bad request is answered with a clear error', () => {
  test('malformed GraphQL: 400 GRAPHQL_PARSE_FAILED', async () => {
    const response = await graphql('{ members(first: 1) { totalCount }');
    expect(response.status).toBe(400);
    expect(codes(response)).toEqual(['GRAPHQL_PARSE_FAILED']);
    expect(response.body?.errors?.[0]?.message).toMatch(/Syntax Error/);
  });

  test('a variable of the wrong type: 400 BAD_USER_INPUT, and the mutation writes nothing', async () => {
    const query = await graphql('query Q($first: Int) { members(first: $first) { totalCount } }', { first: 'ten' });
    expect(query.status).toBe(400);
    expect(codes(query)).toEqual(['BAD_USER_INPUT']);
    expect(query.body?.errors?.[0]?.message).toMatch(/\$first/);

    const mutation = await graphql('mutation C($input: MemberCreateInput!) { memberCreate(input: $input) { member { id } } }', {
      input: { displayName: 'Typed wrong', gender: 'NOT_A_GENDER' },
    });
    expect(mutation.status).toBe(400);
    expect(codes(mutation)).toEqual(['BAD_USER_INPUT']);
    expect(await memberCount()).toBe(0);
  });

  test('an unknown field: 400 GRAPHQL_VALIDATION_FAILED without "Did you mean" hints', async () => {
    const response = await graphql('{ membrs(first: 1) { totalCount } }');
    expect(response.status).toBe(400);
    expect(codes(response)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(response.body?.errors?.[0]?.message).toMatch(/membrs/);
    expect(response.text).not.toMatch(/did you mean/i);

    const argument = await graphql('{ members(frist: 1) { totalCount } }');
    expect(argument.status).toBe(400);
    expect(argument.text).not.toMatch(/did you mean/i);
  });

  test('a body over the configured limit: 413 JSON error, nothing written', async () => {
    const body = JSON.stringify({
      query: 'mutation C($input: MemberCreateInput!) { memberCreate(input: $input) { member { id } } }',
      variables: { input: { displayName: 'Large', address: 'x'.repeat(3000) } },
    });
    const response = await post(small.url, body, smallTenant.keys.OWNER);
    expect(response.status).toBe(413);
    expect(response.contentType).toMatch(/application\/json/);
    expect(codes(response)).toEqual(['PAYLOAD_TOO_LARGE']);
    expect(response.body?.errors?.[0]?.message).toMatch(/2048 bytes/);
    expect(await memberCount(small, smallTenant.keys.OWNER)).toBe(0);
  });

  test('a body that is not JSON: 400 JSON error', async () => {
    const response = await post(t.url, '{"query": "{ __typename }"', tenant.keys.OWNER);
    expect(response.status).toBe(400);
    expect(response.contentType).toMatch(/application\/json/);
    expect(codes(response)).toEqual(['BAD_REQUEST']);
  });

  test('a batched array body is refused and none of it runs', async () => {
    const create = { query: 'mutation { memberCreate(input: { displayName: "Batched" }) { member { id } } }' };
    const response = await post(t.url, JSON.stringify([create, create]), tenant.keys.OWNER);
    expect(response.status).toBe(400);
    expect(response.text).toMatch(/batching/i);
    expect(await memberCount()).toBe(0);
  });

  test('too deep: QUERY_TOO_COMPLEX before execution', async () => {
    const response = await graphql(tooDeep);
    expect(response.status).toBe(400);
    expect(codes(response)).toEqual(['QUERY_TOO_COMPLEX']);
    expect(response.body?.errors?.[0]?.message).toMatch(/depth is 7, over the limit of 6/);
    expect(response.body?.data).toBeUndefined();
  });

  test('too costly: QUERY_TOO_COMPLEX before execution', async () => {
    const response = await graphql(tooCostly);
    expect(response.status).toBe(400);
    expect(codes(response)).toEqual(['QUERY_TOO_COMPLEX']);
    expect(response.body?.errors?.[0]?.message).toMatch(/cost is \d+, over the limit of 10000/);
  });

  test('too many aliases in a mutation: QUERY_TOO_COMPLEX and nothing written', async () => {
    const response = await graphql(tooManyAliasedCreates);
    expect(response.status).toBe(400);
    expect(codes(response)).toEqual(['QUERY_TOO_COMPLEX']);
    expect(response.body?.errors?.[0]?.message).toMatch(/aliases is 31, over the limit of 30/);
    expect(await memberCount()).toBe(0);
  });

  test('too many tokens: a parse error and nothing written', async () => {
    const tags = Array.from({ length: limits.maxTokens }, (_, i) => `"t${i}"`).join(', ');
    const response = await graphql(`mutation { memberCreate(input: { displayName: "Tokens", tags: [${tags}] }) { member { id } } }`);
    expect(response.status).toBe(400);
    expect(codes(response)).toEqual(['GRAPHQL_PARSE_FAILED']);
    expect(response.body?.errors?.[0]?.message).toMatch(/more th\w+ 5000 tokens/);
    expect(await memberCount()).toBe(0);
  });

  test('introspection nested to blow up the response is refused (graphql-js depth rule)', async () => {
    const response = await graphql('{ __schema { types { fields { type { fields { type { fields { type { fields { name } } } } } } } } } }');
    expect(response.status).toBe(400);
    expect(codes(response)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(response.body?.errors?.[0]?.message).toMatch(/introspection depth/);
  });

  test('a page size out of bounds: BAD_USER_INPUT', async () => {
    const response = await graphql('{ members(first: 251) { totalCount } }');
    expect(codes(response)).toEqual(['BAD_USER_INPUT']);
  });

  test('the same limits leave a valid mutation alone', async () => {
    const response = await graphql('mutation { memberCreate(input: { displayName: "Fine" }) { member { id } userErrors { code } } }');
    expect(response.status).toBe(200);
    expect(codes(response)).toEqual([]);
    expect(await memberCount()).toBe(1);
  });
});

test('no response above carried a stack trace or SQL', () => {
  expect(seen.length).toBeGreaterThanOrEqual(15);
  for (const response of seen) {
    for (const error of response.body?.errors ?? []) {
      expect(error.extensions?.stacktrace).toBeUndefined();
      expect(error.extensions?.exception).toBeUndefined();
    }
    expect(response.text).not.toMatch(/\bselect\s|\binsert\s+into\b|\s+at\s+\S+\s\(/i);
  }
});
