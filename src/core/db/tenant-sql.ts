import type { GraphQLContext } from '../context.js';
import { tenantIdOf } from '../context.js';

/**
 * Hand-written reads on hot paths (DataLoaders over hundreds of rows), where hydrating ORM
 * entities costs more than the query. The tenant is always the first parameter, and a statement
 * that does not filter on it is refused, so these reads cannot forget the tenant either.
 */
export async function tenantRows<T>(ctx: GraphQLContext, sql: string, params: unknown[] = []): Promise<T[]> {
  if (!/\btenant_id = \?/.test(sql.slice(sql.search(/\bwhere\b/i)))) {
    throw new Error('tenantRows: the statement must filter on "tenant_id = ?" (bound to the caller\'s tenant) first');
  }
  return ctx.em.getConnection().execute<T[]>(sql, [tenantIdOf(ctx), ...params]);
}
