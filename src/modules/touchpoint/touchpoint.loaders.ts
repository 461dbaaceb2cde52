import DataLoader from 'dataloader';
import { tenantIdOf, type GraphQLContext, type LoaderFactory } from '../../core/context.js';
import type { Page } from '../../core/relay/connection.js';
import { firstPagesPerParent } from '../../core/relay/page-per-parent.js';
import { Touchpoint } from './touchpoint.entity.js';
import type { TouchpointFilter } from './touchpoint.filters.js';
import type { TouchpointCountNode } from './touchpoint.type.js';

export const TOUCHPOINT_ORDER = { occurredAt: 'desc', id: 'desc' } as const;

interface PageKey {
  memberId: string;
  filter: TouchpointFilter;
  first: number;
}

/** First page of each member's touchpoints, batched across members that ask with the same filter. */
export const touchpointPagesByMember: LoaderFactory<PageKey, Page<Touchpoint>> = (ctx: GraphQLContext) =>
  new DataLoader(
    async (keys) => {
      const groups = new Map<string, PageKey[]>();
      for (const key of keys) {
        const group = `${key.filter.key}|${key.first}`;
        groups.set(group, [...(groups.get(group) ?? []), key]);
      }
      const pages = new Map<string, Page<Touchpoint>>();
      for (const [group, members] of groups) {
        const { filter, first } = members[0]!;
        const found = await firstPagesPerParent(
          ctx.em,
          Touchpoint,
          { table: 'touchpoint', parentColumn: 'member_id', tenantId: tenantIdOf(ctx), conditions: filter.sql, params: filter.params, orderSql: 'x.occurred_at desc, x.id desc' },
          members.map((m) => m.memberId),
          first,
          TOUCHPOINT_ORDER,
          (memberId) => ctx.em.count(Touchpoint, { $and: [{ memberId }, filter.where] }),
        );
        for (const [memberId, page] of found) pages.set(`${group}|${memberId}`, page);
      }
      return keys.map((key) => pages.get(`${key.filter.key}|${key.first}|${key.memberId}`)!);
    },
    { cacheKeyFn: (key) => `${key.filter.key}|${key.first}|${key.memberId}` },
  );

interface CountKey {
  memberId: string;
  since?: Date | null;
  until?: Date | null;
}

/** Touchpoint counts by type and channel for many members in one statement per time window. */
export const touchpointCountsByMember: LoaderFactory<CountKey, TouchpointCountNode[]> = (ctx: GraphQLContext) =>
  new DataLoader(
    async (keys) => {
      const windowKey = (k: CountKey) => `${k.since?.toISOString() ?? ''}|${k.until?.toISOString() ?? ''}`;
      const windows = new Map<string, CountKey[]>();
      for (const key of keys) windows.set(windowKey(key), [...(windows.get(windowKey(key)) ?? []), key]);
      const result = new Map<string, TouchpointCountNode[]>();
      for (const [window, members] of windows) {
        const { since, until } = members[0]!;
        const rows = await ctx.em.execute<{ member_id: string; type: string; custom_type: string | null; channel: string; count: string }[]>(
          `select member_id, type, custom_type, channel, count(*) as count from touchpoint
            where tenant_id = ? and member_id in (?) ${since ? 'and occurred_at >= ?' : ''} ${until ? 'and occurred_at < ?' : ''}
            group by member_id, type, custom_type, channel order by member_id, type, custom_type, channel`,
          [tenantIdOf(ctx), members.map((m) => m.memberId), ...(since ? [since] : []), ...(until ? [until] : [])],
        );
        for (const row of rows) {
          const key = `${window}|${row.member_id}`;
          result.set(key, [...(result.get(key) ?? []), { type: row.type, customType: row.custom_type, channel: row.channel, count: Number(row.count) } as TouchpointCountNode]);
        }
      }
      return keys.map((key) => result.get(`${windowKey(key)}|${key.memberId}`) ?? []);
    },
    { cacheKeyFn: (key) => `${key.since?.toISOString() ?? ''}|${key.until?.toISOString() ?? ''}|${key.memberId}` },
  );
