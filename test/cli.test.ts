import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { startTestApp, type TestApp } from './support/harness';

const ROOT = path.resolve(__dirname, '..');
const BIN = path.join(ROOT, 'bin', 'ecrm.js');
const KEY = /^ecrm_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/m;

let t: TestApp;
const children = new Set<ChildProcess>();

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await t.close();
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The environment a CLI run sees: the test database, and nothing of the jest process's own config. */
function cliEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, DATABASE_URL: t.databaseUrl, LOG_LEVEL: 'warn' };
  return { ...env, ...extra };
}

function ecrm(args: string[], extra: Record<string, string> = {}, timeoutMs = 30_000): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: cliEnv(extra) });
    children.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`ecrm ${args.join(' ')} did not finish within ${timeoutMs} ms`));
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      children.delete(child);
      resolve({ code, stdout, stderr });
    });
  });
}

function keyIn(output: string): string {
  const key = KEY.exec(output)?.[0];
  if (!key) throw new Error(`no access key in output:\n${output}`);
  return key;
}

const tenantIdIn = (output: string) => /\(([0-9a-f-]{36})\)/.exec(output)?.[1] ?? '';

async function codesFor(query: string, key: string): Promise<unknown[]> {
  const response = await t.gql(query, {}, { key });
  return (response.body.errors ?? []).map((error) => error.extensions?.code);
}

describe('usage and exit codes', () => {
  test('ecrm help prints the usage and exits 0', async () => {
    const run = await ecrm(['help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Usage:/m);
    for (const command of ['serve', 'migrate', 'tenant create', 'key create', 'key revoke']) expect(run.stdout).toContain(`ecrm ${command}`);
  });

  test('an unknown command exits 2 with the usage', async () => {
    const run = await ecrm(['frobnicate']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/unknown command "frobnicate"/);
    expect(run.stderr).toMatch(/Usage:/);
  });

  test('an unknown role exits 2 naming the roles', async () => {
    const run = await ecrm(['key', 'create', '--tenant', 'X', '--role', 'NOPE']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--role must be one of OWNER, ADMIN, ANALYST, INGEST/);
  });

  test('an unknown flag and a missing flag exit 2', async () => {
    expect((await ecrm(['tenant', 'create', '--nmae', 'Foo'])).code).toBe(2);
    const missing = await ecrm(['tenant', 'create']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--name is required/);
  });

  test('an unknown tenant exits 1 with a clear message', async () => {
    const run = await ecrm(['key', 'create', '--tenant', 'No Such Shop', '--role', 'ADMIN']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/no tenant "No Such Shop"/);
  });
});

describe('configuration is validated before anything runs', () => {
  test('PORT=abc exits 2 naming PORT', async () => {
    const run = await ecrm(['migrate'], { PORT: 'abc' });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/PORT/);
    expect(run.stderr).toMatch(/whole number/);
  });

  test('a DATABASE_URL with another scheme exits 2 naming DATABASE_URL', async () => {
    const run = await ecrm(['migrate'], { DATABASE_URL: 'mysql://user:pw@127.0.0.1:3306/ecrm' });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/DATABASE_URL/);
    expect(run.stderr).not.toContain('pw@');
  });
});

describe('admin commands against the test database', () => {
  let tenantId: string;
  let ownerKey: string;

  beforeAll(async () => {
    const run = await ecrm(['tenant', 'create', '--name', 'Foo']);
    expect(run.code).toBe(0);
    tenantId = tenantIdIn(run.stdout);
    ownerKey = keyIn(run.stdout);
  });

  test('ecrm migrate says the database is up to date', async () => {
    const run = await ecrm(['migrate']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/up to date/);
  });

  test('tenant create prints an OWNER key that works against the running server', async () => {
    expect(tenantId).toMatch(/^[0-9a-f-]{36}$/);
    const response = await t.gql<{ tenant: { name: string } }>('{ tenant { name } }', {}, { key: ownerKey });
    expect(response.body.data?.tenant.name).toBe('Foo');
    expect(await codesFor('{ accessKeys(first: 5) { totalCount } }', ownerKey)).toEqual([]);
  });

  test('key create --role ANALYST prints a key that can read but not write', async () => {
    const run = await ecrm(['key', 'create', '--tenant', tenantId, '--role', 'analyst']);
    expect(run.code).toBe(0);
    const key = keyIn(run.stdout);
    expect(await codesFor('{ members(first: 1) { totalCount } }', key)).toEqual([]);
    expect(await codesFor('mutation { memberCreate(input: { displayName: "No" }) { member { id } } }', key)).toEqual(['FORBIDDEN']);
  });

  test('key list shows prefixes and roles, never secrets', async () => {
    const created = await ecrm(['key', 'create', '--tenant', 'Foo', '--role', 'INGEST', '--name', 'pos feed']);
    const secret = keyIn(created.stdout);
    const run = await ecrm(['key', 'list', '--tenant', tenantId]);
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(3);
    expect(run.stdout).toContain(secret.slice(5, 17));
    expect(run.stdout).toMatch(/INGEST\s+active\s+pos feed/);
    expect(run.stdout).not.toContain(secret);
    expect(run.stdout).not.toContain(ownerKey);
    expect(run.stdout).not.toMatch(/ecrm_[0-9a-f]{12}_/);
  });

  test('key revoke by prefix: a never-used key is refused at once', async () => {
    const key = keyIn((await ecrm(['key', 'create', '--tenant', tenantId, '--role', 'ADMIN'])).stdout);
    const run = await ecrm(['key', 'revoke', '--key', key.slice(0, 17)]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Revoked access key/);
    expect(await codesFor('{ members(first: 1) { totalCount } }', key)).toEqual(['UNAUTHENTICATED']);
    const again = await ecrm(['key', 'revoke', '--key', key.slice(0, 17)]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already revoked/);
  });

  test('key revoke: a key the running server has cached stops working within the 5 s cache', async () => {
    const key = keyIn((await ecrm(['key', 'create', '--tenant', tenantId, '--role', 'ADMIN'])).stdout);
    expect(await codesFor('{ members(first: 1) { totalCount } }', key)).toEqual([]);
    expect((await ecrm(['key', 'revoke', '--key', key])).code).toBe(0);
    const revokedAt = Date.now();
    let codes: unknown[] = [];
    while (Date.now() - revokedAt < 8_000) {
      codes = await codesFor('{ members(first: 1) { totalCount } }', key);
      if (codes.length) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(codes).toEqual(['UNAUTHENTICATED']);
    expect(Date.now() - revokedAt).toBeLessThan(6_500);
  });
});

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function waitFor(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms`);
}

describe('ecrm serve', () => {
  test('serves, logs JSON lines with request ids and no personal data, and exits 0 on SIGTERM', async () => {
    const tenant = await t.tenant(); // not an empty database: no first-start key is printed
    const port = await freePort();
    const child = spawn(process.execPath, [BIN, 'serve'], { cwd: ROOT, env: cliEnv({ PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info' }) });
    children.add(child);
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));

    const base = `http://127.0.0.1:${port}`;
    await waitFor(`${base}/healthz`, 30_000);
    const phone = '13912345678';
    const email = 'Private.Person@Example.com';
    const response = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${tenant.keys.ADMIN}`, 'x-request-id': 'serve-test-1' },
      body: JSON.stringify({
        query: 'mutation C($input: MemberCreateInput!) { memberCreate(input: $input) { member { id phone } userErrors { code } } }',
        variables: { input: { displayName: 'Private Person', phone, email } },
      }),
    });
    expect(response.status).toBe(200);
    const created = (await response.json()) as { data: { memberCreate: { member: { phone: string } } } };
    expect(created.data.memberCreate.member.phone).toBe(`+86${phone}`);
    // A bad request too: error paths must not log the input either.
    await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${tenant.keys.ADMIN}` },
      body: JSON.stringify({ query: `mutation { memberCreate(input: { phone: "${phone}", email: "${email}", gender: WRONG }) { member { id } } }` }),
    });

    // An open WebSocket is closed as "going away" when the server drains.
    let wsClosed!: (code: number) => void;
    const wsClosedCode = new Promise<number>((resolve) => (wsClosed = resolve));
    const ws = createClient({
      url: `ws://127.0.0.1:${port}/graphql`,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      lazy: false,
      onNonLazyError: () => undefined, // the close is asserted below
      connectionParams: { authorization: `Bearer ${tenant.keys.ADMIN}` },
      on: { closed: (event) => wsClosed((event as { code: number }).code) },
    });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('WebSocket did not connect')), 5_000);
      ws.on('connected', () => {
        clearTimeout(timer);
        resolve();
      });
    });

    child.kill('SIGTERM');
    const exit = await Promise.race([exited, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no exit within 15 s')), 15_000))]);
    children.delete(child);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(await wsClosedCode).toBe(1001);
    await ws.dispose();

    const lines = output.trim().split('\n');
    const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const requests = entries.filter((entry) => entry.msg === 'request');
    expect(requests.find((entry) => entry.requestId === 'serve-test-1')).toMatchObject({ method: 'POST', path: '/graphql', status: 200 });
    expect(requests.filter((entry) => entry.path === '/graphql').map((entry) => entry.status)).toEqual([200, 400]);
    for (const entry of requests) expect(entry.requestId).toEqual(expect.any(String));
    expect(entries.map((entry) => entry.msg)).toEqual(expect.arrayContaining(['ecrm listening', 'shutting down', 'shut down']));
    expect(output).not.toContain(phone);
    expect(output.toLowerCase()).not.toContain(email.toLowerCase());
    expect(output).not.toContain(tenant.keys.ADMIN);
    expect(output).not.toMatch(/ecrm_[0-9a-f]{12}_/);
  });
});
