import { Client } from 'pg';

// Member n's id is derived from (tenant, n), so every child table is filled by one set-based
// statement without a round trip per member. $1 = tenant id, $2 = number of members.
const MEMBER_ID = `md5($1::uuid::text || ':' || n)::uuid`;
const BORN = `timestamptz '2024-01-01 00:00:00+00' + n * interval '1 minute'`;

const STATEMENTS = [
  `insert into store (id, tenant_id, created_at, code, name, type, region, updated_at)
   select gen_random_uuid(), $1::uuid, now(), 'S' || n, 'Store ' || n,
          (array['MARKETPLACE_SHOP', 'WEB_MALL', 'APP', 'OFFLINE_STORE'])[n], 'Region ' || n, now()
     from generate_series(1, 4) n`,
  // Every tenth member has no registered store.
  `insert into member (id, tenant_id, created_at, display_name, gender, birthday, phone, email, province, city,
                       registered_store_id, registered_channel, status, updated_at)
   select ${MEMBER_ID}, $1::uuid, ${BORN}, 'Member ' || n, (array['FEMALE', 'MALE', 'OTHER', 'UNKNOWN'])[1 + n % 4],
          date '1970-01-01' + (n % 15000), '+86138' || lpad(n::text, 8, '0'), 'member' || n || '@example.com',
          'Province ' || n % 31, 'City ' || n % 300,
          case when n % 10 = 0 then null else stores.ids[1 + n % 4] end,
          (array['WEB', 'APP', 'MARKETPLACE', 'STORE'])[1 + n % 4], 'ACTIVE', ${BORN}
     from generate_series(1, $2::int) n
    cross join (select array_agg(id order by code) as ids from store where tenant_id = $1) stores`,
  // 1-3 identities per member.
  `insert into member_identity (id, tenant_id, created_at, member_id, channel, external_id)
   select gen_random_uuid(), $1::uuid, ${BORN} + k * interval '1 second', ${MEMBER_ID},
          (array['MARKETPLACE_NICK', 'APP_USER', 'WEB_ACCOUNT', 'PHONE', 'EMAIL', 'WECHAT_OPENID', 'WECHAT_UNIONID',
                 'ALIPAY_USER', 'SOCIAL', 'MEMBER_CARD'])[1 + (n + k) % 10],
          'ext-' || n || '-' || k
     from generate_series(1, $2::int) n cross join lateral generate_series(1, 1 + n % 3) k`,
  // 0-3 distinct tags per member out of 12.
  `insert into member_tag (id, tenant_id, created_at, member_id, tag)
   select gen_random_uuid(), $1::uuid, ${BORN}, ${MEMBER_ID},
          (array['vip', 'new', 'churn-risk', 'wholesale', 'newsletter', 'app-user', 'gold', 'silver', 'bronze',
                 'birthday-month', 'returns-often', 'high-value'])[1 + (n + 5 * k) % 12]
     from generate_series(1, $2::int) n cross join lateral generate_series(1, n % 4) k`,
  // 0-4 consents per member, one per channel.
  `insert into member_consent (id, tenant_id, created_at, member_id, channel, granted, source, changed_at)
   select gen_random_uuid(), $1::uuid, ${BORN}, ${MEMBER_ID}, (array['SMS', 'EMAIL', 'PUSH', 'CHAT'])[k],
          (n + k) % 3 <> 0, 'seed', ${BORN}
     from generate_series(1, $2::int) n cross join lateral generate_series(1, n % 5) k`,
];

const TABLES = ['store', 'member', 'member_identity', 'member_tag', 'member_consent'];

/** Fills one tenant with `members` members and their children, set-based; returns row counts. */
export async function seedMembers(url: string, tenantId: string, members: number): Promise<Record<string, number>> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('set synchronous_commit = off');
    // Skips per-row foreign key triggers (the data is built consistent); needs a superuser, as the embedded one is.
    await client.query('set session_replication_role = replica').catch(() => undefined);
    await client.query('begin');
    for (const sql of STATEMENTS) {
      const params: unknown[] = sql.includes('$2') ? [tenantId, members] : [tenantId];
      await client.query(sql, params);
    }
    await client.query('commit');
    // Fresh statistics and visibility map, as a long-lived database would have.
    await client.query(`vacuum (analyze) ${TABLES.join(', ')}`);
    const counts: Record<string, number> = {};
    for (const table of TABLES) {
      const { rows } = await client.query<{ count: string }>(`select count(*)::text as count from ${table} where tenant_id = $1`, [tenantId]);
      counts[table] = Number(rows[0]?.count ?? 0);
    }
    return counts;
  } finally {
    await client.end();
  }
}
