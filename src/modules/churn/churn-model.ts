import type { EntityManager } from '@mikro-orm/postgresql';
import { boundRows } from '../../core/db/bound.js';
import { namedSql } from '../../core/db/named-sql.js';
import { PURCHASE_STATUSES } from '../order/order.enums.js';
import { fitBgNbd, type BuyerGroup } from './bgnbd.js';
import { ChurnModelKind } from './churn.enums.js';
import { liveFacts, pastFacts, type ScoringModel } from './churn-score.sql.js';

export const RHYTHM_MODEL: ScoringModel = { kind: ChurnModelKind.RHYTHM, r: null, alpha: null, a: null, b: null };

/** A fit, stored (churn_model) or computed for a past date. */
export interface FittedModel extends ScoringModel {
  logLikelihood: number | null;
  buyers: number;
  asOf: Date;
  fittedAt: Date;
  converged: boolean;
}

/** The newest stored model of the tenant, if one was fitted. */
export async function storedModel(em: EntityManager, tenantId: string): Promise<FittedModel | null> {
  const [row] = await em.execute<
    { kind: ChurnModelKind; r: number | null; alpha: number | null; a: number | null; b: number | null; log_likelihood: number | null; buyers: number; as_of: string | Date; fitted_at: string | Date }[]
  >('select kind, r, alpha, a, b, log_likelihood, buyers, as_of, fitted_at from churn_model where tenant_id = ? order by fitted_at desc, created_at desc limit 1', [tenantId]);
  if (!row) return null;
  return {
    kind: row.kind, r: row.r, alpha: row.alpha, a: row.a, b: row.b, logLikelihood: row.log_likelihood,
    buyers: row.buyers, asOf: new Date(row.as_of), fittedAt: new Date(row.fitted_at), converged: true,
  };
}

/** The newest model of the tenant; RHYTHM until one is fitted. */
export async function activeModel(em: EntityManager, tenantId: string): Promise<ScoringModel> {
  return (await storedModel(em, tenantId)) ?? RHYTHM_MODEL;
}

/** Buyers a fit looks at, at most: beyond, a fixed pseudo-random sample (by member id) of this size. */
export const FIT_SAMPLE = 50_000;

/**
 * Buyers grouped by (x, tx, T) at day resolution, as of `asOf`: from member_stats for now (`live`), from orders
 * before `asOf` for a past date. Grouping keeps the fit fast: the likelihood is evaluated per group, not per buyer.
 * Above FIT_SAMPLE buyers a stable sample (every k-th by a hash of the member id) keeps a fit to seconds; 50,000
 * buyers pin the four parameters far more tightly than the ranking needs.
 */
export async function buyerGroups(em: EntityManager, tenantId: string, asOf: Date, live: boolean): Promise<{ groups: BuyerGroup[]; buyers: number; sampled: number }> {
  const values = { tenant: tenantId, now: asOf, statuses: [...PURCHASE_STATUSES] };
  const facts = live ? liveFacts('') : pastFacts();
  const counted = namedSql(`with ${facts} select count(*)::int as n from facts`, values);
  const [total] = await boundRows<{ n: number }>(em, counted.sql, counted.params);
  const buyers = total?.n ?? 0;
  const every = Math.max(1, Math.ceil(buyers / FIT_SAMPLE));
  const bound = namedSql(
    `with ${facts}
     select greatest(f.days - 1, 0)::int as x,
            round(extract(epoch from f.last_at - f.first_at) / 86400.0)::int as tx_days,
            round(extract(epoch from :now::timestamptz - f.first_at) / 86400.0)::int as t_days,
            count(*)::int as n
       from facts f
      where :every::int = 1 or abs(hashtext(f.member_id::text)::bigint) % :every::int = 0
      group by 1, 2, 3`,
    { ...values, every },
  );
  const rows = await boundRows<{ x: number; tx_days: number; t_days: number; n: number }>(em, bound.sql, bound.params);
  let sampled = 0;
  // Buyers first seen today (T rounds to 0 days) tell the fit nothing yet; they are still scored.
  const groups = rows
    .filter((row) => row.t_days > 0)
    .map((row) => {
      sampled += row.n;
      return { x: row.x, tx: Math.min(row.tx_days, row.t_days) / 7, T: row.t_days / 7, count: row.n };
    });
  return { groups, buyers, sampled };
}

/**
 * Fits BG/NBD by maximum likelihood when the tenant has `minBuyers` buyers (and some repeat buying to learn
 * from); otherwise, or when the optimiser does not converge to finite values, the rhythm model.
 */
export async function fitModel(em: EntityManager, tenantId: string, asOf: Date, live: boolean, minBuyers: number): Promise<FittedModel> {
  const { groups, buyers, sampled } = await buyerGroups(em, tenantId, asOf, live);
  const fittedAt = new Date();
  const rhythm: FittedModel = { ...RHYTHM_MODEL, logLikelihood: null, buyers, asOf, fittedAt, converged: true };
  const repeaters = groups.reduce((sum, g) => sum + (g.x > 0 ? g.count : 0), 0);
  if (buyers < minBuyers || repeaters === 0 || repeaters === sampled) return rhythm;
  const fit = fitBgNbd(groups);
  const { r, alpha, a, b } = fit.params;
  if (![r, alpha, a, b, fit.logLikelihood].every(Number.isFinite)) return { ...rhythm, converged: false };
  return { kind: ChurnModelKind.BG_NBD, r, alpha, a, b, logLikelihood: fit.logLikelihood, buyers, asOf, fittedAt, converged: fit.converged };
}

/** Fits on today's data and stores the result as the tenant's model (the CHURN_SCORE job). */
export async function refitModel(em: EntityManager, tenantId: string, now: Date, minBuyers: number): Promise<FittedModel> {
  const model = await fitModel(em, tenantId, now, true, minBuyers);
  await em.execute(
    `insert into churn_model (id, tenant_id, created_at, kind, r, alpha, a, b, log_likelihood, buyers, as_of, fitted_at)
     values (gen_random_uuid(), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [tenantId, model.fittedAt, model.kind, model.r, model.alpha, model.a, model.b, model.logLikelihood, model.buyers, model.asOf, model.fittedAt],
  );
  return model;
}
