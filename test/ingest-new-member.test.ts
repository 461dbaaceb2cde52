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
