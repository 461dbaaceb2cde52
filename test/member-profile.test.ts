import {
  MemberCreateDocument,
  MemberDetailDocument,
  MemberTagsAddDocument,
  MemberTagsRemoveDocument,
  MemberUpdateDocument,
  MembersDocument,
  StoreCreateDocument,
  type MemberCreateInput,
} from './generated/graphql';
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

const admin = () => ({ key: tenant.keys.ADMIN });

async function createMember(input: MemberCreateInput = {}) {
  const result = dataOf(await t.gql(MemberCreateDocument, { input }, admin())).memberCreate;
  expect(result.userErrors).toEqual([]);
  return result.member!;
}

async function detail(id: string) {
  return dataOf(await t.gql(MemberDetailDocument, { id }, admin())).member;
}

async function memberCount() {
  return dataOf(await t.gql(MembersDocument, { first: 1, statuses: ['ACTIVE', 'ERASED'] }, admin())).members.totalCount;
}

async function createStore(code: string) {
  const result = dataOf(await t.gql(StoreCreateDocument, { input: { code, name: `Store ${code}`, type: 'OFFLINE_STORE' } }, admin())).storeCreate;
  expect(result.userErrors).toEqual([]);
  return result.store!;
}

/** A global id of the right type that names no row. */
const missingMemberId = Buffer.from('Member:00000000-0000-7000-8000-000000000000').toString('base64url');

const codes = (errors: { code: string }[]) => errors.map((error) => error.code);

describe('memberCreate', () => {
  test('normalises the profile: E.164 phone in the tenant country, lower-cased e-mail, trimmed text, blanks as null', async () => {
    const store = await createStore('create-normalise');
    const member = await createMember({
      displayName: '  Li Lei  ',
      gender: 'MALE',
      birthday: '1990-05-17',
      phone: '138 0013 8000',
      email: '  Li.Lei@Example.COM ',
      province: 'Zhejiang',
      city: '   ',
      address: '',
      registeredChannel: 'STORE',
      registeredStoreId: store.id,
      tags: [' vip ', 'vip', 'new'],
      identities: [{ channel: 'WECHAT_OPENID', externalId: ' o-123 ' }],
    });
    expect(member).toMatchObject({
      displayName: 'Li Lei',
      gender: 'MALE',
      birthday: '1990-05-17',
      phone: '+8613800138000',
      email: 'li.lei@example.com',
      province: 'Zhejiang',
      city: null,
      address: null,
      registeredChannel: 'STORE',
      status: 'ACTIVE',
      erasedAt: null,
      registeredStore: { id: store.id, code: 'create-normalise' },
      tags: ['new', 'vip'],
      identities: [{ channel: 'WECHAT_OPENID', externalId: 'o-123' }],
      consents: [],
    });
    expect(await detail(member.id)).toMatchObject({ phone: '+8613800138000', email: 'li.lei@example.com', tags: ['new', 'vip'] });
  });

  test('keeps international numbers in their own country and defaults gender to UNKNOWN', async () => {
    const member = await createMember({ phone: '+1 (415) 555-2671' });
    expect(member.phone).toBe('+14155552671');
    expect(member.gender).toBe('UNKNOWN');
    expect(member.displayName).toBeNull();
  });

  test.each([
    ['an invalid phone', { phone: '12345' }, 'INVALID_PHONE', ['input', 'phone']],
    ['an invalid e-mail', { email: 'not-an-email' }, 'INVALID_EMAIL', ['input', 'email']],
    ['a name over 100 characters', { displayName: 'x'.repeat(101) }, 'TOO_LONG', ['input', 'displayName']],
    ['an address over 500 characters', { address: 'y'.repeat(501) }, 'TOO_LONG', ['input', 'address']],
    ['a city over 100 characters', { city: 'c'.repeat(101) }, 'TOO_LONG', ['input', 'city']],
    ['a birthday before 1900', { birthday: '1899-12-31' }, 'INVALID', ['input', 'birthday']],
    ['a birthday in the future', { birthday: `${new Date().getUTCFullYear() + 1}-01-01` }, 'INVALID', ['input', 'birthday']],
    ['an unknown registered store', { registeredStoreId: Buffer.from('Store:00000000-0000-7000-8000-000000000000').toString('base64url') }, 'NOT_FOUND', ['input', 'registeredStoreId']],
    ['a member id as registered store', { registeredStoreId: missingMemberId }, 'NOT_FOUND', ['input', 'registeredStoreId']],
    ['a tag with a comma', { tags: ['a,b'] }, 'INVALID', ['input', 'tags']],
    ['a tag over 64 characters', { tags: ['t'.repeat(65)] }, 'INVALID', ['input', 'tags']],
    ['an invalid PHONE identity', { identities: [{ channel: 'PHONE', externalId: 'abc' }] }, 'INVALID_PHONE', ['input', 'identities', '0', 'externalId']],
    ['an invalid EMAIL identity', { identities: [{ channel: 'EMAIL', externalId: 'a@b' }] }, 'INVALID_EMAIL', ['input', 'identities', '0', 'externalId']],
    ['a blank identity', { identities: [{ channel: 'APP_USER', externalId: '  ' }] }, 'INVALID', ['input', 'identities', '0', 'externalId']],
    ['an identity over 200 characters', { identities: [{ channel: 'APP_USER', externalId: 'i'.repeat(201) }] }, 'INVALID', ['input', 'identities', '0', 'externalId']],
  ] as [string, MemberCreateInput, string, string[]][])('refuses %s and writes nothing', async (_, input, code, field) => {
    const before = await memberCount();
    const result = dataOf(await t.gql(MemberCreateDocument, { input: { displayName: 'Refused', ...input } }, admin())).memberCreate;
    expect(result.member).toBeNull();
    expect(result.userErrors).toEqual([expect.objectContaining({ code, field })]);
    expect(await memberCount()).toBe(before);
  });

  test('reports every broken field at once', async () => {
    const result = dataOf(await t.gql(MemberCreateDocument, { input: { phone: 'x', email: 'y', displayName: 'z'.repeat(101) } }, admin())).memberCreate;
    expect(codes(result.userErrors).sort()).toEqual(['INVALID_EMAIL', 'INVALID_PHONE', 'TOO_LONG']);
  });

  test('an identity bound to another member is TAKEN, and neither the member nor its tags are written', async () => {
    await createMember({ displayName: 'Owner', identities: [{ channel: 'APP_USER', externalId: 'app-taken' }] });
    const before = await memberCount();
    const result = dataOf(
      await t.gql(
        MemberCreateDocument,
        { input: { displayName: 'Second', tags: ['taken-tag'], identities: [{ channel: 'APP_USER', externalId: 'app-taken' }] } },
        admin(),
      ),
    ).memberCreate;
    expect(result.member).toBeNull();
    expect(codes(result.userErrors)).toEqual(['TAKEN']);
    expect(await memberCount()).toBe(before);
    const tagged = dataOf(await t.gql(MembersDocument, { first: 5, query: 'tag:taken-tag' }, admin())).members;
    expect(tagged.totalCount).toBe(0);
  });

  test('a PHONE identity is TAKEN whatever format it is written in', async () => {
    await createMember({ identities: [{ channel: 'PHONE', externalId: '+86 139 0000 0001' }] });
    const result = dataOf(await t.gql(MemberCreateDocument, { input: { identities: [{ channel: 'PHONE', externalId: '13900000001' }] } }, admin())).memberCreate;
    expect(codes(result.userErrors)).toEqual(['TAKEN']);
  });

  test('the same identity twice in one input is bound once', async () => {
    const before = await memberCount();
    const result = dataOf(
      await t.gql(
        MemberCreateDocument,
        { input: { identities: [{ channel: 'PHONE', externalId: '13900000077' }, { channel: 'PHONE', externalId: '+8613900000077' }] } },
        admin(),
      ),
    ).memberCreate;
    expect(result.userErrors).toEqual([]);
    expect(result.member?.identities).toEqual([{ channel: 'PHONE', externalId: '+8613900000077' }]);
    expect(await memberCount()).toBe(before + 1);
  });

  test('an ANALYST or INGEST key may not create members', async () => {
    const before = await memberCount();
    for (const key of [tenant.keys.ANALYST, tenant.keys.INGEST]) {
      const response = await t.gql(MemberCreateDocument, { input: { displayName: 'Nope' } }, { key });
      expect(response.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
    expect(await memberCount()).toBe(before);
  });
});

describe('memberUpdate', () => {
  test('changes given fields, keeps omitted ones and clears those set to null', async () => {
    const storeA = await createStore('update-a');
    const member = await createMember({
      displayName: 'Han Meimei',
      gender: 'FEMALE',
      birthday: '1995-01-02',
      phone: '13800000001',
      email: 'han@example.com',
      province: 'Jiangsu',
      city: 'Nanjing',
      address: 'Road 1',
      registeredChannel: 'APP',
      registeredStoreId: storeA.id,
    });
    const updated = dataOf(
      await t.gql(MemberUpdateDocument, { input: { id: member.id, phone: '+86-138-0000-0002', email: 'HAN@Example.org', city: null, gender: null, registeredStoreId: null } }, admin()),
    ).memberUpdate;
    expect(updated.userErrors).toEqual([]);
    expect(updated.member).toMatchObject({
      displayName: 'Han Meimei',
      birthday: '1995-01-02',
      phone: '+8613800000002',
      email: 'han@example.org',
      province: 'Jiangsu',
      city: null,
      gender: 'UNKNOWN',
      address: 'Road 1',
      registeredChannel: 'APP',
      registeredStore: null,
    });
    const stored = await detail(member.id);
    expect(stored).toMatchObject({ phone: '+8613800000002', city: null, registeredStore: null, province: 'Jiangsu' });
    expect(Date.parse(stored!.updatedAt)).toBeGreaterThanOrEqual(Date.parse(member.updatedAt));
  });

  test('blank strings clear fields like null does', async () => {
    const member = await createMember({ displayName: 'Blank', phone: '13800000003', email: 'blank@example.com', address: 'Somewhere' });
    const updated = dataOf(await t.gql(MemberUpdateDocument, { input: { id: member.id, phone: ' ', email: '', address: '  ' } }, admin())).memberUpdate;
    expect(updated.userErrors).toEqual([]);
    expect(await detail(member.id)).toMatchObject({ displayName: 'Blank', phone: null, email: null, address: null });
  });

  test("another tenant's store is NOT_FOUND as registered store", async () => {
    const other = await t.tenant();
    const foreign = dataOf(await t.gql(StoreCreateDocument, { input: { code: 'foreign', name: 'Foreign', type: 'APP' } }, { key: other.keys.ADMIN }));
    const member = await createMember({ displayName: 'Local' });
    const before = await detail(member.id);
    const result = dataOf(await t.gql(MemberUpdateDocument, { input: { id: member.id, registeredStoreId: foreign.storeCreate.store!.id } }, admin())).memberUpdate;
    expect(result.userErrors).toEqual([expect.objectContaining({ code: 'NOT_FOUND', field: ['input', 'registeredStoreId'] })]);
    expect(await detail(member.id)).toEqual(before);
  });

  test('sets a registered store', async () => {
    const store = await createStore('update-b');
    const member = await createMember({ displayName: 'Store-less' });
    const updated = dataOf(await t.gql(MemberUpdateDocument, { input: { id: member.id, registeredStoreId: store.id } }, admin())).memberUpdate;
    expect(updated.member?.registeredStore).toEqual({ id: store.id, code: 'update-b' });
  });

  test.each([
    ['an invalid phone', { phone: '+86 123' }, 'INVALID_PHONE', ['input', 'phone']],
    ['an invalid e-mail', { email: 'two@@example.com' }, 'INVALID_EMAIL', ['input', 'email']],
    ['a name over 100 characters', { displayName: 'n'.repeat(101) }, 'TOO_LONG', ['input', 'displayName']],
    ['a province over 100 characters', { province: 'p'.repeat(101) }, 'TOO_LONG', ['input', 'province']],
    ['a birthday before 1900', { birthday: '1800-01-01' }, 'INVALID', ['input', 'birthday']],
    ['a future birthday', { birthday: '2999-01-01' }, 'INVALID', ['input', 'birthday']],
    ['an unknown registered store', { registeredStoreId: 'bm90LWFuLWlk' }, 'NOT_FOUND', ['input', 'registeredStoreId']],
  ] as [string, Record<string, unknown>, string, string[]][])('refuses %s and leaves the member unchanged', async (_, change, code, field) => {
    const member = await createMember({ displayName: 'Unchanged', phone: '13800000004', email: 'same@example.com', birthday: '2000-02-29', province: 'Hubei' });
    const before = await detail(member.id);
    const result = dataOf(await t.gql(MemberUpdateDocument, { input: { id: member.id, displayName: 'Changed', ...change } }, admin())).memberUpdate;
    expect(result.member).toBeNull();
    expect(result.userErrors).toEqual([expect.objectContaining({ code, field })]);
    expect(await detail(member.id)).toEqual(before);
  });

  test('an unknown or malformed id is NOT_FOUND', async () => {
    for (const id of [missingMemberId, 'garbage', Buffer.from('Store:00000000-0000-7000-8000-000000000000').toString('base64url')]) {
      const result = dataOf(await t.gql(MemberUpdateDocument, { input: { id, displayName: 'Ghost' } }, admin())).memberUpdate;
      expect(result.member).toBeNull();
      expect(result.userErrors).toEqual([expect.objectContaining({ code: 'NOT_FOUND', field: ['input', 'id'] })]);
    }
    const ghosts = dataOf(await t.gql(MembersDocument, { first: 5, query: 'name:Ghost' }, admin())).members;
    expect(ghosts.totalCount).toBe(0);
  });

  test("another tenant's member is NOT_FOUND and stays as it was", async () => {
    const member = await createMember({ displayName: 'Mine' });
    const other = await t.tenant();
    const result = dataOf(await t.gql(MemberUpdateDocument, { input: { id: member.id, displayName: 'Theirs' } }, { key: other.keys.ADMIN })).memberUpdate;
    expect(codes(result.userErrors)).toEqual(['NOT_FOUND']);
    expect((await detail(member.id))?.displayName).toBe('Mine');
  });
});

describe('memberTagsAdd and memberTagsRemove', () => {
  test('adds tags once, trimmed, sorted alphabetically, and bumps updatedAt', async () => {
    const member = await createMember({ tags: ['b'] });
    const added = dataOf(await t.gql(MemberTagsAddDocument, { input: { id: member.id, tags: [' c ', 'a', 'b', 'a'] } }, admin())).memberTagsAdd;
    expect(added.userErrors).toEqual([]);
    expect(added.member?.tags).toEqual(['a', 'b', 'c']);
    const stored = await detail(member.id);
    expect(stored?.tags).toEqual(['a', 'b', 'c']);
    expect(Date.parse(stored!.updatedAt)).toBeGreaterThan(Date.parse(member.updatedAt));
  });

  test('removes tags and ignores tags that are not there', async () => {
    const member = await createMember({ tags: ['keep', 'drop'] });
    const removed = dataOf(await t.gql(MemberTagsRemoveDocument, { input: { id: member.id, tags: ['drop', 'never-there'] } }, admin())).memberTagsRemove;
    expect(removed.userErrors).toEqual([]);
    expect(removed.member?.tags).toEqual(['keep']);
    expect((await detail(member.id))?.tags).toEqual(['keep']);
  });

  test.each([
    ['no tags', []],
    ['a blank tag', ['ok', '   ']],
    ['a tag with a comma', ['ok', 'x,y']],
    ['a tag over 64 characters', ['ok', 'q'.repeat(65)]],
    ['more than 100 tags', Array.from({ length: 101 }, (_, i) => `t${i}`)],
  ])('refuses %s with INVALID on add and on remove, writing nothing', async (_, tags) => {
    const member = await createMember({ tags: ['ok', 'x'] });
    const before = await detail(member.id);
    for (const document of [MemberTagsAddDocument, MemberTagsRemoveDocument]) {
      const response = await t.gql(document, { input: { id: member.id, tags } }, admin());
      const payload = Object.values(dataOf(response))[0] as { member: unknown; userErrors: { code: string; field: string[] }[] };
      expect(payload.member).toBeNull();
      expect(payload.userErrors.length).toBeGreaterThan(0);
      for (const error of payload.userErrors) expect(error).toMatchObject({ code: 'INVALID', field: ['input', 'tags'] });
    }
    expect(await detail(member.id)).toEqual(before);
  });

  test('an unknown member is NOT_FOUND', async () => {
    for (const document of [MemberTagsAddDocument, MemberTagsRemoveDocument]) {
      const response = await t.gql(document, { input: { id: missingMemberId, tags: ['orphan'] } }, admin());
      const payload = Object.values(dataOf(response))[0] as { member: unknown; userErrors: { code: string; field: string[] }[] };
      expect(payload.member).toBeNull();
      expect(payload.userErrors).toEqual([expect.objectContaining({ code: 'NOT_FOUND', field: ['input', 'id'] })]);
    }
    expect(dataOf(await t.gql(MembersDocument, { first: 1, query: 'tag:orphan' }, admin())).members.totalCount).toBe(0);
  });
});
