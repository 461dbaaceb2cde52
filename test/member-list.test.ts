import {
  MemberCreateDocument,
  MemberEraseDocument,
  MemberPageDocument,
  MemberUpdateDocument,
  MembersDocument,
  type MemberCreateInput,
  type MemberPageQueryVariables,
} from './generated/graphql';
import { dataOf, errorCodes, startTestApp, type TestApp, type TestTenant } from './support/harness';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function createMember(tenant: TestTenant, input: MemberCreateInput = {}) {
  const result = dataOf(await t.gql(MemberCreateDocument, { input }, { key: tenant.keys.ADMIN })).memberCreate;
  expect(result.userErrors).toEqual([]);
  return result.member!;
}

/** Members created one after another, so creation time and id order agree. */
async function createMembers(tenant: TestTenant, count: number, input: (i: number) => MemberCreateInput = (i) => ({ displayName: `Member ${i}` })) {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    ids.push((await createMember(tenant, input(i))).id);
    await pause(2);
  }
  return ids;
}

async function page(tenant: TestTenant, variables: MemberPageQueryVariables) {
  const connection = dataOf(await t.gql(MemberPageDocument, variables, { key: tenant.keys.ANALYST })).members;
  return { ...connection, ids: connection.edges.map((edge) => edge.node.id) };
}

describe('members: Relay pagination and sorting over seven members', () => {
  let tenant: TestTenant;
  let ids: string[];

  beforeAll(async () => {
    tenant = await t.tenant();
    ids = await createMembers(tenant, 7);
  });

  test('first/after walks forward in creation order', async () => {
    const one = await page(tenant, { first: 3 });
    expect(one.ids).toEqual(ids.slice(0, 3));
    expect(one.totalCount).toBe(7);
    expect(one.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    expect(one.pageInfo.startCursor).toBe(one.edges[0]?.cursor);
    expect(one.pageInfo.endCursor).toBe(one.edges[2]?.cursor);

    const two = await page(tenant, { first: 3, after: one.pageInfo.endCursor });
    expect(two.ids).toEqual(ids.slice(3, 6));
    expect(two.totalCount).toBe(7);
    expect(two.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: true });

    const three = await page(tenant, { first: 3, after: two.pageInfo.endCursor });
    expect(three.ids).toEqual(ids.slice(6));
    expect(three.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });

    const past = await page(tenant, { first: 3, after: three.pageInfo.endCursor });
    expect(past.ids).toEqual([]);
    expect(past.pageInfo).toMatchObject({ hasNextPage: false, startCursor: null, endCursor: null });
  });

  test('last/before walks backward', async () => {
    const tail = await page(tenant, { last: 3 });
    expect(tail.ids).toEqual(ids.slice(4));
    expect(tail.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });

    const middle = await page(tenant, { last: 3, before: tail.pageInfo.startCursor });
    expect(middle.ids).toEqual(ids.slice(1, 4));
    expect(middle.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: true });

    const head = await page(tenant, { last: 3, before: middle.pageInfo.startCursor });
    expect(head.ids).toEqual(ids.slice(0, 1));
    expect(head.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
  });

  test('a cursor from the middle works in both directions', async () => {
    const all = await page(tenant, { first: 7 });
    expect(all.ids).toEqual(ids);
    expect(all.pageInfo.hasNextPage).toBe(false);
    const cursor = all.edges[3]!.cursor;
    expect((await page(tenant, { first: 2, after: cursor })).ids).toEqual(ids.slice(4, 6));
    expect((await page(tenant, { last: 2, before: cursor })).ids).toEqual(ids.slice(1, 3));
  });

  test('reverse CREATED_AT lists newest first and pages the same way', async () => {
    const newest = await page(tenant, { first: 4, sortKey: 'CREATED_AT', reverse: true });
    expect(newest.ids).toEqual([...ids].reverse().slice(0, 4));
    const rest = await page(tenant, { first: 4, after: newest.pageInfo.endCursor, sortKey: 'CREATED_AT', reverse: true });
    expect(rest.ids).toEqual([...ids].reverse().slice(4));
    expect(rest.pageInfo.hasNextPage).toBe(false);
  });

  test('sortKey ID orders by id, and reverse flips it', async () => {
    const byId = [...ids].sort((a, b) => uuidOf(a).localeCompare(uuidOf(b)));
    expect((await page(tenant, { first: 7, sortKey: 'ID' })).ids).toEqual(byId);
    expect((await page(tenant, { first: 7, sortKey: 'ID', reverse: true })).ids).toEqual([...byId].reverse());
    const first = await page(tenant, { first: 5, sortKey: 'ID' });
    expect((await page(tenant, { first: 5, sortKey: 'ID', after: first.pageInfo.endCursor })).ids).toEqual(byId.slice(5));
  });

  test('sortKey UPDATED_AT follows the latest change', async () => {
    const other = await t.tenant();
    const own = await createMembers(other, 4);
    for (const id of [own[2]!, own[0]!]) {
      const updated = dataOf(await t.gql(MemberUpdateDocument, { input: { id, city: 'Xiamen' } }, { key: other.keys.ADMIN })).memberUpdate;
      expect(updated.userErrors).toEqual([]);
      await pause(5);
    }
    const expected = [own[1]!, own[3]!, own[2]!, own[0]!];
    const sorted = await page(other, { first: 10, sortKey: 'UPDATED_AT' });
    expect(sorted.ids).toEqual(expected);
    const updatedAts = sorted.edges.map((edge) => Date.parse(edge.node.updatedAt));
    expect([...updatedAts].sort((a, b) => a - b)).toEqual(updatedAts);
    expect((await page(other, { first: 10, sortKey: 'UPDATED_AT', reverse: true })).ids).toEqual([...expected].reverse());
    const head = await page(other, { first: 2, sortKey: 'UPDATED_AT' });
    expect((await page(other, { first: 2, sortKey: 'UPDATED_AT', after: head.pageInfo.endCursor })).ids).toEqual(expected.slice(2));
  });

  test.each([
    ['first: 0', { first: 0 }],
    ['first: 251', { first: 251 }],
    ['last: 0', { last: 0 }],
    ['last: 251', { last: 251 }],
    ['first and last together', { first: 2, last: 2 }],
    ['after with last', { last: 2, after: 'WzFd' }],
    ['before with first', { first: 2, before: 'WzFd' }],
    ['a malformed after cursor', { first: 2, after: 'not a cursor' }],
    ['a malformed before cursor', { last: 2, before: '!!!' }],
  ] as [string, MemberPageQueryVariables][])('%s is BAD_USER_INPUT', async (_, variables) => {
    const response = await t.gql(MemberPageDocument, variables, { key: tenant.keys.ADMIN });
    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
    expect(response.body.data ?? null).toBeNull();
  });

  test('a cursor of another sort order is BAD_USER_INPUT', async () => {
    const byId = await page(tenant, { first: 2, sortKey: 'ID' });
    const response = await t.gql(MemberPageDocument, { first: 2, after: byId.pageInfo.endCursor, sortKey: 'CREATED_AT' }, { key: tenant.keys.ADMIN });
    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
  });

  test('250 is the largest page', async () => {
    const big = await page(tenant, { first: 250 });
    expect(big.ids).toEqual(ids);
  });
});

describe('members: statuses and default page size', () => {
  test('lists ACTIVE by default, ERASED on request, never MERGED', async () => {
    const tenant = await t.tenant();
    const [active, erased, merged] = await createMembers(tenant, 3);
    expect(dataOf(await t.gql(MemberEraseDocument, { input: { id: erased! } }, { key: tenant.keys.ADMIN })).memberErase.userErrors).toEqual([]);
    const mergeResult = await t.gql(
      'mutation($input: MemberMergeInput!) { memberMerge(input: $input) { userErrors { code } } }',
      { input: { survivorId: active!, mergedId: merged! } },
      { key: tenant.keys.ADMIN },
    );
    expect(dataOf(mergeResult).memberMerge.userErrors).toEqual([]);

    const byDefault = await page(tenant, { first: 10 });
    expect(byDefault.ids).toEqual([active]);
    expect(byDefault.totalCount).toBe(1);
    const onlyErased = await page(tenant, { first: 10, statuses: ['ERASED'] });
    expect(onlyErased.ids).toEqual([erased]);
    expect(onlyErased.edges[0]?.node.status).toBe('ERASED');
    const both = await page(tenant, { first: 10, statuses: ['ACTIVE', 'ERASED', 'MERGED'] });
    expect(both.ids).toEqual([active, erased]);
    expect(both.totalCount).toBe(2);
    const mergedOnly = await page(tenant, { first: 10, statuses: ['MERGED'] });
    expect(mergedOnly.ids).toEqual([]);
    expect(mergedOnly.totalCount).toBe(0);
  });

  test('without first or last a page holds 20', async () => {
    const tenant = await t.tenant();
    const ids = await createMembers(tenant, 21, () => ({}));
    const firstPage = await page(tenant, {});
    expect(firstPage.ids).toEqual(ids.slice(0, 20));
    expect(firstPage.pageInfo.hasNextPage).toBe(true);
    expect(firstPage.totalCount).toBe(21);
  });
});

describe('members: search', () => {
  let tenant: TestTenant;
  let alice: string;
  let bob: string;
  let carol: string;
  let dan: string;

  beforeAll(async () => {
    tenant = await t.tenant();
    const inputs: MemberCreateInput[] = [
      {
        displayName: 'Alice Wong',
        phone: '13800138000',
        email: 'Alice@Example.com',
        tags: ['vip'],
        identities: [{ channel: 'WECHAT_OPENID', externalId: 'ox-alice' }],
      },
      { displayName: 'Bob Alison', phone: '+8613900139000', tags: ['vip', 'big spender'], identities: [{ channel: 'APP_USER', externalId: 'bob-app' }] },
      { displayName: 'Carol', email: 'carol@shop.cn', tags: ['new'], identities: [{ channel: 'PHONE', externalId: '13700137000' }] },
      { displayName: '50%_off Dan' },
    ];
    [alice, bob, carol, dan] = (await createMembers(tenant, inputs.length, (i) => inputs[i]!)) as [string, string, string, string];
  });

  async function search(query: string) {
    const result = await page(tenant, { first: 50, query });
    expect(result.totalCount).toBe(result.ids.length);
    return result.ids;
  }

  test('a bare word matches names by substring, case-insensitively', async () => {
    expect(await search('ali')).toEqual([alice, bob]);
    expect(await search('WONG')).toEqual([alice]);
    expect(await search('name:alison')).toEqual([bob]);
    expect(await search('name:"alice wong"')).toEqual([alice]);
    expect(await search('nobody')).toEqual([]);
  });

  test('LIKE wildcards in the query are taken literally', async () => {
    expect(await search('%')).toEqual([dan]);
    expect(await search('_')).toEqual([dan]);
    expect(await search('name:"50%_off"')).toEqual([dan]);
  });

  test('a phone matches in any format', async () => {
    for (const query of ['13800138000', '+8613800138000', '138-0013-8000', 'phone:"+86 138 0013 8000"', 'phone:13800138000']) {
      expect([query, await search(query)]).toEqual([query, [alice]]);
    }
    expect(await search('phone:13900139000')).toEqual([bob]);
    expect(await search('phone:13800138001')).toEqual([]);
  });

  test('an e-mail matches whatever its case', async () => {
    expect(await search('alice@example.com')).toEqual([alice]);
    expect(await search('ALICE@EXAMPLE.COM')).toEqual([alice]);
    expect(await search('email:Carol@Shop.CN')).toEqual([carol]);
    expect(await search('email:nobody@example.com')).toEqual([]);
  });

  test('an identity matches bare, with identity: and with identity:CHANNEL:', async () => {
    expect(await search('ox-alice')).toEqual([alice]);
    expect(await search('identity:ox-alice')).toEqual([alice]);
    expect(await search('identity:WECHAT_OPENID:ox-alice')).toEqual([alice]);
    expect(await search('identity:wechat_openid:ox-alice')).toEqual([alice]);
    expect(await search('identity:APP_USER:ox-alice')).toEqual([]);
    expect(await search('identity:APP_USER:bob-app')).toEqual([bob]);
    expect(await search('identity:PHONE:13700137000')).toEqual([carol]);
    expect(await search('identity:PHONE:+8613700137000')).toEqual([carol]);
  });

  test('tags match exactly, quoted values may hold spaces', async () => {
    expect(await search('tag:vip')).toEqual([alice, bob]);
    expect(await search('tag:"big spender"')).toEqual([bob]);
    expect(await search('tag:big')).toEqual([]);
    expect(await search('tag:VIP')).toEqual([]);
  });

  test('several terms must all match', async () => {
    expect(await search('tag:vip ali')).toEqual([alice, bob]);
    expect(await search('tag:vip name:bob')).toEqual([bob]);
    expect(await search('tag:vip wong')).toEqual([alice]);
    expect(await search('tag:new tag:vip')).toEqual([]);
    expect(await search('alice 13900139000')).toEqual([]);
  });

  test('search results page with a stable totalCount', async () => {
    const one = await page(tenant, { first: 1, query: 'tag:vip' });
    expect(one.ids).toEqual([alice]);
    expect(one.totalCount).toBe(2);
    expect(one.pageInfo.hasNextPage).toBe(true);
    const two = await page(tenant, { first: 1, after: one.pageInfo.endCursor, query: 'tag:vip' });
    expect(two.ids).toEqual([bob]);
    expect(two.totalCount).toBe(2);
    expect(two.pageInfo.hasNextPage).toBe(false);
  });

  test("another tenant's members never match", async () => {
    const other = await t.tenant();
    await createMember(other, { displayName: 'Alice Other', tags: ['vip'], identities: [{ channel: 'APP_USER', externalId: 'bob-app' }] });
    expect(await search('tag:vip')).toEqual([alice, bob]);
    expect(await search('bob-app')).toEqual([bob]);
    expect(await search('alice')).toEqual([alice]);
  });

  test.each([
    ['an unknown field prefix', 'colour:red'],
    ['a query over 500 characters', 'a'.repeat(501)],
    ['more than 10 terms', Array.from({ length: 11 }, (_, i) => `t${i}`).join(' ')],
  ])('%s is BAD_USER_INPUT', async (_, query) => {
    const response = await t.gql(MembersDocument, { first: 5, query }, { key: tenant.keys.ADMIN });
    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
    expect(response.body.errors?.[0]?.message).not.toMatch(/select|sql/i);
  });
});

function uuidOf(globalId: string): string {
  return Buffer.from(globalId, 'base64url').toString('utf8').split(':')[1]!;
}
