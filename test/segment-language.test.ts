import { dataOf, startTestApp, type TestApp, type TestTenant } from './support/harness';
import { createMember, createStore, grantConsent } from './support/access-fixtures';
import { event, nextId, orderInput, prng, recordEvents, recordOrder, refundOrder } from './support/activity-fixtures';
import { earnPoints } from './support/points-fixtures';

/**
 * Every field, function and operator of the segment language, run through segmentPreview against members whose
 * expected sets are computed here, in JavaScript, from what the test wrote (and, for scores the server derives
 * — RFM, tier, lifecycle, points — from what the API shows of each member).
 */

let t: TestApp;
let tenant: TestTenant;
const DAY = 86_400_000;

interface Line {
  sku: string;
  category: string | null;
  quantity: number;
  unitPrice: number;
  refunded: number;
}
interface Purchase {
  placedAt: number;
  total: number;
  refunded: number;
  bought: boolean;
  store: string | null;
  channel: string;
  lines: Line[];
}
interface Model {
  id: string;
  createdAt: number;
  gender: string;
  birthday: string | null;
  province: string | null;
  city: string | null;
  store: string | null;
  registeredChannel: string | null;
  identities: string[];
  tags: string[];
  consent: Record<string, 'GRANTED' | 'DENIED' | 'UNKNOWN'>;
  orders: Purchase[];
  touchpoints: { type: string; channel: string; at: number }[];
  // Derived by the server, read back through the API.
  rfm: { group: string; cell: string; recencyScore: number; frequencyScore: number; monetaryScore: number } | null;
  tier: string | null;
  points: number;
  stage: string;
}

const members: Model[] = [];
const STORES = ['SH-001', 'BJ-002'];
const PROVINCES = ['Zhejiang', 'Jiangsu', null];
const CITIES = ['Hangzhou', 'Ningbo', 'Suzhou', null];
const TAGS = ['vip', 'staff', "o'neil", 'new-product trier'];
const CATEGORIES = ['skincare', 'drinks', null];
const CHANNELS = ['WEB', 'APP', 'STORE'];

const pick = <T>(random: () => number, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const iso = (ms: number) => new Date(ms).toISOString();

function birthdayFor(random: () => number, index: number): string | null {
  if (index % 7 === 0) return null;
  if (index % 11 === 0) return '1992-02-29';
  // Half of them near today, so anniversary windows have members on both sides.
  const now = Date.now();
  const offset = index % 2 ? Math.floor(random() * 20) - 6 : Math.floor(random() * 365);
  const day = new Date(now + offset * DAY);
  const year = 1960 + Math.floor(random() * 45);
  const month = day.getUTCMonth();
  const date = Math.min(day.getUTCDate(), month === 1 ? 28 : 30);
  return `${year}-${String(month + 1).padStart(2, '0')}-${String(date).padStart(2, '0')}`;
}

beforeAll(async () => {
  t = await startTestApp();
  tenant = await t.tenant();
  const admin = tenant.keys.ADMIN;
  const storeIds = new Map<string, string>();
  for (const code of STORES) storeIds.set(code, await createStore(t, admin, { code, name: code }));
  await t.gql('mutation($input: TierCreateInput!) { tierCreate(input: $input) { userErrors { code } } }', { input: { code: 'GOLD', name: 'Gold', threshold: 6000 } }, { key: admin });
  await t.gql('mutation($input: TierCreateInput!) { tierCreate(input: $input) { userErrors { code } } }', { input: { code: 'PLATINUM', name: 'Platinum', threshold: 15000 } }, { key: admin });

  const random = prng(20261124);
  for (let index = 0; index < 40; index++) {
    const model: Model = {
      id: '',
      createdAt: Date.now(),
      gender: pick(random, ['FEMALE', 'MALE', 'OTHER', 'UNKNOWN']),
      birthday: birthdayFor(random, index),
      province: pick(random, PROVINCES),
      city: pick(random, CITIES),
      store: pick(random, [...STORES, null]),
      registeredChannel: pick(random, ['APP', 'WEB', 'STORE', null]),
      identities: [],
      tags: TAGS.filter(() => random() < 0.3),
      consent: { SMS: 'UNKNOWN', EMAIL: 'UNKNOWN' },
      orders: [],
      touchpoints: [],
      rfm: null,
      tier: null,
      points: 0,
      stage: 'PROSPECT',
    };
    const identities = (['WECHAT_OPENID', 'WECHAT_UNIONID', 'APP_USER', 'WEB_ACCOUNT'] as const).filter(() => random() < 0.35);
    model.identities = [...identities];
    model.id = await createMember(t, admin, {
      gender: model.gender as never,
      birthday: model.birthday,
      province: model.province,
      city: model.city,
      registeredStoreId: model.store ? storeIds.get(model.store)! : null,
      registeredChannel: model.registeredChannel as never,
      tags: model.tags,
      identities: identities.map((channel) => ({ channel, externalId: nextId(channel) })),
    });
    for (const channel of ['SMS', 'EMAIL'] as const) {
      const roll = random();
      if (roll < 0.35) continue;
      const granted = roll < 0.75;
      await grantConsent(t, admin, model.id, channel, granted);
      model.consent[channel] = granted ? 'GRANTED' : 'DENIED';
    }
    const orders = index % 5 === 0 ? 0 : Math.floor(random() * 5);
    for (let n = 0; n < orders; n++) {
      const placedAt = Date.now() - Math.floor((3 + random() * 400) * DAY) - index * 60_000;
      const lines: Line[] = [0, 1].slice(0, 1 + Math.floor(random() * 2)).map((lineNo) => ({
        sku: `SKU-${lineNo}-${Math.floor(random() * 3)}`,
        category: pick(random, CATEGORIES),
        quantity: 1 + Math.floor(random() * 3),
        unitPrice: 500 * (1 + Math.floor(random() * 12)),
        refunded: 0,
      }));
      const store = pick(random, [...STORES, null]);
      const channel = pick(random, CHANNELS);
      const order = await recordOrder(
        t,
        tenant.keys.INGEST,
        orderInput(model.id, {
          placedAt: iso(placedAt),
          channel: channel as never,
          storeId: store ? storeIds.get(store)! : null,
          items: lines.map((line) => ({ sku: line.sku, name: line.sku, category: line.category, quantity: line.quantity, unitPrice: line.unitPrice })),
        }),
      );
      const purchase: Purchase = { placedAt, total: lines.reduce((sum, line) => sum + line.quantity * line.unitPrice, 0), refunded: 0, bought: true, store, channel, lines };
      const roll = random();
      if (roll < 0.12) {
        await refundOrder(t, tenant.keys.INGEST, { orderId: order.id, refundId: nextId('r'), full: true });
        purchase.refunded = purchase.total;
        purchase.bought = false;
        for (const line of lines) line.refunded = line.quantity;
      } else if (roll < 0.25) {
        const line = lines[0]!;
        await refundOrder(t, tenant.keys.INGEST, { orderId: order.id, refundId: nextId('r'), lines: [{ lineNo: 1, quantity: line.quantity }] });
        line.refunded = line.quantity;
        purchase.refunded = line.quantity * line.unitPrice;
        if (lines.length === 1) purchase.bought = false;
      }
      model.orders.push(purchase);
    }
    const views = Math.floor(random() * 6);
    const events = [];
    for (let n = 0; n < views; n++) {
      const at = Date.now() - Math.floor(random() * 12 * DAY) - 3_600_000;
      const type = pick(random, ['PRODUCT_VIEW', 'PRODUCT_VIEW', 'PAGE_VIEW']);
      const channel = pick(random, ['WEB', 'APP']);
      model.touchpoints.push({ type, channel, at });
      events.push(event(model.id, { type: type as never, channel: channel as never, occurredAt: iso(at) }));
    }
    if (events.length) await recordEvents(t, tenant.keys.INGEST, events);
    if (random() < 0.5) await earnPoints(t, admin, model.id, Math.floor(random() * 3000));
    members.push(model);
  }

  for (const job of ['RFM_REFRESH', 'LIFECYCLE_REFRESH']) {
    const run = dataOf(await t.gql('mutation($input: JobRunInput!) { jobRun(input: $input) { jobRun { state } } }', { input: { job, wait: true } }, { key: admin })).jobRun;
    expect(run.jobRun.state).toBe('COMPLETED');
  }
  // What the server derived, read through the API: the expected sets below use it as data, not the compiler.
  const read = `query($ids: [ID!]!) { nodes(ids: $ids) { ... on Member { id tier { code } pointsAccount { balance } lifecycle { stage }
    rfm { group cell recencyScore frequencyScore monetaryScore } } } }`;
  const nodes = dataOf(await t.gql(read, { ids: members.map((member) => member.id) }, { key: admin })).nodes as {
    id: string;
    tier: { code: string } | null;
    pointsAccount: { balance: number };
    lifecycle: { stage: string };
    rfm: Model['rfm'];
  }[];
  for (const node of nodes) {
    const model = members.find((member) => member.id === node.id)!;
    model.tier = node.tier?.code ?? null;
    model.points = node.pointsAccount.balance;
    model.stage = node.lifecycle.stage;
    model.rfm = node.rfm;
  }
}, 240_000);

afterAll(async () => {
  await t.close();
});

const PREVIEW = `query($query: String!) { segmentPreview(query: $query, sampleSize: 50) {
  count sample { id } userErrors { code message line column suggestion field } } }`;
const VALIDATE = `query($query: String!) { segmentQueryValidate(query: $query) { valid userErrors { code message line column suggestion } } }`;

// --- the model's view of each field -------------------------------------------------------------
const bought = (m: Model) => m.orders.filter((order) => order.bought);
const dayNumber = (ms: number) => Math.floor(ms / DAY);
const today = () => dayNumber(Date.now());
const lastOrder = (m: Model) => (bought(m).length ? Math.max(...bought(m).map((order) => order.placedAt)) : null);
const firstOrder = (m: Model) => (bought(m).length ? Math.min(...bought(m).map((order) => order.placedAt)) : null);
const netSpent = (m: Model) => bought(m).reduce((sum, order) => sum + order.total - order.refunded, 0);
const views = (m: Model, type: string, sinceDays: number, channel?: string) =>
  m.touchpoints.filter((tp) => tp.type === type && dayNumber(tp.at) >= today() - sinceDays && (!channel || tp.channel === channel)).length;
const purchased = (m: Model, test: (line: Line, order: Purchase) => boolean) =>
  bought(m).some((order) => order.lines.some((line) => line.quantity > line.refunded && test(line, order)));
function monthDay(date: string): string {
  return date.slice(5);
}
function anniversaryWithin(m: Model, fromOffset: number, toOffset: number): boolean {
  if (!m.birthday) return false;
  for (let offset = fromOffset; offset <= toOffset; offset++) {
    const day = new Date((today() + offset) * DAY);
    const md = day.toISOString().slice(5, 10);
    const year = day.getUTCFullYear();
    const leap = new Date(Date.UTC(year, 1, 29)).getUTCMonth() === 1;
    if (monthDay(m.birthday) === md || (!leap && md === '02-28' && monthDay(m.birthday) === '02-29')) return true;
  }
  return false;
}
function age(m: Model): number | null {
  if (!m.birthday) return null;
  const now = new Date(today() * DAY);
  const [y, mo, d] = m.birthday.split('-').map(Number) as [number, number, number];
  let years = now.getUTCFullYear() - y;
  if (now.getUTCMonth() + 1 < mo || (now.getUTCMonth() + 1 === mo && now.getUTCDate() < d)) years--;
  return years;
}

/** [query, the members it must match]. Between them every field, function and operator appears. */
const CASES: [string, (m: Model) => boolean][] = [
  ["rfm_group IN ('CHAMPIONS', 'LOYAL', 'POTENTIAL_LOYALIST')", (m) => ['CHAMPIONS', 'LOYAL', 'POTENTIAL_LOYALIST'].includes(m.rfm?.group ?? '')],
  ['rfm_group = LOST OR rfm_group IS NULL', (m) => !m.rfm || m.rfm.group === 'LOST'],
  ["rfm_group != 'LOST'", (m) => m.rfm?.group !== 'LOST'],
  ["rfm_cell = '5-5-5' OR rfm_cell NOT IN ('1-1-1')", (m) => m.rfm?.cell === '5-5-5' || m.rfm?.cell !== '1-1-1'],
  ['rfm_recency >= 4 AND rfm_frequency <= 3', (m) => !!m.rfm && m.rfm.recencyScore >= 4 && m.rfm.frequencyScore <= 3],
  ['rfm_monetary BETWEEN 2 AND 4', (m) => !!m.rfm && m.rfm.monetaryScore >= 2 && m.rfm.monetaryScore <= 4],
  ['rfm_monetary NOT BETWEEN 2 AND 4', (m) => !(m.rfm && m.rfm.monetaryScore >= 2 && m.rfm.monetaryScore <= 4)],
  ['rfm_recency IS NOT NULL', (m) => !!m.rfm],
  ['lifecycle_stage = PROSPECT', (m) => m.stage === 'PROSPECT'],
  ["lifecycle_stage IN ('ACTIVE', NEW, AT_RISK)", (m) => ['ACTIVE', 'NEW', 'AT_RISK'].includes(m.stage)],
  ['lifecycle_stage NOT IN (LAPSED)', (m) => m.stage !== 'LAPSED'],
  ['order_count >= 2', (m) => bought(m).length >= 2],
  ['order_count = 0', (m) => bought(m).length === 0],
  ['order_count IN (1, 3)', (m) => [1, 3].includes(bought(m).length)],
  ['order_count != 1', (m) => bought(m).length !== 1],
  ['net_spent >= 50.00', (m) => netSpent(m) >= 5000],
  ['net_spent < 100 AND net_spent > 0', (m) => netSpent(m) < 10000 && netSpent(m) > 0],
  ['net_spent BETWEEN 20 AND 80.5', (m) => netSpent(m) >= 2000 && netSpent(m) <= 8050],
  ['avg_order_value > 40', (m) => bought(m).length > 0 && netSpent(m) / bought(m).length > 4000],
  ['avg_order_value IS NULL', (m) => bought(m).length === 0],
  ['last_order_date < -60d', (m) => lastOrder(m) !== null && dayNumber(lastOrder(m)!) < today() - 60],
  ['last_order_date >= -90d', (m) => lastOrder(m) !== null && dayNumber(lastOrder(m)!) >= today() - 90],
  ['last_order_date > -3m', (m) => lastOrder(m) !== null && dayNumber(lastOrder(m)!) > dayNumber(monthsAgo(3))],
  ['last_order_date <= -10w', (m) => lastOrder(m) !== null && dayNumber(lastOrder(m)!) <= today() - 70],
  ['last_order_date BETWEEN -200d AND -100d', (m) => lastOrder(m) !== null && dayNumber(lastOrder(m)!) >= today() - 200 && dayNumber(lastOrder(m)!) <= today() - 100],
  ['last_order_date NOT BETWEEN -200d AND -100d', (m) => !(lastOrder(m) !== null && dayNumber(lastOrder(m)!) >= today() - 200 && dayNumber(lastOrder(m)!) <= today() - 100)],
  ['first_order_date < -1y', (m) => firstOrder(m) !== null && dayNumber(firstOrder(m)!) < dayNumber(monthsAgo(12))],
  ['first_order_date IS NULL', (m) => firstOrder(m) === null],
  ['member_since = today AND member_since != -1d', () => true],
  [`member_since >= '${new Date(Date.now() + 2 * DAY).toISOString().slice(0, 10)}'`, () => false],
  ['points_balance >= 1000', (m) => m.points >= 1000],
  ['points_balance = 0', (m) => m.points === 0],
  ["tier IN ('GOLD', 'PLATINUM')", (m) => m.tier === 'GOLD' || m.tier === 'PLATINUM'],
  ["tier != 'GOLD'", (m) => m.tier !== 'GOLD'],
  ['tier IS NULL', (m) => m.tier === null],
  ['birthday BETWEEN today AND +7d', (m) => anniversaryWithin(m, 0, 7)],
  ['birthday = today', (m) => anniversaryWithin(m, 0, 0)],
  ['birthday BETWEEN -3d AND +40d', (m) => anniversaryWithin(m, -3, 40)],
  ['birthday IS NULL', (m) => m.birthday === null],
  ['age BETWEEN 25 AND 45', (m) => age(m) !== null && age(m)! >= 25 && age(m)! <= 45],
  ['gender = FEMALE', (m) => m.gender === 'FEMALE'],
  ["gender IN ('MALE', OTHER)", (m) => m.gender === 'MALE' || m.gender === 'OTHER'],
  ["region.province = 'Zhejiang'", (m) => m.province === 'Zhejiang'],
  ["region.province != 'Zhejiang'", (m) => m.province !== 'Zhejiang'],
  ["region.city IN ('Hangzhou', 'Suzhou')", (m) => m.city === 'Hangzhou' || m.city === 'Suzhou'],
  ['region.city IS NULL', (m) => m.city === null],
  ["store = 'SH-001'", (m) => m.store === 'SH-001'],
  ['store IS NOT NULL', (m) => m.store !== null],
  ['registered_channel = APP', (m) => m.registeredChannel === 'APP'],
  ['registered_channel IS NULL', (m) => m.registeredChannel === null],
  ['consent.sms = GRANTED', (m) => m.consent.SMS === 'GRANTED'],
  ["consent.email = 'DENIED'", (m) => m.consent.EMAIL === 'DENIED'],
  ['consent.sms = UNKNOWN AND consent.email != GRANTED', (m) => m.consent.SMS === 'UNKNOWN' && m.consent.EMAIL !== 'GRANTED'],
  ['consent.push = UNKNOWN AND consent.chat = UNKNOWN', () => true],
  ['identity.channel = WECHAT', (m) => m.identities.some((channel) => channel.startsWith('WECHAT'))],
  ['identity.channel = WECHAT_UNIONID', (m) => m.identities.includes('WECHAT_UNIONID')],
  ['identity.channel != APP_USER', (m) => !m.identities.includes('APP_USER')],
  ['identity.channel IN (APP_USER, WEB_ACCOUNT)', (m) => m.identities.includes('APP_USER') || m.identities.includes('WEB_ACCOUNT')],
  ['identity.channel NOT IN (APP_USER, WEB_ACCOUNT)', (m) => !m.identities.includes('APP_USER') && !m.identities.includes('WEB_ACCOUNT')],
  ['identity.channel CONTAINS WEB_ACCOUNT', (m) => m.identities.includes('WEB_ACCOUNT')],
  ['identity.channel IS NULL', (m) => m.identities.length === 0],
  ["tags CONTAINS 'vip'", (m) => m.tags.includes('vip')],
  ["NOT tags CONTAINS 'staff'", (m) => !m.tags.includes('staff')],
  ["tags CONTAINS 'o''neil'", (m) => m.tags.includes("o'neil")],
  ["tags IN ('vip', 'new-product trier')", (m) => m.tags.includes('vip') || m.tags.includes('new-product trier')],
  ["tags NOT IN ('vip', 'staff')", (m) => !m.tags.includes('vip') && !m.tags.includes('staff')],
  ["tags = 'vip' AND tags != 'staff'", (m) => m.tags.includes('vip') && !m.tags.includes('staff')],
  ['tags IS NULL', (m) => m.tags.length === 0],
  ['tags IS NOT NULL', (m) => m.tags.length > 0],
  ["touchpoint_count(type: 'PRODUCT_VIEW', since: -7d) >= 2", (m) => views(m, 'PRODUCT_VIEW', 7) >= 2],
  ['touchpoint_count(since: -5d, type: PAGE_VIEW, channel: APP) = 0', (m) => views(m, 'PAGE_VIEW', 5, 'APP') === 0],
  ['touchpoint_count(type: PRODUCT_VIEW, until: -6d) > 0', (m) => m.touchpoints.some((tp) => tp.type === 'PRODUCT_VIEW' && dayNumber(tp.at) <= today() - 6)],
  ["products_purchased(category: 'skincare', since: -90d)", (m) => purchased(m, (line, order) => line.category === 'skincare' && dayNumber(order.placedAt) >= today() - 90)],
  ["NOT products_purchased(category: 'drinks')", (m) => !purchased(m, (line) => line.category === 'drinks')],
  ["products_purchased(sku: 'SKU-0-1', store: 'BJ-002') = true", (m) => purchased(m, (line, order) => line.sku === 'SKU-0-1' && order.store === 'BJ-002')],
  ["products_purchased(sku: 'SKU-0-0', channel: STORE) = false", (m) => !purchased(m, (line, order) => line.sku === 'SKU-0-0' && order.channel === 'STORE')],
  ["products_purchased(category: 'skincare', until: -200d)", (m) => purchased(m, (line, order) => line.category === 'skincare' && dayNumber(order.placedAt) <= today() - 200)],
  ['orders_placed(since: -180d) >= 2', (m) => bought(m).filter((order) => dayNumber(order.placedAt) >= today() - 180).length >= 2],
  ["orders_placed(store: 'SH-001', channel: WEB) >= 1", (m) => bought(m).some((order) => order.store === 'SH-001' && order.channel === 'WEB')],
  ['amount_spent(since: -365d) >= 100', (m) => bought(m).filter((order) => dayNumber(order.placedAt) >= today() - 365).reduce((sum, order) => sum + order.total - order.refunded, 0) >= 10000],
  [
    "(rfm_group IN ('CHAMPIONS', 'LOYAL') AND last_order_date < -60d) OR NOT (net_spent >= 50 OR tags CONTAINS 'vip')",
    (m) => (['CHAMPIONS', 'LOYAL'].includes(m.rfm?.group ?? '') && lastOrder(m) !== null && dayNumber(lastOrder(m)!) < today() - 60) || !(netSpent(m) >= 5000 || m.tags.includes('vip')),
  ],
  ['order_count >= 1 AND -- buyers only\n  consent.sms = GRANTED or gender = MALE', (m) => (bought(m).length >= 1 && m.consent.SMS === 'GRANTED') || m.gender === 'MALE'],
];

function monthsAgo(months: number): number {
  const date = new Date(today() * DAY);
  const day = date.getUTCDate();
  date.setUTCDate(1);
  date.setUTCMonth(date.getUTCMonth() - months);
  const last = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0)).getUTCDate();
  date.setUTCDate(Math.min(day, last));
  return date.getTime();
}

async function preview(query: string, key = tenant.keys.ANALYST) {
  return dataOf(await t.gql(PREVIEW, { query }, { key })).segmentPreview as {
    count: number | null;
    sample: { id: string }[];
    userErrors: { code: string; message: string; line: number; column: number; suggestion: string | null; field: string[] }[];
  };
}

test('the generated members cover both sides of the cases', () => {
  // A case matching all or none of the members would not show a wrong operator.
  const trivial = CASES.filter(([query, expected]) => {
    const matched = members.filter(expected).length;
    return (matched === 0 || matched === members.length) && !/member_since|consent\.push/.test(query);
  });
  expect(trivial.map(([query]) => query)).toEqual([]);
});

test.each(CASES)('%s', async (query, expected) => {
  for (let attempt = 0; attempt < 2; attempt++) {
    const day = today();
    const result = await preview(query);
    if (today() !== day) continue; // midnight passed during the request
    expect(result.userErrors).toEqual([]);
    const want = members.filter(expected).map((m) => m.id).sort();
    expect(result.sample.map((m) => m.id).sort()).toEqual(want);
    expect(result.count).toBe(want.length);
    return;
  }
});

test('a query is one parameterised statement: no value from the text reaches the SQL', async () => {
  const marker = "zz'marker";
  const { result, sql } = await t.countSql(() => preview(`tags CONTAINS 'zz''marker' OR region.city = 'zz''marker' OR net_spent >= 12345.67`));
  expect(result.count).toBe(members.filter((m) => netSpent(m) >= 1234567).length);
  const counting = sql.filter((text) => text.includes('count(*)') && text.includes('member_tag'));
  expect(counting).toHaveLength(1);
  expect(sql.filter((text) => text.includes(marker) || text.includes('marker') || text.includes('1234567') || text.includes('12345.67'))).toEqual([]);
});

const PAYLOADS = ["'; drop table member; --", "x' or '1'='1", 'x\\\'); delete from member_tag; --', '?', '$1', "' || (select pg_sleep(5)) || '", '"quoted"', '%', "\\' OR 1=1 --"];

test('injection attempts through every literal position and function argument fail safely', async () => {
  const before = await preview('order_count >= 0');
  const quote = (payload: string) => `'${payload.replace(/'/g, "''")}'`;
  const stringPositions = (p: string) => [
    `tags CONTAINS ${p}`,
    `tags IN (${p}, 'vip')`,
    `region.province = ${p}`,
    `region.city NOT IN (${p})`,
    `store = ${p}`,
    `tier IN (${p})`,
    `rfm_cell = ${p}`,
    `products_purchased(category: ${p})`,
    `products_purchased(sku: ${p}, store: ${p})`,
    `orders_placed(store: ${p}) > 0`,
    `amount_spent(store: ${p}) > 0`,
    `touchpoint_count(custom: ${p}) > 0`,
  ];
  for (const payload of PAYLOADS) {
    for (const query of stringPositions(quote(payload))) {
      const result = await preview(query);
      expect({ query, errors: result.userErrors }).toEqual({ query, errors: [] });
      // Strings are compared, never executed: NOT IN of an unknown value keeps everyone with a city.
      if (query.startsWith('region.city NOT IN')) expect(result.count).toBe(members.length);
      else if (query.startsWith('tags IN')) expect(result.count).toBe(members.filter((m) => m.tags.includes('vip')).length);
      else expect(result.count).toBe(0);
    }
    const refused = [
      `gender = ${quote(payload)}`,
      `consent.sms = ${quote(payload)}`,
      `identity.channel = ${quote(payload)}`,
      `lifecycle_stage IN (${quote(payload)})`,
      `rfm_group = ${quote(payload)}`,
      `touchpoint_count(type: ${quote(payload)}) > 0`,
      `touchpoint_count(channel: ${quote(payload)}) > 0`,
      `last_order_date < ${quote(payload)}`,
      `birthday BETWEEN ${quote(payload)} AND today`,
      `orders_placed(since: ${quote(payload)}) > 0`,
    ];
    for (const query of refused) {
      const result = await preview(query);
      expect({ query, codes: result.userErrors.map((error) => error.code), count: result.count }).toEqual({ query, codes: ['BAD_VALUE'], count: null });
    }
  }
  for (const query of ['net_spent >= 1; drop table member', "order_count >= 1) or (1=1", 'order_count >= 1 --\n; delete from member', 'tags CONTAINS "vip"']) {
    const result = await preview(query);
    expect({ query, valid: result.userErrors.length > 0 }).toEqual({ query, valid: true });
  }
  const after = await preview('order_count >= 0');
  expect(after.count).toBe(before.count);
  expect(after.count).toBe(members.length);
  expect((await preview("tags CONTAINS 'vip'")).count).toBe(members.filter((m) => m.tags.includes('vip')).length);
});

test('errors carry line, column, code and a suggestion', async () => {
  const check = async (query: string) => dataOf(await t.gql(VALIDATE, { query }, { key: tenant.keys.ANALYST })).segmentQueryValidate;
  expect(await check("rfm_group IN ('CHAMPIONS')")).toEqual({ valid: true, userErrors: [] });
  expect((await check('rfm_grop = LOST')).userErrors).toEqual([
    { code: 'UNKNOWN_FIELD', message: 'line 1, column 1: unknown field "rfm_grop"', line: 1, column: 1, suggestion: 'did you mean "rfm_group"?' },
  ]);
  const multi = await check("order_count >= 2\n  AND net_spend > 5\n  AND consent.sms = GRANTD");
  expect(multi.valid).toBe(false);
  expect(multi.userErrors.map((e: { code: string; line: number; column: number; suggestion: string | null }) => [e.code, e.line, e.column, e.suggestion])).toEqual([
    ['UNKNOWN_FIELD', 2, 7, 'did you mean "net_spent"?'],
    ['BAD_VALUE', 3, 21, 'did you mean GRANTED?'],
  ]);
  const cases: [string, string, number, number][] = [
    ['order_count >= 2 AND', 'SYNTAX', 1, 21],
    ["tags CONTAINS 'vip", 'SYNTAX', 1, 15],
    ['(order_count >= 2', 'SYNTAX', 1, 18],
    ['order_count >= 2 tags', 'SYNTAX', 1, 18],
    ["tags NOT CONTAINS 'x'", 'SYNTAX', 1, 6],
    ['net_spent CONTAINS 5', 'TYPE_MISMATCH', 1, 11],
    ['order_count >= 1.5', 'BAD_VALUE', 1, 16],
    ['net_spent >= 5.001', 'BAD_VALUE', 1, 14],
    ["tags CONTAINS vip", 'TYPE_MISMATCH', 1, 15],
    ['order_count', 'TYPE_MISMATCH', 1, 1],
    ['tags(x: 1) IS NULL', 'TYPE_MISMATCH', 1, 1],
    ['touchpoint_count(typ: PAGE_VIEW) > 1', 'UNKNOWN_ARGUMENT', 1, 18],
    ['touchpoint_count(since: -1d, since: -2d) > 1', 'UNKNOWN_ARGUMENT', 1, 30],
    ['products_purchased(since: -3d)', 'UNKNOWN_ARGUMENT', 1, 1],
    ["last_order_date < '2026-02-30'", 'BAD_VALUE', 1, 19],
    ['last_order_date BETWEEN today AND -3d', 'BAD_VALUE', 1, 25],
    ['birthday > today', 'TYPE_MISMATCH', 1, 10],
    ['', 'SYNTAX', 1, 1],
    ['order_count >= 1 AND '.repeat(201) + 'order_count >= 1', 'TOO_COMPLEX', 1, 4201],
    ['x'.repeat(10_001), 'TOO_COMPLEX', 1, 1],
  ];
  for (const [query, code, line, column] of cases) {
    const result = await check(query);
    expect({ query: query.slice(0, 60), errors: result.userErrors.map((e: { code: string; line: number; column: number }) => [e.code, e.line, e.column]) }).toEqual({
      query: query.slice(0, 60),
      errors: [[code, line, column]],
    });
  }
  const preview400 = await preview('net_spend > 5');
  expect(preview400.count).toBeNull();
  expect(preview400.userErrors[0]).toMatchObject({ field: ['query'], code: 'UNKNOWN_FIELD', suggestion: 'did you mean "net_spent"?' });
});

test('segmentFilters describes every field with its type, operators and examples that validate', async () => {
  const filters = dataOf(
    await t.gql('{ segmentFilters { name type operators description examples enumValues arguments { name type description enumValues } } }', {}, { key: tenant.keys.ANALYST }),
  ).segmentFilters as { name: string; type: string; operators: string[]; description: string; examples: string[]; enumValues: string[] | null; arguments: { name: string }[] | null }[];
  const names = filters.map((filter) => filter.name);
  for (const name of ['rfm_group', 'last_order_date', 'net_spent', 'touchpoint_count', 'products_purchased', 'points_balance', 'tier', 'birthday', 'region.province', 'consent.sms', 'lifecycle_stage', 'store', 'identity.channel', 'tags']) {
    expect(names).toContain(name);
  }
  expect(filters.find((filter) => filter.name === 'net_spent')).toMatchObject({ type: 'MONEY', operators: expect.arrayContaining(['>=', 'BETWEEN', 'IS NULL']) });
  expect(filters.find((filter) => filter.name === 'lifecycle_stage')!.enumValues).toEqual(['PROSPECT', 'NEW', 'ACTIVE', 'AT_RISK', 'LAPSED', 'REACTIVATED']);
  expect(filters.find((filter) => filter.name === 'touchpoint_count')!.arguments!.map((arg) => arg.name)).toEqual(['type', 'custom', 'channel', 'since', 'until']);
  for (const filter of filters) {
    expect(filter.description.length).toBeGreaterThan(10);
    for (const example of filter.examples) {
      const result = dataOf(await t.gql(VALIDATE, { query: example }, { key: tenant.keys.ANALYST })).segmentQueryValidate;
      expect({ example, valid: result.valid }).toEqual({ example, valid: true });
    }
  }
});
