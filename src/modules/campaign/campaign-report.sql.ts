import type { EntityManager } from '@mikro-orm/postgresql';
import { boundRows } from '../../core/db/bound.js';
import { namedSql, pgArray } from '../../core/db/named-sql.js';
import { PURCHASE_STATUSES } from '../order/order.enums.js';

/**
 * Per-arm outcome aggregates of a tenant's campaigns, in one statement. The unit is a delivery (a recurring
 * campaign may reach a member several times); its window is [created_at, created_at + attribution_days).
 * Arms: CONTROL (reason CONTROL_GROUP), VARIANT (by variant key, whatever the state: intent to treat), NONE
 * (ineligible when planned, keyed by reason; only counted). A campaign without a delivery in the range still
 * has one row, with a null arm. An attribution day is 24 hours, whatever the session's time zone.
 *
 * Scale: orders are read only between the first window's start and the last window's end (an index range on
 * (tenant_id, placed_at)), joined to the deliveries as the planner sees fit (probes by (tenant_id, member_id,
 * placed_at) for a small campaign, a hash join for a large one); touchpoints likewise by the partial
 * (delivery_id, type) index or a hash join; "bought before" is the member's first purchase (member_stats), one
 * row per member. Revenue squares are numeric: no overflow.
 */
const REPORT = `
with settings as (
  select t.currency, coalesce(lp.redeem_points, 100) as redeem_points, coalesce(lp.redeem_value, 100) as redeem_value
    from tenant t
    left join loyalty_program lp on lp.tenant_id = t.id
   where t.id = :tenant
), campaigns as (
  select c.id, c.attribution_days, c.variants
    from campaign c
   where c.tenant_id = :tenant and c.id = any(:campaigns::uuid[])
), units as (
  select d.id, d.campaign_id, d.member_id, d.state, d.cost, d.reward_points, d.coupon_id,
         d.created_at as t0, d.created_at + make_interval(hours => 24 * c.attribution_days) as t1,
         case when d.reason = 'CONTROL_GROUP' then 'CONTROL' when d.variant is not null then 'VARIANT' else 'NONE' end as arm,
         case when d.reason = 'CONTROL_GROUP' then null when d.variant is not null then d.variant else d.reason end as arm_key
    from campaigns c
    join campaign_delivery d on d.campaign_id = c.id and d.tenant_id = :tenant
   where d.created_at >= coalesce(:since::timestamptz, '-infinity'::timestamptz)
     and d.created_at < coalesce(:until::timestamptz, 'infinity'::timestamptz)
), span as (
  select min(t0) as first_t0, max(t1) as last_t1 from units where arm <> 'NONE'
), window_orders as (
  select u.id, count(*) as orders, sum((o.total - o.refunded_amount)::numeric) as revenue
    from units u
    join orders o on o.tenant_id = :tenant and o.member_id = u.member_id and o.placed_at >= u.t0 and o.placed_at < u.t1
   cross join span
   where u.arm <> 'NONE' and o.status = any(:statuses::text[])
     and o.placed_at >= span.first_t0 and o.placed_at < span.last_t1
   group by u.id
), engagement as (
  select tp.delivery_id as id, bool_or(tp.type = 'MESSAGE_OPENED') as opened, bool_or(tp.type = 'MESSAGE_CLICKED') as clicked
    from units u
    join touchpoint tp on tp.delivery_id = u.id and tp.tenant_id = :tenant
   where u.arm <> 'NONE' and tp.delivery_id is not null and tp.type in ('MESSAGE_OPENED', 'MESSAGE_CLICKED')
   group by tp.delivery_id
), outcomes as (
  select u.campaign_id, u.arm, u.arm_key, u.state, u.cost, u.reward_points,
         coalesce(e.opened, false) as opened, coalesce(e.clicked, false) as clicked,
         coalesce(w.orders, 0) as orders, coalesce(w.revenue, 0) as revenue,
         u.arm <> 'NONE' and coalesce(ms.first_order_at < u.t0, false) as prior_buyer,
         coalesce(cp.discount, 0) as coupon_discount
    from units u
    left join coupon cp on cp.id = u.coupon_id and cp.tenant_id = :tenant and cp.state = 'REDEEMED'
    left join window_orders w on w.id = u.id
    left join engagement e on e.id = u.id
    left join member_stats ms on ms.member_id = u.member_id and ms.tenant_id = :tenant
), arms as (
  select campaign_id, arm, arm_key,
         count(*)::bigint as units,
         count(*) filter (where state = 'SENT')::bigint as reached,
         count(*) filter (where opened)::bigint as opened,
         count(*) filter (where clicked)::bigint as clicked,
         count(*) filter (where orders > 0)::bigint as converters,
         sum(orders)::bigint as orders,
         sum(revenue)::numeric as revenue,
         sum(revenue * revenue)::numeric as revenue_squares,
         count(*) filter (where prior_buyer)::bigint as prior_buyers,
         count(*) filter (where prior_buyer and orders > 0)::bigint as prior_buyers_converted,
         sum(coupon_discount)::numeric as coupon_discount,
         sum(reward_points)::numeric as reward_points,
         sum(cost)::numeric as send_cost
    from outcomes
   group by campaign_id, arm, arm_key
)
select c.id as campaign_id, c.attribution_days, c.variants, s.currency, s.redeem_points, s.redeem_value,
       a.arm, a.arm_key, a.units::text, a.reached::text, a.opened::text, a.clicked::text, a.converters::text, a.orders::text,
       a.revenue::text, a.revenue_squares::text, a.prior_buyers::text, a.prior_buyers_converted::text,
       a.coupon_discount::text, a.reward_points::text, a.send_cost::text
  from campaigns c
 cross join settings s
  left join arms a on a.campaign_id = c.id
 order by c.id, a.arm, a.arm_key`;

/** Which group a row of aggregates is about. */
export type ArmKind = 'CONTROL' | 'VARIANT' | 'NONE';

/** Sums over the deliveries of one arm. Money in minor units; the sums that can outgrow 2^53 are bigint. */
export interface ArmAggregate {
  units: number;
  /** Deliveries SENT. */
  reached: number;
  /** Deliveries with a MESSAGE_OPENED touchpoint naming them. */
  opened: number;
  clicked: number;
  /** Deliveries whose member placed a purchase in the window. */
  converters: number;
  /** Purchases in the windows (an order in two overlapping windows counts in both). */
  orders: number;
  /** Sum over deliveries of the window's purchases net of refunds. */
  revenue: bigint;
  /** Sum over deliveries of the square of that. */
  revenueSquares: bigint;
  /** Deliveries whose member had a purchase placed before the delivery. */
  priorBuyers: number;
  priorBuyersConverted: number;
  /** Discounts of the deliveries' coupons that were redeemed. */
  couponDiscount: bigint;
  rewardPoints: bigint;
  sendCost: bigint;
}

export interface ArmRow {
  kind: ArmKind;
  /** VARIANT: the variant key; NONE: the suppression reason (null if none was recorded); CONTROL: null. */
  key: string | null;
  aggregate: ArmAggregate;
}

export interface CampaignAggregates {
  campaignId: string;
  attributionDays: number;
  /** Variant keys as the campaign defines them, in its order. */
  variantKeys: string[];
  currency: string;
  redeemPoints: number;
  redeemValue: number;
  arms: ArmRow[];
}

interface Row {
  campaign_id: string;
  attribution_days: number;
  variants: unknown;
  currency: string;
  redeem_points: number;
  redeem_value: number;
  arm: ArmKind | null;
  arm_key: string | null;
  units: string;
  reached: string;
  opened: string;
  clicked: string;
  converters: string;
  orders: string;
  revenue: string;
  revenue_squares: string;
  prior_buyers: string;
  prior_buyers_converted: string;
  coupon_discount: string;
  reward_points: string;
  send_cost: string;
}

function variantKeysOf(variants: unknown): string[] {
  const list = typeof variants === 'string' ? (JSON.parse(variants) as unknown) : variants;
  if (!Array.isArray(list)) return [];
  return list.map((variant) => (variant as { key?: unknown })?.key).filter((key): key is string => typeof key === 'string');
}

function aggregateOf(row: Row): ArmAggregate {
  return {
    units: Number(row.units),
    reached: Number(row.reached),
    opened: Number(row.opened),
    clicked: Number(row.clicked),
    converters: Number(row.converters),
    orders: Number(row.orders),
    revenue: BigInt(row.revenue),
    revenueSquares: BigInt(row.revenue_squares),
    priorBuyers: Number(row.prior_buyers),
    priorBuyersConverted: Number(row.prior_buyers_converted),
    couponDiscount: BigInt(row.coupon_discount),
    rewardPoints: BigInt(row.reward_points),
    sendCost: BigInt(row.send_cost),
  };
}

/**
 * Aggregates of the tenant's campaigns among `campaignIds` (others' ids, and unknown ones, are absent from the
 * answer), over deliveries created in [since, until) when given.
 */
export async function campaignAggregates(
  em: EntityManager,
  tenantId: string,
  campaignIds: readonly string[],
  range: { since?: Date | null; until?: Date | null } = {},
): Promise<Map<string, CampaignAggregates>> {
  const result = new Map<string, CampaignAggregates>();
  const ids = [...new Set(campaignIds)];
  if (!ids.length) return result;
  const bound = namedSql(REPORT, {
    tenant: tenantId,
    campaigns: pgArray(ids),
    statuses: pgArray(PURCHASE_STATUSES),
    since: range.since ?? null,
    until: range.until ?? null,
  });
  for (const row of await boundRows<Row>(em, bound.sql, bound.params)) {
    let campaign = result.get(row.campaign_id);
    if (!campaign) {
      campaign = {
        campaignId: row.campaign_id,
        attributionDays: row.attribution_days,
        variantKeys: variantKeysOf(row.variants),
        currency: row.currency,
        redeemPoints: row.redeem_points,
        redeemValue: row.redeem_value,
        arms: [],
      };
      result.set(row.campaign_id, campaign);
    }
    if (row.arm) campaign.arms.push({ kind: row.arm, key: row.arm_key, aggregate: aggregateOf(row) });
  }
  return result;
}
