import { dataOf, startTestApp, type TestApp } from './support/harness';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { Client } from 'pg';
import type { EntityManager } from '@mikro-orm/postgresql';
import { seedDemoTenant } from '../src/modules/demo/demo.service';

const ROOT = path.resolve(__dirname, '..');
const END = '2026-11-01';
const DAY = 86_400_000;
const MEMBERS = 1200;

let t: TestApp;
let db: Client;
let cli: { code: number | null; stdout: string; stderr: string };
let tenantA: string;
let ownerKey: string;

function ecrmDemo(args: string[]): Promise<typeof cli> {
  return new Promise((resolve, reject) => {
    const env = { PATH: process.env.PATH, HOME: process.env.HOME, DATABASE_URL: t.databaseUrl, LOG_LEVEL: 'silent' };
    const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'ecrm.js'), 'demo', ...args], { cwd: ROOT, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const seed = (members: number, seedValue: number) =>
  seedDemoTenant(t.orm.em.fork() as EntityManager, t.databaseUrl, { members, seed: seedValue, end: new Date(`${END}T00:00:00Z`) });

/** What must be equal for two tenants built from the same seed: counts, money, external ids, events, shape. */
async function fingerprint(tenantId: string): Promise<Record<string, unknown>> {
  const count = (table: string) => `(select count(*)::int from ${table} where tenant_id = $1)`;
  const { rows } = await db.query(
    `select ${['member', 'member_identity', 'member_consent', 'member_consent_event', 'member_tag', 'orders', 'order_item', 'order_refund', 'touchpoint', 'member_stats'].map((table) => `${count(table)} as ${table}`).join(', ')},
            (select sum(total)::text from orders where tenant_id = $1) as total,
            (select sum(refunded_amount)::text from orders where tenant_id = $1) as refunded,
            (select md5(string_agg(external_id || status || placed_at::text, ',' order by external_id)) from orders where tenant_id = $1) as orders_md5,
            (select md5(string_agg(event_id || type || occurred_at::text || coalesce(properties::text, ''), ',' order by event_id)) from touchpoint where tenant_id = $1) as events_md5,
            (select md5(string_agg(display_name || coalesce(phone, '') || coalesce(email, ''), ',' order by created_at, display_name, phone)) from member where tenant_id = $1) as members_md5,
            (select json_agg(x order by x.n) from (select order_count as n, count(*)::int as members from member_stats where tenant_id = $1 group by 1) x) as distribution`,
    [tenantId],
  );
  return rows[0];
}

beforeAll(async () => {
  t = await startTestApp();
  db = new Client({ connectionString: t.databaseUrl });
  await db.connect();
  cli = await ecrmDemo(['--members', String(MEMBERS), '--seed', '7', '--end', END]);
  tenantA = /\(([0-9a-f-]{36})\)/.exec(cli.stdout)?.[1] ?? '';
  ownerKey = /^ecrm_\S+$/m.exec(cli.stdout)?.[0] ?? '';
}, 120_000);
afterAll(async () => {
  await db?.end();
  await t?.close();
});

describe('ecrm demo', () => {
  test('creates a tenant, prints its OWNER key once and reports rows and time per table', () => {
    expect(cli.stderr).toBe('');
    expect(cli.code).toBe(0);
    expect(cli.stdout).toContain('Demo shop (seed 7)');
    expect(ownerKey).toMatch(/^ecrm_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    for (const table of ['member', 'orders', 'order_item', 'order_refund', 'touchpoint', 'member_stats']) expect(cli.stdout).toMatch(new RegExp(`^\\s+${table}\\s+[\\d,]+\\s+[\\d.]+`, 'm'));
    expect(cli.stdout).toMatch(/^\s+member\s+1,200\s/m);
  });

  test('wrong usage exits 2 without creating a tenant', async () => {
    const before = (await db.query('select count(*)::int as n from tenant')).rows[0].n;
    const run = await ecrmDemo(['--members', 'many']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--members must be a whole number/);
    expect((await db.query('select count(*)::int as n from tenant')).rows[0].n).toBe(before);
  });

  test('the same seed gives the same data; another seed gives other data', async () => {
    const again = await seed(MEMBERS, 7);
    const other = await seed(MEMBERS, 8);
    const a = await fingerprint(tenantA);
    expect(a.orders).toBeGreaterThan(MEMBERS * 5);
    expect(await fingerprint(again.tenantId)).toEqual(a);
    const b = await fingerprint(other.tenantId);
    expect(b.total).not.toEqual(a.total);
    expect(b.distribution).not.toEqual(a.distribution);
    expect(again.tenantId).not.toBe(tenantA);
  }, 120_000);

  test('--no-activity writes the same members and orders and no touchpoints', async () => {
    const quiet = await ecrmDemo(['--members', String(MEMBERS), '--seed', '7', '--end', END, '--no-activity']);
    expect(quiet.code).toBe(0);
    const tenantId = /\(([0-9a-f-]{36})\)/.exec(quiet.stdout)?.[1] ?? '';
    const { touchpoint, events_md5: _events, ...rest } = await fingerprint(tenantId);
    const { touchpoint: withActivity, events_md5: _eventsA, ...expected } = await fingerprint(tenantA);
    expect(touchpoint).toBe(0);
    expect(withActivity).toBeGreaterThan(0);
    expect(rest).toEqual(expected);
  }, 120_000);
});

describe('the demo tenant looks like a real shop', () => {
  test('purchase rhythms: one-time buyers, regulars, non-buyers and a few big spenders', async () => {
    const { rows } = await db.query(
      `select count(*) filter (where order_count = 0)::int as none, count(*) filter (where order_count = 1)::int as once,
              count(*) filter (where order_count >= 10)::int as many, max(order_count) as most,
              percentile_disc(0.99) within group (order by net_spend) as p99, percentile_disc(0.5) within group (order by net_spend) as p50
         from member_stats where tenant_id = $1`,
      [tenantA],
    );
    const shape = rows[0];
    expect(shape.none).toBeGreaterThan(MEMBERS * 0.05);
    expect(shape.once).toBeGreaterThan(MEMBERS * 0.15);
    expect(shape.many).toBeGreaterThan(MEMBERS * 0.1);
    expect(shape.most).toBeGreaterThanOrEqual(30);
    expect(Number(shape.p99)).toBeGreaterThan(Number(shape.p50) * 8);
  });

  test('two years of orders, every store type, refunds and cancellations, busier sales peaks', async () => {
    const end = Date.parse(`${END}T00:00:00Z`);
    const { rows } = await db.query(
      `select count(*) filter (where placed_at < $2)::int as first_year, count(*) filter (where placed_at >= $2)::int as second_year,
              min(placed_at) >= $3 and max(placed_at) < $4 as within,
              array(select distinct s.type from orders o join store s on s.id = o.store_id where o.tenant_id = $1 order by 1) as store_types,
              array(select distinct status from orders where tenant_id = $1 order by 1) as statuses,
              (select count(*)::int from order_refund where tenant_id = $1) as refunds,
              count(*) filter (where to_char(placed_at at time zone 'Asia/Shanghai', 'MM-DD') between '11-01' and '11-11'
                                  or to_char(placed_at at time zone 'Asia/Shanghai', 'MM-DD') between '06-01' and '06-18')::float / (2 * 29) as peak_per_day,
              count(*)::float / 730 as per_day
         from orders where tenant_id = $1`,
      [tenantA, new Date(end - 365 * DAY), new Date(end - 730 * DAY), new Date(end)],
    );
    const mix = rows[0];
    expect(mix.within).toBe(true);
    expect(mix.first_year).toBeGreaterThan(MEMBERS * 2);
    expect(mix.second_year).toBeGreaterThan(MEMBERS * 2);
    expect(mix.store_types).toEqual(['APP', 'MARKETPLACE_SHOP', 'OFFLINE_STORE', 'WEB_MALL']);
    expect(mix.statuses).toEqual(['CANCELLED', 'PAID', 'PARTIALLY_REFUNDED', 'PLACED', 'REFUNDED']);
    expect(mix.refunds).toBeGreaterThan(MEMBERS * 0.2);
    expect(mix.peak_per_day).toBeGreaterThan(mix.per_day * 1.5);
  });

  test('members have several identities and consents; touchpoints span channels and types', async () => {
    const { rows } = await db.query(
      `select (select count(*)::float from member_identity where tenant_id = $1) / $2 as identities_per_member,
              (select count(distinct channel)::int from member_identity where tenant_id = $1) as identity_channels,
              (select count(*)::int from member_consent where tenant_id = $1 and not granted) as withdrawn,
              (select count(*)::int from member_consent where tenant_id = $1 and granted) as granted,
              (select count(distinct type)::int from touchpoint where tenant_id = $1) as types,
              (select count(distinct channel)::int from touchpoint where tenant_id = $1) as channels`,
      [tenantA, MEMBERS],
    );
    expect(rows[0].identities_per_member).toBeGreaterThan(2.5);
    expect(rows[0].identity_channels).toBeGreaterThanOrEqual(7);
    expect(rows[0].granted).toBeGreaterThan(MEMBERS / 2);
    expect(rows[0].withdrawn).toBeGreaterThan(MEMBERS * 0.05);
    expect(rows[0].types).toBeGreaterThanOrEqual(15);
    expect(rows[0].channels).toBeGreaterThanOrEqual(9);
  });

  test('orders keep the order rules, and every order change has its touchpoint', async () => {
    const { rows } = await db.query(
      `select count(*) filter (where o.total <> o.items_total - o.discount + o.shipping or o.refunded_amount > o.total
                                  or o.items_total <> (select sum(i.quantity * i.unit_price) from order_item i where i.order_id = o.id)
                                  or (o.status = 'REFUNDED') <> (o.refunded_amount = o.total and o.total > 0)
                                  or (o.status = 'PARTIALLY_REFUNDED') <> (o.refunded_amount > 0 and o.refunded_amount < o.total)
                                  or (o.status in ('PLACED', 'CANCELLED')) <> (o.paid_at is null)
                                  or o.refunded_amount <> coalesce((select sum(r.amount) from order_refund r where r.order_id = o.id), 0))::int as broken,
              (select count(*)::int from orders o where o.tenant_id = $1 and o.paid_at is not null and not exists
                 (select 1 from touchpoint p where p.tenant_id = $1 and p.event_id = 'order:' || o.external_id || ':paid' and p.order_id = o.id and p.type = 'ORDER_PAID')) as unpaid_events,
              (select count(*)::int from touchpoint where tenant_id = $1 and type = 'ORDER_PLACED') as placed_events,
              (select count(*)::int from order_refund r join touchpoint p on p.order_id = r.order_id and p.type = 'REFUND'
                 and p.event_id = (select 'order:' || external_id || ':refund:' || r.refund_id from orders where id = r.order_id) where r.tenant_id = $1) as refund_events,
              (select count(*)::int from order_refund where tenant_id = $1) as refunds,
              count(*)::int as orders
         from orders o where o.tenant_id = $1`,
      [tenantA],
    );
    const check = rows[0];
    expect(check.broken).toBe(0);
    expect(check.unpaid_events).toBe(0);
    expect(check.placed_events).toBe(check.orders);
    expect(check.refund_events).toBe(check.refunds);
  });

  test('member stats equal a recomputation from the orders, for every member', async () => {
    const { rows } = await db.query(
      `select count(*)::int as members, count(*) filter (where s.member_id is null or s.order_count <> coalesce(o.n, 0) or s.net_spend <> coalesce(o.spend, 0)
                                         or s.first_order_at is distinct from o.first or s.last_order_at is distinct from o.last)::int as wrong
         from member m
         left join member_stats s on s.member_id = m.id
         left join (select member_id, count(*) as n, sum(total - refunded_amount) as spend, min(placed_at) as first, max(placed_at) as last
                      from orders where tenant_id = $1 and status in ('PAID', 'PARTIALLY_REFUNDED') group by member_id) o on o.member_id = m.id
        where m.tenant_id = $1`,
      [tenantA],
    );
    expect(rows[0]).toEqual({ members: MEMBERS, wrong: 0 });
  });
});

test('the demo data reads through the API with the printed OWNER key', async () => {
  const response = await t.gql(
    `{ members(first: 50) { totalCount edges { node { id identities { channel } purchaseStats { orderCount netSpend }
         orders(first: 3) { edges { node { externalId status total items { sku quantity } store { type } } } }
         touchpoints(first: 5) { edges { node { type channel eventId } } } } } } }`,
    {},
    { key: ownerKey },
  );
  const members = dataOf(response).members;
  expect(members.totalCount).toBe(MEMBERS);
  const buyer = members.edges.map((edge: any) => edge.node).find((node: any) => node.purchaseStats.orderCount > 1);
  expect(buyer).toBeDefined();
  expect(buyer.identities.length).toBeGreaterThan(0);
  expect(buyer.purchaseStats.netSpend.amount).toBeGreaterThan(0);
  expect(buyer.orders.edges.length).toBeGreaterThan(1);
  expect(buyer.orders.edges[0].node.externalId).toMatch(/^D7-/);
  expect(buyer.orders.edges[0].node.items.length).toBeGreaterThan(0);
  expect(buyer.touchpoints.edges.length).toBeGreaterThan(0);
});

test('ecrm serve --demo seeds a demo tenant on the first start against an empty database', async () => {
  const name = `ecrm_demo_serve_${process.pid}`;
  await db.query(`create database ${name}`);
  const url = new URL(t.databaseUrl);
  url.pathname = `/${name}`;
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, DATABASE_URL: url.toString(), PORT: '0', LOG_LEVEL: 'silent' };
  const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'ecrm.js'), 'serve', '--demo', '--members', '50', '--seed', '3'], { cwd: ROOT, env });
  try {
    const stdout = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (chunk) => {
        out += chunk;
        if (/^\s+total\s/m.test(out)) resolve(out);
      });
      child.on('close', (code) => reject(new Error(`serve exited ${code}: ${out}`)));
    });
    expect(stdout).toContain('Demo shop (seed 3)');
    expect(stdout).toMatch(/^\s+ecrm_[0-9a-f]{12}_\S{43}$/m);
    expect(stdout).not.toContain('My shop');
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('close', resolve));
    await db.query(`drop database if exists ${name} with (force)`);
  }
  const demo = { ...process.env, ECRM_DEMO_MEMBERS: 'lots' };
  const run = await new Promise<number | null>((resolve) => spawn(process.execPath, [path.join(ROOT, 'bin', 'ecrm.js'), 'serve'], { cwd: ROOT, env: { ...demo, DATABASE_URL: t.databaseUrl, LOG_LEVEL: 'silent' } }).on('close', resolve));
  expect(run).toBe(2);
}, 60_000);
