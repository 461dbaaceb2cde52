import { Client } from 'pg';
import { loadConfig } from '../../src/app/config.js';
import { migrate, openDatabase } from '../../src/app/database.js';
import { refreshMemberStats } from '../../src/modules/order/member-stats.js';
import { createTenant } from '../../src/modules/tenant/tenant.service.js';
import type { BenchContext } from '../lib/types.js';

export const TOUCHPOINTS_PER_MEMBER = 1_000;
export const ORDERS_PER_MEMBER = 100;
/** Orders k = 1..100 of a member: PAID up to 80, PARTIALLY_REFUNDED to 85, REFUNDED to 90, CANCELLED to 95, then PLACED. */
export const PURCHASES_PER_MEMBER = 85;
// Order touchpoints: placed 100 + paid 90 + cancelled 5 + refund 10; the rest are browsing and messages.
const ORDER_TOUCHPOINTS = 205;

export interface MergeTenant {
  url: string;
  tenantId: string;
  ownerKey: string;
  /** Member n (1-based) at index n - 1. */
  memberIds: string[];
  seedSeconds: number;
}

const MEMBER_ID = `md5($1::uuid::text || ':' || n)::uuid`;
const ORDER_ID = `md5($1::uuid::text || ':o:' || n || ':' || k)::uuid`;
const STATUS = `case when k <= 80 then 'PAID' when k <= 85 then 'PARTIALLY_REFUNDED' when k <= 90 then 'REFUNDED' when k <= 95 then 'CANCELLED' else 'PLACED' end`;

const STATEMENTS = [
  `insert into store (id, tenant_id, created_at, code, name, type, region, updated_at)
   select gen_random_uuid(), $1::uuid, now(), 'S' || n, 'Store ' || n, (array['WEB_MALL', 'OFFLINE_STORE'])[n], 'Region', now() from generate_series(1, 2) n`,
  `insert into member (id, tenant_id, created_at, display_name, gender, phone, email, status, registered_channel, updated_at)
   select ${MEMBER_ID}, $1::uuid, now(), case when n % 2 = 1 then 'Member ' || n end, case when n % 2 = 1 then 'UNKNOWN' else 'FEMALE' end,
          '+86139' || lpad(n::text, 8, '0'), 'merge' || n || '@example.com', 'ACTIVE', 'APP', now()
     from generate_series(1, $2::int) n`,
  `insert into member_identity (id, tenant_id, created_at, member_id, channel, external_id)
   select gen_random_uuid(), $1::uuid, now(), ${MEMBER_ID}, c, lower(c) || '-' || n
     from generate_series(1, $2::int) n cross join unnest(array['APP_USER', 'WEB_ACCOUNT']) c`,
  // Neighbours share one of their two tags, so the merge meets a conflict.
  `insert into member_tag (id, tenant_id, created_at, member_id, tag)
   select gen_random_uuid(), $1::uuid, now(), ${MEMBER_ID}, (array['vip', 'newsletter', 'gold', 'app-user'])[1 + (n + k) % 4]
     from generate_series(1, $2::int) n cross join generate_series(0, 1) k`,
  `insert into member_consent (id, tenant_id, created_at, member_id, channel, granted, source, changed_at)
   select gen_random_uuid(), $1::uuid, now(), ${MEMBER_ID}, c, n % 2 = 0, 'seed', now() - n * interval '1 hour'
     from generate_series(1, $2::int) n cross join unnest(array['SMS', 'EMAIL']) c`,
  `insert into member_consent_event (id, tenant_id, created_at, member_id, channel, granted, source, occurred_at)
   select gen_random_uuid(), $1::uuid, now(), ${MEMBER_ID}, c, n % 2 = 0, 'seed', now() - n * interval '1 hour'
     from generate_series(1, $2::int) n cross join unnest(array['SMS', 'EMAIL']) c`,
  `insert into orders (id, tenant_id, created_at, external_id, member_id, store_id, channel, status, currency, items_total, discount, shipping,
                       total, refunded_amount, placed_at, paid_at, cancelled_at, source, updated_at)
   select o.id, $1::uuid, o.placed_at, 'o-' || n || '-' || k, ${MEMBER_ID}, case when k % 2 = 1 then s.id end, case when k % 2 = 1 then 'STORE' else 'WEB' end,
          o.status, 'CNY', o.items_total, o.discount, 0, o.items_total - o.discount,
          case o.status when 'PARTIALLY_REFUNDED' then (o.items_total - o.discount) / 4 when 'REFUNDED' then o.items_total - o.discount else 0 end,
          o.placed_at, case when o.status in ('PAID', 'PARTIALLY_REFUNDED', 'REFUNDED') then o.placed_at + interval '1 hour' end,
          case when o.status = 'CANCELLED' then o.placed_at + interval '2 hours' end, 'seed', now()
     from generate_series(1, $2::int) n cross join generate_series(1, ${ORDERS_PER_MEMBER}) k
    cross join lateral (select ${ORDER_ID} as id, ${STATUS} as status, case when k % 10 = 0 then 500 else 0 end as discount,
                               timestamptz '2024-01-01 00:00:00+00' + (k * 7 + n % 5) * interval '1 day' as placed_at,
                               (select sum((1 + k % 2) * (1000 + ((n * 7 + k * 13 + j * 29) % 50) * 100)) from generate_series(1, 1 + k % 3) j)::int as items_total) o
    cross join (select id from store where tenant_id = $1 and code = 'S2') s`,
  `insert into order_item (id, tenant_id, created_at, order_id, line_no, sku, name, category, quantity, unit_price, refunded_quantity)
   select gen_random_uuid(), $1::uuid, now(), ${ORDER_ID}, j, 'SKU-' || (n + k + j) % 500, 'Product ' || (n + k + j) % 500,
          (array['shoes', 'bags', 'tops'])[1 + j % 3], 1 + k % 2, 1000 + ((n * 7 + k * 13 + j * 29) % 50) * 100, 0
     from generate_series(1, $2::int) n cross join generate_series(1, ${ORDERS_PER_MEMBER}) k cross join lateral generate_series(1, 1 + k % 3) j`,
  // Each order change as the server writes it (order-events.ts): same event ids, types and properties.
  `insert into touchpoint (id, tenant_id, created_at, member_id, type, channel, store_id, occurred_at, source, properties, event_id, order_id)
   select gen_random_uuid(), o.tenant_id, now(), o.member_id, e.type, o.channel, o.store_id, e.at, 'orders',
          jsonb_build_object('externalId', o.external_id, 'total', o.total, 'currency', o.currency) || e.extra, 'order:' || o.external_id || ':' || e.suffix, o.id
     from orders o cross join lateral (values
            ('ORDER_PLACED', o.placed_at, 'placed', '{}'::jsonb, true),
            ('ORDER_PAID', o.paid_at, 'paid', '{}', o.paid_at is not null),
            ('ORDER_CANCELLED', o.cancelled_at, 'cancelled', '{}', o.cancelled_at is not null),
            ('REFUND', o.placed_at + interval '3 days', 'refund:seed', jsonb_build_object('refundId', 'seed', 'amount', o.refunded_amount), o.refunded_amount > 0)
          ) e(type, at, suffix, extra, present)
    where o.tenant_id = $1 and e.present`,
  `insert into touchpoint (id, tenant_id, created_at, member_id, type, channel, occurred_at, source, properties, event_id)
   select gen_random_uuid(), $1::uuid, now(), ${MEMBER_ID}, (array['PAGE_VIEW', 'PRODUCT_VIEW', 'SEARCH', 'CART_ADD', 'MESSAGE_OPENED'])[1 + k % 5],
          (array['WEB', 'APP', 'WEB', 'APP', 'EMAIL'])[1 + k % 5], timestamptz '2024-01-01 00:00:00+00' + k * interval '17 hours',
          'seed', jsonb_build_object('sku', 'SKU-' || k % 500), 'seed-' || n || '-' || k
     from generate_series(1, $2::int) n cross join generate_series(1, ${TOUCHPOINTS_PER_MEMBER - ORDER_TOUCHPOINTS}) k`,
];

const TABLES = ['member', 'member_identity', 'member_tag', 'member_consent', 'member_consent_event', 'orders', 'order_item', 'touchpoint'];

/** A fresh migrated database with one tenant of `members` members, each with 1,000 touchpoints and 100 orders. */
export async function prepareMergeTenant(ctx: BenchContext, members: number): Promise<MergeTenant> {
  const pg = await ctx.postgres();
  const database = await pg.createDatabase('bench_member_merge');
  ctx.scope.defer('drop database', database.drop);
  const db = await openDatabase(loadConfig({ DATABASE_URL: database.url, LOG_LEVEL: 'warn' }));
  try {
    await migrate(db.orm);
    const created = await createTenant(db.orm.em.fork(), 'Bench merge tenant');
    const tenantId = created.tenant.id;
    const started = Date.now();
    const client = new Client({ connectionString: database.url });
    await client.connect();
    let memberIds: string[];
    try {
      await client.query('begin');
      for (const sql of STATEMENTS) await client.query(sql, sql.includes('$2') ? [tenantId, members] : [tenantId]);
      await client.query('commit');
      const { rows } = await client.query<{ id: string }>(`select ${MEMBER_ID} as id from generate_series(1, $2::int) n order by n`, [tenantId, members]);
      memberIds = rows.map((row) => row.id);
      // Stats by the server's own statement, as every order write leaves them.
      await refreshMemberStats(db.orm.em.fork(), tenantId, memberIds);
      await client.query(`vacuum (analyze) ${TABLES.join(', ')}, member_stats`);
    } finally {
      await client.end();
    }
    return { url: database.url, tenantId, ownerKey: created.owner.key, memberIds, seedSeconds: (Date.now() - started) / 1000 };
  } finally {
    await db.close();
  }
}
