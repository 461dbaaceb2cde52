import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { CSV_COLUMNS } from '../src/app/import/import-csv';
import { dataOf, startTestApp, type TestApp, type TestTenant } from './support/harness';
import { countsOf, ecrm, killAll, rejectedLines, tempDir, writeLines } from './support/import-cli';

let t: TestApp;
const dir = tempDir();

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  killAll();
  await t.close();
});

const importFile = (kind: string, file: string, tenant: TestTenant, ...more: string[]) => ecrm(t.databaseUrl, ['import', kind, file, '--tenant', tenant.id, ...more]);

const event = (eventId: string, user: string, extra: Record<string, unknown> = {}) => ({
  eventId,
  member: { identity: { channel: 'APP_USER', externalId: user } },
  type: 'PAGE_VIEW',
  channel: 'APP',
  occurredAt: '2025-06-01T10:00:00Z',
  properties: { page: `/p/${eventId}` },
  ...extra,
});

const TOUCHPOINTS = `{ touchpoints(first: 100) { totalCount nodes { eventId type channel source properties member { id } } } }`;

async function touchpoints(tenant: TestTenant) {
  const data = dataOf(await t.gql(TOUCHPOINTS, {}, { key: tenant.keys.ADMIN }));
  return { total: data.touchpoints.totalCount as number, byId: new Map<string, any>(data.touchpoints.nodes.map((n: any) => [n.eventId, n])) };
}

const STATS = `query ($channel: IdentityChannel!, $id: String!) {
  memberByIdentity(channel: $channel, externalId: $id) {
    id purchaseStats { orderCount netSpend firstOrderAt lastOrderAt }
    touchpoints(first: 100) { totalCount }
  } }`;

async function memberOf(tenant: TestTenant, channel: string, id: string) {
  return dataOf(await t.gql(STATS, { channel, id }, { key: tenant.keys.ADMIN })).memberByIdentity;
}

describe('touchpoints', () => {
  test('NDJSON: new, repeated and bad lines are counted apart; a re-run adds nothing', async () => {
    const tenant = await t.tenant();
    const file = writeLines(dir, 'events.ndjson', [
      event('e1', 'u1'),
      event('e2', 'u1'),
      '{not json',
      '',
      event('e3', 'u2', { type: 'TELEPORT' }),
      event('e1', 'u1'),
      event('e4', 'u2', { occurredAt: '2999-01-01T00:00:00Z' }),
      event('e5', 'u2', { member: { id: 'no-such-member' } }),
      '[1, 2]',
      event('e6', 'u2', { properties: { page: '/home', tags: ['a', 'b'] } }),
    ]);
    const first = await importFile('touchpoints', file, tenant);
    expect(first.code).toBe(0);
    expect(countsOf(first)).toEqual({ records: 9, accepted: 3, updated: 0, duplicate: 1, rejected: 5 });
    const rejected = rejectedLines(first);
    expect([...rejected.keys()]).toEqual([3, 5, 7, 8, 9]);
    expect(rejected.get(3)).toMatch(/invalid JSON/);
    expect(rejected.get(5)).toMatch(/type "TELEPORT" is not one of/);
    expect(rejected.get(7)).toMatch(/^INVALID: occurredAt/);
    expect(rejected.get(9)).toMatch(/not a JSON object/);
    expect(first.stdout).toMatch(/^elapsed:\s+[\d.]+ s/m);

    const stored = await touchpoints(tenant);
    expect(stored.total).toBe(3);
    expect(stored.byId.get('e6').properties).toEqual({ page: '/home', tags: ['a', 'b'] });
    expect((await memberOf(tenant, 'APP_USER', 'u1')).touchpoints.totalCount).toBe(2);

    const again = await importFile('touchpoints', file, tenant);
    expect(again.code).toBe(0);
    expect(countsOf(again)).toEqual({ records: 9, accepted: 0, updated: 0, duplicate: 4, rejected: 5 });
    expect((await touchpoints(tenant)).total).toBe(3);
  });

  test('CSV: flat columns, JSON properties, a record over two lines, and line numbers of bad rows', async () => {
    const tenant = await t.tenant();
    const file = path.join(dir, 'events.csv');
    writeFileSync(
      file,
      [
        'event_id,identity_channel,identity_external_id,type,channel,occurred_at,source,properties',
        'c1,APP_USER,cu1,SEARCH,APP,2025-06-01T10:00:00Z,shop,"{""q"": ""red shoes, size 40""}"',
        'c2,APP_USER,cu1,CART_ADD,WEB,2025-06-01T10:05:00Z,,"{',
        '""sku"": ""A-1""}"',
        'c3,APP_USER,cu2,PAGE_VIEW,TELEPATHY,2025-06-01T10:00:00Z,,',
        'c4,APP_USER,cu2,PAGE_VIEW,WEB,2025-06-01T10:00:00Z',
        'c5,APP_USER,cu2,PAGE_VIEW,WEB,yesterday,,',
        'c6,APP_USER,cu2,PAGE_VIEW,WEB,2025-06-02T10:00:00Z,,"{""page"":""/""}"',
      ].join('\n'),
    );
    const run = await importFile('touchpoints', file, tenant);
    expect(run.code).toBe(0);
    expect(countsOf(run)).toMatchObject({ records: 6, accepted: 3, duplicate: 0, rejected: 3 });
    const rejected = rejectedLines(run);
    expect([...rejected.keys()]).toEqual([5, 6, 7]);
    expect(rejected.get(5)).toMatch(/channel "TELEPATHY"/);
    expect(rejected.get(6)).toMatch(/^CSV: Invalid Record Length/);
    expect(rejected.get(7)).toMatch(/occurredAt "yesterday" is not an ISO 8601/);

    const stored = await touchpoints(tenant);
    expect(stored.total).toBe(3);
    expect(stored.byId.get('c1')).toMatchObject({ type: 'SEARCH', channel: 'APP', source: 'shop', properties: { q: 'red shoes, size 40' } });
    expect(stored.byId.get('c2')).toMatchObject({ type: 'CART_ADD', channel: 'WEB', properties: { sku: 'A-1' } });
    expect(stored.byId.get('c1').member.id).toBe(stored.byId.get('c2').member.id);
    expect(stored.byId.get('c6').member.id).not.toBe(stored.byId.get('c1').member.id);
  });

  test('the printed list of rejections stops at 100 and says how many more there are', async () => {
    const tenant = await t.tenant();
    const file = writeLines(dir, 'junk.jsonl', Array.from({ length: 150 }, (_, i) => `junk ${i}`));
    const run = await importFile('touchpoints', file, tenant);
    expect(run.code).toBe(0);
    expect(countsOf(run)).toMatchObject({ records: 150, accepted: 0, rejected: 150 });
    expect(rejectedLines(run).size).toBe(100);
    expect(run.stdout).toMatch(/\.\.\. and 50 more/);
  });
});

const order = (externalId: string, member: string, extra: Record<string, unknown> = {}) => ({
  externalId,
  member: { identity: { channel: 'WEB_ACCOUNT', externalId: member } },
  channel: 'WEB',
  status: 'PAID',
  currency: 'CNY',
  items: [{ sku: 'A', name: 'Shirt', quantity: 1, unitPrice: 5000 }],
  placedAt: '2025-03-01T08:00:00Z',
  ...extra,
});

const ORDER = `query ($id: String!) { orderByExternalId(externalId: $id) {
  status total itemsTotal discount shipping refundedAmount netAmount paidAt items { sku category quantity } } }`;

async function orderOf(tenant: TestTenant, id: string) {
  return dataOf(await t.gql(ORDER, { id }, { key: tenant.keys.ADMIN })).orderByExternalId;
}

async function orderTotal(tenant: TestTenant): Promise<number> {
  return dataOf(await t.gql('{ orders(first: 1) { totalCount } }', {}, { key: tenant.keys.ADMIN })).orders.totalCount;
}

describe('orders', () => {
  test('NDJSON: upserts by external id; re-runs find everything stored; a changed order counts as updated', async () => {
    const tenant = await t.tenant();
    const o1 = order('o1', 'w1', {
      items: [
        { sku: 'A', name: 'Shirt', quantity: 2, unitPrice: 5000 },
        { sku: 'B', name: 'Socks', category: 'Apparel', quantity: 3, unitPrice: 1000 },
      ],
      discount: 1000,
      shipping: 800,
      paidAt: '2025-03-01T08:05:00Z',
    });
    const lines = [
      o1,
      order('o2', 'w1', { items: [{ sku: 'C', name: 'Coat', quantity: 1, unitPrice: 20000 }], refundedAmount: 5000, placedAt: '2025-04-01T09:00:00Z' }),
      order('o3', 'w2', { status: 'PLACED' }),
      order('o4', 'w2', { currency: 'USD' }),
      order('o5', 'w2', { items: undefined }),
      o1,
    ];
    const file = writeLines(dir, 'orders.ndjson', lines);
    const first = await importFile('orders', file, tenant);
    expect(first.code).toBe(0);
    expect(countsOf(first)).toEqual({ records: 6, accepted: 3, updated: 0, duplicate: 1, rejected: 2 });
    const rejected = rejectedLines(first);
    expect([...rejected.keys()]).toEqual([4, 5]);
    expect(rejected.get(4)).toMatch(/CURRENCY_MISMATCH/);
    expect(rejected.get(5)).toMatch(/items must be a list/);

    expect(await orderOf(tenant, 'o1')).toMatchObject({
      status: 'PAID',
      itemsTotal: { amount: 13000 },
      discount: { amount: 1000 },
      shipping: { amount: 800 },
      total: { amount: 12800 },
      paidAt: '2025-03-01T08:05:00.000Z',
      items: [{ sku: 'A', category: null, quantity: 2 }, { sku: 'B', category: 'Apparel', quantity: 3 }],
    });
    expect(await orderOf(tenant, 'o2')).toMatchObject({ status: 'PARTIALLY_REFUNDED', refundedAmount: { amount: 5000 }, netAmount: { amount: 15000 } });
    const w1 = await memberOf(tenant, 'WEB_ACCOUNT', 'w1');
    expect(w1.purchaseStats).toEqual({ orderCount: 2, netSpend: { amount: 27800, currency: 'CNY' }, firstOrderAt: '2025-03-01T08:00:00.000Z', lastOrderAt: '2025-04-01T09:00:00.000Z' });

    const again = await importFile('orders', file, tenant);
    expect(countsOf(again)).toEqual({ records: 6, accepted: 0, updated: 0, duplicate: 4, rejected: 2 });
    expect(await orderTotal(tenant)).toBe(3);
    expect((await memberOf(tenant, 'WEB_ACCOUNT', 'w1')).purchaseStats).toEqual(w1.purchaseStats);

    lines[2] = order('o3', 'w2', { status: 'PAID' });
    const changed = await importFile('orders', writeLines(dir, 'orders.ndjson', lines), tenant);
    expect(countsOf(changed)).toEqual({ records: 6, accepted: 0, updated: 1, duplicate: 3, rejected: 2 });
    expect((await memberOf(tenant, 'WEB_ACCOUNT', 'w2')).purchaseStats.orderCount).toBe(1);
  });

  test('CSV: one line in item_* columns or many in an items JSON column', async () => {
    const tenant = await t.tenant();
    const file = path.join(dir, 'orders.csv');
    const items = JSON.stringify([{ sku: 'S2', name: 'Cup', quantity: 1, unitPrice: 4000 }, { sku: 'S3', name: 'Pot', quantity: 1, unitPrice: 6000 }]).replace(/"/g, '""');
    writeFileSync(
      file,
      [
        'external_id,identity_channel,identity_external_id,channel,status,currency,placed_at,discount,store_code,item_sku,item_name,item_category,item_quantity,item_unit_price,items',
        'k1,MEMBER_CARD,card-1,STORE,PAID,CNY,2025-05-01T09:00:00Z,0,,S1,Tea,Drinks,2,1500,',
        `k2,MEMBER_CARD,card-1,WEB,PAID,CNY,2025-05-02T09:00:00Z,500,,,,,,,"${items}"`,
        'k3,MEMBER_CARD,card-2,WEB,PAID,CNY,2025-05-03T09:00:00Z,,,S1,Tea,,two,1500,',
        'k4,MEMBER_CARD,card-2,STORE,PAID,CNY,2025-05-03T09:00:00Z,,NOSUCHSTORE,S1,Tea,,1,1500,',
      ].join('\r\n') + '\r\n',
    );
    const run = await importFile('orders', file, tenant);
    expect(run.code).toBe(0);
    expect(countsOf(run)).toMatchObject({ records: 4, accepted: 2, rejected: 2 });
    const rejected = rejectedLines(run);
    expect(rejected.get(4)).toMatch(/items\[0\]\.quantity must be a whole number/);
    expect(rejected.get(5)).toMatch(/NOT_FOUND input\.storeCode/);
    expect(await orderOf(tenant, 'k1')).toMatchObject({ total: { amount: 3000 }, items: [{ sku: 'S1', category: 'Drinks', quantity: 2 }] });
    expect(await orderOf(tenant, 'k2')).toMatchObject({ total: { amount: 9500 }, items: [{ sku: 'S2' }, { sku: 'S3' }] });
    expect((await memberOf(tenant, 'MEMBER_CARD', 'card-1')).purchaseStats).toMatchObject({ orderCount: 2, netSpend: { amount: 12500 } });
    expect(await memberOf(tenant, 'MEMBER_CARD', 'card-2')).toBeNull();
  });
});

describe('usage', () => {
  test('a missing file, an unknown tenant or format, or a bad header exit 2 before importing anything', async () => {
    const tenant = await t.tenant();
    const good = writeLines(dir, 'one.ndjson', [event('u1', 'x')]);
    const text = writeLines(dir, 'one.txt', [event('u1', 'x')]);
    const badHeader = path.join(dir, 'bad-header.csv');
    writeFileSync(badHeader, 'event_id,colour\nx,red\n');
    const cases: [string[], RegExp][] = [
      [['import', 'touchpoints', path.join(dir, 'nope.ndjson'), '--tenant', tenant.id], /no file/],
      [['import', 'touchpoints', good, '--tenant', 'No Such Tenant'], /no tenant "No Such Tenant"/],
      [['import', 'touchpoints', good], /--tenant is required/],
      [['import', 'touchpoints', text, '--tenant', tenant.id], /cannot tell the format/],
      [['import', 'orders', good, '--tenant', tenant.id, '--format', 'xml'], /--format must be ndjson or csv/],
      [['import', 'touchpoints', badHeader, '--tenant', tenant.id], /unknown CSV column "colour"/],
      [['import', 'touchpoints', '--tenant', tenant.id], /takes one FILE/],
      [['import', 'members', good, '--tenant', tenant.id], /unknown command/],
    ];
    for (const [args, message] of cases) {
      const run = await ecrm(t.databaseUrl, args);
      expect({ args, code: run.code }).toEqual({ args, code: 2 });
      expect(run.stderr).toMatch(message);
    }
    expect((await touchpoints(tenant)).total).toBe(0);
  });

  test('ecrm help documents the import commands and the CSV columns', async () => {
    const run = await ecrm(t.databaseUrl, ['help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('ecrm import touchpoints FILE');
    expect(run.stdout).toContain('ecrm import orders FILE');
    for (const column of [...CSV_COLUMNS.touchpoints, ...CSV_COLUMNS.orders]) expect(run.stdout).toContain(column);
  });
});
