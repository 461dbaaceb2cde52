import { Cursor, type EntityName, type FilterQuery, type QueryOrderMap } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { badInput } from '../errors.js';
import type { Page, PageRequest } from './connection.js';

function checkCursor(name: string, value: string | undefined, keys: number): void {
  if (value === undefined) return;
  let decoded: unknown;
  try {
    decoded = Cursor.decode(value);
  } catch {
    decoded = undefined;
  }
  if (!Array.isArray(decoded) || decoded.length !== keys) {
    throw badInput(`\`${name}\` is not a cursor of this list; use a cursor returned by the same query.`, name);
  }
}

/**
 * One page of a keyset-paginated list. `orderBy` must end with a unique key (id) so that cursors
 * are stable. The count runs only if the client asks for totalCount.
 */
export async function paginate<T extends object>(
  em: EntityManager,
  entity: EntityName<T>,
  where: FilterQuery<T>,
  page: PageRequest,
  orderBy: QueryOrderMap<T>,
): Promise<Page<T>> {
  const keys = Object.keys(orderBy).length;
  checkCursor('after', page.after, keys);
  checkCursor('before', page.before, keys);
  const cursor = await em.findByCursor(entity, where, { ...page, orderBy, includeCount: false } as never);
  const items = cursor.items as T[];
  return {
    nodes: items,
    cursorAt: (index) => cursor.from(items[index]!),
    pageInfo: {
      hasNextPage: cursor.hasNextPage,
      hasPreviousPage: cursor.hasPrevPage,
      startCursor: cursor.startCursor,
      endCursor: cursor.endCursor,
    },
    count: () => em.count(entity, where),
  };
}
