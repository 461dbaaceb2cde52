import {
  MemberByIdentityDocument,
  MemberConsentSetDocument,
  MemberCreateDocument,
  MemberDetailDocument,
  MemberEraseDocument,
  MemberIdentityBindDocument,
  MemberIdentityUnbindDocument,
  type IdentityChannel,
  type MemberConsentSetInput,
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
const missingMemberId = Buffer.from('Member:00000000-0000-7000-8000-000000000000').toString('base64url');
const codes = (errors: { code: string }[]) => errors.map((error) => error.code);

async function createMember(input: MemberCreateInput = {}) {
  const result = dataOf(await t.gql(MemberCreateDocument, { input }, admin())).memberCreate;
  expect(result.userErrors).toEqual([]);
  return result.member!;
}

async function detail(id: string) {
  return dataOf(await t.gql(MemberDetailDocument, { id }, admin())).member!;
}

async function bind(memberId: string, channel: IdentityChannel, externalId: string) {
  return dataOf(await t.gql(MemberIdentityBindDocument, { input: { memberId, channel, externalId } }, admin())).memberIdentityBind;
}

async function unbind(memberId: string, channel: IdentityChannel, externalId: string) {
  return dataOf(await t.gql(MemberIdentityUnbindDocument, { input: { memberId, channel, externalId } }, admin())).memberIdentityUnbind;
}

async function byIdentity(channel: IdentityChannel, externalId: string) {
  return dataOf(await t.gql(MemberByIdentityDocument, { channel, externalId }, admin())).memberByIdentity;
}

async function setConsent(input: MemberConsentSetInput) {
  return dataOf(await t.gql(MemberConsentSetDocument, { input }, admin())).memberConsentSet;
}

async function erased() {
  const member = await createMember({ displayName: 'Gone' });
  expect(dataOf(await t.gql(MemberEraseDocument, { input: { id: member.id } }, admin())).memberErase.userErrors).toEqual([]);
  return member;
}

const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();

describe('memberIdentityBind', () => {
  test('binds an identity that memberByIdentity then finds', async () => {
    const member = await createMember({ displayName: 'Wei' });
    const result = await bind(member.id, 'WECHAT_OPENID', ' oWx-1 ');
    expect(result.userErrors).toEqual([]);
    expect(result.member?.identities).toEqual([{ channel: 'WECHAT_OPENID', externalId: 'oWx-1' }]);
    expect(await byIdentity('WECHAT_OPENID', 'oWx-1')).toEqual({ id: member.id, displayName: 'Wei' });
    expect(await byIdentity('WECHAT_UNIONID', 'oWx-1')).toBeNull();
    const stored = await detail(member.id);
    expect(stored.identities).toEqual([{ channel: 'WECHAT_OPENID', externalId: 'oWx-1' }]);
    expect(Date.parse(stored.updatedAt)).toBeGreaterThan(Date.parse(member.updatedAt));
  });

  test('normalises PHONE ids to E.164 and EMAIL ids to lower case, and finds them in any spelling', async () => {
    const member = await createMember();
    expect((await bind(member.id, 'PHONE', '138-0013-8111')).userErrors).toEqual([]);
    expect((await bind(member.id, 'EMAIL', ' Mixed.Case@Example.COM ')).userErrors).toEqual([]);
    expect((await detail(member.id)).identities).toEqual([
      { channel: 'PHONE', externalId: '+8613800138111' },
      { channel: 'EMAIL', externalId: 'mixed.case@example.com' },
    ]);
    for (const spelling of ['+8613800138111', '13800138111', '+86 138 0013 8111']) {
      expect((await byIdentity('PHONE', spelling))?.id).toBe(member.id);
    }
    expect((await byIdentity('EMAIL', 'MIXED.case@example.com'))?.id).toBe(member.id);
    expect(await byIdentity('PHONE', 'not a phone')).toBeNull();
  });

  test('binding what the member already has is a no-op', async () => {
    const member = await createMember({ identities: [{ channel: 'APP_USER', externalId: 'u-1' }] });
    const before = await detail(member.id);
    const again = await bind(member.id, 'APP_USER', 'u-1');
    expect(again.userErrors).toEqual([]);
    expect(again.member?.identities).toEqual([{ channel: 'APP_USER', externalId: 'u-1' }]);
    expect(await detail(member.id)).toEqual(before);
  });

  test('one member may hold several identities, and the same external id on another channel is a different identity', async () => {
    const a = await createMember();
    const b = await createMember();
    expect((await bind(a.id, 'MEMBER_CARD', 'C-42')).userErrors).toEqual([]);
    expect((await bind(a.id, 'ALIPAY_USER', 'C-43')).userErrors).toEqual([]);
    expect((await bind(b.id, 'SOCIAL', 'C-42')).userErrors).toEqual([]);
    expect((await detail(a.id)).identities).toHaveLength(2);
    expect((await byIdentity('SOCIAL', 'C-42'))?.id).toBe(b.id);
    expect((await byIdentity('MEMBER_CARD', 'C-42'))?.id).toBe(a.id);
  });

  test('an identity bound to another member is TAKEN, in any spelling, and nothing moves', async () => {
    const owner = await createMember({ identities: [{ channel: 'PHONE', externalId: '13800138222' }] });
    const other = await createMember();
    const before = await detail(other.id);
    for (const spelling of ['13800138222', '+86 138 0013 8222']) {
      const result = await bind(other.id, 'PHONE', spelling);
      expect(result.member).toBeNull();
      expect(result.userErrors).toEqual([expect.objectContaining({ code: 'TAKEN', field: ['input', 'externalId'] })]);
    }
    expect(await detail(other.id)).toEqual(before);
    expect((await byIdentity('PHONE', '13800138222'))?.id).toBe(owner.id);
  });

  test.each([
    ['an invalid PHONE id', 'PHONE', '123', 'INVALID_PHONE'],
    ['an invalid EMAIL id', 'EMAIL', 'nobody', 'INVALID_EMAIL'],
    ['a blank id', 'APP_USER', '   ', 'INVALID'],
    ['an id over 200 characters', 'WEB_ACCOUNT', 'w'.repeat(201), 'INVALID'],
  ] as [string, IdentityChannel, string, string][])('refuses %s and binds nothing', async (_, channel, externalId, code) => {
    const member = await createMember();
    const before = await detail(member.id);
    const result = await bind(member.id, channel, externalId);
    expect(result.member).toBeNull();
    expect(result.userErrors).toEqual([expect.objectContaining({ code, field: ['input', 'externalId'] })]);
    expect(await detail(member.id)).toEqual(before);
  });

  test('an unknown member is NOT_FOUND and the identity stays free', async () => {
    const result = await bind(missingMemberId, 'APP_USER', 'free-1');
    expect(result.userErrors).toEqual([expect.objectContaining({ code: 'NOT_FOUND', field: ['input', 'memberId'] })]);
    expect(await byIdentity('APP_USER', 'free-1')).toBeNull();
  });

  test('an erased member is MEMBER_ERASED', async () => {
    const gone = await erased();
    const result = await bind(gone.id, 'APP_USER', 'erased-1');
    expect(codes(result.userErrors)).toEqual(['MEMBER_ERASED']);
    expect(await byIdentity('APP_USER', 'erased-1')).toBeNull();
  });
});

describe('memberIdentityUnbind', () => {
  test('unbinds, after which memberByIdentity finds nobody and the id can be bound elsewhere', async () => {
    const a = await createMember({ identities: [{ channel: 'WECHAT_UNIONID', externalId: 'un-1' }, { channel: 'APP_USER', externalId: 'keep-1' }] });
    const result = await unbind(a.id, 'WECHAT_UNIONID', 'un-1');
    expect(result.userErrors).toEqual([]);
    expect(result.member?.identities).toEqual([{ channel: 'APP_USER', externalId: 'keep-1' }]);
    expect(await byIdentity('WECHAT_UNIONID', 'un-1')).toBeNull();
    const b = await createMember();
    expect((await bind(b.id, 'WECHAT_UNIONID', 'un-1')).userErrors).toEqual([]);
    expect((await byIdentity('WECHAT_UNIONID', 'un-1'))?.id).toBe(b.id);
  });

  test('unbinds a PHONE identity given in another spelling', async () => {
    const member = await createMember({ identities: [{ channel: 'PHONE', externalId: '+8613800138333' }] });
    expect((await unbind(member.id, 'PHONE', '138 0013 8333')).userErrors).toEqual([]);
    expect(await byIdentity('PHONE', '+8613800138333')).toBeNull();
  });

  test("an identity the member does not have is NOT_FOUND, even when another member has it", async () => {
    const owner = await createMember({ identities: [{ channel: 'APP_USER', externalId: 'owned-1' }] });
    const other = await createMember({ identities: [{ channel: 'APP_USER', externalId: 'mine-1' }] });
    const before = await detail(other.id);
    for (const [channel, externalId] of [['APP_USER', 'owned-1'], ['APP_USER', 'never-bound'], ['PHONE', 'not a phone'], ['WEB_ACCOUNT', 'mine-1']] as const) {
      const result = await unbind(other.id, channel, externalId);
      expect(result.member).toBeNull();
      expect(result.userErrors).toEqual([expect.objectContaining({ code: 'NOT_FOUND', field: ['input', 'externalId'] })]);
    }
    expect(await detail(other.id)).toEqual(before);
    expect((await byIdentity('APP_USER', 'owned-1'))?.id).toBe(owner.id);
  });

  test('an unknown member is NOT_FOUND on memberId; an erased one MEMBER_ERASED', async () => {
    expect((await unbind(missingMemberId, 'APP_USER', 'x')).userErrors).toEqual([expect.objectContaining({ code: 'NOT_FOUND', field: ['input', 'memberId'] })]);
    const gone = await erased();
    expect(codes((await unbind(gone.id, 'APP_USER', 'x')).userErrors)).toEqual(['MEMBER_ERASED']);
  });
});

describe('memberConsentSet', () => {
  test('sets the current state per channel and keeps every change in the history, newest first', async () => {
    const member = await createMember();
    const at = minutesAgo(30);
    const first = await setConsent({ memberId: member.id, channel: 'SMS', granted: true, source: ' checkout ', occurredAt: at });
    expect(first.userErrors).toEqual([]);
    expect(first.member?.consents).toEqual([{ channel: 'SMS', granted: true, source: 'checkout', changedAt: at }]);
    await setConsent({ memberId: member.id, channel: 'SMS', granted: false, source: 'unsubscribe-link', occurredAt: minutesAgo(10) });
    await setConsent({ memberId: member.id, channel: 'EMAIL', granted: true, source: 'signup' });
    const stored = await detail(member.id);
    const current = stored.consents.map(({ channel, granted, source }) => `${channel}:${granted}:${source}`);
    expect(current.sort()).toEqual(['EMAIL:true:signup', 'SMS:false:unsubscribe-link']);
    expect(stored.consentHistory.totalCount).toBe(3);
    expect(stored.consentHistory.nodes.map((n) => `${n.channel}:${n.granted}:${n.source}`)).toEqual([
      'EMAIL:true:signup',
      'SMS:false:unsubscribe-link',
      'SMS:true:checkout',
    ]);
  });

  test('a change older than the current state goes into the history but does not change the state', async () => {
    const member = await createMember();
    const newer = minutesAgo(5);
    await setConsent({ memberId: member.id, channel: 'PUSH', granted: true, source: 'app-settings', occurredAt: newer });
    const late = await setConsent({ memberId: member.id, channel: 'PUSH', granted: false, source: 'old-import', occurredAt: minutesAgo(60 * 24) });
    expect(late.userErrors).toEqual([]);
    expect(late.member?.consents).toEqual([{ channel: 'PUSH', granted: true, source: 'app-settings', changedAt: newer }]);
    expect(late.member?.consentHistory.totalCount).toBe(2);
    expect(late.member?.consentHistory.nodes.map((n) => n.source)).toEqual(['app-settings', 'old-import']);
  });

  test('occurredAt is echoed as changedAt, and omitted means now', async () => {
    const member = await createMember();
    const at = minutesAgo(90);
    const explicit = await setConsent({ memberId: member.id, channel: 'CHAT', granted: true, source: 'chat', occurredAt: at });
    expect(explicit.member?.consents[0]?.changedAt).toBe(at);
    const started = Date.now();
    const implicit = await setConsent({ memberId: member.id, channel: 'SMS', granted: true, source: 'counter' });
    const changedAt = Date.parse(implicit.member!.consents.find((c) => c.channel === 'SMS')!.changedAt);
    expect(Math.abs(changedAt - started)).toBeLessThan(60_000);
  });

  test.each([
    ['a future occurredAt', { occurredAt: new Date(Date.now() + 60 * 60_000).toISOString() }, ['input', 'occurredAt']],
    ['a blank source', { source: '   ' }, ['input', 'source']],
    ['a source over 100 characters', { source: 's'.repeat(101) }, ['input', 'source']],
  ] as [string, Partial<MemberConsentSetInput>, string[]][])('refuses %s with INVALID and records nothing', async (_, change, field) => {
    const member = await createMember();
    await setConsent({ memberId: member.id, channel: 'EMAIL', granted: true, source: 'signup', occurredAt: minutesAgo(20) });
    const before = await detail(member.id);
    const result = await setConsent({ memberId: member.id, channel: 'EMAIL', granted: false, source: 'test', ...change });
    expect(result.member).toBeNull();
    expect(result.userErrors).toEqual([expect.objectContaining({ code: 'INVALID', field })]);
    expect(await detail(member.id)).toEqual(before);
  });

  test('an unknown member is NOT_FOUND; an erased one MEMBER_ERASED, its consents staying withdrawn', async () => {
    const unknown = await setConsent({ memberId: missingMemberId, channel: 'SMS', granted: true, source: 'x' });
    expect(unknown.userErrors).toEqual([expect.objectContaining({ code: 'NOT_FOUND', field: ['input', 'memberId'] })]);
    const gone = await erased();
    const result = await setConsent({ memberId: gone.id, channel: 'SMS', granted: true, source: 'x' });
    expect(codes(result.userErrors)).toEqual(['MEMBER_ERASED']);
    const stored = await detail(gone.id);
    expect(stored.consents).toEqual([]);
    expect(stored.consentHistory.totalCount).toBe(0);
  });
});

test('five parallel binds of one identity to five members: exactly one wins, the others are TAKEN', async () => {
  const members = await Promise.all(Array.from({ length: 5 }, (_, i) => createMember({ displayName: `Racer ${i}` })));
  const results = await Promise.all(members.map((member) => bind(member.id, 'WECHAT_OPENID', 'race-openid')));
  const winners = results.filter((result) => result.userErrors.length === 0);
  expect(winners).toHaveLength(1);
  for (const loser of results.filter((result) => result.userErrors.length > 0)) {
    expect(loser.member).toBeNull();
    expect(codes(loser.userErrors)).toEqual(['TAKEN']);
  }
  const winner = winners[0]!.member!.id;
  expect((await byIdentity('WECHAT_OPENID', 'race-openid'))?.id).toBe(winner);
  for (const member of members) {
    expect((await detail(member.id)).identities).toEqual(member.id === winner ? [{ channel: 'WECHAT_OPENID', externalId: 'race-openid' }] : []);
  }
});
