import { Cursor, type EntityName, type QueryOrderMap } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Page } from './connection.js';

export interface PerParentQuery {
  table: string;
  parentColumn: string;
  tenantId: string;
  /** Extra SQL conditions on alias `x`, with their parameters. */
  conditions: string[];
  params: unknown[];
  /** ORDER BY on alias `x`, ending with a unique column. */
  orderSql: string;
}

/**
 * The first page of a child list for many parents in one statement (LATERAL ... LIMIT n+1), so a
 * connection nested in a list costs one query, not one per parent. Cursors are MikroORM's, so
 * `after` on a later page goes through the ordinary paginate().
 */
export async function firstPagesPerParent<T extends object>(
  em: EntityManager,
  entity: EntityName<T>,
  query: PerParentQuery,
  parentIds: readonly string[],
  first: number,
  orderBy: QueryOrderMap<T>,
  count: (parentId: string) => Promise<number>,
): Promise<Map<string, Page<T>>> {
  const where = [`x.tenant_id = ?`, `x.${query.parentColumn} = p.id`, ...query.conditions].join(' and ');
  const rows = await em.execute<Record<string, unknown>[]>(
    `select x.* from (select value::uuid as id from jsonb_array_elements_text(?::jsonb)) p
     cross join lateral (select * from ${query.table} x where ${where} order by ${query.orderSql} limit ?) x`,
    [JSON.stringify(parentIds), query.tenantId, ...query.params, first + 1],
  );
  const meta = em.getMetadata().get((entity as { name: string }).name);
  const grouped = new Map<string, T[]>();
  for (const row of rows) {
    const item = em.map(entity, row as never) as T;
    const parent = String(row[query.parentColumn]);
    const list = grouped.get(parent);
    if (list) list.push(item);
    else grouped.set(parent, [item]);
  }
  const pages = new Map<string, Page<T>>();
  for (const parentId of parentIds) {
    const all = grouped.get(parentId) ?? [];
    const nodes = all.slice(0, first);
    const cursorAt = (index: number) => Cursor.for(meta, nodes[index] as never, orderBy as never);
    pages.set(parentId, {
      nodes,
      cursorAt,
      pageInfo: {
        hasNextPage: all.length > first,
        hasPreviousPage: false,
        startCursor: nodes.length ? cursorAt(0) : null,
        endCursor: nodes.length ? cursorAt(nodes.length - 1) : null,
      },
      count: () => count(parentId),
    });
  }
  return pages;
}
