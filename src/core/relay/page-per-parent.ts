import { Cursor, type EntityName, type QueryOrderMap } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';
import { tenantIdOf, type LoaderFactory } from '../context.js';
import { tenantRows } from '../db/tenant-sql.js';
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

export interface FirstPageKey {
  parentId: string;
  first: number;
}

export interface ChildList<T extends object> {
  entity: EntityName<T>;
  table: string;
  parentColumn: string;
  /** ORDER BY on alias `x`, ending with a unique column; the same order as `orderBy`. */
  orderSql: string;
  orderBy: QueryOrderMap<T>;
}

/**
 * A per-request loader of first pages of a tenant-scoped child list (a member's history, say): one statement
 * per page size for all parents asked together, and one more for their totals if a client asks.
 */
export function firstPagesLoader<T extends object>(list: ChildList<T>): LoaderFactory<FirstPageKey, Page<T>> {
  const counts: LoaderFactory<string, number> = (ctx) =>
    new DataLoader(async (parentIds) => {
      const rows = await tenantRows<{ parent_id: string; n: number }>(
        ctx,
        `select ${list.parentColumn} as parent_id, count(*)::int as n from ${list.table} where tenant_id = ? and ${list.parentColumn} in (?) group by ${list.parentColumn}`,
        [[...parentIds]],
      );
      const byId = new Map(rows.map((row) => [row.parent_id, row.n]));
      return parentIds.map((id) => byId.get(id) ?? 0);
    });
  const keyOf = (key: FirstPageKey) => `${key.parentId}|${key.first}`;
  return (ctx) =>
    new DataLoader(
      async (keys) => {
        const pages = new Map<string, Page<T>>();
        for (const first of new Set(keys.map((key) => key.first))) {
          const ids = keys.filter((key) => key.first === first).map((key) => key.parentId);
          const query = { table: list.table, parentColumn: list.parentColumn, tenantId: tenantIdOf(ctx), conditions: [], params: [], orderSql: list.orderSql };
          const found = await firstPagesPerParent(ctx.em, list.entity, query, ids, first, list.orderBy, (parentId) => ctx.loaders.get(counts).load(parentId));
          for (const [parentId, page] of found) pages.set(keyOf({ parentId, first }), page);
        }
        return keys.map((key) => pages.get(keyOf(key))!);
      },
      { cacheKeyFn: keyOf },
    );
}
