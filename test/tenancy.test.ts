import { TENANT_FILTER } from '../src/core/db/mikro-orm.config';
import { TENANT_SCOPED_ENTITIES } from '../src/core/db/entities';
import { Member } from '../src/modules/member/member.entity';
import {
  AccessKeysDocument,
  AccessMemberFullDocument,
  AccessMemberSearchDocument,
  AccessNodesDocument,
  ActivitySnapshotDocument,
  MemberByIdentityDocument,
  MemberCreateDocument,
  MemberMergeDocument,
  MemberOrdersDocument,
  MembersActivityNestedDocument,
  MembersDocument,
  MemberTouchpointsDocument,
  OrderByExternalIdDocument,
  PointsRuleCreateDocument,
  StoreCreateDocument,
  StoresDocument,
  TenantOrdersDocument,
  TenantTouchpointsDocument,
} from './generated/graphql';
import { TENANCY_COVERED_ELSEWHERE } from './support/roles';
import { dataOf, startTestApp, type TestApp, type TestTenant } from './support/harness';
import { createMember, createStore, grantConsent, missingId, snapshot } from './support/access-fixtures';
import { event, orderInput, recordEvents, recordOrder } from './support/activity-fixtures';

/**
 * Tenant A's keys against tenant B's data. For every way in, the answer for one of B's ids must be
 * exactly the answer for an id that names nothing, and B must be unchanged afterwards.
 */
let t: TestApp;
let a: TestTenant;
let b: TestTenant;
const A = { memberId: '', otherMemberId: '', storeId: '', orderId: '' };
const B = { memberId: '', otherMemberId: '', storeId: '', keyId: '', orderId: '', orderExternalId: 'shared-order-no', touchpointId: '', pointsRuleId: '' };

beforeAll(async () => {
  t = await startTestApp();
  a = await t.tenant('Tenant A');
  b = await t.tenant('Tenant B');

  B.storeId = await createStore(t, b.keys.ADMIN, { code: 'flagship', name: 'B flagship' });
  B.memberId = await createMember(t, b.keys.ADMIN, {
    displayName: 'Bella Foreign',
    phone: '13700000001',
    email: 'bella@b.example',
    registeredStoreId: B.storeId,
    tags: ['b-vip'],
    identities: [
      { channel: 'WECHAT_OPENID', externalId: 'shared-openid' },
      { channel: 'APP_USER', externalId: 'b-only-app' },
      { channel: 'PHONE', externalId: '13700000001' },
    ],
  });
  B.otherMemberId = await createMember(t, b.keys.ADMIN, { displayName: 'Bob Foreign', tags: ['b-vip'] });
  await grantConsent(t, b.keys.ADMIN, B.memberId, 'SMS');
  await grantConsent(t, b.keys.ADMIN, B.memberId, 'SMS', false);
  B.keyId = dataOf(await t.gql(AccessKeysDocument, {}, { key: b.keys.OWNER })).accessKeys.nodes[0]!.id;

  A.storeId = await createStore(t, a.keys.ADMIN, { code: 'flagship', name: 'A flagship' });
  A.memberId = await createMember(t, a.keys.ADMIN, {
    displayName: 'Anna Home',
    identities: [{ channel: 'WECHAT_OPENID', externalId: 'shared-openid' }],
  });
  A.otherMemberId = await createMember(t, a.keys.ADMIN, { displayName: 'Arne Home' });
  await grantConsent(t, a.keys.ADMIN, A.memberId, 'EMAIL');

  // Activity: B's order and event; A has an order under another number, and none under B's.
  const orderB = await recordOrder(t, b.keys.INGEST, orderInput(B.memberId, { externalId: B.orderExternalId, storeId: B.storeId }));
  B.orderId = orderB.id;
  B.touchpointId = (await recordEvents(t, b.keys.INGEST, [event(B.memberId, { eventId: 'shared-event', properties: { secret: 'b' } })])).results[0]!.touchpoint!.id;
  A.orderId = (await recordOrder(t, a.keys.INGEST, orderInput(A.memberId, { externalId: 'a-only-order' }))).id;
  B.pointsRuleId = dataOf(await t.gql(PointsRuleCreateDocument, { input: { name: 'B double', multiplierPercent: 200 } }, { key: b.keys.ADMIN })).pointsRuleCreate.pointsRule!.id;
});

const activityOf = async (tenant: TestTenant) => dataOf(await t.gql(ActivitySnapshotDocument, {}, { key: tenant.keys.OWNER }));
afterAll(async () => {
  await t.close();
});

const A_KEYS = () => [a.keys.OWNER, a.keys.ADMIN, a.keys.ANALYST];

describe('reads by id', () => {
  test.each([
    ['member', 'query($id: ID!) { member(id: $id) { id displayName } }', () => B.memberId, 'Member'],
    ['store', 'query($id: ID!) { store(id: $id) { id name } }', () => B.storeId, 'Store'],
    ['node (member)', 'query($id: ID!) { node(id: $id) { id } }', () => B.memberId, 'Member'],
    ['node (store)', 'query($id: ID!) { node(id: $id) { id } }', () => B.storeId, 'Store'],
    ['node (access key)', 'query($id: ID!) { node(id: $id) { id } }', () => B.keyId, 'AccessKey'],
    ['order', 'query($id: ID!) { order(id: $id) { id externalId } }', () => B.orderId, 'Order'],
    ['node (order)', 'query($id: ID!) { node(id: $id) { id } }', () => B.orderId, 'Order'],
    ['node (touchpoint)', 'query($id: ID!) { node(id: $id) { id } }', () => B.touchpointId, 'Touchpoint'],
  ])('%s of another tenant answers like a missing id', async (_name, query, foreignId, type) => {
    for (const key of A_KEYS()) {
      const foreign = await t.gql(query, { id: foreignId() }, { key });
      const missing = await t.gql(query, { id: missingId(type) }, { key });
      expect(foreign.body).toEqual(missing.body);
      expect(Object.values(foreign.body.data ?? {})).toEqual([null]);
    }
    // Control: the same query finds it with B's key.
    const own = await t.gql(query, { id: foreignId() }, { key: b.keys.OWNER });
    expect(Object.values(dataOf(own))).toEqual([expect.objectContaining({ id: foreignId() })]);
  });

  test("nodes answers null for each of the other tenant's ids, in place", async () => {
    const ids = [B.memberId, A.memberId, B.storeId, B.keyId, A.storeId, B.otherMemberId];
    const nodes = dataOf(await t.gql(AccessNodesDocument, { ids }, { key: a.keys.OWNER })).nodes;
    expect(nodes.map((node) => node?.id ?? null)).toEqual([null, A.memberId, null, null, A.storeId, null]);
    const fromB = dataOf(await t.gql(AccessNodesDocument, { ids }, { key: b.keys.OWNER })).nodes;
    expect(fromB.map((node) => node?.id ?? null)).toEqual([B.memberId, null, B.storeId, B.keyId, null, B.otherMemberId]);
  });
});

describe('orders and touchpoints', () => {
  test("orderByExternalId with the other tenant's order number answers like an unknown one", async () => {
    for (const key of A_KEYS()) {
      const foreign = await t.gql(OrderByExternalIdDocument, { externalId: B.orderExternalId }, { key });
      const unknown = await t.gql(OrderByExternalIdDocument, { externalId: 'no-such-order' }, { key });
      expect(foreign.body).toEqual({ data: { orderByExternalId: null } });
      expect(foreign.body).toEqual(unknown.body);
    }
    expect(dataOf(await t.gql(OrderByExternalIdDocument, { externalId: B.orderExternalId }, { key: b.keys.OWNER })).orderByExternalId?.id).toBe(B.orderId);
  });

  test('orders and touchpoints list only the own tenant, filtered by a foreign store or not', async () => {
    const orders = dataOf(await t.gql(TenantOrdersDocument, { first: 250 }, { key: a.keys.ANALYST })).orders;
    expect(orders.nodes.map((o) => o.id)).toEqual([A.orderId]);
    expect(orders.totalCount).toBe(1);
    const byForeignStore = dataOf(await t.gql(TenantOrdersDocument, { first: 250, storeId: B.storeId }, { key: a.keys.ANALYST })).orders;
    expect(byForeignStore).toEqual(expect.objectContaining({ totalCount: 0, nodes: [] }));
    const touchpoints = dataOf(await t.gql(TenantTouchpointsDocument, { first: 250 }, { key: a.keys.ANALYST })).touchpoints;
    expect(touchpoints.nodes.length).toBeGreaterThan(0);
    expect(touchpoints.nodes.every((n) => n.member?.id === A.memberId && n.eventId !== 'shared-event')).toBe(true);
    expect(touchpoints.totalCount).toBe(touchpoints.nodes.length);
    // Control: B sees its own.
    const ownB = dataOf(await t.gql(TenantTouchpointsDocument, { first: 250 }, { key: b.keys.ANALYST })).touchpoints;
    expect(ownB.nodes.map((n) => n.id)).toContain(B.touchpointId);
  });

  test("member.orders and member.touchpoints of the other tenant's member are out of reach, and the own ones hold only own rows", async () => {
    for (const document of [MemberOrdersDocument, MemberTouchpointsDocument]) {
      const foreign = await t.gql(document, { id: B.memberId, first: 10 }, { key: a.keys.OWNER });
      const missing = await t.gql(document, { id: missingId('Member'), first: 10 }, { key: a.keys.OWNER });
      expect(foreign.body).toEqual({ data: { member: null } });
      expect(foreign.body).toEqual(missing.body);
    }
    const nested = dataOf(await t.gql(MembersActivityNestedDocument, { first: 50 }, { key: a.keys.ANALYST })).members.nodes;
    const ownA = nested.find((m) => m.id === A.memberId)!;
    expect(ownA.orders.nodes.map((o) => o.externalId)).toEqual(['a-only-order']);
    expect(ownA.purchaseStats).toEqual({ orderCount: 1, netSpend: { amount: 2500, currency: 'CNY' } });
    expect(nested.flatMap((m) => m.orders.nodes.map((o) => o.externalId))).not.toContain(B.orderExternalId);
  });
});

describe('connections', () => {
  test('members lists only the own tenant, and search never reaches the other', async () => {
    const list = dataOf(await t.gql(MembersDocument, { first: 250, statuses: ['ACTIVE', 'ERASED'] }, { key: a.keys.ANALYST })).members;
    const ids = list.edges.map((edge) => edge.node.id);
    expect(ids).toEqual(expect.arrayContaining([A.memberId, A.otherMemberId]));
    expect(ids).not.toContain(B.memberId);
    expect(ids).not.toContain(B.otherMemberId);
    expect(list.totalCount).toBe(ids.length);
    for (const query of ['Bella', 'Foreign', 'tag:b-vip', 'phone:13700000001', '13700000001', 'bella@b.example', 'email:bella@b.example', 'identity:b-only-app', 'identity:APP_USER:b-only-app']) {
      expect({ query, found: dataOf(await t.gql(AccessMemberSearchDocument, { query }, { key: a.keys.OWNER })).members }).toEqual({ query, found: { totalCount: 0, nodes: [] } });
    }
    // Control: B finds its own member with the same searches.
    expect(dataOf(await t.gql(AccessMemberSearchDocument, { query: 'identity:b-only-app' }, { key: b.keys.OWNER })).members.nodes).toEqual([{ id: B.memberId }]);
    // The shared identity finds only the own tenant's member.
    expect(dataOf(await t.gql(AccessMemberSearchDocument, { query: 'identity:shared-openid' }, { key: a.keys.OWNER })).members.nodes).toEqual([{ id: A.memberId }]);
  });

  test('stores lists only the own tenant, even with the same store code', async () => {
    const ownA = dataOf(await t.gql(StoresDocument, { first: 250 }, { key: a.keys.OWNER })).stores;
    expect(ownA.nodes.map((store) => store.id)).toContain(A.storeId);
    expect(ownA.nodes.map((store) => store.id)).not.toContain(B.storeId);
    expect(ownA.totalCount).toBe(ownA.nodes.length);
    const ownB = dataOf(await t.gql(StoresDocument, { first: 250 }, { key: b.keys.OWNER })).stores;
    expect(ownB.nodes).toEqual([{ id: B.storeId, code: 'flagship' }]);
  });

  test('accessKeys lists only the own tenant', async () => {
    const keysA = dataOf(await t.gql(AccessKeysDocument, {}, { key: a.keys.OWNER })).accessKeys;
    const keysB = dataOf(await t.gql(AccessKeysDocument, {}, { key: b.keys.OWNER })).accessKeys;
    expect(keysA.totalCount).toBe(4);
    expect(keysB.totalCount).toBe(4);
    const idsA = keysA.nodes.map((key) => key.id);
    expect(idsA).not.toContain(B.keyId);
    expect(keysB.nodes.map((key) => key.id).filter((id) => idsA.includes(id))).toEqual([]);
  });

  test('consentHistory holds only the own tenant', async () => {
    const memberA = dataOf(await t.gql(AccessMemberFullDocument, { id: A.memberId }, { key: a.keys.OWNER })).member!;
    expect(memberA.consentHistory.totalCount).toBe(1);
    expect(memberA.consentHistory.nodes).toEqual([expect.objectContaining({ channel: 'EMAIL', granted: true })]);
    const memberB = dataOf(await t.gql(AccessMemberFullDocument, { id: B.memberId }, { key: b.keys.OWNER })).member!;
    expect(memberB.consentHistory.totalCount).toBe(2);
    expect(memberB.consentHistory.nodes.map((event) => event.channel)).toEqual(['SMS', 'SMS']);
  });
});

describe('memberByIdentity', () => {
  test('the same identity names a different member in each tenant', async () => {
    const inA = dataOf(await t.gql(MemberByIdentityDocument, { channel: 'WECHAT_OPENID', externalId: 'shared-openid' }, { key: a.keys.ANALYST }));
    const inB = dataOf(await t.gql(MemberByIdentityDocument, { channel: 'WECHAT_OPENID', externalId: 'shared-openid' }, { key: b.keys.ANALYST }));
    expect(inA.memberByIdentity).toEqual({ id: A.memberId, displayName: 'Anna Home' });
    expect(inB.memberByIdentity).toEqual({ id: B.memberId, displayName: 'Bella Foreign' });
  });

  test("an identity only the other tenant has answers like an unknown one", async () => {
    for (const [channel, externalId] of [
      ['APP_USER', 'b-only-app'],
      ['PHONE', '13700000001'],
      ['PHONE', '+8613700000001'],
    ] as const) {
      const foreign = await t.gql(MemberByIdentityDocument, { channel, externalId }, { key: a.keys.OWNER });
      const unknown = await t.gql(MemberByIdentityDocument, { channel, externalId: `${externalId}9` }, { key: a.keys.OWNER });
      expect(foreign.body).toEqual({ data: { memberByIdentity: null } });
      expect(foreign.body).toEqual(unknown.body);
    }
  });

  test('an identity the other tenant has can be bound independently, and each tenant keeps its own', async () => {
    const beforeB = await snapshot(t, b);
    const created = dataOf(
      await t.gql(MemberCreateDocument, { input: { displayName: 'A twin', identities: [{ channel: 'APP_USER', externalId: 'b-only-app' }] } }, { key: a.keys.ADMIN }),
    ).memberCreate;
    expect(created.userErrors).toEqual([]);
    const bind = await t.gql(
      'mutation($input: MemberIdentityBindInput!) { memberIdentityBind(input: $input) { userErrors { code } } }',
      { input: { memberId: A.otherMemberId, channel: 'PHONE', externalId: '13700000001' } },
      { key: a.keys.ADMIN },
    );
    expect(dataOf(bind).memberIdentityBind.userErrors).toEqual([]);
    expect(dataOf(await t.gql(MemberByIdentityDocument, { channel: 'APP_USER', externalId: 'b-only-app' }, { key: a.keys.OWNER })).memberByIdentity?.id).toBe(created.member!.id);
    expect(dataOf(await t.gql(MemberByIdentityDocument, { channel: 'PHONE', externalId: '13700000001' }, { key: a.keys.OWNER })).memberByIdentity?.id).toBe(A.otherMemberId);
    expect(dataOf(await t.gql(MemberByIdentityDocument, { channel: 'APP_USER', externalId: 'b-only-app' }, { key: b.keys.OWNER })).memberByIdentity?.id).toBe(B.memberId);
    expect(dataOf(await t.gql(MemberByIdentityDocument, { channel: 'PHONE', externalId: '13700000001' }, { key: b.keys.OWNER })).memberByIdentity?.id).toBe(B.memberId);
    expect(await snapshot(t, b)).toEqual(beforeB);
  });

  test('a store code the other tenant uses is free in this one', async () => {
    const beforeB = await snapshot(t, b);
    const payload = dataOf(await t.gql(StoreCreateDocument, { input: { code: 'b-only-code', name: 'A', type: 'APP' } }, { key: a.keys.ADMIN })).storeCreate;
    expect(payload.userErrors).toEqual([]);
    const inB = dataOf(await t.gql(StoreCreateDocument, { input: { code: 'b-only-code', name: 'B', type: 'APP' } }, { key: b.keys.ADMIN })).storeCreate;
    expect(inB.userErrors).toEqual([]);
    const afterB = await snapshot(t, b);
    expect(afterB.stores.totalCount).toBe(beforeB.stores.totalCount + 1);
    expect(afterB.members).toEqual(beforeB.members);
  });
});

/** A mutation aimed at one of B's ids; `target` is where the foreign or missing id goes. */
interface ForeignWrite {
  name: string;
  operation: string;
  variables: (target: string) => Record<string, unknown>;
  /** Type of the id that stands for "missing". */
  type: string;
  foreign: () => string;
  /** Which of A's keys may call it at all; OWNER and ADMIN unless said. */
  roles?: ('OWNER' | 'ADMIN' | 'INGEST')[];
  /** How the refusal shows in the payload; a NOT_FOUND userError and nothing else unless said. */
  refused?: (payload: any) => void;
}

const userErrorsOnly = (field: string, inputType: string, result: string) =>
  `mutation($input: ${inputType}!) { ${field}(input: $input) { ${result} { id } userErrors { field message code } } }`;

const FOREIGN_WRITES: ForeignWrite[] = [
  {
    name: 'memberUpdate',
    operation: userErrorsOnly('memberUpdate', 'MemberUpdateInput', 'member'),
    variables: (id) => ({ input: { id, displayName: 'Hijacked', phone: '13800000000' } }),
    type: 'Member',
    foreign: () => B.memberId,
  },
  {
    name: 'memberUpdate with the registered store of another tenant',
    operation: userErrorsOnly('memberUpdate', 'MemberUpdateInput', 'member'),
    variables: (id) => ({ input: { id: A.memberId, registeredStoreId: id } }),
    type: 'Store',
    foreign: () => B.storeId,
  },
  {
    name: 'memberCreate with the registered store of another tenant',
    operation: userErrorsOnly('memberCreate', 'MemberCreateInput', 'member'),
    variables: (id) => ({ input: { displayName: 'Store thief', registeredStoreId: id } }),
    type: 'Store',
    foreign: () => B.storeId,
  },
  {
    name: 'memberTagsAdd',
    operation: userErrorsOnly('memberTagsAdd', 'MemberTagsInput', 'member'),
    variables: (id) => ({ input: { id, tags: ['hijacked'] } }),
    type: 'Member',
    foreign: () => B.memberId,
  },
  {
    name: 'memberTagsRemove',
    operation: userErrorsOnly('memberTagsRemove', 'MemberTagsInput', 'member'),
    variables: (id) => ({ input: { id, tags: ['b-vip'] } }),
    type: 'Member',
    foreign: () => B.memberId,
  },
  {
    name: 'memberIdentityBind',
    operation: userErrorsOnly('memberIdentityBind', 'MemberIdentityBindInput', 'member'),
    variables: (id) => ({ input: { memberId: id, channel: 'APP_USER', externalId: 'planted-by-a' } }),
    type: 'Member',
    foreign: () => B.memberId,
  },
  {
    name: 'memberIdentityUnbind',
    operation: userErrorsOnly('memberIdentityUnbind', 'MemberIdentityBindInput', 'member'),
    variables: (id) => ({ input: { memberId: id, channel: 'WECHAT_OPENID', externalId: 'shared-openid' } }),
    type: 'Member',
    foreign: () => B.memberId,
  },
  {
    name: "memberIdentityUnbind of the other tenant's identity from an own member",
    operation: userErrorsOnly('memberIdentityUnbind', 'MemberIdentityBindInput', 'member'),
    variables: (externalId) => ({ input: { memberId: A.otherMemberId, channel: 'MARKETPLACE_NICK', externalId } }),
    type: 'identity',
    foreign: () => 'b-marketplace-nick',
  },
  {
    name: 'memberConsentSet',
    operation: userErrorsOnly('memberConsentSet', 'MemberConsentSetInput', 'member'),
    variables: (id) => ({ input: { memberId: id, channel: 'SMS', granted: true, source: 'hijack' } }),
    type: 'Member',
    foreign: () => B.memberId,
  },
  {
    name: 'memberMerge of a foreign member into an own one',
    operation: userErrorsOnly('memberMerge', 'MemberMergeInput', 'member'),
    variables: (id) => ({ input: { survivorId: A.memberId, mergedId: id } }),
    type: 'Member',
    foreign: () => B.memberId,
  },
  {
    name: 'memberMerge of an own member into a foreign one',
    operation: userErrorsOnly('memberMerge', 'MemberMergeInput', 'member'),
    variables: (id) => ({ input: { survivorId: id, mergedId: A.otherMemberId } }),
    type: 'Member',
    foreign: () => B.memberId,
  },
  {
    name: 'memberMerge of two foreign members',
    operation: userErrorsOnly('memberMerge', 'MemberMergeInput', 'member'),
    variables: (id) => ({ input: { survivorId: id, mergedId: B.otherMemberId } }),
    type: 'Member',
    foreign: () => B.memberId,
  },
  {
    name: 'memberErase',
    operation: userErrorsOnly('memberErase', 'MemberEraseInput', 'member'),
    variables: (id) => ({ input: { id } }),
    type: 'Member',
    foreign: () => B.memberId,
  },
  {
    name: 'memberTokenCreate',
    operation: 'mutation($input: MemberTokenCreateInput!) { memberTokenCreate(input: $input) { token expiresAt member { id } userErrors { field message code } } }',
    variables: (id) => ({ input: { memberId: id } }),
    type: 'Member',
    foreign: () => B.memberId,
  },
  {
    name: 'storeUpdate',
    operation: userErrorsOnly('storeUpdate', 'StoreUpdateInput', 'store'),
    variables: (id) => ({ input: { id, name: 'Hijacked store', region: 'nowhere' } }),
    type: 'Store',
    foreign: () => B.storeId,
  },
  {
    name: 'orderRecord for a member of another tenant',
    operation: userErrorsOnly('orderRecord', 'OrderRecordInput', 'order'),
    variables: (id) => ({ input: orderInput(id, { externalId: 'hijack-order' }) }),
    type: 'Member',
    foreign: () => B.memberId,
    roles: ['OWNER', 'ADMIN', 'INGEST'],
  },
  {
    name: 'orderRecord with the order number and member of another tenant',
    operation: userErrorsOnly('orderRecord', 'OrderRecordInput', 'order'),
    variables: (id) => ({ input: orderInput(id, { externalId: B.orderExternalId, status: 'CANCELLED' }) }),
    type: 'Member',
    foreign: () => B.memberId,
    roles: ['INGEST'],
  },
  {
    name: 'orderRecord with the store of another tenant',
    operation: userErrorsOnly('orderRecord', 'OrderRecordInput', 'order'),
    variables: (id) => ({ input: orderInput(A.memberId, { externalId: 'store-thief', storeId: id }) }),
    type: 'Store',
    foreign: () => B.storeId,
    roles: ['INGEST'],
  },
  {
    name: 'orderRefund',
    operation: userErrorsOnly('orderRefund', 'OrderRefundInput', 'order'),
    variables: (id) => ({ input: { orderId: id, refundId: 'hijack-refund', full: true } }),
    type: 'Order',
    foreign: () => B.orderId,
    roles: ['OWNER', 'ADMIN', 'INGEST'],
  },
  {
    name: 'touchpointsRecord for a member of another tenant',
    operation:
      'mutation($input: TouchpointsRecordInput!) { touchpointsRecord(input: $input) { accepted duplicates rejected results { index eventId status code reason touchpoint { id } } userErrors { field message code } } }',
    variables: (id) => ({ input: { events: [{ eventId: 'hijack-event', member: { id }, type: 'PAGE_VIEW', channel: 'WEB', occurredAt: '2025-01-01T00:00:00Z' }] } }),
    type: 'Member',
    foreign: () => B.memberId,
    roles: ['OWNER', 'ADMIN', 'INGEST'],
    refused: (payload) =>
      expect(payload).toEqual({
        accepted: 0,
        duplicates: 0,
        rejected: 1,
        results: [{ index: 0, eventId: 'hijack-event', status: 'REJECTED', code: 'UNKNOWN_MEMBER', reason: expect.any(String), touchpoint: null }],
        userErrors: [],
      }),
  },
  {
    name: "touchpointsRecord with the other tenant's store and event id",
    operation:
      'mutation($input: TouchpointsRecordInput!) { touchpointsRecord(input: $input) { accepted duplicates rejected results { index eventId status code reason touchpoint { id } } userErrors { field message code } } }',
    variables: (id) => ({ input: { events: [{ eventId: 'shared-event', member: { id: A.memberId }, type: 'PAGE_VIEW', channel: 'WEB', occurredAt: '2025-01-01T00:00:00Z', storeId: id }] } }),
    type: 'Store',
    foreign: () => B.storeId,
    roles: ['INGEST'],
    refused: (payload) => expect(payload.results.map((r: { code: string }) => r.code)).toEqual(['UNKNOWN_STORE']),
  },
  {
    name: 'accessKeyRevoke',
    operation: userErrorsOnly('accessKeyRevoke', 'AccessKeyRevokeInput', 'accessKey'),
    variables: (id) => ({ input: { id } }),
    type: 'AccessKey',
    foreign: () => B.keyId,
    roles: ['OWNER'],
  },
  {
    name: 'pointsEarn',
    operation: userErrorsOnly('pointsEarn', 'PointsEarnInput', 'entry'),
    variables: (id) => ({ input: { memberId: id, points: 50, reason: 'hijack', idempotencyKey: 'hijack-earn' } }),
    type: 'Member',
    foreign: () => B.memberId,
    roles: ['OWNER', 'ADMIN', 'INGEST'],
  },
  {
    name: 'pointsEarn with the store of another tenant',
    operation: userErrorsOnly('pointsEarn', 'PointsEarnInput', 'entry'),
    variables: (id) => ({ input: { memberId: A.memberId, points: 50, reason: 'hijack', idempotencyKey: 'hijack-earn-store', storeId: id } }),
    type: 'Store',
    foreign: () => B.storeId,
  },
  {
    name: 'pointsRedeem',
    operation: userErrorsOnly('pointsRedeem', 'PointsRedeemInput', 'entry'),
    variables: (id) => ({ input: { memberId: id, purpose: 'REWARD', reward: 'loot', points: 1, idempotencyKey: 'hijack-redeem' } }),
    type: 'Member',
    foreign: () => B.memberId,
    roles: ['OWNER', 'ADMIN', 'INGEST'],
  },
  {
    name: 'pointsAdjust',
    operation: userErrorsOnly('pointsAdjust', 'PointsAdjustInput', 'entry'),
    variables: (id) => ({ input: { memberId: id, points: -1, reason: 'hijack', idempotencyKey: 'hijack-adjust' } }),
    type: 'Member',
    foreign: () => B.memberId,
  },
  {
    name: 'pointsRuleCreate with the store of another tenant',
    operation: userErrorsOnly('pointsRuleCreate', 'PointsRuleInput', 'pointsRule'),
    variables: (id) => ({ input: { name: 'hijack', storeId: id, bonusPoints: 1 } }),
    type: 'Store',
    foreign: () => B.storeId,
  },
  {
    name: 'pointsRuleUpdate',
    operation: userErrorsOnly('pointsRuleUpdate', 'PointsRuleInput', 'pointsRule'),
    variables: (id) => ({ input: { id, active: false } }),
    type: 'PointsRule',
    foreign: () => B.pointsRuleId,
  },
];

describe('every mutation with the other tenant’s ids', () => {
  beforeAll(async () => {
    // An identity that exists only in B, for the unbind case.
    const bind = await t.gql(
      'mutation($input: MemberIdentityBindInput!) { memberIdentityBind(input: $input) { userErrors { code } } }',
      { input: { memberId: B.otherMemberId, channel: 'MARKETPLACE_NICK', externalId: 'b-marketplace-nick' } },
      { key: b.keys.ADMIN },
    );
    expect(dataOf(bind).memberIdentityBind.userErrors).toEqual([]);
  });

  test.each(FOREIGN_WRITES.map((write) => [write.name, write] as const))('%s answers like a missing id and changes nothing', async (_name, write) => {
    const beforeA = await snapshot(t, a);
    const beforeB = await snapshot(t, b);
    const activityA = await activityOf(a);
    const activityB = await activityOf(b);
    const missing = write.type === 'identity' ? 'no-such-nick' : missingId(write.type);
    const field = write.operation.match(/\{ (\w+)\(input/)![1]!;
    for (const role of write.roles ?? ['OWNER', 'ADMIN']) {
      const key = a.keys[role];
      const foreign = await t.gql(write.operation, write.variables(write.foreign()), { key });
      const unknown = await t.gql(write.operation, write.variables(missing), { key });
      expect(foreign.status).toBe(200);
      expect(foreign.body).toEqual(unknown.body);
      const payload = dataOf(foreign)[field];
      if (write.refused) write.refused(payload);
      else {
        expect(payload.userErrors).toEqual([expect.objectContaining({ code: 'NOT_FOUND' })]);
        expect(Object.entries(payload).filter(([name, value]) => name !== 'userErrors' && value !== null)).toEqual([]);
      }
    }
    expect(await snapshot(t, b)).toEqual(beforeB);
    expect(await snapshot(t, a)).toEqual(beforeA);
    expect(await activityOf(b)).toEqual(activityB);
    expect(await activityOf(a)).toEqual(activityA);
  });

  test('the table covers every mutation that takes an id', async () => {
    const introspection = dataOf(await t.gql('{ __schema { mutationType { fields { name } } } }'));
    const withoutIds = ['accessKeyCreate', 'storeCreate', 'tenantUpdate', 'touchpointTypeCreate', 'loyaltyProgramUpdate'];
    const covered = new Set(FOREIGN_WRITES.map((write) => write.operation.match(/\{ (\w+)\(input/)![1]!));
    const mutations = introspection.__schema.mutationType.fields.map((f: { name: string }) => f.name);
    const elsewhere = Object.keys(TENANCY_COVERED_ELSEWHERE);
    expect(mutations.filter((name: string) => !covered.has(name) && !withoutIds.includes(name) && !elsewhere.includes(name))).toEqual([]);
    expect(elsewhere.filter((name) => !mutations.includes(name))).toEqual([]);
  });

  test('a merge of an own member with a foreign one is NOT_FOUND, and both stay as they were', async () => {
    const memberB = dataOf(await t.gql(AccessMemberFullDocument, { id: B.memberId }, { key: b.keys.OWNER })).member;
    const memberA = dataOf(await t.gql(AccessMemberFullDocument, { id: A.memberId }, { key: a.keys.OWNER })).member;
    const merge = dataOf(await t.gql(MemberMergeDocument, { input: { survivorId: A.memberId, mergedId: B.memberId } }, { key: a.keys.OWNER })).memberMerge;
    expect(merge).toEqual({ member: null, userErrors: [{ field: ['input', 'mergedId'], message: 'no member has this id', code: 'NOT_FOUND' }] });
    const reverse = dataOf(await t.gql(MemberMergeDocument, { input: { survivorId: B.memberId, mergedId: A.memberId } }, { key: a.keys.OWNER })).memberMerge;
    expect(reverse).toEqual({ member: null, userErrors: [{ field: ['input', 'survivorId'], message: 'no member has this id', code: 'NOT_FOUND' }] });
    const fromB = dataOf(await t.gql(MemberMergeDocument, { input: { survivorId: B.memberId, mergedId: A.memberId } }, { key: b.keys.OWNER })).memberMerge;
    expect(fromB.userErrors).toEqual([{ field: ['input', 'mergedId'], message: 'no member has this id', code: 'NOT_FOUND' }]);
    const afterB = dataOf(await t.gql(AccessMemberFullDocument, { id: B.memberId }, { key: b.keys.OWNER })).member;
    const afterA = dataOf(await t.gql(AccessMemberFullDocument, { id: A.memberId }, { key: a.keys.OWNER })).member;
    expect(afterB).toEqual(memberB);
    expect(afterA).toEqual(memberA);
    expect(afterA?.status).toBe('ACTIVE');
    expect(afterA?.merges).toEqual([]);
  });
});

describe('the tenant filter', () => {
  test('covers the activity entities', () => {
    expect(TENANT_SCOPED_ENTITIES.map((entity) => entity.name)).toEqual(
      expect.arrayContaining(['Touchpoint', 'TouchpointCustomType', 'Order', 'OrderItem', 'OrderRefund', 'MemberStats']),
    );
  });

  test.each(TENANT_SCOPED_ENTITIES.map((entity) => [entity.name, entity] as const))(
    'fails loudly for %s when a fork has no tenant',
    async (_name, entity) => {
      const em = t.orm.em.fork();
      await expect(em.find(entity as never, {})).rejects.toThrow(new RegExp(TENANT_FILTER));
      await expect(em.findOne(entity as never, {})).rejects.toThrow(new RegExp(TENANT_FILTER));
      await expect(em.count(entity as never, {})).rejects.toThrow(new RegExp(TENANT_FILTER));
    },
  );

  test('scopes a fork with a tenant to that tenant', async () => {
    const uuidOf = (globalId: string) => Buffer.from(globalId, 'base64url').toString('utf8').split(':')[1];
    const em = t.orm.em.fork();
    em.setFilterParams(TENANT_FILTER, { tenantId: a.id });
    const members = await em.find(Member, {});
    expect(members.length).toBeGreaterThan(0);
    expect(new Set(members.map((member) => member.tenantId))).toEqual(new Set([a.id]));
    expect(await em.findOne(Member, { id: uuidOf(B.memberId) })).toBeNull();
    const other = t.orm.em.fork();
    other.setFilterParams(TENANT_FILTER, { tenantId: b.id });
    expect((await other.findOne(Member, { id: uuidOf(B.memberId) }))?.displayName).toBe('Bella Foreign');
  });
});
