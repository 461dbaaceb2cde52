import DataLoader from 'dataloader';
import { tenantIdOf, type GraphQLContext, type LoaderFactory } from '../../core/context.js';
import type { Page } from '../../core/relay/connection.js';
import { firstPagesPerParent } from '../../core/relay/page-per-parent.js';
import { Coupon, CouponState, CouponTemplate } from './coupon.entity.js';
import { CouponStatus } from './coupon.enums.js';

/** ORM filters for each status. */
export const STATUS_FILTER: Record<CouponStatus, (now: Date) => object> = {
  [CouponStatus.AVAILABLE]: (now) => ({ state: CouponState.ISSUED, $or: [{ validUntil: null }, { validUntil: { $gt: now } }] }),
  [CouponStatus.EXPIRED]: (now) => ({ state: CouponState.ISSUED, validUntil: { $lte: now } }),
  [CouponStatus.REDEEMED]: () => ({ state: CouponState.REDEEMED }),
  [CouponStatus.VOID]: () => ({ state: CouponState.VOID }),
};

/** The same in SQL on alias `x`, with its parameters; EXPIRED and AVAILABLE are told apart by time. */
function statusSql(status: CouponStatus | null, now: Date): { conditions: string[]; params: unknown[] } {
  switch (status) {
    case CouponStatus.AVAILABLE:
      return { conditions: [`x.state = '${CouponState.ISSUED}'`, '(x.valid_until is null or x.valid_until > ?)'], params: [now] };
    case CouponStatus.EXPIRED:
      return { conditions: [`x.state = '${CouponState.ISSUED}'`, 'x.valid_until <= ?'], params: [now] };
    case CouponStatus.REDEEMED:
      return { conditions: [`x.state = '${CouponState.REDEEMED}'`], params: [] };
    case CouponStatus.VOID:
      return { conditions: [`x.state = '${CouponState.VOID}'`], params: [] };
    default:
      return { conditions: [], params: [] };
  }
}

export const COUPON_ORDER = { createdAt: 'desc', id: 'desc' } as const;

function byId<T extends { id: string }>(entity: new () => T) {
  return (ctx: GraphQLContext) =>
    new DataLoader<string, T | null>(async (ids) => {
      const rows = new Map((await ctx.em.find(entity, { id: { $in: [...ids] } } as never)).map((row) => [row.id, row]));
      return ids.map((id) => rows.get(id) ?? null);
    });
}

export const couponById: LoaderFactory<string, Coupon | null> = byId(Coupon);
export const templateById: LoaderFactory<string, CouponTemplate | null> = byId(CouponTemplate);

interface CountKey {
  memberId: string;
  status: CouponStatus | null;
}

const countKey = (key: CountKey) => `${key.memberId}|${key.status}`;

/** How many coupons (of one status) each member has, for totalCount on a members list: one statement per status. */
export const couponCountsByMember: LoaderFactory<CountKey, number> = (ctx) =>
  new DataLoader(
    async (keys) => {
      const counts = new Map<string, number>();
      const now = new Date();
      for (const status of new Set(keys.map((key) => key.status))) {
        const memberIds = [...new Set(keys.filter((key) => key.status === status).map((key) => key.memberId))];
        const filter = statusSql(status, now);
        const rows = await ctx.em.execute<{ member_id: string; n: number }[]>(
          `select x.member_id, count(*)::int as n from coupon x
            where ${['x.tenant_id = ?', 'x.member_id in (?)', ...filter.conditions].join(' and ')}
            group by x.member_id`,
          [tenantIdOf(ctx), memberIds, ...filter.params],
        );
        for (const row of rows) counts.set(countKey({ memberId: row.member_id, status }), row.n);
      }
      return keys.map((key) => counts.get(countKey(key)) ?? 0);
    },
    { cacheKeyFn: countKey },
  );

interface PageKey extends CountKey {
  first: number;
}

/** First page of each member's coupons (optionally of one status), in one statement per page shape. */
export const couponPagesByMember: LoaderFactory<PageKey, Page<Coupon>> = (ctx) =>
  new DataLoader(
    async (keys) => {
      const pages = new Map<string, Page<Coupon>>();
      const shapes = new Map<string, PageKey[]>();
      for (const key of keys) shapes.set(`${key.first}|${key.status}`, [...(shapes.get(`${key.first}|${key.status}`) ?? []), key]);
      for (const group of shapes.values()) {
        const { first, status } = group[0]!;
        const found = await firstPagesPerParent(
          ctx.em,
          Coupon,
          {
            table: 'coupon',
            parentColumn: 'member_id',
            tenantId: tenantIdOf(ctx),
            ...statusSql(status, new Date()),
            orderSql: 'x.created_at desc, x.id desc',
          },
          group.map((key) => key.memberId),
          first,
          COUPON_ORDER,
          (memberId) => ctx.loaders.get(couponCountsByMember).load({ memberId, status }),
        );
        for (const [memberId, page] of found) pages.set(`${memberId}|${first}|${status}`, page);
      }
      return keys.map((key) => pages.get(`${key.memberId}|${key.first}|${key.status}`)!);
    },
    { cacheKeyFn: (key) => `${key.memberId}|${key.first}|${key.status}` },
  );
