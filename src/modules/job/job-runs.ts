import type { EntityManager } from '@mikro-orm/postgresql';
import { badInput } from '../../core/errors.js';
import { JOBS_SCHEMA } from '../../core/jobs/job-database.js';
import type { Page, PageRequest } from '../../core/relay/connection.js';

/** A per-tenant job as pg-boss stores it, in its live table or its archive. */
export interface JobRunRow {
  id: string;
  name: string;
  state: 'created' | 'retry' | 'active' | 'completed' | 'cancelled' | 'failed';
  trigger: string | null;
  output: unknown;
  retry_count: number;
  /** Timestamps come back as text from the ORM's raw queries. */
  created_on: string | Date;
  started_on: string | Date | null;
  completed_on: string | Date | null;
  /** created_on to the microsecond, for cursors (a JS Date keeps milliseconds only). */
  position: string;
}

const COLUMNS = `id, name, state::text as state, data->>'trigger' as trigger, output, retry_count, created_on, started_on, completed_on,
  to_char(created_on at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as position`;

/**
 * The tenant's runs of the given jobs, live and archived (pg-boss archives finished jobs after 12 hours).
 * Every read binds the tenant: pg-boss keeps it in the job's data, written by the queue.
 */
function runs(names: readonly string[], tenantId: string, where = 'true'): { sql: string; params: unknown[] } {
  const filter = `name in (?) and data->>'tenantId' = ? and ${where}`;
  return {
    sql: `with runs as (
      select ${COLUMNS} from ${JOBS_SCHEMA}.job where ${filter}
      union all
      select ${COLUMNS} from ${JOBS_SCHEMA}.archive where ${filter}
    )`,
    params: [names, tenantId],
  };
}

export async function findJobRun(em: EntityManager, names: readonly string[], tenantId: string, id: string): Promise<JobRunRow | null> {
  const { sql, params } = runs(names, tenantId, 'id = ?');
  const rows = await em.execute<JobRunRow[]>(`${sql} select * from runs`, [...params, id, ...params, id]);
  return rows[0] ?? null;
}

const encodeCursor = (row: JobRunRow) => Buffer.from(JSON.stringify([row.position, row.id])).toString('base64url');

function decodeCursor(name: string, cursor: string | undefined): [string, string] | undefined {
  if (cursor === undefined) return undefined;
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(value) && value.length === 2 && /^\d{4}-\d\d-\d\dT[\d:.]+Z$/.test(String(value[0])) && /^[0-9a-f-]{36}$/.test(String(value[1]))) {
      return [String(value[0]), String(value[1])];
    }
  } catch {
    // answered below
  }
  throw badInput(`\`${name}\` is not a cursor of this list; use a cursor returned by the same query.`, name);
}

/** Newest first, keyset-paged on (created_on, id). */
export async function jobRunPage(em: EntityManager, names: readonly string[], tenantId: string, page: PageRequest): Promise<Page<JobRunRow>> {
  const after = decodeCursor('after', page.after);
  const before = decodeCursor('before', page.before);
  const backwards = page.last !== undefined;
  const size = (backwards ? page.last : page.first)!;
  const { sql, params } = runs(names, tenantId);
  const bound = backwards ? before : after;
  const keyset = bound ? `where (created_on, id) ${backwards ? '>' : '<'} (?::timestamptz, ?::uuid)` : '';
  const rows = await em.execute<JobRunRow[]>(
    `${sql} select * from runs ${keyset} order by created_on ${backwards ? 'asc' : 'desc'}, id ${backwards ? 'asc' : 'desc'} limit ?`,
    [...params, ...params, ...(bound ?? []), size + 1],
  );
  const more = rows.length > size;
  const nodes = rows.slice(0, size);
  if (backwards) nodes.reverse();
  return {
    nodes,
    cursorAt: (index) => encodeCursor(nodes[index]!),
    pageInfo: {
      hasNextPage: backwards ? before !== undefined : more,
      hasPreviousPage: backwards ? more : after !== undefined,
      startCursor: nodes.length ? encodeCursor(nodes[0]!) : null,
      endCursor: nodes.length ? encodeCursor(nodes[nodes.length - 1]!) : null,
    },
    count: async () => {
      const [row] = await em.execute<{ count: number }[]>(`${sql} select count(*)::int as count from runs`, [...params, ...params]);
      return row?.count ?? 0;
    },
  };
}
