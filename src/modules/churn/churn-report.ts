import type { EntityManager } from '@mikro-orm/postgresql';
import { boundRows } from '../../core/db/bound.js';
import { namedSql } from '../../core/db/named-sql.js';
import { PURCHASE_STATUSES } from '../order/order.enums.js';
import { fitModel, type FittedModel } from './churn-model.js';
import { BOUND_PARAMS, pastFacts, SCORED, scoringValues } from './churn-score.sql.js';
import type { ChurnSettings } from './churn-settings.js';

/**
 * Calibration: fits and scores as of a past date from the data before it only (the same statement production
 * scores with), then looks at who ordered within the horizon after it. AUC by the rank-sum (Mann-Whitney)
 * formula with average ranks for ties; lift of the top tenth by score (ties broken by member id). The baseline
 * is days since the last order, the ranking a model must beat.
 */
const REPORT = `
with ${BOUND_PARAMS}, ${pastFacts()}, ${SCORED},
outcome as (
  select sc.member_id, sc.score, sc.d_days,
         not exists (select 1 from orders o where o.tenant_id = :tenant and o.member_id = sc.member_id and o.status = any(:statuses::text[])
                        and o.placed_at >= :now::timestamptz and o.placed_at < :until::timestamptz) as churned
    from scored sc
), totals as (
  select count(*)::int as n, (count(*) filter (where churned))::int as p from outcome
), ranked as (
  select o.churned,
         rank() over (order by o.score) + (count(*) over (partition by o.score) - 1) / 2.0 as score_rank,
         rank() over (order by o.d_days) + (count(*) over (partition by o.d_days) - 1) / 2.0 as recency_rank,
         ntile(10) over (order by o.score desc, o.member_id) as score_decile,
         ntile(10) over (order by o.d_days desc, o.member_id) as recency_decile
    from outcome o
)
select t.n, t.p,
       ((select sum(score_rank) from ranked where churned) - t.p * (t.p + 1) / 2.0) / nullif(t.p::float8 * (t.n - t.p), 0) as score_auc,
       ((select sum(recency_rank) from ranked where churned) - t.p * (t.p + 1) / 2.0) / nullif(t.p::float8 * (t.n - t.p), 0) as recency_auc,
       (select avg(churned::int) from ranked where score_decile = 1)::float8 as score_top,
       (select avg(churned::int) from ranked where recency_decile = 1)::float8 as recency_top
  from totals t`;

const MEDIAN = `
with ${pastFacts()}
select percentile_cont(0.5) within group (order by extract(epoch from f.last_at - f.first_at) / 86400.0 / (f.n - 1))::float8 as median
  from facts f where f.n >= 2`;

export interface CalibrationFigures {
  auc: number | null;
  topDecileLift: number | null;
}

export interface CalibrationReport {
  asOf: Date;
  horizonDays: number;
  model: FittedModel;
  buyers: number;
  churned: number;
  churnRate: number;
  score: CalibrationFigures;
  recency: CalibrationFigures;
}

export async function calibrationReport(em: EntityManager, tenantId: string, asOf: Date, horizonDays: number, settings: ChurnSettings): Promise<CalibrationReport> {
  return em.transactional(async (tx) => {
    await tx.execute(`set local statement_timeout = '10min'`);
    const model = await fitModel(tx, tenantId, asOf, false, settings.minBuyers);
    const base = { tenant: tenantId, now: asOf, statuses: [...PURCHASE_STATUSES] };
    const medianSql = namedSql(MEDIAN, base);
    const [medianRow] = await boundRows<{ median: number | null }>(tx, medianSql.sql, medianSql.params);
    const median = medianRow?.median ?? settings.defaultIntervalDays;
    const values = { ...scoringValues(tenantId, asOf, model, { ...settings, median: Number(median), horizonDays }), until: new Date(asOf.getTime() + horizonDays * 86_400_000) };
    const bound = namedSql(REPORT, values);
    const [row] = await boundRows<{ n: number; p: number; score_auc: number | null; recency_auc: number | null; score_top: number | null; recency_top: number | null }>(tx, bound.sql, bound.params);
    const buyers = row?.n ?? 0;
    const churned = row?.p ?? 0;
    const rate = buyers ? churned / buyers : 0;
    const lift = (top: number | null) => (top === null || !rate ? null : Number(top) / rate);
    const num = (value: number | null | undefined) => (value === null || value === undefined ? null : Number(value));
    return {
      asOf,
      horizonDays,
      model,
      buyers,
      churned,
      churnRate: rate,
      score: { auc: num(row?.score_auc), topDecileLift: lift(num(row?.score_top)) },
      recency: { auc: num(row?.recency_auc), topDecileLift: lift(num(row?.recency_top)) },
    };
  });
}
