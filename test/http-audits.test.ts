import { serverAudits } from 'graphql-http';
import { startTestApp, type TestApp } from './support/harness';

let t: TestApp;
let ownerKey: string;
beforeAll(async () => {
  t = await startTestApp();
  ownerKey = (await t.tenant()).keys.OWNER;
});
afterAll(async () => {
  await t.close();
});

// The audits speak for an authenticated client: every request carries an OWNER key. The MUST
// audits POST application/json, which Apollo's CSRF prevention lets through; the GET audits
// (MAY/SHOULD) would be refused as "simple" cross-site requests without a header that forces a
// preflight, so the fetch adds `apollo-require-preflight` as a real browser client would.
const audits = serverAudits({
  url: () => t.url,
  fetchFn: (input: string | URL | Request, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    headers.set('authorization', `Bearer ${ownerKey}`);
    headers.set('apollo-require-preflight', 'true');
    return fetch(input, { ...init, headers });
  },
});
const mustAudits = audits.filter((audit) => audit.name.startsWith('MUST'));

test('graphql-http has MUST audits to run', () => {
  expect(mustAudits.length).toBeGreaterThanOrEqual(10);
});

test.each(mustAudits.map((audit) => [`${audit.id} ${audit.name}`, audit] as const))('%s', async (_name, audit) => {
  const result = await audit.fn();
  expect({ status: result.status, reason: result.status === 'ok' ? undefined : result.reason }).toEqual({ status: 'ok', reason: undefined });
});
