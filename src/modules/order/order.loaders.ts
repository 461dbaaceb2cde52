import DataLoader from 'dataloader';
import type { EntityName } from '@mikro-orm/core';
import { tenantIdOf, type GraphQLContext, type LoaderFactory } from '../../core/context.js';
import type { Page } from '../../core/relay/connection.js';
import { firstPagesPerParent } from '../../core/relay/page-per-parent.js';
import { Order, OrderItem, OrderRefund } from './order.entity.js';
import { MemberStats } from './member-stats.entity.js';

export const ORDER_ORDER = { placedAt: 'desc', id: 'desc' } as const;

function byOrder<T extends { orderId: string }>(entity: EntityName<T>, orderBy: Record<string, 'asc' | 'desc'>) {
  return (ctx: GraphQLContext) =>
    new DataLoader<string, T[]>(async (orderIds) => {
      const rows = await ctx.em.find(entity, { orderId: { $in: [...orderIds] } } as never, { orderBy: orderBy as never });
      const grouped = new Map<string, T[]>();
      for (const row of rows) grouped.set(row.orderId, [...(grouped.get(row.orderId) ?? []), row]);
      return orderIds.map((id) => grouped.get(id) ?? []);
    });
}

export const itemsByOrder: LoaderFactory<string, OrderItem[]> = byOrder(OrderItem, { lineNo: 'asc' });
export const refundsByOrder: LoaderFactory<string, OrderRefund[]> = byOrder(OrderRefund, { refundedAt: 'asc', id: 'asc' });

export const orderById: LoaderFactory<string, Order | null> = (ctx) =>
  new DataLoader(async (ids) => {
    const orders = new Map((await ctx.em.find(Order, { id: { $in: [...ids] } })).map((order) => [order.id, order]));
    return ids.map((id) => orders.get(id) ?? null);
  });

export const statsByMember: LoaderFactory<string, MemberStats | null> = (ctx) =>
  new DataLoader(async (memberIds) => {
    const stats = new Map((await ctx.em.find(MemberStats, { memberId: { $in: [...memberIds] } })).map((row) => [row.memberId, row]));
    return memberIds.map((id) => stats.get(id) ?? null);
  });

interface PageKey {
  memberId: string;
  first: number;
  statuses: string[] | null;
}

/** First page of each member's orders, newest first, for many members in one statement. */
export const orderPagesByMember: LoaderFactory<PageKey, Page<Order>> = (ctx) =>
  new DataLoader(
    async (keys) => {
      const groups = new Map<string, PageKey[]>();
      for (const key of keys) groups.set(JSON.stringify([key.first, key.statuses]), [...(groups.get(JSON.stringify([key.first, key.statuses])) ?? []), key]);
      const pages = new Map<string, Page<Order>>();
      for (const members of groups.values()) {
        const { first, statuses } = members[0]!;
        const found = await firstPagesPerParent(
          ctx.em,
          Order,
          {
            table: 'orders',
            parentColumn: 'member_id',
            tenantId: tenantIdOf(ctx),
            conditions: statuses ? ['x.status in (?)'] : [],
            params: statuses ? [statuses] : [],
            orderSql: 'x.placed_at desc, x.id desc',
          },
          members.map((m) => m.memberId),
          first,
          ORDER_ORDER,
          (memberId) => ctx.em.count(Order, statuses ? { memberId, status: { $in: statuses as never } } : { memberId }),
        );
        for (const [memberId, page] of found) pages.set(JSON.stringify([first, statuses, memberId]), page);
      }
      return keys.map((key) => pages.get(JSON.stringify([key.first, key.statuses, key.memberId]))!);
    },
    { cacheKeyFn: (key) => JSON.stringify([key.first, key.statuses, key.memberId]) },
  );
