import type { EntityManager } from '@mikro-orm/postgresql';
import type { Client } from 'pg';

type KnexQuery = { sql: string; bindings?: unknown[] };
type KnexClient = { on(event: 'query', fn: (query: KnexQuery) => void): void; removeListener(event: 'query', fn: (query: KnexQuery) => void): void };

/**
 * With BENCH_CHURN_EXPLAIN set: records the first statement containing `marker` that the ORM sends while `fn` runs
 * (e.g. one chunk of rescoreTenant), so it can be explained afterwards with the same text and values.
 */
export async function captureStatement<T>(em: EntityManager, marker: string, fn: () => Promise<T>): Promise<{ value: T; statement: KnexQuery | null }> {
  const knex = em.getKnex().client as unknown as KnexClient;
  let statement: KnexQuery | null = null;
  const listener = (query: KnexQuery) => {
    if (!statement && query.sql.includes(marker)) statement = { sql: query.sql, bindings: query.bindings ?? [] };
  };
  knex.on('query', listener);
  try {
    return { value: await fn(), statement };
  } finally {
    knex.removeListener('query', listener);
  }
}

/** EXPLAIN (ANALYZE, BUFFERS) of a statement in a transaction rolled back, as text. */
export async function explain(client: Client, sql: string, params: unknown[]): Promise<string> {
  await client.query('begin');
  try {
    const { rows } = await client.query<{ 'QUERY PLAN': string }>(`explain (analyze, buffers) ${sql}`, params);
    return rows.map((row) => row['QUERY PLAN']).join('\n');
  } finally {
    await client.query('rollback');
  }
}
