import { MemberCreateDocument, MembersDocument } from './generated/graphql';
import { dataOf, startTestApp, type TestApp } from './support/harness';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

test('a member created through the API can be listed', async () => {
  const tenant = await t.tenant();
  const created = dataOf(
    await t.gql(MemberCreateDocument, { input: { displayName: 'Ann', phone: '13800138000', tags: ['vip'] } }, { key: tenant.keys.ADMIN }),
  );
  expect(created.memberCreate.userErrors).toEqual([]);
  expect(created.memberCreate.member?.phone).toBe('+8613800138000');
  const list = dataOf(await t.gql(MembersDocument, { first: 10 }, { key: tenant.keys.ADMIN }));
  expect(list.members.totalCount).toBe(1);
  expect(list.members.edges[0]?.node.displayName).toBe('Ann');
});
