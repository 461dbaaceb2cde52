import DataLoader from 'dataloader';
import type { LoaderFactory } from '../../core/context.js';
import { tenantRows } from '../../core/db/tenant-sql.js';
import { firstPagesLoader } from '../../core/relay/page-per-parent.js';
import { LifecycleTransition } from './lifecycle.entity.js';
import type { LifecycleStage } from './lifecycle.enums.js';

export const TRANSITION_ORDER = { occurredAt: 'desc', createdAt: 'desc', id: 'desc' } as const;

export interface LifecycleRow {
  stage: LifecycleStage;
  since: Date;
  expected: number | null;
  atRiskAt: Date | null;
  lapsedAt: Date | null;
}

/** Members' current stages with the moments time alone would move them, one statement per batch. */
export const lifecycleByMember: LoaderFactory<string, LifecycleRow | null> = (ctx) =>
  new DataLoader(async (memberIds) => {
    const rows = await tenantRows<{ member_id: string; stage: LifecycleStage; since: Date | string; expected: number | null; at_risk_at: Date | string | null; lapsed_at: Date | string | null }>(
      ctx,
      `select ml.member_id, ml.stage, ml.since, ml.expected_interval_days as expected,
              s.last_order_at + make_interval(secs => t.lifecycle_at_risk_factor * ml.expected_interval_days * 86400) as at_risk_at,
              s.last_order_at + make_interval(secs => t.lifecycle_lapsed_factor * ml.expected_interval_days * 86400) as lapsed_at
         from member_lifecycle ml
         join tenant t on t.id = ml.tenant_id
         left join member_stats s on s.member_id = ml.member_id and s.tenant_id = ml.tenant_id
        where ml.tenant_id = ? and ml.member_id in (?)`,
      [[...memberIds]],
    );
    const date = (value: Date | string | null) => (value === null ? null : new Date(value));
    const byId = new Map(
      rows.map((row) => [row.member_id, { stage: row.stage, since: date(row.since)!, expected: row.expected === null ? null : Number(row.expected), atRiskAt: date(row.at_risk_at), lapsedAt: date(row.lapsed_at) }]),
    );
    return memberIds.map((id) => byId.get(id) ?? null);
  });

/** The first page of each member's lifecycle history, newest first. */
export const historyPagesByMember = firstPagesLoader({
  entity: LifecycleTransition,
  table: 'lifecycle_transition',
  parentColumn: 'member_id',
  orderSql: 'x.occurred_at desc, x.created_at desc, x.id desc',
  orderBy: TRANSITION_ORDER,
});
