import {
  AccessMemberFullDocument,
  AccessNodesDocument,
  MemberByIdentityDocument,
  MemberCreateDocument,
  MembersDocument,
  MemberTagsAddDocument,
  MemberUpdateDocument,
  StoreCreateDocument,
} from './generated/graphql';
import { dataOf, errorCodes, startTestApp, type TestApp, type TestTenant } from './support/harness';
import { createMember, createStore, grantConsent, snapshot } from './support/access-fixtures';

let t: TestApp;
let tenant: TestTenant;
let memberId: string;
let storeId: string;
beforeAll(async () => {
  t = await startTestApp();
  tenant = await t.tenant();
  storeId = await createStore(t, tenant.keys.ADMIN);
  memberId = await createMember(t, tenant.keys.ADMIN, {
    displayName: 'Li Lei',
    gender: 'MALE',
    birthday: '1988-02-29',
    phone: '13912345678',
    email: 'Li.Lei@Example.CN',
    province: 'Zhejiang',
    city: 'Hangzhou',
    address: '18 West Lake Road, Room 402',
    registeredChannel: 'STORE',
    registeredStoreId: storeId,
    tags: ['vip', 'west'],
    identities: [
      { channel: 'PHONE', externalId: '13912345678' },
      { channel: 'EMAIL', externalId: 'lilei@example.cn' },
      { channel: 'WECHAT_OPENID', externalId: 'o6_bmjrPTlm6_2sgVt7hMZOPfL2M' },
      { channel: 'MEMBER_CARD', externalId: 'CARD-0001' },
    ],
  });
  await grantConsent(t, tenant.keys.ADMIN, memberId, 'SMS');
  await grantConsent(t, tenant.keys.ADMIN, memberId, 'EMAIL', false);
});
afterAll(async () => {
  await t.close();
});

const MASKED_PHONE = '+86*******5678';
const MASKED_EMAIL = 'l***@example.cn';

describe('an ANALYST key', () => {
  test('sees phone, e-mail and address masked, birthday null, and everything else intact', async () => {
    const full = dataOf(await t.gql(AccessMemberFullDocument, { id: memberId }, { key: tenant.keys.OWNER })).member!;
    const masked = dataOf(await t.gql(AccessMemberFullDocument, { id: memberId }, { key: tenant.keys.ANALYST })).member!;
    expect(full).toMatchObject({ phone: '+8613912345678', email: 'li.lei@example.cn', address: '18 West Lake Road, Room 402', birthday: '1988-02-29' });
    expect(masked.phone).toBe(MASKED_PHONE);
    expect(masked.email).toBe(MASKED_EMAIL);
    expect(masked.address).toBe('***');
    expect(masked.birthday).toBeNull();
    const expectedIdentities = full.identities.map((identity) => {
      if (identity.channel === 'PHONE') return { ...identity, externalId: MASKED_PHONE };
      if (identity.channel === 'EMAIL') return { ...identity, externalId: 'l***@example.cn' };
      if (identity.channel === 'MEMBER_CARD') return { ...identity, externalId: '***0001' };
      return identity;
    });
    expect(masked.identities).toEqual(expectedIdentities);
    expect(masked.identities.map((identity) => identity.externalId)).toEqual(
      expect.arrayContaining([MASKED_PHONE, 'l***@example.cn', 'o6_bmjrPTlm6_2sgVt7hMZOPfL2M', '***0001']),
    );
    const { phone, email, address, birthday, identities, ...rest } = full;
    expect(masked).toEqual({ ...rest, phone: masked.phone, email: masked.email, address: masked.address, birthday: null, identities: masked.identities });
    expect(rest).toMatchObject({ displayName: 'Li Lei', gender: 'MALE', province: 'Zhejiang', city: 'Hangzhou', tags: ['vip', 'west'] });
    expect(rest.consents).toHaveLength(2);
    expect(rest.consentHistory.totalCount).toBe(2);
  });

  test('sees the same masking through members, node, nodes and memberByIdentity', async () => {
    const key = tenant.keys.ANALYST;
    const listed = dataOf(await t.gql(MembersDocument, { first: 10 }, { key })).members.edges.map((edge) => edge.node);
    expect(listed).toContainEqual(expect.objectContaining({ id: memberId, phone: MASKED_PHONE, email: MASKED_EMAIL }));
    const nodes = dataOf(await t.gql(AccessNodesDocument, { ids: [memberId] }, { key })).nodes;
    expect(nodes).toEqual([
      expect.objectContaining({
        id: memberId,
        phone: MASKED_PHONE,
        email: MASKED_EMAIL,
        address: '***',
        birthday: null,
        identities: expect.arrayContaining([{ channel: 'PHONE', externalId: MASKED_PHONE }, { channel: 'EMAIL', externalId: MASKED_EMAIL }]),
      }),
    ]);
    const node = await t.gql(
      'query($id: ID!) { node(id: $id) { ... on Member { phone email address birthday } } }',
      { id: memberId },
      { key },
    );
    expect(dataOf(node)).toEqual({ node: { phone: MASKED_PHONE, email: MASKED_EMAIL, address: '***', birthday: null } });
    // Looking up by an identity still finds the member; what comes back is masked.
    const found = await t.gql(
      'query($externalId: String!) { memberByIdentity(channel: PHONE, externalId: $externalId) { id phone identities { channel externalId } } }',
      { externalId: '13912345678' },
      { key },
    );
    expect(dataOf(found).memberByIdentity).toEqual({
      id: memberId,
      phone: MASKED_PHONE,
      identities: expect.arrayContaining([{ channel: 'WECHAT_OPENID', externalId: 'o6_bmjrPTlm6_2sgVt7hMZOPfL2M' }]),
    });
    expect(JSON.stringify(found.body)).not.toContain('13912345678');
    expect(dataOf(await t.gql(MemberByIdentityDocument, { channel: 'MEMBER_CARD', externalId: 'CARD-0001' }, { key })).memberByIdentity?.id).toBe(memberId);
  });

  test('never receives the unmasked values anywhere in a response', async () => {
    const response = await t.gql(AccessMemberFullDocument, { id: memberId }, { key: tenant.keys.ANALYST });
    const body = JSON.stringify(response.body);
    for (const secret of ['13912345678', 'li.lei@example.cn', 'lilei@example.cn', 'West Lake', '1988-02-29']) expect(body).not.toContain(secret);
  });

  test('sees short and odd values masked too, and absent ones as null', async () => {
    const odd = await createMember(t, tenant.keys.ADMIN, { displayName: 'Odd', email: 'x@y.io' });
    const masked = dataOf(await t.gql(AccessMemberFullDocument, { id: odd }, { key: tenant.keys.ANALYST })).member!;
    expect(masked).toMatchObject({ email: 'x***@y.io', phone: null, address: null, birthday: null });
  });

  test('cannot write, and its attempts change nothing', async () => {
    const before = await snapshot(t, tenant);
    const key = tenant.keys.ANALYST;
    const attempts = [
      await t.gql(MemberCreateDocument, { input: { displayName: 'By analyst' } }, { key }),
      await t.gql(MemberUpdateDocument, { input: { id: memberId, displayName: 'Renamed by analyst' } }, { key }),
      await t.gql(MemberTagsAddDocument, { input: { id: memberId, tags: ['analyst'] } }, { key }),
      await t.gql(StoreCreateDocument, { input: { code: 'analyst', name: 'Analyst', type: 'APP' } }, { key }),
    ];
    for (const attempt of attempts) expect(errorCodes(attempt)).toEqual(['FORBIDDEN']);
    expect(await snapshot(t, tenant)).toEqual(before);
  });
});

test('OWNER and ADMIN keys see personal data unmasked', async () => {
  for (const key of [tenant.keys.OWNER, tenant.keys.ADMIN]) {
    const member = dataOf(await t.gql(AccessMemberFullDocument, { id: memberId }, { key })).member!;
    expect(member).toMatchObject({
      phone: '+8613912345678',
      email: 'li.lei@example.cn',
      address: '18 West Lake Road, Room 402',
      birthday: '1988-02-29',
      identities: expect.arrayContaining([{ channel: 'PHONE', externalId: '+8613912345678', boundAt: expect.any(String) }]),
    });
  }
});
