import {
  NodeDocument,
  StoreCreateDocument,
  StoreDetailDocument,
  StorePageDocument,
  StoreUpdateDocument,
  StoresDocument,
  type StoreCreateInput,
  type StoreUpdateInput,
} from './generated/graphql';
import { dataOf, errorCodes, startTestApp, type TestApp, type TestTenant } from './support/harness';

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
const missingStoreId = Buffer.from('Store:00000000-0000-7000-8000-000000000000').toString('base64url');
let sequence = 0;

async function create(input: Partial<StoreCreateInput> = {}, key = tenant.keys.ADMIN) {
  const full = { code: `store-${++sequence}`, name: 'A store', type: 'OFFLINE_STORE' as const, ...input };
  return dataOf(await t.gql(StoreCreateDocument, { input: full }, { key })).storeCreate;
}

async function createStore(input: Partial<StoreCreateInput> = {}) {
  const result = await create(input);
  expect(result.userErrors).toEqual([]);
  return result.store!;
}

async function update(input: StoreUpdateInput) {
  return dataOf(await t.gql(StoreUpdateDocument, { input }, admin())).storeUpdate;
}

async function detail(id: string) {
  return dataOf(await t.gql(StoreDetailDocument, { id }, admin())).store;
}

async function storeCount() {
  return dataOf(await t.gql(StoresDocument, { first: 1 }, admin())).stores.totalCount;
}

describe('storeCreate', () => {
  test('creates a store, trimmed, readable by store(id) and node(id)', async () => {
    const result = await create({ code: ' SH-001 ', name: '  Shanghai flagship ', type: 'OFFLINE_STORE', region: ' Shanghai ' });
    expect(result.userErrors).toEqual([]);
    expect(result.store).toMatchObject({ code: 'SH-001', name: 'Shanghai flagship', type: 'OFFLINE_STORE', region: 'Shanghai' });
    const stored = await detail(result.store!.id);
    expect(stored).toMatchObject({ id: result.store!.id, code: 'SH-001', name: 'Shanghai flagship', type: 'OFFLINE_STORE', region: 'Shanghai' });
    expect(Date.parse(stored!.createdAt)).not.toBeNaN();
    const node = dataOf(await t.gql(NodeDocument, { id: result.store!.id }, admin())).node;
    expect(node).toEqual({ id: result.store!.id, __typename: 'Store', code: 'SH-001' });
  });

  test('region is optional; a blank region is none', async () => {
    expect((await createStore({ code: 'no-region' })).region).toBeNull();
    expect((await createStore({ code: 'blank-region', region: '   ' })).region).toBeNull();
  });

  test('accepts codes of letters, digits, ".", "-" and "_" up to 64 characters', async () => {
    for (const code of ['a', 'tmall.flagship_01-x', 'Z'.repeat(64)]) {
      expect((await createStore({ code })).code).toBe(code);
    }
  });

  test('a code already used in the tenant is TAKEN; another tenant may use it', async () => {
    await createStore({ code: 'dup-code', name: 'First' });
    const before = await storeCount();
    const again = await create({ code: 'dup-code', name: 'Second' });
    expect(again.store).toBeNull();
    expect(again.userErrors).toEqual([expect.objectContaining({ code: 'TAKEN', field: ['input', 'code'] })]);
    expect(await storeCount()).toBe(before);
    const other = await t.tenant();
    expect((await create({ code: 'dup-code' }, other.keys.ADMIN)).userErrors).toEqual([]);
  });

  test('two parallel creates of one code: one store, one TAKEN', async () => {
    const before = await storeCount();
    const results = await Promise.all([create({ code: 'race-code' }), create({ code: 'race-code' })]);
    expect(results.filter((r) => r.userErrors.length === 0)).toHaveLength(1);
    expect(results.flatMap((r) => r.userErrors.map((e) => e.code))).toEqual(['TAKEN']);
    expect(await storeCount()).toBe(before + 1);
  });

  test.each([
    ['an empty code', { code: '' }, 'INVALID', ['input', 'code']],
    ['a code with a space', { code: 'two words' }, 'INVALID', ['input', 'code']],
    ['a code starting with a dash', { code: '-lead' }, 'INVALID', ['input', 'code']],
    ['a code with a slash', { code: 'a/b' }, 'INVALID', ['input', 'code']],
    ['a code of 65 characters', { code: 'c'.repeat(65) }, 'INVALID', ['input', 'code']],
    ['a blank name', { name: '  ' }, 'INVALID', ['input', 'name']],
    ['a name over 200 characters', { name: 'n'.repeat(201) }, 'TOO_LONG', ['input', 'name']],
    ['a region over 200 characters', { region: 'r'.repeat(201) }, 'TOO_LONG', ['input', 'region']],
  ] as [string, Partial<StoreCreateInput>, string, string[]][])('refuses %s and writes nothing', async (_, input, code, field) => {
    const before = await storeCount();
    const result = await create(input);
    expect(result.store).toBeNull();
    expect(result.userErrors).toEqual([expect.objectContaining({ code, field })]);
    expect(await storeCount()).toBe(before);
  });

  test('an unknown type is a GraphQL validation error', async () => {
    const before = await storeCount();
    const response = await t.gql(StoreCreateDocument, { input: { code: 'bad-type', name: 'x', type: 'KIOSK' as never } }, admin());
    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
    expect(await storeCount()).toBe(before);
  });

  test('ANALYST and INGEST keys may not create stores', async () => {
    const before = await storeCount();
    for (const key of [tenant.keys.ANALYST, tenant.keys.INGEST]) {
      const response = await t.gql(StoreCreateDocument, { input: { code: 'forbidden', name: 'x', type: 'APP' } }, { key });
      expect(errorCodes(response)).toEqual(['FORBIDDEN']);
    }
    expect(await storeCount()).toBe(before);
  });
});

describe('storeUpdate', () => {
  test('changes given fields and keeps the others; the code never changes', async () => {
    const store = await createStore({ code: 'upd-1', name: 'Old name', type: 'WEB_MALL', region: 'North' });
    const before = await detail(store.id);
    const result = await update({ id: store.id, name: ' New name ', type: 'APP' });
    expect(result.userErrors).toEqual([]);
    expect(result.store).toMatchObject({ id: store.id, code: 'upd-1', name: 'New name', type: 'APP', region: 'North' });
    const stored = await detail(store.id);
    expect(stored).toMatchObject({ code: 'upd-1', name: 'New name', type: 'APP', region: 'North' });
    expect(Date.parse(stored!.updatedAt)).toBeGreaterThanOrEqual(Date.parse(before!.updatedAt));
  });

  test('null or blank region clears it; null name and type are left alone', async () => {
    const store = await createStore({ code: 'upd-2', name: 'Keep', type: 'MARKETPLACE_SHOP', region: 'South' });
    const cleared = await update({ id: store.id, region: null, name: null, type: null });
    expect(cleared.userErrors).toEqual([]);
    expect(await detail(store.id)).toMatchObject({ name: 'Keep', type: 'MARKETPLACE_SHOP', region: null });
    await update({ id: store.id, region: 'East' });
    expect((await detail(store.id))?.region).toBe('East');
    await update({ id: store.id, region: '  ' });
    expect((await detail(store.id))?.region).toBeNull();
  });

  test.each([
    ['a blank name', { name: '' }, 'INVALID', ['input', 'name']],
    ['a name over 200 characters', { name: 'x'.repeat(201) }, 'TOO_LONG', ['input', 'name']],
    ['a region over 200 characters', { region: 'y'.repeat(201) }, 'TOO_LONG', ['input', 'region']],
  ] as [string, Partial<StoreUpdateInput>, string, string[]][])('refuses %s and leaves the store unchanged', async (_, change, code, field) => {
    const store = await createStore({ name: 'Stable', region: 'West' });
    const before = await detail(store.id);
    const result = await update({ id: store.id, type: 'APP', ...change });
    expect(result.store).toBeNull();
    expect(result.userErrors).toEqual([expect.objectContaining({ code, field })]);
    expect(await detail(store.id)).toEqual(before);
  });

  test('an unknown, malformed or foreign id is NOT_FOUND', async () => {
    const mine = await createStore({ name: 'Mine' });
    const memberId = Buffer.from('Member:00000000-0000-7000-8000-000000000000').toString('base64url');
    for (const id of [missingStoreId, 'rubbish', memberId]) {
      const result = await update({ id, name: 'Ghost' });
      expect(result.store).toBeNull();
      expect(result.userErrors).toEqual([expect.objectContaining({ code: 'NOT_FOUND', field: ['input', 'id'] })]);
    }
    const other = await t.tenant();
    const foreign = dataOf(await t.gql(StoreUpdateDocument, { input: { id: mine.id, name: 'Stolen' } }, { key: other.keys.ADMIN })).storeUpdate;
    expect(foreign.userErrors.map((e) => e.code)).toEqual(['NOT_FOUND']);
    expect((await detail(mine.id))?.name).toBe('Mine');
  });
});

describe('store and stores', () => {
  test('store(id) is null for unknown, malformed and foreign ids', async () => {
    const mine = await createStore();
    const other = await t.tenant();
    expect(dataOf(await t.gql(StoreDetailDocument, { id: mine.id }, { key: other.keys.ADMIN })).store).toBeNull();
    expect(await detail(missingStoreId)).toBeNull();
    expect(await detail('rubbish')).toBeNull();
    expect(dataOf(await t.gql(NodeDocument, { id: mine.id }, { key: other.keys.ADMIN })).node).toBeNull();
  });

  test('stores lists the tenant’s stores by code, in Relay pages both ways', async () => {
    const own = await t.tenant();
    const codes = ['e-store', 'a-store', 'd-store', 'b-store', 'c-store'];
    for (const code of codes) {
      const result = dataOf(await t.gql(StoreCreateDocument, { input: { code, name: code, type: 'APP' } }, { key: own.keys.ADMIN })).storeCreate;
      expect(result.userErrors).toEqual([]);
    }
    const sorted = [...codes].sort();
    const key = { key: own.keys.ANALYST };

    const one = dataOf(await t.gql(StorePageDocument, { first: 2 }, key)).stores;
    expect(one.edges.map((e) => e.node.code)).toEqual(sorted.slice(0, 2));
    expect(one.totalCount).toBe(5);
    expect(one.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const two = dataOf(await t.gql(StorePageDocument, { first: 2, after: one.pageInfo.endCursor }, key)).stores;
    expect(two.edges.map((e) => e.node.code)).toEqual(sorted.slice(2, 4));
    const three = dataOf(await t.gql(StorePageDocument, { first: 2, after: two.pageInfo.endCursor }, key)).stores;
    expect(three.edges.map((e) => e.node.code)).toEqual(sorted.slice(4));
    expect(three.pageInfo.hasNextPage).toBe(false);

    const tail = dataOf(await t.gql(StorePageDocument, { last: 2 }, key)).stores;
    expect(tail.edges.map((e) => e.node.code)).toEqual(sorted.slice(3));
    expect(tail.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    const before = dataOf(await t.gql(StorePageDocument, { last: 2, before: tail.pageInfo.startCursor }, key)).stores;
    expect(before.edges.map((e) => e.node.code)).toEqual(sorted.slice(1, 3));

    const plain = dataOf(await t.gql(StoresDocument, { first: 10 }, key)).stores;
    expect(plain.nodes.map((n) => n.code)).toEqual(sorted);
  });

  test.each([
    ['first: 0', { first: 0 }],
    ['first: 251', { first: 251 }],
    ['first and last', { first: 1, last: 1 }],
    ['a malformed cursor', { first: 1, after: 'zzz' }],
  ])('stores with %s is BAD_USER_INPUT', async (_, variables) => {
    const response = await t.gql(StorePageDocument, variables, admin());
    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
  });
});
