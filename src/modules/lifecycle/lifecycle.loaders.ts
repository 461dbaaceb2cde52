import DataLoader from 'dataloader';
import { tenantIdOf, type LoaderFactory } from '../../core/context.js';
import { tenantRows } from '../../core/db/tenant-sql.js';
import type { Page } from '../../core/relay/connection.js';
import { firstPagesPerParent } from '../../core/relay/page-per-parent.js';
import { LifecycleTransition } from './lifecycle.entity.js';
import type { LifecycleStage } from './lifecycle.enums.js';

export const TRANSITION_ORDER = { occurredAt: 'desc', id: 'desc' } as const;

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

const transitionCountByMember: LoaderFactory<string, number> = (ctx) =>
  new DataLoader(async (memberIds) => {
    const rows = await tenantRows<{ member_id: string; n: number }>(
      ctx,
      'select member_id, count(*)::int as n from lifecycle_transition where tenant_id = ? and member_id in (?) group by member_id',
      [[...memberIds]],
    );
    const byId = new Map(rows.map((row) => [row.member_id, row.n]));
    return memberIds.map((id) => byId.get(id) ?? 0);
  });

interface HistoryKey {
  memberId: string;
  first: number;
}

/** The first page of each member's lifecycle history, newest first, in one statement per page size. */
export const historyPagesByMember: LoaderFactory<HistoryKey, Page<LifecycleTransition>> = (ctx) =>
  new DataLoader(
    async (keys) => {
      const pages = new Map<string, Page<LifecycleTransition>>();
      for (const first of new Set(keys.map((key) => key.first))) {
        const ids = keys.filter((key) => key.first === first).map((key) => key.memberId);
        const found = await firstPagesPerParent(
          ctx.em,
          LifecycleTransition,
          { table: 'lifecycle_transition', parentColumn: 'member_id', tenantId: tenantIdOf(ctx), conditions: [], params: [], orderSql: 'x.occurred_at desc, x.id desc' },
          ids,
          first,
          TRANSITION_ORDER,
          (memberId) => ctx.loaders.get(transitionCountByMember).load(memberId),
        );
        for (const [memberId, page] of found) pages.set(`${memberId}|${first}`, page);
      }
      return keys.map((key) => pages.get(`${key.memberId}|${key.first}`)!);
    },
    { cacheKeyFn: (key) => `${key.memberId}|${key.first}` },
  );
