import type { EntityManager } from '@mikro-orm/postgresql';
import WebSocket from 'ws';
import { startTestApp, type TestApp, type TestTenant } from './support/harness';

let t: TestApp;
let tenant: TestTenant;
const poolAcquireTimeoutMs = 500;
const statementTimeoutMs = 4_321;

beforeAll(async () => {
  t = await startTestApp({ poolMax: 1, poolAcquireTimeoutMs, statementTimeoutMs });
  tenant = await t.tenant();
});
afterAll(async () => {
  await t.close();
});

/** Holds the pool's only connection in an open transaction until the returned release is called. */
async function holdTheOnlyConnection(): Promise<() => Promise<void>> {
  const em = t.orm.em.fork() as EntityManager;
  await em.begin();
  await em.getConnection().execute('select 1', [], 'all', em.getTransactionContext());
  return () => em.rollback();
}

async function timed<T>(fn: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const started = Date.now();
  const result = await fn();
  return { result, ms: Date.now() - started };
}

test('the pool sets statement_timeout from the configuration', async () => {
  const rows = await t.orm.em.getConnection().execute<{ statement_timeout: string }[]>('show statement_timeout');
  expect(rows[0]?.statement_timeout).toBe(`${statementTimeoutMs}ms`);
});

test('PostgreSQL cancels a statement over the configured timeout (57014)', async () => {
  const { ms, result } = await timed(() =>
    t.orm.em
      .getConnection()
      .execute('select pg_sleep(10)')
      .then(() => undefined, (error: { code?: string }) => error.code),
  );
  expect(result).toBe('57014');
  expect(ms).toBeLessThan(statementTimeoutMs + 2_000);
});

describe('with the only pooled connection held', () => {
  const query = '{ members(first: 1) { totalCount } }';

  test('a request whose key is cached answers DATABASE_UNAVAILABLE within ~2 s', async () => {
    expect((await t.gql(query, {}, { key: tenant.keys.ADMIN })).status).toBe(200); // caches the key
    const release = await holdTheOnlyConnection();
    try {
      const { result, ms } = await timed(() => t.gql(query, {}, { key: tenant.keys.ADMIN }));
      expect(ms).toBeLessThan(2_000);
      expect(result.body.errors?.map((error) => error.extensions?.code)).toEqual(['DATABASE_UNAVAILABLE']);
      expect(result.body.errors?.[0]?.message).toMatch(/did not answer in time/);
      expect(JSON.stringify(result.body)).not.toMatch(/select |Knex|pool/i);
    } finally {
      await release();
    }
  });

  test('a request whose key must be looked up answers DATABASE_UNAVAILABLE within ~2 s', async () => {
    const release = await holdTheOnlyConnection();
    try {
      const { result, ms } = await timed(() => t.gql(query, {}, { key: tenant.keys.ANALYST }));
      expect(ms).toBeLessThan(2_000);
      expect(result.status).toBe(503);
      expect(result.body.errors?.map((error) => error.extensions?.code)).toEqual(['DATABASE_UNAVAILABLE']);
      expect(JSON.stringify(result.body)).not.toMatch(/select |Knex|pool|Context creation/i);
    } finally {
      await release();
    }
  });

  test('a WebSocket whose key must be looked up is closed with 1013 (try again), not 4403', async () => {
    const release = await holdTheOnlyConnection();
    try {
      const socket = new WebSocket(t.wsUrl, 'graphql-transport-ws');
      const closed = new Promise<{ code: number; ms: number }>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('not closed within 3 s')), 3_000);
        socket.on('close', (code) => {
          clearTimeout(timer);
          resolve({ code, ms: Date.now() - started });
        });
      });
      await new Promise((resolve) => socket.once('open', resolve));
      const started = Date.now();
      socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${tenant.keys.INGEST}` } }));
      const { code, ms } = await closed;
      expect(code).toBe(1013);
      expect(ms).toBeLessThan(2_000);
    } finally {
      await release();
    }
  });

  test('/readyz answers 503 within ~2 s', async () => {
    const release = await holdTheOnlyConnection();
    try {
      const { result, ms } = await timed(() => fetch(`${new URL(t.url).origin}/readyz`));
      expect(ms).toBeLessThan(2_000);
      expect(result.status).toBe(503);
      expect(await result.json()).toEqual({ status: 'unavailable', reason: 'database unreachable' });
    } finally {
      await release();
    }
  });

  test('once released, the same requests succeed again', async () => {
    const response = await t.gql(query, {}, { key: tenant.keys.ANALYST });
    expect(response.status).toBe(200);
    expect(response.body.data).toEqual({ members: { totalCount: 0 } });
  });
});
