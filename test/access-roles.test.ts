import { AccessKeyCreateDocument, ActivitySnapshotDocument, MemberTokenCreateDocument } from './generated/graphql';
import { dataOf, errorCodes, startTestApp, type GqlResponse, type TestApp, type TestTenant } from './support/harness';
import { createMember, createStore, snapshot } from './support/access-fixtures';
import { orderInput, recordOrder } from './support/activity-fixtures';
import { CALLERS, fresh, INGESTERS, OWNER_ONLY, payloadSucceeded, READERS, WRITERS, type Caller, type Fixture, type RootFieldRule } from './support/role-rules';
import { MODULE_RULES } from './support/roles';

const CORE_RULES: RootFieldRule[] = [
  // Queries
  {
    field: 'Query.accessKeys',
    allowed: OWNER_ONLY,
    operation: '{ accessKeys(first: 100) { nodes { id } } }',
    check: (result, fx) => expect(result.nodes.map((n: { id: string }) => n.id)).toContain(fx.keyId),
  },
  {
    field: 'Query.member',
    allowed: READERS,
    operation: 'query($id: ID!) { member(id: $id) { id } }',
    variables: (fx) => ({ id: fx.memberId }),
    check: (result, fx) => expect(result.id).toBe(fx.memberId),
  },
  {
    field: 'Query.memberByIdentity',
    allowed: READERS,
    operation: 'query($externalId: String!) { memberByIdentity(channel: APP_USER, externalId: $externalId) { id } }',
    variables: (fx) => ({ externalId: fx.appUserId }),
    check: (result, fx) => expect(result.id).toBe(fx.memberId),
  },
  {
    field: 'Query.members',
    allowed: READERS,
    operation: '{ members(first: 100) { totalCount nodes { id } } }',
    check: (result, fx) => expect(result.nodes.map((n: { id: string }) => n.id)).toEqual(expect.arrayContaining([fx.memberId, fx.otherMemberId])),
  },
  {
    field: 'Query.node',
    allowed: READERS,
    operation: 'query($id: ID!) { node(id: $id) { id __typename } }',
    variables: (fx) => ({ id: fx.memberId }),
    check: (result, fx) => expect(result).toEqual({ id: fx.memberId, __typename: 'Member' }),
  },
  {
    field: 'Query.nodes',
    allowed: READERS,
    operation: 'query($ids: [ID!]!) { nodes(ids: $ids) { id } }',
    variables: (fx) => ({ ids: [fx.memberId, fx.storeId] }),
    check: (result, fx) => expect(result).toEqual([{ id: fx.memberId }, { id: fx.storeId }]),
  },
  {
    field: 'Query.order',
    allowed: READERS,
    operation: 'query($id: ID!) { order(id: $id) { id } }',
    variables: (fx) => ({ id: fx.orderId }),
    check: (result, fx) => expect(result.id).toBe(fx.orderId),
  },
  {
    field: 'Query.orderByExternalId',
    allowed: READERS,
    operation: 'query($externalId: String!) { orderByExternalId(externalId: $externalId) { id } }',
    variables: (fx) => ({ externalId: fx.orderExternalId }),
    check: (result, fx) => expect(result.id).toBe(fx.orderId),
  },
  {
    field: 'Query.orders',
    allowed: READERS,
    operation: '{ orders(first: 100) { nodes { id } } }',
    check: (result, fx) => expect(result.nodes.map((n: { id: string }) => n.id)).toContain(fx.orderId),
  },
  {
    field: 'Query.store',
    allowed: READERS,
    operation: 'query($id: ID!) { store(id: $id) { id } }',
    variables: (fx) => ({ id: fx.storeId }),
    check: (result, fx) => expect(result.id).toBe(fx.storeId),
  },
  {
    field: 'Query.stores',
    allowed: READERS,
    operation: '{ stores(first: 100) { nodes { id } } }',
    check: (result, fx) => expect(result.nodes.map((n: { id: string }) => n.id)).toContain(fx.storeId),
  },
  {
    field: 'Query.tenant',
    allowed: READERS,
    operation: '{ tenant { id name } }',
    check: (result) => expect(result.name).toEqual(expect.any(String)),
  },
  {
    field: 'Query.touchpointTypes',
    allowed: READERS,
    operation: '{ touchpointTypes { name } }',
    check: (result) => expect(result).toEqual([]),
  },
  {
    field: 'Query.touchpoints',
    allowed: READERS,
    operation: '{ touchpoints(first: 100) { nodes { type order { id } } } }',
    check: (result, fx) => expect(result.nodes).toContainEqual({ type: 'ORDER_PAID', order: { id: fx.orderId } }),
  },
  {
    field: 'Query.viewer',
    allowed: ['MEMBER'],
    operation: '{ viewer { member { id } } }',
    check: (result, fx) => expect(result.member.id).toBe(fx.memberId),
  },
  // Mutations
  {
    field: 'Mutation.accessKeyCreate',
    allowed: OWNER_ONLY,
    operation: 'mutation($input: AccessKeyCreateInput!) { accessKeyCreate(input: $input) { key userErrors { code } } }',
    variables: () => ({ input: { name: fresh('matrix key'), role: 'ANALYST' } }),
    check: (result) => {
      payloadSucceeded(result);
      expect(result.key).toMatch(/^ecrm_/);
    },
  },
  {
    field: 'Mutation.accessKeyRevoke',
    allowed: OWNER_ONLY,
    operation: 'mutation($input: AccessKeyRevokeInput!) { accessKeyRevoke(input: $input) { accessKey { id active } userErrors { code } } }',
    variables: (fx) => ({ input: { id: fx.keyId } }),
    check: (result, fx) => {
      payloadSucceeded(result);
      expect(result.accessKey).toEqual({ id: fx.keyId, active: false });
    },
  },
  {
    field: 'Mutation.memberConsentSet',
    allowed: WRITERS,
    operation: 'mutation($input: MemberConsentSetInput!) { memberConsentSet(input: $input) { member { consents { channel granted } } userErrors { code } } }',
    variables: (fx) => ({ input: { memberId: fx.memberId, channel: 'SMS', granted: true, source: 'matrix' } }),
    check: (result) => {
      payloadSucceeded(result);
      expect(result.member.consents).toEqual([{ channel: 'SMS', granted: true }]);
    },
  },
  {
    field: 'Mutation.memberCreate',
    allowed: WRITERS,
    operation: 'mutation($input: MemberCreateInput!) { memberCreate(input: $input) { member { id displayName } userErrors { code } } }',
    variables: () => ({ input: { displayName: 'Matrix created' } }),
    check: (result) => {
      payloadSucceeded(result);
      expect(result.member.displayName).toBe('Matrix created');
    },
  },
  {
    field: 'Mutation.memberErase',
    allowed: WRITERS,
    operation: 'mutation($input: MemberEraseInput!) { memberErase(input: $input) { member { id status } userErrors { code } } }',
    variables: (fx) => ({ input: { id: fx.memberId } }),
    check: (result, fx) => {
      payloadSucceeded(result);
      expect(result.member).toEqual({ id: fx.memberId, status: 'ERASED' });
    },
  },
  {
    field: 'Mutation.memberIdentityBind',
    allowed: WRITERS,
    operation: 'mutation($input: MemberIdentityBindInput!) { memberIdentityBind(input: $input) { member { identities { channel } } userErrors { code } } }',
    variables: (fx) => ({ input: { memberId: fx.memberId, channel: 'WECHAT_OPENID', externalId: fresh('openid') } }),
    check: (result) => {
      payloadSucceeded(result);
      expect(result.member.identities).toContainEqual({ channel: 'WECHAT_OPENID' });
    },
  },
  {
    field: 'Mutation.memberIdentityUnbind',
    allowed: WRITERS,
    operation: 'mutation($input: MemberIdentityBindInput!) { memberIdentityUnbind(input: $input) { member { identities { channel } } userErrors { code } } }',
    variables: (fx) => ({ input: { memberId: fx.memberId, channel: 'APP_USER', externalId: fx.appUserId } }),
    check: (result) => {
      payloadSucceeded(result);
      expect(result.member.identities).toEqual([]);
    },
  },
  {
    field: 'Mutation.memberMerge',
    allowed: WRITERS,
    operation: 'mutation($input: MemberMergeInput!) { memberMerge(input: $input) { member { id merges { mergedMemberId } } userErrors { code } } }',
    variables: (fx) => ({ input: { survivorId: fx.memberId, mergedId: fx.otherMemberId } }),
    check: (result, fx) => {
      payloadSucceeded(result);
      expect(result.member).toEqual({ id: fx.memberId, merges: [{ mergedMemberId: fx.otherMemberId }] });
    },
  },
  {
    field: 'Mutation.memberTagsAdd',
    allowed: WRITERS,
    operation: 'mutation($input: MemberTagsInput!) { memberTagsAdd(input: $input) { member { tags } userErrors { code } } }',
    variables: (fx) => ({ input: { id: fx.memberId, tags: ['added'] } }),
    check: (result) => {
      payloadSucceeded(result);
      expect(result.member.tags).toEqual(['added', 'matrix']);
    },
  },
  {
    field: 'Mutation.memberTagsRemove',
    allowed: WRITERS,
    operation: 'mutation($input: MemberTagsInput!) { memberTagsRemove(input: $input) { member { tags } userErrors { code } } }',
    variables: (fx) => ({ input: { id: fx.memberId, tags: ['matrix'] } }),
    check: (result) => {
      payloadSucceeded(result);
      expect(result.member.tags).toEqual([]);
    },
  },
  {
    field: 'Mutation.memberTokenCreate',
    allowed: WRITERS,
    operation: 'mutation($input: MemberTokenCreateInput!) { memberTokenCreate(input: $input) { token userErrors { code } } }',
    variables: (fx) => ({ input: { memberId: fx.memberId } }),
    check: (result) => {
      payloadSucceeded(result);
      expect(result.token).toMatch(/^ecrm_mt\./);
    },
  },
  {
    field: 'Mutation.memberUpdate',
    allowed: WRITERS,
    operation: 'mutation($input: MemberUpdateInput!) { memberUpdate(input: $input) { member { displayName } userErrors { code } } }',
    variables: (fx) => ({ input: { id: fx.memberId, displayName: 'Matrix renamed' } }),
    check: (result) => {
      payloadSucceeded(result);
      expect(result.member.displayName).toBe('Matrix renamed');
    },
  },
  {
    field: 'Mutation.orderRecord',
    allowed: INGESTERS,
    operation: 'mutation($input: OrderRecordInput!) { orderRecord(input: $input) { order { status member { id } } userErrors { code } } }',
    variables: (fx) => ({ input: orderInput(fx.memberId, { externalId: fresh('matrix-order') }) }),
    check: (result, fx) => {
      payloadSucceeded(result);
      expect(result.order).toEqual({ status: 'PAID', member: { id: fx.memberId } });
    },
  },
  {
    field: 'Mutation.orderRefund',
    allowed: INGESTERS,
    operation: 'mutation($input: OrderRefundInput!) { orderRefund(input: $input) { order { status refundedAmount } userErrors { code } } }',
    variables: (fx) => ({ input: { orderId: fx.orderId, refundId: fresh('matrix-refund'), amount: 100 } }),
    check: (result) => {
      payloadSucceeded(result);
      expect(result.order).toEqual({ status: 'PARTIALLY_REFUNDED', refundedAmount: { amount: 100, currency: 'CNY' } });
    },
  },
  {
    field: 'Mutation.storeCreate',
    allowed: WRITERS,
    operation: 'mutation($input: StoreCreateInput!) { storeCreate(input: $input) { store { code } userErrors { code } } }',
    variables: () => ({ input: { code: fresh('matrix'), name: 'Matrix store', type: 'APP' } }),
    check: (result) => {
      payloadSucceeded(result);
      expect(result.store.code).toMatch(/^matrix-/);
    },
  },
  {
    field: 'Mutation.storeUpdate',
    allowed: WRITERS,
    operation: 'mutation($input: StoreUpdateInput!) { storeUpdate(input: $input) { store { name } userErrors { code } } }',
    variables: (fx) => ({ input: { id: fx.storeId, name: 'Matrix renamed store' } }),
    check: (result) => {
      payloadSucceeded(result);
      expect(result.store.name).toBe('Matrix renamed store');
    },
  },
  {
    field: 'Mutation.tenantUpdate',
    allowed: WRITERS,
    operation: 'mutation($input: TenantUpdateInput!) { tenantUpdate(input: $input) { tenant { unknownIdentityPolicy } userErrors { code } } }',
    variables: () => ({ input: { unknownIdentityPolicy: 'REJECT' } }),
    check: (result) => {
      payloadSucceeded(result);
      expect(result.tenant).toEqual({ unknownIdentityPolicy: 'REJECT' });
    },
  },
  {
    field: 'Mutation.touchpointTypeCreate',
    allowed: WRITERS,
    operation: 'mutation($input: TouchpointTypeCreateInput!) { touchpointTypeCreate(input: $input) { customType { name } userErrors { code } } }',
    variables: () => ({ input: { name: fresh('matrix') } }),
    check: (result) => {
      payloadSucceeded(result);
      expect(result.customType.name).toMatch(/^matrix-/);
    },
  },
  {
    field: 'Mutation.touchpointsRecord',
    allowed: INGESTERS,
    operation:
      'mutation($input: TouchpointsRecordInput!) { touchpointsRecord(input: $input) { accepted results { status touchpoint { member { id } } } userErrors { code } } }',
    variables: (fx) => ({
      input: { events: [{ eventId: fresh('matrix-event'), member: { id: fx.memberId }, type: 'PAGE_VIEW', channel: 'WEB', occurredAt: new Date(Date.now() - 60_000).toISOString() }] },
    }),
    check: (result, fx) => {
      payloadSucceeded(result);
      expect(result.results).toEqual([{ status: 'ACCEPTED', touchpoint: { member: { id: fx.memberId } } }]);
    },
  },
];

/** Each module's rows live beside its tests (test/support/roles/). */
const RULES: RootFieldRule[] = [...CORE_RULES, ...MODULE_RULES];

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

async function fixture(tenant: TestTenant): Promise<Fixture> {
  const appUserId = fresh('app-user');
  const memberId = await createMember(t, tenant.keys.ADMIN, { tags: ['matrix'], identities: [{ channel: 'APP_USER', externalId: appUserId }] });
  const otherMemberId = await createMember(t, tenant.keys.ADMIN);
  const storeId = await createStore(t, tenant.keys.ADMIN);
  const key = dataOf(await t.gql(AccessKeyCreateDocument, { input: { name: fresh('fixture key'), role: 'INGEST' } }, { key: tenant.keys.OWNER }));
  const token = dataOf(await t.gql(MemberTokenCreateDocument, { input: { memberId } }, { key: tenant.keys.ADMIN }));
  const order = await recordOrder(t, tenant.keys.INGEST, orderInput(memberId));
  return {
    tenant,
    memberId,
    otherMemberId,
    storeId,
    keyId: key.accessKeyCreate.accessKey!.id,
    appUserId,
    memberToken: token.memberTokenCreate.token!,
    orderId: order.id,
    orderExternalId: order.externalId,
  };
}

const variablesOf = async (rule: RootFieldRule, fx: Fixture) => (rule.prepare ? rule.prepare(t, fx) : (rule.variables?.(fx) ?? {}));

async function call(rule: RootFieldRule, caller: Caller, fx: Fixture, prepared?: Record<string, unknown>): Promise<GqlResponse<any>> {
  const key = caller === 'ANONYMOUS' ? undefined : caller === 'MEMBER' ? fx.memberToken : fx.tenant.keys[caller];
  const variables = prepared ?? (await variablesOf(rule, fx));
  return rule.run ? rule.run(t, key, variables) : t.gql(rule.operation, variables, { key });
}

const rootName = (rule: RootFieldRule) => rule.field.split('.')[1]!;

describe.each(RULES)('$field', (rule) => {
  const denied = CALLERS.filter((caller) => !rule.allowed.includes(caller));

  test(`allows exactly ${rule.allowed.join(', ')}`, async () => {
    const tenant = await t.tenant();
    for (const caller of rule.allowed) {
      const fx = await fixture(tenant);
      const response = await call(rule, caller, fx);
      expect({ caller, errors: response.body.errors }).toEqual({ caller, errors: undefined });
      expect(response.status).toBe(200);
      rule.check(response.body.data[rootName(rule)], fx);
    }
  });

  test('refuses everyone else, and a refused call changes nothing', async () => {
    const tenant = await t.tenant();
    const fx = await fixture(tenant);
    // What the call needs is made before the snapshot: only the refused calls must change nothing.
    const variables = await variablesOf(rule, fx);
    const before = await snapshot(t, tenant);
    const activity = async () => dataOf(await t.gql(ActivitySnapshotDocument, {}, { key: tenant.keys.OWNER }));
    const activityBefore = await activity();
    for (const caller of denied) {
      const response = await call(rule, caller, fx, variables);
      const expected = caller === 'ANONYMOUS' ? 'UNAUTHENTICATED' : 'FORBIDDEN';
      expect({ caller, codes: errorCodes(response) }).toEqual({ caller, codes: [expected] });
      // No credential is 401 (authenticate and retry); a valid one without the right is 200 with FORBIDDEN.
      expect({ caller, status: response.status }).toEqual({ caller, status: caller === 'ANONYMOUS' ? 401 : 200 });
      expect({ caller, data: response.body.data?.[rootName(rule)] ?? null }).toEqual({ caller, data: null });
    }
    expect(await snapshot(t, tenant)).toEqual(before);
    expect(await activity()).toEqual(activityBefore);
  });
});

test('every root field of the schema has a row in the role table, and every row names a real field', async () => {
  const introspection = dataOf(
    await t.gql(`{
      __schema {
        queryType { fields { name } }
        mutationType { fields { name } }
        subscriptionType { fields { name } }
      }
    }`),
  ) as { __schema: Record<'queryType' | 'mutationType' | 'subscriptionType', { fields: { name: string }[] } | null> };
  const inSchema = [
    ...(introspection.__schema.queryType?.fields ?? []).map((f) => `Query.${f.name}`),
    ...(introspection.__schema.mutationType?.fields ?? []).map((f) => `Mutation.${f.name}`),
    ...(introspection.__schema.subscriptionType?.fields ?? []).map((f) => `Subscription.${f.name}`),
  ].sort();
  expect(RULES.map((rule) => rule.field).sort()).toEqual(inSchema);
});

test('an anonymous caller may ask for __typename, and nothing else', async () => {
  const response = await t.gql('{ __typename }');
  expect(response.status).toBe(200);
  expect(response.body).toEqual({ data: { __typename: 'Query' } });
  const denied = await t.gql('{ __typename tenant { id } }');
  expect(errorCodes(denied)).toEqual(['UNAUTHENTICATED']);
  expect(denied.body.data ?? null).toBeNull();
});

test('a forbidden field in a query with allowed fields fails only that field', async () => {
  const tenant = await t.tenant();
  const response = await t.gql('{ tenant { id } accessKeys(first: 1) { totalCount } }', {}, { key: tenant.keys.ADMIN });
  expect(errorCodes(response)).toEqual(['FORBIDDEN']);
  // accessKeys is non-null, so the error nulls the whole data; no access key data can leak either way.
  expect(response.body.data ?? null).toBeNull();
  const nullable = await t.gql('{ tenant { name } viewer { member { id } } }', {}, { key: tenant.keys.ADMIN });
  expect(errorCodes(nullable)).toEqual(['FORBIDDEN']);
  expect(nullable.body.data).toEqual({ tenant: { name: expect.any(String) }, viewer: null });
});
