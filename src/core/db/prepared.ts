import type { EntityManager } from '@mikro-orm/postgresql';

interface PgClient {
  query<T>(query: { name: string; text: string; values: unknown[] }): Promise<{ rows: T[] }>;
}

interface KnexClient {
  acquireConnection(): Promise<PgClient>;
  releaseConnection(connection: PgClient): Promise<void>;
}

/** `:name` placeholders to knex's positional `?` (a `::cast` is left alone). */
export function named(sql: string, values: Record<string, unknown>): [string, unknown[]] {
  const params: unknown[] = [];
  const text = sql.replace(/(?<!:):([a-zA-Z]\w*)/g, (_match, name: string) => {
    if (!(name in values)) throw new Error(`no value for :${name}`);
    params.push(values[name]);
    return '?';
  });
  return [text, params];
}

/** `:name` placeholders to `$n` (one number per name; a `::cast` is left alone). */
export function numbered(sql: string, values: Record<string, unknown>): { text: string; params: unknown[] } {
  const order = new Map<string, number>();
  const params: unknown[] = [];
  const text = sql.replace(/(?<!:):([a-zA-Z]\w*)/g, (_match, name: string) => {
    if (!(name in values)) throw new Error(`no value for :${name}`);
    if (!order.has(name)) {
      params.push(values[name]);
      order.set(name, params.length);
    }
    return `$${order.get(name)}`;
  });
  return { text, params };
}

/**
 * Runs one statement as a named prepared statement on a pooled connection, outside any transaction: parsed
 * and planned once per connection instead of on every call (the ORM sends values inlined). For the few hot,
 * single-statement writes only; they do not show in the ORM's query log.
 */
export async function preparedRows<T>(em: EntityManager, name: string, sql: string, values: Record<string, unknown>): Promise<T[]> {
  const { text, params } = numbered(sql, values);
  const client = (em.getConnection() as unknown as { getKnex(): { client: KnexClient } }).getKnex().client;
  const connection = await client.acquireConnection();
  try {
    return (await connection.query<T>({ name, text, values: params })).rows;
  } finally {
    await client.releaseConnection(connection);
  }
}
