import { Client } from 'pg';
import { loadConfig } from '../../src/app/config.js';
import { migrate, openDatabase } from '../../src/app/database.js';
import { Role } from '../../src/core/auth/role.js';
import { issueAccessKey } from '../../src/modules/access-key/access-key.service.js';
import { createTenant } from '../../src/modules/tenant/tenant.service.js';
import type { BenchContext } from '../lib/types.js';

/** What the load needs to know about the seeded tenant. */
export interface EarnTenant {
  url: string;
  tenantId: string;
  ingestKey: string;
  /** The actor the server writes on entries for this key (`key:<id>`). */
  actor: string;
  /** Member n (1-based) at index n - 1. */
  memberIds: string[];
  seedSeconds: number;
}

/**
 * Member n's id, derived from (tenant, n): pgbench computes the same id from a random n in SQL,
 * so both writers pick from the same 10,000 members without a lookup table.
 */
export const MEMBER_ID_SQL = (tenant: string, n: string) => `md5(${tenant}::text || ':' || ${n}::text)::uuid`;

const STATEMENTS = [
  `insert into member (id, tenant_id, created_at, display_name, gender, status, registered_channel, updated_at)
   select ${MEMBER_ID_SQL('$1::uuid', 'n')}, $1::uuid, now() - n * interval '1 minute', 'Member ' || n,
          (array['FEMALE', 'MALE', 'OTHER', 'UNKNOWN'])[1 + n % 4], 'ACTIVE', (array['WEB', 'APP', 'MARKETPLACE', 'STORE'])[1 + n % 4], now()
     from generate_series(1, $2::int) n`,
  // Every member already has an (empty) account, so every earn takes the server's one-statement hot path.
  `insert into points_account (id, tenant_id, created_at, member_id, balance, debt, earned, redeemed, expired, updated_at)
   select gen_random_uuid(), $1::uuid, now(), ${MEMBER_ID_SQL('$1::uuid', 'n')}, 0, 0, 0, 0, 0, now()
     from generate_series(1, $2::int) n`,
];

/** A fresh migrated database with one tenant, an INGEST key and `members` ACTIVE members, each with a points account. */
export async function prepareEarnTenant(ctx: BenchContext, members: number): Promise<EarnTenant> {
  const pg = await ctx.postgres();
  const database = await pg.createDatabase('bench_points_earn');
  ctx.scope.defer('drop database', database.drop);
  const db = await openDatabase(loadConfig({ DATABASE_URL: database.url, LOG_LEVEL: 'warn' }));
  let tenantId: string;
  let issued: Awaited<ReturnType<typeof issueAccessKey>>;
  try {
    await migrate(db.orm);
    tenantId = (await createTenant(db.orm.em.fork(), 'Bench points tenant')).tenant.id;
    issued = await issueAccessKey(db.orm.em.fork(), tenantId, Role.INGEST, 'bench points');
  } finally {
    await db.close();
  }
  const started = Date.now();
  const client = new Client({ connectionString: database.url });
  await client.connect();
  try {
    await client.query('begin');
    for (const sql of STATEMENTS) await client.query(sql, [tenantId, members]);
    await client.query('commit');
    await client.query('vacuum (analyze) member, points_account, points_entry, points_lot, loyalty_program');
    const { rows } = await client.query<{ id: string }>(`select ${MEMBER_ID_SQL('$1::uuid', 'n')} as id from generate_series(1, $2::int) n order by n`, [
      tenantId,
      members,
    ]);
    return {
      url: database.url,
      tenantId,
      ingestKey: issued.key,
      actor: `key:${issued.accessKey.id}`,
      memberIds: rows.map((row) => row.id),
      seedSeconds: (Date.now() - started) / 1000,
    };
  } finally {
    await client.end();
  }
}
