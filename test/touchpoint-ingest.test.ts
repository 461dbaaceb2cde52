import {
  MemberByIdentityDocument,
  MemberEraseDocument,
  MemberMergeDocument,
  MembersDocument,
  TenantTouchpointsDocument,
  TenantUpdateDocument,
  TouchpointTypeCreateDocument,
  TouchpointTypesDocument,
  TouchpointsRecordDocument,
} from './generated/graphql';
import { dataOf, errorCodes, startTestApp, type TestApp, type TestTenant } from './support/harness';
import { createMember, createStore, missingId } from './support/access-fixtures';
import { ago, event, nextId, recordEvents } from './support/activity-fixtures';

/** touchpointsRecord: per-event answers, idempotency, identity resolution and every reject code. */
let t: TestApp;
let tenant: TestTenant;
let key: string;
let memberId: string;

beforeAll(async () => {
  t = await startTestApp();
  tenant = await t.tenant();
  key = tenant.keys.INGEST;
  memberId = await createMember(t, tenant.keys.ADMIN, { displayName: 'Ingest target' });
});
afterAll(async () => {
  await t.close();
});

const allTouchpoints = async (k = tenant.keys.ANALYST) => dataOf(await t.gql(TenantTouchpointsDocument, { first: 250 }, { key: k })).touchpoints;
const memberCount = async () => dataOf(await t.gql(MembersDocument, { first: 1, statuses: ['ACTIVE', 'ERASED', 'MERGED'] }, { key: tenant.keys.ANALYST })).members.totalCount;

describe('per-event answers', () => {
  test('each event is answered in input order, and a bad one never rejects its neighbours', async () => {
    const good1 = event(memberId, { type: 'PRODUCT_VIEW', channel: 'APP', properties: { sku: 'A-1' }, source: 'app-sdk' });
    const bad = event(missingId('Member'));
    const good2 = event(memberId, { type: 'CART_ADD', channel: 'MARKETPLACE' });
    const payload = await recordEvents(t, key, [good1, bad, good2]);
    expect(payload.userErrors).toEqual([]);
    expect({ accepted: payload.accepted, duplicates: payload.duplicates, rejected: payload.rejected }).toEqual({ accepted: 2, duplicates: 0, rejected: 1 });
    expect(payload.results.map((r) => [r.index, r.eventId, r.status, r.code])).toEqual([
      [0, good1.eventId, 'ACCEPTED', null],
      [1, bad.eventId, 'REJECTED', 'UNKNOWN_MEMBER'],
      [2, good2.eventId, 'ACCEPTED', null],
    ]);
    expect(payload.results[1]!.touchpoint).toBeNull();
    expect(payload.results[1]!.reason).toEqual(expect.any(String));
    expect(payload.results[0]!.touchpoint).toEqual(
      expect.objectContaining({
        type: 'PRODUCT_VIEW',
        channel: 'APP',
        eventId: good1.eventId,
        occurredAt: good1.occurredAt,
        properties: { sku: 'A-1' },
        source: 'app-sdk',
        member: { id: memberId },
        store: null,
        order: null,
      }),
    );
    const stored = (await allTouchpoints()).nodes.map((n) => n.eventId);
    expect(stored).toEqual(expect.arrayContaining([good1.eventId, good2.eventId]));
    expect(stored).not.toContain(bad.eventId);
  });

  test('the same eventId twice in one call is stored once; the second answer is DUPLICATE with the stored touchpoint', async () => {
    const first = event(memberId, { type: 'SEARCH', properties: { q: 'tea' } });
    const again = { ...first, properties: { q: 'changed' } };
    const payload = await recordEvents(t, key, [first, again]);
    expect(payload.results.map((r) => r.status)).toEqual(['ACCEPTED', 'DUPLICATE']);
    expect(payload.results[1]!.touchpoint).toEqual(payload.results[0]!.touchpoint);
    expect(payload.results[1]!.touchpoint!.properties).toEqual({ q: 'tea' });
    expect((await allTouchpoints()).nodes.filter((n) => n.eventId === first.eventId)).toHaveLength(1);
  });

  test('the same eventId in a later call is DUPLICATE, returns the stored one, and writes nothing', async () => {
    const first = event(memberId, { type: 'FAVORITE' });
    const stored = (await recordEvents(t, key, [first])).results[0]!;
    expect(stored.status).toBe('ACCEPTED');
    const before = await allTouchpoints();
    const retry = await recordEvents(t, key, [{ ...first, type: 'COMPLAINT', occurredAt: ago(3) }, event(memberId)]);
    expect(retry.results.map((r) => r.status)).toEqual(['DUPLICATE', 'ACCEPTED']);
    expect(retry.duplicates).toBe(1);
    expect(retry.results[0]!.touchpoint).toEqual(stored.touchpoint);
    expect(retry.results[0]!.touchpoint!.type).toBe('FAVORITE');
    const after = await allTouchpoints();
    expect(after.totalCount).toBe(before.totalCount + 1);
  });

  test('an eventId is trimmed: padded and plain are the same event', async () => {
    const id = nextId('padded');
    const payload = await recordEvents(t, key, [event(memberId, { eventId: `  ${id} ` }), event(memberId, { eventId: id })]);
    expect(payload.results.map((r) => [r.eventId, r.status])).toEqual([
      [`  ${id} `, 'ACCEPTED'],
      [id, 'DUPLICATE'],
    ]);
    expect(payload.results[0]!.touchpoint!.eventId).toBe(id);
  });

  test('1,001 events are refused as a whole with TOO_MANY, and nothing is written', async () => {
    const before = await allTouchpoints();
    const events = Array.from({ length: 1001 }, () => event(memberId));
    const payload = await recordEvents(t, key, events);
    expect(payload.userErrors).toEqual([expect.objectContaining({ code: 'TOO_MANY', field: ['input', 'events'] })]);
    expect(payload.results).toEqual([]);
    expect(payload.accepted).toBe(0);
    expect((await allTouchpoints()).totalCount).toBe(before.totalCount);
  });

  test('1,000 events are accepted in one call', async () => {
    const before = await allTouchpoints();
    const events = Array.from({ length: 1000 }, (_, i) => event(memberId, { occurredAt: ago(2, i) }));
    const payload = await recordEvents(t, key, events);
    expect(payload.userErrors).toEqual([]);
    expect(payload.accepted).toBe(1000);
    expect(payload.results.every((r, i) => r.index === i && r.status === 'ACCEPTED')).toBe(true);
    expect((await allTouchpoints()).totalCount).toBe(before.totalCount + 1000);
  });
});

describe('reject codes', () => {
  test('INVALID for a blank or too long eventId, and for occurredAt in the future or before 1990', async () => {
    const cases = [
      event(memberId, { eventId: '   ' }),
      event(memberId, { eventId: 'x'.repeat(201) }),
      event(memberId, { occurredAt: new Date(Date.now() + 3_600_000).toISOString() }),
      event(memberId, { occurredAt: '1989-12-31T23:59:59Z' }),
      event(memberId, { member: {} }),
      event(memberId, { member: { id: memberId, identity: { channel: 'APP_USER', externalId: 'both' } } }),
      event(memberId, { type: 'PAGE_VIEW', customType: 'not-for-builtins' }),
    ];
    const control = event(memberId, { eventId: 'y'.repeat(200), occurredAt: new Date(Date.now() + 60_000).toISOString() });
    const payload = await recordEvents(t, key, [...cases, control]);
    expect(payload.results.map((r) => r.code)).toEqual([...cases.map(() => 'INVALID'), null]);
    expect(payload.results.at(-1)!.status).toBe('ACCEPTED');
    expect(payload.rejected).toBe(cases.length);
  });

  test('UNKNOWN_MEMBER for an id that names no member, or no member at all', async () => {
    const storeId = await createStore(t, tenant.keys.ADMIN);
    const payload = await recordEvents(t, key, [event(missingId('Member')), event(storeId), event('not-a-global-id')]);
    expect(payload.results.map((r) => r.code)).toEqual(['UNKNOWN_MEMBER', 'UNKNOWN_MEMBER', 'UNKNOWN_MEMBER']);
  });

  test('MEMBER_ERASED for an erased member', async () => {
    const erased = await createMember(t, tenant.keys.ADMIN);
    expect(dataOf(await t.gql(MemberEraseDocument, { input: { id: erased } }, { key: tenant.keys.ADMIN })).memberErase.userErrors).toEqual([]);
    const payload = await recordEvents(t, key, [event(erased), event(memberId)]);
    expect(payload.results.map((r) => [r.status, r.code])).toEqual([
      ['REJECTED', 'MEMBER_ERASED'],
      ['ACCEPTED', null],
    ]);
  });

  test('UNKNOWN_STORE for a store id or code that names nothing in the tenant', async () => {
    const other = await t.tenant();
    const foreignStore = await createStore(t, other.keys.ADMIN, { code: 'foreign-only' });
    const payload = await recordEvents(t, key, [
      event(memberId, { storeId: missingId('Store') }),
      event(memberId, { storeCode: 'no-such-code' }),
      event(memberId, { storeId: foreignStore }),
      event(memberId, { storeCode: 'foreign-only' }),
    ]);
    expect(payload.results.map((r) => r.code)).toEqual(['UNKNOWN_STORE', 'UNKNOWN_STORE', 'UNKNOWN_STORE', 'UNKNOWN_STORE']);
  });

  test('a store by id or by code is stored on the touchpoint', async () => {
    const storeId = await createStore(t, tenant.keys.ADMIN, { code: 'sh-visit' });
    const payload = await recordEvents(t, key, [
      event(memberId, { type: 'STORE_VISIT', channel: 'STORE', storeId }),
      event(memberId, { type: 'STORE_VISIT', channel: 'STORE', storeCode: 'sh-visit' }),
      event(memberId, { storeId, storeCode: 'sh-visit' }),
    ]);
    expect(payload.results.map((r) => r.touchpoint?.store ?? null)).toEqual([{ id: storeId, code: 'sh-visit' }, { id: storeId, code: 'sh-visit' }, null]);
    expect(payload.results[2]!.code).toBe('INVALID');
  });

  test('UNKNOWN_TYPE for CUSTOM without a customType or with an undeclared one', async () => {
    const payload = await recordEvents(t, key, [event(memberId, { type: 'CUSTOM' }), event(memberId, { type: 'CUSTOM', customType: 'never-declared' })]);
    expect(payload.results.map((r) => r.code)).toEqual(['UNKNOWN_TYPE', 'UNKNOWN_TYPE']);
  });

  test('PROPERTIES_TOO_LARGE above 8 KiB of JSON; exactly 8 KiB is fine', async () => {
    const sized = (bytes: number) => ({ blob: 'x'.repeat(bytes - '{"blob":""}'.length) });
    expect(JSON.stringify(sized(8192)).length).toBe(8192);
    const payload = await recordEvents(t, key, [event(memberId, { properties: sized(8193) }), event(memberId, { properties: sized(8192) })]);
    expect(payload.results.map((r) => [r.status, r.code])).toEqual([
      ['REJECTED', 'PROPERTIES_TOO_LARGE'],
      ['ACCEPTED', null],
    ]);
  });

  test('properties must be a JSON object', async () => {
    const payload = await recordEvents(t, key, [event(memberId, { properties: [1, 2] }), event(memberId, { properties: 'text' })]);
    expect(payload.results.map((r) => r.code)).toEqual(['INVALID', 'INVALID']);
  });
});

describe('custom types', () => {
  test('touchpointTypeCreate declares a type that CUSTOM events may then use; TAKEN and INVALID are userErrors', async () => {
    const admin = tenant.keys.ADMIN;
    const created = dataOf(await t.gql(TouchpointTypeCreateDocument, { input: { name: 'live.stream-view', description: 'Watched a live stream' } }, { key: admin }))
      .touchpointTypeCreate;
    expect(created.userErrors).toEqual([]);
    expect(created.customType).toEqual(expect.objectContaining({ name: 'live.stream-view', description: 'Watched a live stream' }));
    const taken = dataOf(await t.gql(TouchpointTypeCreateDocument, { input: { name: 'live.stream-view' } }, { key: admin })).touchpointTypeCreate;
    expect(taken).toEqual({ customType: null, userErrors: [expect.objectContaining({ code: 'TAKEN', field: ['input', 'name'] })] });
    for (const name of ['Live', '1abc', 'has space', '', 'a'.repeat(65), 'ümlaut']) {
      const invalid = dataOf(await t.gql(TouchpointTypeCreateDocument, { input: { name } }, { key: admin })).touchpointTypeCreate;
      expect({ name, invalid }).toEqual({ name, invalid: { customType: null, userErrors: [expect.objectContaining({ code: 'INVALID' })] } });
    }
    expect(dataOf(await t.gql(TouchpointTypesDocument, {}, { key: tenant.keys.ANALYST })).touchpointTypes).toEqual([
      { name: 'live.stream-view', description: 'Watched a live stream' },
    ]);

    const payload = await recordEvents(t, key, [event(memberId, { type: 'CUSTOM', customType: 'live.stream-view', channel: 'SOCIAL' })]);
    expect(payload.results[0]).toEqual(expect.objectContaining({ status: 'ACCEPTED' }));
    expect(payload.results[0]!.touchpoint).toEqual(expect.objectContaining({ type: 'CUSTOM', customType: 'live.stream-view' }));
    const filtered = dataOf(await t.gql(TenantTouchpointsDocument, { customTypes: ['live.stream-view'] }, { key: tenant.keys.ANALYST })).touchpoints;
    expect(filtered.nodes.map((n) => n.eventId)).toEqual([payload.results[0]!.eventId]);
  });

  test("another tenant's custom type is unknown here", async () => {
    const other = await t.tenant();
    const created = dataOf(await t.gql(TouchpointTypeCreateDocument, { input: { name: 'only-elsewhere' } }, { key: other.keys.ADMIN })).touchpointTypeCreate;
    expect(created.userErrors).toEqual([]);
    const payload = await recordEvents(t, key, [event(memberId, { type: 'CUSTOM', customType: 'only-elsewhere' })]);
    expect(payload.results[0]!.code).toBe('UNKNOWN_TYPE');
    expect(dataOf(await t.gql(TouchpointTypesDocument, {}, { key: tenant.keys.OWNER })).touchpointTypes.map((type) => type.name)).not.toContain('only-elsewhere');
  });
});

describe('identity resolution', () => {
  test('an unknown identity creates one member with that identity (CREATE_MEMBER)', async () => {
    const before = await memberCount();
    const externalId = nextId('openid');
    const payload = await recordEvents(t, key, [event('', { member: { identity: { channel: 'WECHAT_OPENID', externalId } } })]);
    expect(payload.results[0]!.status).toBe('ACCEPTED');
    const found = dataOf(await t.gql(MemberByIdentityDocument, { channel: 'WECHAT_OPENID', externalId }, { key: tenant.keys.ANALYST })).memberByIdentity;
    expect(found).not.toBeNull();
    expect(payload.results[0]!.touchpoint!.member).toEqual({ id: found!.id });
    expect(await memberCount()).toBe(before + 1);
  });

  test('many events of one new identity in one call create exactly one member', async () => {
    const before = await memberCount();
    const externalId = nextId('app');
    const events = Array.from({ length: 25 }, () => event('', { member: { identity: { channel: 'APP_USER', externalId } } }));
    const payload = await recordEvents(t, key, events);
    expect(payload.accepted).toBe(25);
    expect(new Set(payload.results.map((r) => r.touchpoint!.member!.id)).size).toBe(1);
    expect(await memberCount()).toBe(before + 1);
  });

  test('concurrent calls naming one new identity create exactly one member', async () => {
    const before = await memberCount();
    const externalId = nextId('race');
    const calls = await Promise.all(
      Array.from({ length: 6 }, () => recordEvents(t, key, [event('', { member: { identity: { channel: 'MEMBER_CARD', externalId } } })])),
    );
    expect(calls.every((call) => call.accepted === 1)).toBe(true);
    expect(new Set(calls.map((call) => call.results[0]!.touchpoint!.member!.id)).size).toBe(1);
    expect(await memberCount()).toBe(before + 1);
  });

  test('PHONE and EMAIL identities are normalised, so every spelling names the same member', async () => {
    const phone = await recordEvents(t, key, [
      event('', { member: { identity: { channel: 'PHONE', externalId: '139 1234 5678' } } }),
      event('', { member: { identity: { channel: 'PHONE', externalId: '+8613912345678' } } }),
      event('', { member: { identity: { channel: 'EMAIL', externalId: ' Mixed.Case@Example.COM ' } } }),
      event('', { member: { identity: { channel: 'EMAIL', externalId: 'mixed.case@example.com' } } }),
      event('', { member: { identity: { channel: 'PHONE', externalId: 'not a phone' } } }),
    ]);
    const members = phone.results.map((r) => r.touchpoint?.member?.id ?? r.code);
    expect(members[0]).toBe(members[1]);
    expect(members[2]).toBe(members[3]);
    expect(members[0]).not.toBe(members[2]);
    expect(members[4]).toBe('INVALID');
    const byPhone = dataOf(await t.gql(MemberByIdentityDocument, { channel: 'PHONE', externalId: '+8613912345678' }, { key: tenant.keys.ANALYST })).memberByIdentity;
    expect(byPhone?.id).toBe(members[0]);
    const byEmail = dataOf(await t.gql(MemberByIdentityDocument, { channel: 'EMAIL', externalId: 'mixed.case@example.com' }, { key: tenant.keys.ANALYST })).memberByIdentity;
    expect(byEmail?.id).toBe(members[2]);
  });

  test('an event rejected for another reason creates no member for its unknown identity', async () => {
    const before = await memberCount();
    const externalId = nextId('never');
    const payload = await recordEvents(t, key, [
      event('', { member: { identity: { channel: 'ALIPAY_USER', externalId } }, storeCode: 'no-such-store' }),
      event('', { member: { identity: { channel: 'ALIPAY_USER', externalId } }, type: 'CUSTOM' }),
    ]);
    expect(payload.results.map((r) => r.code)).toEqual(['UNKNOWN_STORE', 'UNKNOWN_TYPE']);
    expect(await memberCount()).toBe(before);
    expect(dataOf(await t.gql(MemberByIdentityDocument, { channel: 'ALIPAY_USER', externalId }, { key: tenant.keys.ANALYST })).memberByIdentity).toBeNull();
  });

  test('a known identity names its member', async () => {
    const externalId = nextId('known');
    const known = await createMember(t, tenant.keys.ADMIN, { identities: [{ channel: 'WEB_ACCOUNT', externalId }] });
    const payload = await recordEvents(t, key, [event('', { member: { identity: { channel: 'WEB_ACCOUNT', externalId } } })]);
    expect(payload.results[0]!.touchpoint!.member).toEqual({ id: known });
  });

  test('a merged member id resolves to the survivor', async () => {
    const survivor = await createMember(t, tenant.keys.ADMIN);
    const merged = await createMember(t, tenant.keys.ADMIN);
    const merge = dataOf(await t.gql(MemberMergeDocument, { input: { survivorId: survivor, mergedId: merged } }, { key: tenant.keys.ADMIN })).memberMerge;
    expect(merge.userErrors).toEqual([]);
    const payload = await recordEvents(t, key, [event(merged)]);
    expect(payload.results[0]!.status).toBe('ACCEPTED');
    expect(payload.results[0]!.touchpoint!.member).toEqual({ id: survivor });
  });

  test('with unknownIdentityPolicy REJECT an unknown identity is UNKNOWN_IDENTITY and creates nothing; known ones still work', async () => {
    const strict = await t.tenant();
    const update = dataOf(await t.gql(TenantUpdateDocument, { input: { unknownIdentityPolicy: 'REJECT' } }, { key: strict.keys.ADMIN })).tenantUpdate;
    expect(update.userErrors).toEqual([]);
    expect(update.tenant!.unknownIdentityPolicy).toBe('REJECT');
    const known = await createMember(t, strict.keys.ADMIN, { identities: [{ channel: 'APP_USER', externalId: 'known-app' }] });
    const count = async () => dataOf(await t.gql(MembersDocument, { first: 1 }, { key: strict.keys.ANALYST })).members.totalCount;
    const before = await count();
    const payload = await recordEvents(t, strict.keys.INGEST, [
      event('', { member: { identity: { channel: 'APP_USER', externalId: 'unknown-app' } } }),
      event('', { member: { identity: { channel: 'APP_USER', externalId: 'known-app' } } }),
    ]);
    expect(payload.results.map((r) => [r.status, r.code])).toEqual([
      ['REJECTED', 'UNKNOWN_IDENTITY'],
      ['ACCEPTED', null],
    ]);
    expect(payload.results[1]!.touchpoint!.member).toEqual({ id: known });
    expect(await count()).toBe(before);
    // And back: the policy applies at once, on the next call.
    dataOf(await t.gql(TenantUpdateDocument, { input: { unknownIdentityPolicy: 'CREATE_MEMBER' } }, { key: strict.keys.OWNER }));
    const again = await recordEvents(t, strict.keys.INGEST, [event('', { member: { identity: { channel: 'APP_USER', externalId: 'unknown-app' } } })]);
    expect(again.results[0]!.status).toBe('ACCEPTED');
    expect(await count()).toBe(before + 1);
  });
});

describe('tenantUpdate', () => {
  test('changes name, country and policy; rejects bad values with userErrors and changes nothing then', async () => {
    const own = await t.tenant();
    const ok = dataOf(await t.gql(TenantUpdateDocument, { input: { name: 'Renamed', countryCode: 'US' } }, { key: own.keys.OWNER })).tenantUpdate;
    expect(ok).toEqual({ tenant: expect.objectContaining({ name: 'Renamed', countryCode: 'US', currency: 'CNY', unknownIdentityPolicy: 'CREATE_MEMBER' }), userErrors: [] });
    const bad = dataOf(await t.gql(TenantUpdateDocument, { input: { name: ' ', countryCode: 'usa', currency: 'yuan' } }, { key: own.keys.OWNER })).tenantUpdate;
    expect(bad.tenant).toBeNull();
    expect(bad.userErrors.map((e) => e.field)).toEqual([
      ['input', 'name'],
      ['input', 'countryCode'],
      ['input', 'currency'],
    ]);
    const after = dataOf(await t.gql(TenantUpdateDocument, { input: {} }, { key: own.keys.OWNER })).tenantUpdate.tenant;
    expect(after).toEqual(expect.objectContaining({ name: 'Renamed', countryCode: 'US', currency: 'CNY' }));
  });

  test('ANALYST and INGEST keys may not change the tenant', async () => {
    for (const role of ['ANALYST', 'INGEST'] as const) {
      const response = await t.gql(TenantUpdateDocument, { input: { unknownIdentityPolicy: 'REJECT' } }, { key: tenant.keys[role] });
      expect(errorCodes(response)).toEqual(['FORBIDDEN']);
    }
  });
});

describe('roles', () => {
  test('INGEST records but cannot read; ANALYST reads but cannot record', async () => {
    const recorded = await t.gql(TouchpointsRecordDocument, { input: { events: [event(memberId)] } }, { key: tenant.keys.INGEST });
    expect(dataOf(recorded).touchpointsRecord.accepted).toBe(1);
    expect(errorCodes(await t.gql(TenantTouchpointsDocument, { first: 1 }, { key: tenant.keys.INGEST }))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await t.gql(TouchpointTypesDocument, {}, { key: tenant.keys.INGEST }))).toEqual(['FORBIDDEN']);
    const before = (await allTouchpoints()).totalCount;
    const denied = await t.gql(TouchpointsRecordDocument, { input: { events: [event(memberId)] } }, { key: tenant.keys.ANALYST });
    expect(errorCodes(denied)).toEqual(['FORBIDDEN']);
    expect(errorCodes(await t.gql(TouchpointTypeCreateDocument, { input: { name: 'analyst-type' } }, { key: tenant.keys.ANALYST }))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await t.gql(TouchpointTypeCreateDocument, { input: { name: 'ingest-type' } }, { key: tenant.keys.INGEST }))).toEqual(['FORBIDDEN']);
    expect((await allTouchpoints()).totalCount).toBe(before);
  });
});
