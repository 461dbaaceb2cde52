import { MemberConsentSetDocument, MemberCreateDocument, MembersNestedDocument, StoreCreateDocument } from './generated/graphql';
import { dataOf, startTestApp, type TestApp, type TestTenant } from './support/harness';

let t: TestApp;
let tenant: TestTenant;

beforeAll(async () => {
  t = await startTestApp();
  tenant = await t.tenant();
  const key = tenant.keys.ADMIN;
  const stores: string[] = [];
  for (const code of ['tmall', 'web', 'sh-001']) {
    const created = dataOf(await t.gql(StoreCreateDocument, { input: { code, name: code, type: 'WEB_MALL' } }, { key }));
    stores.push(created.storeCreate.store!.id);
  }
  for (let i = 0; i < 60; i++) {
    const created = dataOf(
      await t.gql(
        MemberCreateDocument,
        {
          input: {
            displayName: `Member ${i}`,
            registeredStoreId: stores[i % stores.length],
            tags: i % 2 ? ['vip', `cohort-${i % 5}`] : [],
            identities: [
              { channel: 'APP_USER', externalId: `app-${i}` },
              { channel: 'WECHAT_OPENID', externalId: `openid-${i}` },
            ],
          },
        },
        { key },
      ),
    );
    if (i % 3 === 0) {
      await t.gql(MemberConsentSetDocument, { input: { memberId: created.memberCreate.member!.id, channel: 'SMS', granted: true, source: 'seed' } }, { key });
    }
  }
});

afterAll(async () => {
  await t.close();
});

test('a nested members page costs the same number of SQL statements for 5 and for 50 members', async () => {
  const key = tenant.keys.ADMIN;
  await t.gql(MembersNestedDocument, { first: 1 }, { key }); // warm the key cache: authentication is not part of the count
  const small = await t.countSql(() => t.gql(MembersNestedDocument, { first: 5 }, { key }));
  const large = await t.countSql(() => t.gql(MembersNestedDocument, { first: 50 }, { key }));
  const smallData = dataOf(small.result);
  const largeData = dataOf(large.result);
  expect(smallData.members.edges).toHaveLength(5);
  expect(largeData.members.edges).toHaveLength(50);
  // The nested data really was loaded, so the count covers every relation.
  const nodes = largeData.members.edges.map((edge) => edge.node);
  expect(nodes.every((node) => node.identities.length === 2 && node.registeredStore !== null)).toBe(true);
  expect(nodes.some((node) => node.tags.includes('vip'))).toBe(true);
  expect(nodes.some((node) => node.consents.length === 1)).toBe(true);
  expect(large.statements).toBe(small.statements);
  // members page + identities + tags + consents + stores: one statement each.
  expect(large.statements).toBeLessThanOrEqual(5);
});
