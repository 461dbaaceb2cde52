import { Client } from 'pg';
import { loadConfig } from '../../src/app/config.js';
import { migrate, openDatabase } from '../../src/app/database.js';
import { Role } from '../../src/core/auth/role.js';
import { issueAccessKey } from '../../src/modules/access-key/access-key.service.js';
import { createTenant } from '../../src/modules/tenant/tenant.service.js';
import type { BenchContext } from '../lib/types.js';

/** What the load needs to know about the seeded tenant. */
export interface IngestTenant {
  url: string;
  tenantId: string;
  ingestKey: string;
  /** Member n (0-based): database id, and external id of its APP_USER identity. */
  memberIds: string[];
  appUsers: string[];
  /** Store id by code. */
  stores: Map<string, string>;
  seedSeconds: number;
}

// Member n's id is derived from (tenant, n): identities are filled without a round trip per member.
const MEMBER_ID = `md5($1::uuid::text || ':' || n)::uuid`;

const STATEMENTS = [
  `insert into store (id, tenant_id, created_at, code, name, type, region, updated_at)
   select gen_random_uuid(), $1::uuid, now(), 'S' || n, 'Store ' || n,
          (array['MARKETPLACE_SHOP', 'WEB_MALL', 'APP', 'OFFLINE_STORE'])[1 + n % 4], 'Region ' || n % 3, now()
     from generate_series(1, 8) n`,
  `insert into member (id, tenant_id, created_at, display_name, gender, status, registered_channel, updated_at)
   select ${MEMBER_ID}, $1::uuid, now() - n * interval '1 minute', 'Member ' || n,
          (array['FEMALE', 'MALE', 'OTHER', 'UNKNOWN'])[1 + n % 4], 'ACTIVE', (array['WEB', 'APP', 'MARKETPLACE', 'STORE'])[1 + n % 4], now()
     from generate_series(1, $2::int) n`,
  // Every member has an APP_USER identity; every third also a WEB_ACCOUNT, so the lookup index is not trivial.
  `insert into member_identity (id, tenant_id, created_at, member_id, channel, external_id)
   select gen_random_uuid(), $1::uuid, now(), ${MEMBER_ID}, 'APP_USER', 'app-' || n from generate_series(1, $2::int) n
   union all
   select gen_random_uuid(), $1::uuid, now(), ${MEMBER_ID}, 'WEB_ACCOUNT', 'web-' || n from generate_series(1, $2::int) n where n % 3 = 0`,
];

async function seed(url: string, tenantId: string, members: number): Promise<Omit<IngestTenant, 'url' | 'tenantId' | 'ingestKey' | 'seedSeconds'>> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('begin');
    for (const sql of STATEMENTS) await client.query(sql, sql.includes('$2') ? [tenantId, members] : [tenantId]);
    await client.query('commit');
    await client.query('vacuum (analyze) store, member, member_identity');
    const { rows } = await client.query<{ id: string; external_id: string }>(
      `select member_id as id, external_id from member_identity where tenant_id = $1 and channel = 'APP_USER' order by external_id`,
      [tenantId],
    );
    const stores = await client.query<{ code: string; id: string }>('select code, id from store where tenant_id = $1', [tenantId]);
    return { memberIds: rows.map((r) => r.id), appUsers: rows.map((r) => r.external_id), stores: new Map(stores.rows.map((s) => [s.code, s.id])) };
  } finally {
    await client.end();
  }
}

/** A fresh migrated database with one tenant, an INGEST key and `members` members with APP_USER identities. */
export async function prepareIngestTenant(ctx: BenchContext, members: number): Promise<IngestTenant> {
  const pg = await ctx.postgres();
  const database = await pg.createDatabase('bench_touchpoint_ingest');
  ctx.scope.defer('drop database', database.drop);
  const db = await openDatabase(loadConfig({ DATABASE_URL: database.url, LOG_LEVEL: 'warn' }));
  let tenantId: string;
  let ingestKey: string;
  try {
    await migrate(db.orm);
    const created = await createTenant(db.orm.em.fork(), 'Bench ingest tenant');
    tenantId = created.tenant.id;
    ingestKey = (await issueAccessKey(db.orm.em.fork(), tenantId, Role.INGEST, 'bench ingest')).key;
  } finally {
    await db.close();
  }
  const started = Date.now();
  const seeded = await seed(database.url, tenantId, members);
  if (seeded.memberIds.length !== members) throw new Error(`seeded ${seeded.memberIds.length} members, expected ${members}`);
  return { url: database.url, tenantId, ingestKey, ...seeded, seedSeconds: (Date.now() - started) / 1000 };
}

export interface IndexInfo {
  name: string;
  definition: string;
}

/** Indexes, foreign keys and checks on the touchpoint table: every row written, by any path, pays for each of them. */
export async function touchpointIndexes(url: string): Promise<IndexInfo[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string; definition: string }>(
      `select indexname as name, indexdef as definition from pg_indexes where tablename = 'touchpoint'
       union all
       select conname, pg_get_constraintdef(oid) from pg_constraint where conrelid = 'touchpoint'::regclass and contype in ('f', 'c')
       order by 1`,
    );
    return rows;
  } finally {
    await client.end();
  }
}
