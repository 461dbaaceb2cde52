import type { FormattedExecutionResult, GraphQLFormattedError } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { loadConfig } from '../src/app/config';
import { startTestApp, type TestApp, type TestTenant } from './support/harness';

let t: TestApp;
let tenant: TestTenant;
const clients: Client[] = [];

beforeAll(async () => {
  // Depth 6 rather than 10: without cycles no document of this schema nests deeper than 7.
  t = await startTestApp({ limits: { ...loadConfig({}).limits, maxDepth: 6 } });
  tenant = await t.tenant();
});
afterAll(async () => {
  await Promise.all(clients.map((client) => client.dispose()));
  await t.close();
});

function connect(key?: string): { client: Client; closed: Promise<{ code: number; reason: string }> } {
  let onClosed!: (event: { code: number; reason: string }) => void;
  const closed = new Promise<{ code: number; reason: string }>((resolve) => (onClosed = resolve));
  const client = createClient({
    url: t.wsUrl,
    webSocketImpl: WebSocket,
    lazy: true,
    retryAttempts: 0,
    connectionParams: key ? { authorization: `Bearer ${key}` } : {},
    on: { closed: (event) => onClosed(event as { code: number; reason: string }) },
  });
  clients.push(client);
  return { client, closed };
}

/** Runs one operation and settles with its first result or the error that ended it, within 5 s. */
function execute(client: Client, query: string): Promise<FormattedExecutionResult> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no WebSocket answer within 5 s')), 5_000);
    const done = <T>(fn: (value: T) => void) => (value: T) => {
      clearTimeout(timer);
      fn(value);
    };
    client.subscribe({ query }, { next: done(resolve), error: done(reject), complete: () => undefined });
  });
}

/** graphql-ws delivers pre-execution errors (onSubscribe) as an array through `error`. */
async function errorsOf(client: Client, query: string): Promise<readonly GraphQLFormattedError[]> {
  try {
    const result = await execute(client, query);
    return result.errors ?? [];
  } catch (error) {
    if (Array.isArray(error)) return error;
    throw error;
  }
}

test('a query with an OWNER key in connectionParams works', async () => {
  await t.gql('mutation { memberCreate(input: { displayName: "Over WS" }) { member { id } } }', {}, { key: tenant.keys.OWNER });
  const { client } = connect(tenant.keys.OWNER);
  const result = await execute(client, '{ members(first: 5) { totalCount nodes { displayName } } }');
  expect(result.errors).toBeUndefined();
  expect(result.data).toEqual({ members: { totalCount: 1, nodes: [{ displayName: 'Over WS' }] } });
});

test('without a key the field fails with UNAUTHENTICATED', async () => {
  const { client } = connect();
  const result = await execute(client, '{ members(first: 1) { totalCount } }');
  expect(result.data).toBeNull();
  expect(result.errors?.map((error) => error.extensions?.code)).toEqual(['UNAUTHENTICATED']);
});

test('a bad key closes the connection with 4403', async () => {
  const { client, closed } = connect('ecrm_000000000000_notARealKeyNotARealKeyNotARealKeyNotARealK');
  await expect(execute(client, '{ __typename }')).rejects.toBeDefined();
  const event = await closed;
  expect(event.code).toBe(4403);
});

test('too deep and too costly queries over WebSocket are QUERY_TOO_COMPLEX', async () => {
  const { client } = connect(tenant.keys.OWNER);
  const deep = `{ members(first: 1) { edges { node { consentHistory(first: 1) { edges { node { channel } } } } } } }`;
  const tooDeep = await errorsOf(client, deep);
  expect(tooDeep.map((error) => error.extensions?.code)).toEqual(['QUERY_TOO_COMPLEX']);
  expect(tooDeep[0]?.message).toMatch(/depth is 7, over the limit of 6/);
  const costly = `{ members(first: 250) { nodes { consentHistory(first: 250) { nodes { channel } } } } }`;
  const errors = await errorsOf(client, costly);
  expect(errors.map((error) => error.extensions?.code)).toEqual(['QUERY_TOO_COMPLEX']);
  expect(errors[0]?.message).toMatch(/cost is \d+, over the limit/);
});

test('too many aliases and too many tokens are refused over WebSocket too', async () => {
  const { client } = connect(tenant.keys.OWNER);
  const aliases = await errorsOf(client, `{ ${Array.from({ length: 31 }, (_, i) => `a${i}: __typename`).join(' ')} }`);
  expect(aliases.map((error) => error.extensions?.code)).toEqual(['QUERY_TOO_COMPLEX']);
  const tokens = await errorsOf(client, `{ ${'__typename '.repeat(5_001)} }`);
  expect(tokens.map((error) => error.extensions?.code)).toEqual(['GRAPHQL_PARSE_FAILED']);
});

test('an unknown field is a validation error without "Did you mean"', async () => {
  const { client } = connect(tenant.keys.OWNER);
  const errors = await errorsOf(client, '{ membrs(first: 1) { totalCount } }');
  expect(errors.map((error) => error.extensions?.code)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
  expect(errors[0]?.message).toMatch(/membrs/);
  expect(JSON.stringify(errors)).not.toMatch(/did you mean/i);
});

test('a mutation over WebSocket is written, and one over the alias limit is not', async () => {
  const { client } = connect(tenant.keys.OWNER);
  const create = (i: number) => `m${i}: memberCreate(input: { displayName: "WS ${i}" }) { member { id } }`;
  const refused = await errorsOf(client, `mutation { ${Array.from({ length: 31 }, (_, i) => create(i)).join(' ')} }`);
  expect(refused.map((error) => error.extensions?.code)).toEqual(['QUERY_TOO_COMPLEX']);
  expect(await errorsOf(client, `mutation { ${create(0)} }`)).toEqual([]);
  const count = await execute(client, '{ members(first: 1) { totalCount } }');
  expect(count.data).toEqual({ members: { totalCount: 2 } });
});

test('a message over the body limit closes the socket with 1009', async () => {
  const { client, closed } = connect(tenant.keys.OWNER);
  const huge = `{ member(id: "${'x'.repeat(1_100_000)}") { id } }`;
  await expect(execute(client, huge)).rejects.toBeDefined();
  expect((await closed).code).toBe(1009);
});

test('no WebSocket error carries a stack trace', async () => {
  const { client } = connect(tenant.keys.OWNER);
  const errors = [
    ...(await errorsOf(client, '{ members(first: 1000) { totalCount } }')),
    ...(await errorsOf(client, '{ members(first: "many") { totalCount } }')),
  ];
  expect(errors.map((error) => error.extensions?.code)).toEqual(['BAD_USER_INPUT', 'GRAPHQL_VALIDATION_FAILED']);
  for (const error of errors) expect(error.extensions?.stacktrace).toBeUndefined();
  expect(JSON.stringify(errors)).not.toMatch(/\s+at\s+\S+\s\(|select /i);
});
