import { dataOf, startTestApp, type TestApp, type TestTenant } from './support/harness';

let t: TestApp;
let tenant: TestTenant;
beforeAll(async () => {
  t = await startTestApp();
  tenant = await t.tenant();
});
afterAll(async () => {
  await t.close();
});

const RECORD = `mutation($e: [TouchpointEventInput!]!) {
  touchpointsRecord(input: { events: $e }) { accepted results { status touchpoint { member { id phone email registeredChannel identities { channel externalId } } } } }
}`;

test('a member created from an unknown phone or e-mail identity carries it on the profile too', async () => {
  const event = (eventId: string, channel: string, externalId: string) => ({
    eventId,
    member: { identity: { channel, externalId } },
    type: 'INQUIRY',
    channel: 'CHAT',
    occurredAt: '2026-03-01T08:00:00Z',
  });
  const data = dataOf(
    await t.gql(RECORD, { e: [event('p1', 'PHONE', '139 0000 1111'), event('m1', 'EMAIL', ' Ann@Example.COM ')] }, { key: tenant.keys.INGEST }),
  );
  expect(data.touchpointsRecord.accepted).toBe(2);
  const [byPhone, byEmail] = data.touchpointsRecord.results.map((r: any) => r.touchpoint.member);
  expect(byPhone).toMatchObject({ phone: '+8613900001111', email: null, registeredChannel: 'CHAT', identities: [{ channel: 'PHONE', externalId: '+8613900001111' }] });
  expect(byEmail).toMatchObject({ phone: null, email: 'ann@example.com', identities: [{ channel: 'EMAIL', externalId: 'ann@example.com' }] });
  expect(byPhone.id).not.toBe(byEmail.id);
});

test('two batches naming the same new identities in opposite orders both succeed, with one member per identity', async () => {
  const own = await t.tenant();
  const RECORD_IDS = `mutation($e: [TouchpointEventInput!]!) { touchpointsRecord(input: { events: $e }) { accepted results { touchpoint { member { id } } } } }`;
  // Before identities were created in key order, about one call in five failed here with a deadlock.
  for (let round = 0; round < 6; round += 1) {
    const users = Array.from({ length: 200 }, (_, i) => `r${round}-u${i}`);
    const batch = (order: string[], tag: string) =>
      order.map((user) => ({ eventId: `${tag}-${user}`, member: { identity: { channel: 'APP_USER', externalId: user } }, type: 'PAGE_VIEW', channel: 'APP', occurredAt: '2026-03-01T08:00:00Z' }));
    const [forward, backward] = await Promise.all([
      t.gql(RECORD_IDS, { e: batch(users, 'a') }, { key: own.keys.INGEST }),
      t.gql(RECORD_IDS, { e: batch([...users].reverse(), 'b') }, { key: own.keys.INGEST }),
    ]);
    expect([forward.body.errors, backward.body.errors]).toEqual([undefined, undefined]);
    expect([dataOf(forward).touchpointsRecord.accepted, dataOf(backward).touchpointsRecord.accepted]).toEqual([200, 200]);
    const memberOf = (results: any[]) => results.map((r) => r.touchpoint.member.id);
    // The same identity resolved to the same member in both calls.
    expect(memberOf(dataOf(backward).touchpointsRecord.results).reverse()).toEqual(memberOf(dataOf(forward).touchpointsRecord.results));
  }
  const total = dataOf(await t.gql('{ members(first: 1) { totalCount } }', {}, { key: own.keys.ADMIN })).members.totalCount;
  expect(total).toBe(1200);
});
