import { Client } from 'pg';
import type { BenchContext } from '../lib/types.js';

/** Member n's id is md5(tenant:n)::uuid, as in the churn benchmark, so steps can name members without reading them back. */
const MEMBER_ID = (n: string) => `md5($1::uuid::text || ':' || ${n})::uuid`;

/** Every member ACTIVE with a display name; 1% (n % 100 = 99) have no phone, so they are NO_ADDRESS. */
const MEMBERS_SQL = `
insert into member (id, tenant_id, created_at, display_name, phone, gender, status, registered_channel, updated_at)
select ${MEMBER_ID('n')}, $1, $2::timestamptz - interval '800 days' + n * interval '1 second', 'Member ' || n,
       case when n % 100 = 99 then null else '+86138' || lpad(n::text, 8, '0') end,
       (array['FEMALE', 'MALE', 'OTHER', 'UNKNOWN'])[1 + n % 4], 'ACTIVE', 'APP', $2
  from generate_series(1, $3::int) n`;

/** SMS consent granted for 95% of members; of the rest half refused it (a row with granted = false), half never answered (no row). */
const CONSENT_SQL = `
insert into member_consent (id, tenant_id, created_at, member_id, channel, granted, source, changed_at)
select gen_random_uuid(), $1, $2, ${MEMBER_ID('n')}, 'SMS', n % 40 <> 0, 'bench', $2
  from generate_series(1, $3::int) n
 where n % 40 <> 20`;

/** 80% of members have a points account (the {{points}} variable), a third a tier (Silver or Gold; {{tier}}). */
const POINTS_SQL = `
insert into points_account (id, tenant_id, created_at, member_id, balance, earned, updated_at)
select gen_random_uuid(), $1, $2, ${MEMBER_ID('n')}, (n * 37) % 5000, (n * 37) % 5000, $2
  from generate_series(1, $3::int) n
 where n % 5 <> 0`;

const TIERS_SQL = `
insert into tier (id, tenant_id, created_at, code, name, threshold, benefits, updated_at)
values (md5($1::uuid::text || ':silver')::uuid, $1::uuid, $2::timestamptz, 'SILVER', 'Silver', 0, '[]'::jsonb, $2::timestamptz),
       (md5($1::uuid::text || ':gold')::uuid, $1::uuid, $2::timestamptz, 'GOLD', 'Gold', 100000, '[]'::jsonb, $2::timestamptz)`;

const MEMBER_TIERS_SQL = `
insert into member_tier (member_id, tenant_id, tier_id, growth_value, updated_at)
select ${MEMBER_ID('n')}, $1, md5($1::uuid::text || case when n % 9 = 0 then ':gold' else ':silver' end)::uuid, 0, $2
  from generate_series(1, $3::int) n
 where n % 3 = 0`;

export interface MemberSeed {
  members: number;
  consented: number;
  seedSeconds: number;
}

/** One tenant's members, SMS consents, points accounts and tiers, set-based in one transaction. */
export async function seedMembers(ctx: BenchContext, url: string, tenantId: string, now: Date, members: number): Promise<MemberSeed> {
  const started = Date.now();
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('set statement_timeout = 0');
    await client.query('begin');
    await client.query(MEMBERS_SQL, [tenantId, now, members]);
    const consents = await client.query(CONSENT_SQL, [tenantId, now, members]);
    await client.query(POINTS_SQL, [tenantId, now, members]);
    await client.query(TIERS_SQL, [tenantId, now]);
    await client.query(MEMBER_TIERS_SQL, [tenantId, now, members]);
    await client.query('commit');
    await client.query('vacuum (analyze) member, member_consent, points_account, tier, member_tier');
    const { rows } = await client.query<{ n: number }>(`select count(*)::int as n from member_consent where tenant_id = $1 and channel = 'SMS' and granted`, [tenantId]);
    const seedSeconds = (Date.now() - started) / 1000;
    ctx.log(`seeded ${members} members (${consents.rowCount} SMS consent rows, ${rows[0]!.n} granted) in ${seedSeconds.toFixed(1)} s`);
    return { members, consented: rows[0]!.n, seedSeconds };
  } finally {
    await client.end();
  }
}

/**
 * Outcomes for the report, after the product campaign was sent (its deliveries give each member's t0):
 * - orders in the attribution window of a random ~10% of the campaign's members (1 or 2 each, placed within
 *   `attributionDays - 1` days of the delivery; 1 in 10 REFUNDED, so not a purchase; 1 in 10 partly refunded);
 * - an earlier order (10 to 300 days before) for ~30% of members, so the "prior buyer" probe finds something;
 * - MESSAGE_OPENED touchpoints naming ~25% of the SENT deliveries, MESSAGE_CLICKED for ~5%;
 * - member_stats refreshed from those orders.
 */
const WINDOW_ORDERS_SQL = `
insert into orders (id, tenant_id, created_at, external_id, member_id, channel, status, currency, items_total, total, refunded_amount, placed_at, paid_at, updated_at)
select gen_random_uuid(), $1, $3, 'bench-w-' || x.id || '-' || x.k, x.member_id, 'WEB',
       case when x.u2 < 0.1 then 'REFUNDED' when x.u2 < 0.2 then 'PARTIALLY_REFUNDED' else 'PAID' end, $4,
       x.amount, x.amount, case when x.u2 < 0.1 then x.amount when x.u2 < 0.2 then x.amount / 4 else 0 end,
       x.created_at + x.u3 * ($5::int - 1) * interval '1 day', x.created_at + x.u3 * ($5::int - 1) * interval '1 day', $3
  from (select d.id, d.member_id, d.created_at, k, random() as u2, random() as u3, (1000 + floor(random() * 50000))::int as amount
          from (select d.id, d.member_id, d.created_at, random() as u1 from campaign_delivery d where d.tenant_id = $1 and d.campaign_id = $2) d
         cross join lateral generate_series(1, case when d.u1 < 0.03 then 2 else 1 end) k
         where d.u1 < 0.1) x`;

const PRIOR_ORDERS_SQL = `
insert into orders (id, tenant_id, created_at, external_id, member_id, channel, status, currency, items_total, total, refunded_amount, placed_at, paid_at, updated_at)
select gen_random_uuid(), $1, $3, 'bench-p-' || d.id, d.member_id, 'APP', 'PAID', $4, amount, amount, 0,
       d.created_at - (10 + u * 290) * interval '1 day', d.created_at - (10 + u * 290) * interval '1 day', $3
  from (select d.id, d.member_id, d.created_at, random() as r, random() as u, (1000 + floor(random() * 50000))::int as amount
          from campaign_delivery d where d.tenant_id = $1 and d.campaign_id = $2) d
 where d.r < 0.3`;

const OPENS_SQL = `
insert into touchpoint (id, tenant_id, created_at, member_id, type, channel, occurred_at, source, event_id, delivery_id)
select gen_random_uuid(), $1, $3, d.member_id, e.type, 'SMS', d.sent_at + interval '1 hour', 'bench', 'bench-' || e.type || '-' || d.id, d.id
  from (select d.id, d.member_id, d.sent_at, random() as u from campaign_delivery d where d.tenant_id = $1 and d.campaign_id = $2 and d.state = 'SENT') d
 cross join lateral (values ('MESSAGE_OPENED', 0.25), ('MESSAGE_CLICKED', 0.05)) as e(type, share)
 where d.u < e.share`;

/**
 * member_stats as the product keeps it when orders are recorded (first and last purchase, counts, net spend over
 * PAID and PARTIALLY_REFUNDED orders): the report's "bought before" reads first_order_at.
 */
const MEMBER_STATS_SQL = `
insert into member_stats (member_id, tenant_id, first_order_at, last_order_at, order_count, purchase_days, net_spend, updated_at)
select o.member_id, o.tenant_id, min(o.placed_at), max(o.placed_at), count(*), count(distinct (o.placed_at at time zone 'UTC')::date),
       sum(o.total - o.refunded_amount), now()
  from orders o
 where o.tenant_id = $1 and o.status in ('PAID', 'PARTIALLY_REFUNDED')
 group by o.member_id, o.tenant_id
on conflict (member_id) do update
   set first_order_at = excluded.first_order_at, last_order_at = excluded.last_order_at, order_count = excluded.order_count,
       purchase_days = excluded.purchase_days, net_spend = excluded.net_spend, updated_at = excluded.updated_at`;

export interface OutcomeSeed {
  windowOrders: number;
  priorOrders: number;
  touchpoints: number;
  seedSeconds: number;
}

export async function seedOutcomes(ctx: BenchContext, url: string, tenantId: string, campaignId: string, now: Date, attributionDays: number): Promise<OutcomeSeed> {
  const started = Date.now();
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('set statement_timeout = 0');
    const { rows } = await client.query<{ currency: string }>('select currency from tenant where id = $1', [tenantId]);
    const params = [tenantId, campaignId, now, rows[0]!.currency];
    await client.query('begin');
    await client.query('select setseed(0.17)');
    const window = await client.query(WINDOW_ORDERS_SQL, [...params, attributionDays]);
    const prior = await client.query(PRIOR_ORDERS_SQL, params);
    const opens = await client.query(OPENS_SQL, [tenantId, campaignId, now]);
    await client.query(MEMBER_STATS_SQL, [tenantId]);
    await client.query('commit');
    await client.query('vacuum (analyze) orders, touchpoint, campaign_delivery, member_stats');
    const seedSeconds = (Date.now() - started) / 1000;
    ctx.log(`outcomes: ${window.rowCount} window orders, ${prior.rowCount} prior orders, ${opens.rowCount} open/click touchpoints in ${seedSeconds.toFixed(1)} s`);
    return { windowOrders: window.rowCount ?? 0, priorOrders: prior.rowCount ?? 0, touchpoints: opens.rowCount ?? 0, seedSeconds };
  } finally {
    await client.end();
  }
}
