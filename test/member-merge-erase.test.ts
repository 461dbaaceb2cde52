import {
  MemberByIdentityDocument,
  MemberConsentSetDocument,
  MemberCreateDocument,
  MemberDetailDocument,
  MemberEraseDocument,
  MemberIdentityBindDocument,
  MemberIdentityUnbindDocument,
  MemberMergeDocument,
  MemberTagsAddDocument,
  MemberTagsRemoveDocument,
  MemberUpdateDocument,
  MembersDocument,
  NodeMemberDocument,
  StoreCreateDocument,
  type ConsentChannel,
  type IdentityChannel,
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
const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();

async function createMember(input: MemberCreateInput = {}) {
  const result = dataOf(await t.gql(MemberCreateDocument, { input }, admin())).memberCreate;
  expect(result.userErrors).toEqual([]);
  return result.member!;
}

async function detail(id: string) {
  return dataOf(await t.gql(MemberDetailDocument, { id }, admin())).member;
}

async function consent(memberId: string, channel: ConsentChannel, granted: boolean, source: string, occurredAt: string) {
  const result = dataOf(await t.gql(MemberConsentSetDocument, { input: { memberId, channel, granted, source, occurredAt } }, admin())).memberConsentSet;
  expect(result.userErrors).toEqual([]);
}

async function merge(survivorId: string, mergedId: string) {
  return dataOf(await t.gql(MemberMergeDocument, { input: { survivorId, mergedId } }, admin())).memberMerge;
}

async function erase(id: string) {
  return dataOf(await t.gql(MemberEraseDocument, { input: { id } }, admin())).memberErase;
}

async function byIdentity(channel: IdentityChannel, externalId: string) {
  return dataOf(await t.gql(MemberByIdentityDocument, { channel, externalId }, admin())).memberByIdentity;
}

async function listedIds(query?: string) {
  const list = dataOf(await t.gql(MembersDocument, { first: 250, query, statuses: ['ACTIVE', 'ERASED'] }, admin())).members;
  return list.edges.map((edge) => edge.node.id);
}

describe('memberMerge', () => {
  test('moves identities, tags, consents and consent history to the survivor and records the merge', async () => {
    const storeResult = dataOf(await t.gql(StoreCreateDocument, { input: { code: 'merge-store', name: 'Merge store', type: 'WEB_MALL' } }, admin()));
    const store = storeResult.storeCreate.store!;
    const survivor = await createMember({
      displayName: 'Zhang San',
      phone: '13800138001',
      tags: ['vip', 'shared'],
      identities: [{ channel: 'APP_USER', externalId: 'keep-app' }],
    });
    const duplicate = await createMember({
      displayName: 'San Z.',
      gender: 'MALE',
      phone: '13800138002',
      email: 'zhang@example.com',
      birthday: '1988-08-08',
      city: 'Hangzhou',
      registeredChannel: 'WEB',
      registeredStoreId: store.id,
      tags: ['shared', 'buyer'],
      identities: [
        { channel: 'WECHAT_OPENID', externalId: 'dup-openid' },
        { channel: 'PHONE', externalId: '13800138002' },
      ],
    });
    // SMS: the survivor's decision is newer; EMAIL: the duplicate's is newer; PUSH: only the duplicate has one.
    await consent(survivor.id, 'SMS', false, 'survivor-sms', minutesAgo(5));
    await consent(duplicate.id, 'SMS', true, 'duplicate-sms', minutesAgo(50));
    await consent(survivor.id, 'EMAIL', false, 'survivor-email', minutesAgo(40));
    await consent(duplicate.id, 'EMAIL', true, 'duplicate-email', minutesAgo(4));
    await consent(duplicate.id, 'PUSH', true, 'duplicate-push', minutesAgo(3));

    const result = await merge(survivor.id, duplicate.id);
    expect(result.userErrors).toEqual([]);
    expect(result.member?.id).toBe(survivor.id);

    const kept = (await detail(survivor.id))!;
    expect(kept).toMatchObject({
      // the survivor's own values stay; its blanks are filled from the duplicate
      displayName: 'Zhang San',
      phone: '+8613800138001',
      email: 'zhang@example.com',
      birthday: '1988-08-08',
      gender: 'MALE',
      city: 'Hangzhou',
      registeredChannel: 'WEB',
      registeredStore: { id: store.id, code: 'merge-store' },
      status: 'ACTIVE',
      tags: ['buyer', 'shared', 'vip'],
    });
    expect(kept.identities.map((i) => `${i.channel}:${i.externalId}`).sort()).toEqual(['APP_USER:keep-app', 'PHONE:+8613800138002', 'WECHAT_OPENID:dup-openid']);
    expect(kept.consents.map((c) => `${c.channel}:${c.granted}:${c.source}`).sort()).toEqual([
      'EMAIL:true:duplicate-email',
      'PUSH:true:duplicate-push',
      'SMS:false:survivor-sms',
    ]);
    expect(kept.consentHistory.totalCount).toBe(5);
    expect(kept.merges).toEqual([
      {
        mergedMemberId: duplicate.id,
        mergedAt: expect.any(String),
        actor: expect.stringMatching(/^key:/),
        // SMS stayed the survivor's (newer), so two consents took effect
        moved: expect.objectContaining({ identities: 2, tags: 1, consents: 2, consentHistory: 3, earlierMerges: 0 }),
      },
    ]);

    expect((await byIdentity('WECHAT_OPENID', 'dup-openid'))?.id).toBe(survivor.id);
    expect((await byIdentity('PHONE', '13800138002'))?.id).toBe(survivor.id);
  });

  test('the merged id answers with the survivor in member and node, and is no longer listed', async () => {
    const survivor = await createMember({ displayName: 'Survivor One' });
    const merged = await createMember({ displayName: 'Merged One' });
    expect((await merge(survivor.id, merged.id)).userErrors).toEqual([]);
    expect((await detail(merged.id))?.id).toBe(survivor.id);
    const node = dataOf(await t.gql(NodeMemberDocument, { id: merged.id }, admin())).node;
    expect(node).toEqual({ id: survivor.id, __typename: 'Member', displayName: 'Survivor One', status: 'ACTIVE' });
    const ids = await listedIds();
    expect(ids).toContain(survivor.id);
    expect(ids).not.toContain(merged.id);
    const mergedStatus = dataOf(await t.gql(MembersDocument, { first: 250, statuses: ['MERGED'] }, admin())).members;
    expect(mergedStatus.edges.map((edge) => edge.node.id)).not.toContain(merged.id);
    expect(await listedIds('name:"Merged One"')).toEqual([]);
  });

  test('mutations given the merged id act on the survivor', async () => {
    const survivor = await createMember({ displayName: 'Target' });
    const merged = await createMember();
    expect((await merge(survivor.id, merged.id)).userErrors).toEqual([]);
    const tagged = dataOf(await t.gql(MemberTagsAddDocument, { input: { id: merged.id, tags: ['via-old-id'] } }, admin())).memberTagsAdd;
    expect(tagged.member).toEqual({ id: survivor.id, tags: ['via-old-id'] });
  });

  test('merging a member with itself is SAME_MEMBER and changes nothing', async () => {
    const member = await createMember({ displayName: 'Solo', tags: ['solo'] });
    const before = await detail(member.id);
    const result = await merge(member.id, member.id);
    expect(result.member).toBeNull();
    expect(result.userErrors).toEqual([expect.objectContaining({ code: 'SAME_MEMBER', field: ['input', 'mergedId'] })]);
    expect(await detail(member.id)).toEqual(before);
  });

  test('merging again with the already merged id resolves to the survivor: SAME_MEMBER, nothing recorded', async () => {
    const survivor = await createMember();
    const merged = await createMember();
    expect((await merge(survivor.id, merged.id)).userErrors).toEqual([]);
    const before = await detail(survivor.id);
    for (const [a, b] of [[survivor.id, merged.id], [merged.id, survivor.id]]) {
      const again = await merge(a!, b!);
      expect(again.member).toBeNull();
      expect(codes(again.userErrors)).toEqual(['SAME_MEMBER']);
    }
    const after = await detail(survivor.id);
    expect(after).toEqual(before);
    expect(after?.merges).toHaveLength(1);
  });

  test('a chain of merges (A into B, then B into C) makes A and B resolve to C', async () => {
    const a = await createMember({ displayName: 'Chain A', identities: [{ channel: 'APP_USER', externalId: 'chain-a' }] });
    const b = await createMember({ displayName: 'Chain B' });
    const c = await createMember({ displayName: 'Chain C' });
    expect((await merge(b.id, a.id)).userErrors).toEqual([]);
    expect((await merge(c.id, b.id)).userErrors).toEqual([]);
    for (const id of [a.id, b.id, c.id]) {
      expect((await detail(id))?.id).toBe(c.id);
      expect(dataOf(await t.gql(NodeMemberDocument, { id }, admin())).node?.id).toBe(c.id);
    }
    expect((await byIdentity('APP_USER', 'chain-a'))?.id).toBe(c.id);
    const merges = (await detail(c.id))!.merges;
    expect(merges.map((m) => m.mergedMemberId)).toEqual([b.id]);
    expect(merges[0]?.moved).toMatchObject({ identities: 1, earlierMerges: 1 });
    expect(codes((await merge(a.id, c.id)).userErrors)).toEqual(['SAME_MEMBER']);
  });

  test('an unknown survivor or merged id is NOT_FOUND on its own field, and nothing moves', async () => {
    const member = await createMember({ tags: ['stay'] });
    const before = await detail(member.id);
    const noSurvivor = await merge(missingMemberId, member.id);
    expect(noSurvivor.userErrors).toEqual([expect.objectContaining({ code: 'NOT_FOUND', field: ['input', 'survivorId'] })]);
    const noMerged = await merge(member.id, 'not-an-id');
    expect(noMerged.userErrors).toEqual([expect.objectContaining({ code: 'NOT_FOUND', field: ['input', 'mergedId'] })]);
    expect(await detail(member.id)).toEqual(before);
  });

  test('an erased member can be neither survivor nor merged: MEMBER_ERASED', async () => {
    const live = await createMember({ tags: ['alive'] });
    const gone = await createMember();
    expect((await erase(gone.id)).userErrors).toEqual([]);
    const before = await detail(live.id);
    expect((await merge(gone.id, live.id)).userErrors).toEqual([expect.objectContaining({ code: 'MEMBER_ERASED', field: ['input', 'survivorId'] })]);
    expect((await merge(live.id, gone.id)).userErrors).toEqual([expect.objectContaining({ code: 'MEMBER_ERASED', field: ['input', 'mergedId'] })]);
    expect(await detail(live.id)).toEqual(before);
    expect((await detail(gone.id))?.status).toBe('ERASED');
  });

  test('two parallel merges of one pair in opposite directions: exactly one succeeds and the data stays whole', async () => {
    const a = await createMember({ displayName: 'Race A', tags: ['a'], identities: [{ channel: 'APP_USER', externalId: 'race-a' }] });
    const b = await createMember({ displayName: 'Race B', tags: ['b'], identities: [{ channel: 'APP_USER', externalId: 'race-b' }] });
    const [ab, ba] = await Promise.all([merge(a.id, b.id), merge(b.id, a.id)]);
    const outcomes = [ab, ba];
    const winners = outcomes.filter((o) => o.userErrors.length === 0);
    expect(winners).toHaveLength(1);
    const loser = outcomes.find((o) => o.userErrors.length > 0)!;
    expect(loser.member).toBeNull();
    expect(['MEMBER_MERGED', 'SAME_MEMBER']).toContain(loser.userErrors[0]?.code);

    const survivorId = winners[0]!.member!.id;
    const mergedId = survivorId === a.id ? b.id : a.id;
    const survivor = (await detail(survivorId))!;
    expect(survivor.status).toBe('ACTIVE');
    expect(survivor.tags).toEqual(['a', 'b']);
    expect(survivor.identities.map((i) => i.externalId).sort()).toEqual(['race-a', 'race-b']);
    expect(survivor.merges.map((m) => m.mergedMemberId)).toEqual([mergedId]);
    expect((await detail(mergedId))?.id).toBe(survivorId);
    const ids = await listedIds('name:Race');
    expect(ids).toEqual([survivorId]);
  });
});

describe('memberErase', () => {
  test('removes personal data, identities and tags, withdraws consents and keeps a tombstone', async () => {
    const member = await createMember({
      displayName: 'Private Person',
      gender: 'FEMALE',
      birthday: '1970-01-01',
      phone: '13800138099',
      email: 'private@example.com',
      province: 'Sichuan',
      city: 'Chengdu',
      address: 'Secret street 1',
      tags: ['vip'],
      identities: [{ channel: 'WECHAT_OPENID', externalId: 'erase-me' }, { channel: 'EMAIL', externalId: 'private@example.com' }],
    });
    await consent(member.id, 'SMS', true, 'checkout', minutesAgo(10));
    await consent(member.id, 'EMAIL', true, 'signup', minutesAgo(9));

    const result = await erase(member.id);
    expect(result.userErrors).toEqual([]);
    expect(result.member).toMatchObject({ id: member.id, status: 'ERASED', displayName: null, phone: null });
    const tomb = (await detail(member.id))!;
    expect(tomb).toMatchObject({
      id: member.id,
      status: 'ERASED',
      displayName: null,
      gender: 'UNKNOWN',
      birthday: null,
      phone: null,
      email: null,
      province: null,
      city: null,
      address: null,
      tags: [],
      identities: [],
    });
    expect(tomb.erasedAt).not.toBeNull();
    expect(tomb.consents.map((c) => `${c.channel}:${c.granted}`).sort()).toEqual(['EMAIL:false', 'SMS:false']);
    expect(tomb.consentHistory.totalCount).toBe(2);

    expect(await byIdentity('WECHAT_OPENID', 'erase-me')).toBeNull();
    expect(await byIdentity('EMAIL', 'private@example.com')).toBeNull();
    expect(await listedIds('tag:vip')).not.toContain(member.id);
    expect(await listedIds('13800138099')).toEqual([]);
    const active = dataOf(await t.gql(MembersDocument, { first: 250 }, admin())).members.edges.map((e) => e.node.id);
    expect(active).not.toContain(member.id);
    const erased = dataOf(await t.gql(MembersDocument, { first: 250, statuses: ['ERASED'] }, admin())).members.edges.map((e) => e.node.id);
    expect(erased).toContain(member.id);
  });

  test('freed identities can be bound to another member', async () => {
    const gone = await createMember({ identities: [{ channel: 'MEMBER_CARD', externalId: 'card-7' }] });
    expect((await erase(gone.id)).userErrors).toEqual([]);
    const next = await createMember({ identities: [{ channel: 'MEMBER_CARD', externalId: 'card-7' }] });
    expect((await byIdentity('MEMBER_CARD', 'card-7'))?.id).toBe(next.id);
  });

  test('every mutation on an erased member is MEMBER_ERASED and writes nothing; erasing twice too', async () => {
    const member = await createMember({ displayName: 'To erase' });
    expect((await erase(member.id)).userErrors).toEqual([]);
    const before = await detail(member.id);
    const id = member.id;
    const attempts: [string, unknown][] = [
      ['memberUpdate', await t.gql(MemberUpdateDocument, { input: { id, displayName: 'Back' } }, admin())],
      ['memberTagsAdd', await t.gql(MemberTagsAddDocument, { input: { id, tags: ['x'] } }, admin())],
      ['memberTagsRemove', await t.gql(MemberTagsRemoveDocument, { input: { id, tags: ['x'] } }, admin())],
      ['memberIdentityBind', await t.gql(MemberIdentityBindDocument, { input: { memberId: id, channel: 'APP_USER', externalId: 'ghost' } }, admin())],
      ['memberIdentityUnbind', await t.gql(MemberIdentityUnbindDocument, { input: { memberId: id, channel: 'APP_USER', externalId: 'ghost' } }, admin())],
      ['memberConsentSet', await t.gql(MemberConsentSetDocument, { input: { memberId: id, channel: 'SMS', granted: true, source: 'x' } }, admin())],
      ['memberErase', await t.gql(MemberEraseDocument, { input: { id } }, admin())],
    ];
    for (const [name, response] of attempts) {
      const payload = (dataOf(response as never) as Record<string, { member: unknown; userErrors: { code: string }[] }>)[name]!;
      expect([name, payload.member]).toEqual([name, null]);
      expect([name, codes(payload.userErrors)]).toEqual([name, ['MEMBER_ERASED']]);
    }
    expect(await detail(id)).toEqual(before);
    expect(await byIdentity('APP_USER', 'ghost')).toBeNull();
  });

  test('an unknown id is NOT_FOUND', async () => {
    const result = await erase(missingMemberId);
    expect(result.member).toBeNull();
    expect(result.userErrors).toEqual([expect.objectContaining({ code: 'NOT_FOUND', field: ['input', 'id'] })]);
  });

  test("another tenant cannot erase a member: NOT_FOUND, and the member keeps its data", async () => {
    const member = await createMember({ displayName: 'Protected', phone: '13800138098' });
    const other = await t.tenant();
    const result = dataOf(await t.gql(MemberEraseDocument, { input: { id: member.id } }, { key: other.keys.ADMIN })).memberErase;
    expect(codes(result.userErrors)).toEqual(['NOT_FOUND']);
    expect(await detail(member.id)).toMatchObject({ status: 'ACTIVE', displayName: 'Protected', phone: '+8613800138098' });
  });
});
