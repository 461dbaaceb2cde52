import DataLoader from 'dataloader';
import { tenantIdOf, type LoaderFactory } from '../../core/context.js';
import { tenantRows } from '../../core/db/tenant-sql.js';
import type { ChurnBand, ChurnModelKind } from './churn.enums.js';

export interface MemberChurnRow {
  score: number;
  band: ChurnBand;
  modelKind: ChurnModelKind;
  drivers: { name: string; contribution: number }[];
  expectedNextOrderAt: Date | null;
  repeatPurchases: number;
  recencyWeeks: number;
  ageWeeks: number;
  scoredAt: Date;
}

/** Members' current churn scores, one statement per batch. */
export const churnByMember: LoaderFactory<string, MemberChurnRow | null> = (ctx) =>
  new DataLoader(async (memberIds) => {
    const rows = await tenantRows<{
      member_id: string; score: number; band: ChurnBand; model_kind: ChurnModelKind; drivers: MemberChurnRow['drivers'];
      expected_next_order_at: Date | string | null; repeat_purchases: number; recency_weeks: number; age_weeks: number; scored_at: Date | string;
    }>(
      ctx,
      `select member_id, score, band, model_kind, drivers, expected_next_order_at, repeat_purchases, recency_weeks, age_weeks, scored_at
         from member_churn where tenant_id = ? and member_id in (?)`,
      [[...memberIds]],
    );
    const byId = new Map(
      rows.map((row) => [
        row.member_id,
        {
          score: Number(row.score),
          band: row.band,
          modelKind: row.model_kind,
          drivers: row.drivers,
          expectedNextOrderAt: row.expected_next_order_at === null ? null : new Date(row.expected_next_order_at),
          repeatPurchases: row.repeat_purchases,
          recencyWeeks: Number(row.recency_weeks),
          ageWeeks: Number(row.age_weeks),
          scoredAt: new Date(row.scored_at),
        },
      ]),
    );
    return memberIds.map((id) => byId.get(id) ?? null);
  });

export interface ActiveModelRow {
  kind: ChurnModelKind | null;
  r: number | null;
  alpha: number | null;
  a: number | null;
  b: number | null;
  horizonDays: number;
}

/** The tenant's newest model and horizon, once per request (key: anything; the tenant is the viewer's). */
export const activeModelOfTenant: LoaderFactory<'tenant', ActiveModelRow> = (ctx) =>
  new DataLoader(async (keys) => {
    const [row] = await tenantRows<{ kind: ChurnModelKind | null; r: number | null; alpha: number | null; a: number | null; b: number | null; horizon: number }>(
      ctx,
      `select m.kind, m.r, m.alpha, m.a, m.b, t.churn_horizon_days as horizon
         from (select cm.kind, cm.r, cm.alpha, cm.a, cm.b from churn_model cm where cm.tenant_id = ? order by cm.fitted_at desc, cm.created_at desc limit 1) m
        right join tenant t on true
        where t.id = ?`,
      [tenantIdOf(ctx)],
    );
    const value: ActiveModelRow = { kind: row?.kind ?? null, r: row?.r ?? null, alpha: row?.alpha ?? null, a: row?.a ?? null, b: row?.b ?? null, horizonDays: row?.horizon ?? 90 };
    return keys.map(() => value);
  });
