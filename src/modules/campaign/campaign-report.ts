import type { EntityManager } from '@mikro-orm/postgresql';
import { campaignAggregates, type ArmAggregate, type CampaignAggregates } from './campaign-report.sql.js';
import type { SuppressionReason } from './campaign.enums.js';

/** Two-sided 95% normal quantile. */
export const Z95 = 1.96;

/** An arm against the control group; intervals are normal-approximation (Wald) 95% intervals. */
export interface VersusControl {
  /** Conversion rate minus the control's, in percentage points. */
  uplift: number;
  upliftLow: number;
  upliftHigh: number;
  /** (p_A - p_C) x n_A. */
  incrementalConversions: number;
  incrementalConversionsLow: number;
  incrementalConversionsHigh: number;
  /** (m_A - m_C) x n_A, minor units. */
  incrementalRevenue: number;
  incrementalRevenueLow: number;
  incrementalRevenueHigh: number;
  /** (incrementalRevenue - rewardCost - sendCost) / (rewardCost + sendCost); null when nothing was spent. */
  roi: number | null;
}

export interface CampaignArmReport {
  /** TREATMENT, CONTROL or a variant key. */
  arm: string;
  units: number;
  reached: number;
  reachRate: number | null;
  openRate: number | null;
  clickRate: number | null;
  conversions: number;
  conversionRate: number | null;
  orders: number;
  /** Minor units. */
  revenue: number;
  revenuePerMember: number | null;
  repurchaseRate: number | null;
  /** Redeemed coupons' discounts plus the money value of the points credited, minor units. */
  rewardCost: number;
  sendCost: number;
  versusControl: VersusControl | null;
}

export interface SuppressedCount {
  /** Null for a delivery planned with neither a variant nor a reason. */
  reason: SuppressionReason | null;
  count: number;
}

export interface CampaignReport {
  campaignId: string;
  attributionDays: number;
  since: Date | null;
  until: Date | null;
  /** The tenant's currency, for the money figures. */
  currency: string;
  treatment: CampaignArmReport;
  control: CampaignArmReport | null;
  variants: CampaignArmReport[];
  suppressed: SuppressedCount[];
}

export interface ReportRange {
  since?: Date | null;
  until?: Date | null;
}

/** The loyalty programme's redemption rate: `redeemValue` minor units per `redeemPoints` points. */
export interface PointsRate {
  redeemPoints: number;
  redeemValue: number;
}

export function emptyAggregate(): ArmAggregate {
  return {
    units: 0,
    reached: 0,
    opened: 0,
    clicked: 0,
    converters: 0,
    orders: 0,
    revenue: 0n,
    revenueSquares: 0n,
    priorBuyers: 0,
    priorBuyersConverted: 0,
    couponDiscount: 0n,
    rewardPoints: 0n,
    sendCost: 0n,
  };
}

/** Arms are disjoint sets of deliveries, so every sum (squares included) adds. */
export function addAggregates(a: ArmAggregate, b: ArmAggregate): ArmAggregate {
  return {
    units: a.units + b.units,
    reached: a.reached + b.reached,
    opened: a.opened + b.opened,
    clicked: a.clicked + b.clicked,
    converters: a.converters + b.converters,
    orders: a.orders + b.orders,
    revenue: a.revenue + b.revenue,
    revenueSquares: a.revenueSquares + b.revenueSquares,
    priorBuyers: a.priorBuyers + b.priorBuyers,
    priorBuyersConverted: a.priorBuyersConverted + b.priorBuyersConverted,
    couponDiscount: a.couponDiscount + b.couponDiscount,
    rewardPoints: a.rewardPoints + b.rewardPoints,
    sendCost: a.sendCost + b.sendCost,
  };
}

const ratio = (part: number, whole: number): number | null => (whole > 0 ? part / whole : null);

/**
 * Sample variance (n - 1) of per-delivery revenue, zeros included. The numerator n·Σx² - (Σx)² is exact in
 * bigint, so no cancellation however large the amounts; 0 under two deliveries (no spread to estimate).
 */
export function revenueVariance(aggregate: ArmAggregate): number {
  const n = BigInt(aggregate.units);
  if (aggregate.units < 2) return 0;
  const numerator = n * aggregate.revenueSquares - aggregate.revenue * aggregate.revenue;
  return Number(numerator) / (aggregate.units * (aggregate.units - 1));
}

/** Money value of points, rounded down (as moneyValueOf in points-earning). */
export function pointsValue(points: bigint, rate: PointsRate): bigint {
  return (points * BigInt(rate.redeemValue)) / BigInt(rate.redeemPoints);
}

export function rewardCostOf(aggregate: ArmAggregate, rate: PointsRate): number {
  return Number(aggregate.couponDiscount + pointsValue(aggregate.rewardPoints, rate));
}

/** Arm A against control C; null when either has no delivery. */
export function versusControl(arm: ArmAggregate, control: ArmAggregate | null, cost: number): VersusControl | null {
  if (!control || control.units === 0 || arm.units === 0) return null;
  const nA = arm.units;
  const nC = control.units;
  const pA = arm.converters / nA;
  const pC = control.converters / nC;
  const pSe = Math.sqrt((pA * (1 - pA)) / nA + (pC * (1 - pC)) / nC);
  const mA = Number(arm.revenue) / nA;
  const mC = Number(control.revenue) / nC;
  const mSe = Math.sqrt(revenueVariance(arm) / nA + revenueVariance(control) / nC);
  const incrementalConversions = (pA - pC) * nA;
  const incrementalRevenue = (mA - mC) * nA;
  return {
    uplift: (pA - pC) * 100,
    upliftLow: (pA - pC - Z95 * pSe) * 100,
    upliftHigh: (pA - pC + Z95 * pSe) * 100,
    incrementalConversions,
    incrementalConversionsLow: incrementalConversions - Z95 * pSe * nA,
    incrementalConversionsHigh: incrementalConversions + Z95 * pSe * nA,
    incrementalRevenue,
    incrementalRevenueLow: incrementalRevenue - Z95 * mSe * nA,
    incrementalRevenueHigh: incrementalRevenue + Z95 * mSe * nA,
    roi: cost > 0 ? (incrementalRevenue - cost) / cost : null,
  };
}

/** The figures of one arm; `control` is null for the control arm itself or when there is none. */
export function armReport(arm: string, aggregate: ArmAggregate, rate: PointsRate, control: ArmAggregate | null): CampaignArmReport {
  const rewardCost = rewardCostOf(aggregate, rate);
  const sendCost = Number(aggregate.sendCost);
  const revenue = Number(aggregate.revenue);
  return {
    arm,
    units: aggregate.units,
    reached: aggregate.reached,
    reachRate: ratio(aggregate.reached, aggregate.units),
    openRate: ratio(aggregate.opened, aggregate.reached),
    clickRate: ratio(aggregate.clicked, aggregate.reached),
    conversions: aggregate.converters,
    conversionRate: ratio(aggregate.converters, aggregate.units),
    orders: aggregate.orders,
    revenue,
    revenuePerMember: ratio(revenue, aggregate.units),
    repurchaseRate: ratio(aggregate.priorBuyersConverted, aggregate.priorBuyers),
    rewardCost,
    sendCost,
    versusControl: versusControl(aggregate, control, rewardCost + sendCost),
  };
}

/** A campaign's report from its aggregates: variants in the campaign's order, then any other key delivered. */
export function buildCampaignReport(aggregates: CampaignAggregates, range: ReportRange = {}): CampaignReport {
  const rate: PointsRate = { redeemPoints: aggregates.redeemPoints, redeemValue: aggregates.redeemValue };
  const byVariant = new Map<string, ArmAggregate>();
  let control: ArmAggregate | null = null;
  const suppressed: SuppressedCount[] = [];
  for (const row of aggregates.arms) {
    if (row.kind === 'CONTROL') control = control ? addAggregates(control, row.aggregate) : row.aggregate;
    else if (row.kind === 'VARIANT' && row.key !== null) byVariant.set(row.key, row.aggregate);
    else suppressed.push({ reason: row.key as SuppressionReason | null, count: row.aggregate.units });
  }
  const keys = [...aggregates.variantKeys, ...[...byVariant.keys()].filter((key) => !aggregates.variantKeys.includes(key)).sort()];
  const treatment = [...byVariant.values()].reduce(addAggregates, emptyAggregate());
  const controlArm = control && control.units > 0 ? control : null;
  return {
    campaignId: aggregates.campaignId,
    attributionDays: aggregates.attributionDays,
    since: range.since ?? null,
    until: range.until ?? null,
    currency: aggregates.currency,
    treatment: armReport('TREATMENT', treatment, rate, controlArm),
    control: controlArm ? armReport('CONTROL', controlArm, rate, null) : null,
    variants: keys.map((key) => armReport(key, byVariant.get(key) ?? emptyAggregate(), rate, controlArm)),
    suppressed,
  };
}

/**
 * Reports of the tenant's campaigns among `campaignIds`, keyed by campaign id (ids of other tenants' campaigns
 * and unknown ids have none), over deliveries planned in [since, until) when a range is given. One statement.
 */
export async function campaignReports(em: EntityManager, tenantId: string, campaignIds: string[], range: ReportRange = {}): Promise<Map<string, CampaignReport>> {
  const aggregates = await campaignAggregates(em, tenantId, campaignIds, range);
  return new Map([...aggregates].map(([id, campaign]) => [id, buildCampaignReport(campaign, range)]));
}
