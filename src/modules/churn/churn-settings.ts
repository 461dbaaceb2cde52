import type { EntityManager } from '@mikro-orm/postgresql';

/** What scoring reads from the tenant row. */
export interface ChurnSettings {
  /** Expected days between orders for buyers with fewer than 3 orders: the lifecycle median, else its default. */
  median: number;
  /** The lifecycle default interval (what `median` falls back to). */
  defaultIntervalDays: number;
  atRisk: number;
  horizonDays: number;
  thresholds: number[];
  hysteresis: number;
  minBuyers: number;
}

export async function churnSettings(em: EntityManager, tenantId: string): Promise<ChurnSettings> {
  const [row] = await em.execute<
    { median: number; default_days: number; at_risk: number; horizon: number; thresholds: number[]; hysteresis: number; min_buyers: number }[]
  >(
    `select coalesce(lifecycle_median_interval_days, lifecycle_default_interval_days)::float8 as median, lifecycle_default_interval_days as default_days, lifecycle_at_risk_factor as at_risk,
            churn_horizon_days as horizon, churn_thresholds as thresholds, churn_hysteresis as hysteresis, churn_model_min_buyers as min_buyers
       from tenant where id = ?`,
    [tenantId],
  );
  if (!row) throw new Error('tenant not found');
  return {
    median: Number(row.median),
    defaultIntervalDays: row.default_days,
    atRisk: Number(row.at_risk),
    horizonDays: row.horizon,
    thresholds: [...row.thresholds].map(Number).sort((x, y) => x - y),
    hysteresis: Number(row.hysteresis),
    minBuyers: row.min_buyers,
  };
}

export interface ChurnSettingsInput {
  churnHorizonDays?: number | null;
  churnThresholds?: number[] | null;
  churnHysteresis?: number | null;
  churnModelMinBuyers?: number | null;
}

interface ChurnSettingsTarget {
  churnHorizonDays: number;
  churnThresholds: number[];
  churnHysteresis: number;
  churnModelMinBuyers: number;
}

type Problem = { field: string; message: string };

/** What is wrong with the churn settings of a tenant update (empty when they may be applied). */
export function churnSettingsProblems(input: ChurnSettingsInput, tenant: ChurnSettingsTarget): Problem[] {
  const problems: Problem[] = [];
  const horizon = input.churnHorizonDays;
  if (horizon != null && (!Number.isInteger(horizon) || horizon < 7 || horizon > 730)) problems.push({ field: 'churnHorizonDays', message: 'churnHorizonDays must be a whole number from 7 to 730' });
  const hysteresis = input.churnHysteresis ?? tenant.churnHysteresis;
  if (!(hysteresis >= 0 && hysteresis <= 0.2)) problems.push({ field: 'churnHysteresis', message: 'churnHysteresis must be from 0 to 0.2' });
  const thresholds = input.churnThresholds;
  if (thresholds != null) {
    if (thresholds.length < 1 || thresholds.length > 5) problems.push({ field: 'churnThresholds', message: 'churnThresholds takes 1 to 5 scores' });
    else if (!thresholds.every((value) => value > 0 && value < 1)) problems.push({ field: 'churnThresholds', message: 'every churn threshold must lie between 0 and 1' });
    else if (!thresholds.every((value, i) => i === 0 || value > thresholds[i - 1]!)) problems.push({ field: 'churnThresholds', message: 'churnThresholds must be in ascending order without repeats' });
  }
  const minBuyers = input.churnModelMinBuyers;
  if (minBuyers != null && (!Number.isInteger(minBuyers) || minBuyers < 20 || minBuyers > 10_000_000)) problems.push({ field: 'churnModelMinBuyers', message: 'churnModelMinBuyers must be a whole number from 20 to 10,000,000' });
  return problems;
}

/** Applies checked churn settings; answers whether the thresholds changed (members are then re-placed). */
export function applyChurnSettings(input: ChurnSettingsInput, tenant: ChurnSettingsTarget): boolean {
  const thresholdsChanged = input.churnThresholds != null && JSON.stringify(input.churnThresholds) !== JSON.stringify(tenant.churnThresholds);
  if (input.churnHorizonDays != null) tenant.churnHorizonDays = input.churnHorizonDays;
  if (input.churnHysteresis != null) tenant.churnHysteresis = input.churnHysteresis;
  if (input.churnThresholds != null) tenant.churnThresholds = [...input.churnThresholds];
  if (input.churnModelMinBuyers != null) tenant.churnModelMinBuyers = input.churnModelMinBuyers;
  return thresholdsChanged;
}
