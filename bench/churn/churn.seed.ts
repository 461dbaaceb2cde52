import { Client } from 'pg';
import type { BenchContext } from '../lib/types.js';

/**
 * The churn benchmark's data, set-based: one tenant of `members` buyers with member_stats as refreshMemberStats
 * would leave them, and about two touchpoints per member in the 180 days before `now`. Member n's id is
 * md5(tenant:n)::uuid, so later steps can name members without reading them back.
 */
export const MEMBER_ID = (n: string) => `md5($1::uuid::text || ':' || ${n})::uuid`;

const MEMBERS_SQL = `
insert into member (id, tenant_id, created_at, display_name, gender, status, registered_channel, updated_at)
select ${MEMBER_ID('n')}, $1, $2::timestamptz - interval '800 days' + n * interval '1 second', 'Member ' || n,
       (array['FEMALE', 'MALE', 'OTHER', 'UNKNOWN'])[1 + n % 4], 'ACTIVE', (array['WEB', 'APP', 'MARKETPLACE', 'STORE'])[1 + n % 4], $2
  from generate_series(1, $3::int) n`;

/**
 * 40% one-time buyers; the others 2–20 orders (skewed low), first order within the last two years, last one
 * between it and now (skewed recent); about 10% of repeat buyers ordered twice on one day (purchase_days one
 * less than order_count). Every first order is at least a day old, so BG/NBD ages are positive.
 */
const STATS_SQL = `
insert into member_stats (member_id, tenant_id, first_order_at, last_order_at, order_count, purchase_days, net_spend, updated_at)
select ${MEMBER_ID('n')}, $1, first_at,
       case when orders = 1 then first_at else first_at + sqrt(u5) * ($2::timestamptz - interval '1 hour' - first_at) end,
       orders, case when orders > 1 and u4 < 0.1 then orders - 1 else orders end,
       orders * (3000 + floor(u4 * 30000))::bigint, $2
  from (select n, u4, u5, case when u1 < 0.4 then 1 else 2 + floor(u2 * u2 * 19)::int end as orders,
               $2::timestamptz - (1 + u3 * 729) * interval '1 day' as first_at
          from (select n, random() as u1, random() as u2, random() as u3, random() as u4, random() as u5
                  from generate_series(1, $3::int) n) r) shaped`;

/** $4 touchpoints on random members: page views, message opens, refunds, complaints, uniform over 180 days. */
const TOUCHPOINTS_SQL = `
insert into touchpoint (id, tenant_id, created_at, member_id, type, channel, occurred_at, event_id)
select gen_random_uuid(), $1, $2, ${MEMBER_ID('(1 + floor(u1 * $3::int))::int')},
       case when u2 < 0.5 then 'PAGE_VIEW' when u2 < 0.85 then 'MESSAGE_OPENED' when u2 < 0.93 then 'REFUND' else 'COMPLAINT' end,
       case when u2 < 0.5 then 'WEB' when u2 < 0.85 then 'EMAIL' else 'CHAT' end,
       $2::timestamptz - u3 * interval '180 days', 'bench-' || k
  from (select k, random() as u1, random() as u2, random() as u3 from generate_series(1, $4::int) k) r`;

export interface SeedReport {
  members: number;
  touchpoints: number;
  oneTimeBuyers: number;
  seedSeconds: number;
}

export async function seedChurnData(ctx: BenchContext, url: string, tenantId: string, now: Date, members: number): Promise<SeedReport> {
  const started = Date.now();
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('begin');
    await client.query('select setseed(0.42)');
    await client.query(MEMBERS_SQL, [tenantId, now, members]);
    await client.query(STATS_SQL, [tenantId, now, members]);
    const { rowCount } = await client.query(TOUCHPOINTS_SQL, [tenantId, now, members, 2 * members]);
    await client.query('commit');
    ctx.log(`seeded ${members} members, their stats and ${rowCount} touchpoints in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    await client.query('vacuum (analyze) member, member_stats, touchpoint');
    const { rows } = await client.query<{ one: number }>('select count(*) filter (where order_count = 1)::int as one from member_stats where tenant_id = $1', [tenantId]);
    return { members, touchpoints: rowCount ?? 0, oneTimeBuyers: rows[0]!.one, seedSeconds: (Date.now() - started) / 1000 };
  } finally {
    await client.end();
  }
}

/** Ids of members 1..count (the ones the fan-out gives crossings). */
export async function firstMemberIds(url: string, tenantId: string, count: number): Promise<string[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ id: string }>(`select ${MEMBER_ID('n')} as id from generate_series(1, $2::int) n`, [tenantId, count]);
    return rows.map((row) => row.id);
  } finally {
    await client.end();
  }
}
