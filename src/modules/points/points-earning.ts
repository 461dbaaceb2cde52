import type { Channel } from '../../core/channel.js';
import type { LoyaltyProgram } from './loyalty-program.entity.js';
import type { PointsRule } from './points.entity.js';

/** What an order earns, and why: stored on the EARN entry. */
export interface EarningBreakdown {
  [key: string]: unknown;
  base: { points: number; perAmount: number };
  tierMultiplierPercent: number;
  tier: string | null;
  lines: { lineNo: number; sku: string; amount: number; multiplierPercent: number; rules: string[]; points: number }[];
  bonuses: { rule: string; points: number }[];
  points: number;
}

export interface EarningOrder {
  channel: Channel;
  storeId: string | null;
  at: Date;
  itemsTotal: number;
  total: number;
  shipping: number;
  items: { lineNo: number; sku: string; category?: string | null; quantity: number; unitPrice: number }[];
}

const active = (rule: PointsRule, at: Date) =>
  rule.active && (!rule.startsAt || rule.startsAt <= at) && (!rule.endsAt || at < rule.endsAt);

const orderMatches = (rule: PointsRule, order: EarningOrder) =>
  (!rule.channel || rule.channel === order.channel) && (!rule.storeId || rule.storeId === order.storeId);

const lineMatches = (rule: PointsRule, line: EarningOrder['items'][number]) =>
  (!rule.category || rule.category === line.category) && (!rule.sku || rule.sku === line.sku);

/**
 * Points for a paid order. Each line earns on its share of what was paid for goods (total minus shipping,
 * spread over the lines by value) at the programme rate, times the highest multiplier among the rules that
 * match the line and the order (channel, store, date window, category, sku), times the tier multiplier,
 * rounded down per line. Each matching rule's bonus is added once per order.
 */
export function pointsForOrder(program: LoyaltyProgram, rules: PointsRule[], order: EarningOrder, tier: { code: string | null; earnMultiplierPercent: number }): EarningBreakdown {
  const live = rules.filter((rule) => active(rule, order.at) && orderMatches(rule, order));
  const paidForGoods = Math.max(order.total - order.shipping, 0);
  const matchedRules = new Set<PointsRule>();
  const lines = order.items.map((item) => {
    const lineValue = item.quantity * item.unitPrice;
    const amount = order.itemsTotal > 0 ? Number((BigInt(lineValue) * BigInt(paidForGoods)) / BigInt(order.itemsTotal)) : 0;
    const matching = live.filter((rule) => lineMatches(rule, item));
    matching.forEach((rule) => matchedRules.add(rule));
    const multipliers = matching.filter((rule) => rule.multiplierPercent !== 100);
    const best = multipliers.length ? multipliers.reduce((a, b) => (b.multiplierPercent > a.multiplierPercent ? b : a)) : null;
    const multiplierPercent = best?.multiplierPercent ?? 100;
    // Integer arithmetic end to end: amount * rate * rule% * tier% / (perAmount * 100 * 100).
    const numerator = BigInt(amount) * BigInt(program.earnPoints) * BigInt(multiplierPercent) * BigInt(tier.earnMultiplierPercent);
    const points = Number(numerator / (BigInt(program.earnPerAmount) * 10000n));
    return { lineNo: item.lineNo, sku: item.sku, amount, multiplierPercent, rules: best ? [best.name] : [], points };
  });
  const bonuses = [...matchedRules].filter((rule) => rule.bonusPoints > 0).map((rule) => ({ rule: rule.name, points: rule.bonusPoints }));
  const points = lines.reduce((sum, line) => sum + line.points, 0) + bonuses.reduce((sum, bonus) => sum + bonus.points, 0);
  return {
    base: { points: program.earnPoints, perAmount: program.earnPerAmount },
    tierMultiplierPercent: tier.earnMultiplierPercent,
    tier: tier.code,
    lines,
    bonuses,
    points,
  };
}

/** Money value of points at the programme's redemption rate, rounded down. */
export function moneyValueOf(program: LoyaltyProgram, points: number): number {
  return Math.floor((points * program.redeemValue) / program.redeemPoints);
}
