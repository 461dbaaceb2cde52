import type { EntityManager } from '@mikro-orm/postgresql';
import type { Knex } from '@mikro-orm/postgresql';
import { namedSql } from './named-sql.js';

/**
 * Runs one statement with its values sent as bind parameters, in the EntityManager's transaction if it has one.
 * MikroORM's `execute` inlines values into the text (escaped); statements built from user-written text (segment
 * queries, imported CSV) must not carry user values in their text at all.
 */
export async function boundRows<T>(em: EntityManager, sql: string, params: readonly unknown[]): Promise<T[]> {
  const query = em.getConnection().getKnex().raw(sql, params as Knex.RawBinding[]);
  const transaction = em.getTransactionContext<Knex.Transaction>();
  if (transaction) query.transacting(transaction);
  const result = (await query) as { rows: T[] };
  return result.rows;
}

/** boundRows for a statement with `:name` placeholders (see namedSql). */
export function namedRows<T>(em: EntityManager, sql: string, values: Record<string, unknown>): Promise<T[]> {
  const { sql: text, params } = namedSql(sql, values);
  return boundRows<T>(em, text, params);
}
