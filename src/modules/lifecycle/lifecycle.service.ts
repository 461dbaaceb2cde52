import type { GraphQLContext } from '../../core/context.js';
import { tenantRows } from '../../core/db/tenant-sql.js';
import { badInput } from '../../core/errors.js';
import { pageRequest, type Page, type PageArgs } from '../../core/relay/connection.js';
import { paginate } from '../../core/relay/paginate.js';
import { LifecycleTransition } from './lifecycle.entity.js';
import { LifecycleCause, LifecycleStage } from './lifecycle.enums.js';
import { historyPagesByMember, lifecycleByMember, TRANSITION_ORDER } from './lifecycle.loaders.js';
import { LifecycleStageCountNode, LifecycleTransitionCountNode, LifecycleTransitionCountsNode, MemberLifecycleNode } from './lifecycle.type.js';

const MAX_PERIOD_MS = 3 * 366 * 86_400_000;

/** Reads of lifecycle stages and their history. */
export class LifecycleService {
  constructor(private readonly ctx: GraphQLContext) {}

  async of(memberId: string): Promise<MemberLifecycleNode> {
    const row = await this.ctx.loaders.get(lifecycleByMember).load(memberId);
    const stage = row?.stage ?? LifecycleStage.PROSPECT;
    const nextMoveAt = stage === LifecycleStage.AT_RISK ? row?.lapsedAt : [LifecycleStage.NEW, LifecycleStage.ACTIVE, LifecycleStage.REACTIVATED].includes(stage) ? row?.atRiskAt : null;
    return Object.assign(new MemberLifecycleNode(), { stage, since: row?.since ?? null, expectedIntervalDays: row?.expected ?? null, nextMoveAt: nextMoveAt ?? null });
  }

  history(memberId: string, args: PageArgs): Promise<Page<LifecycleTransition>> {
    const page = pageRequest(args);
    if (page.first !== undefined && !page.after) return this.ctx.loaders.get(historyPagesByMember).load({ parentId: memberId, first: page.first });
    return paginate(this.ctx.em, LifecycleTransition, { memberId }, page, TRANSITION_ORDER);
  }

  async transitions(from: LifecycleStage | null | undefined, to: LifecycleStage | null | undefined, since: Date, until: Date): Promise<LifecycleTransitionCountsNode> {
    if (!(since < until)) throw badInput('`since` must be before `until`.', 'since');
    if (until.getTime() - since.getTime() > MAX_PERIOD_MS) throw badInput('The period may be at most 3 years.', 'until');
    const rows = await tenantRows<{ from_stage: LifecycleStage; to_stage: LifecycleStage; cause: LifecycleCause; n: number }>(
      this.ctx,
      `select from_stage, to_stage, cause, count(*)::int as n from lifecycle_transition
        where tenant_id = ? and occurred_at >= ? and occurred_at < ? and (?::text is null or from_stage = ?) and (?::text is null or to_stage = ?)
        group by from_stage, to_stage, cause order by n desc, from_stage, to_stage, cause`,
      [since, until, from ?? null, from ?? null, to ?? null, to ?? null],
    );
    return Object.assign(new LifecycleTransitionCountsNode(), {
      total: rows.reduce((sum, row) => sum + row.n, 0),
      breakdown: rows.map((row) => Object.assign(new LifecycleTransitionCountNode(), { from: row.from_stage, to: row.to_stage, cause: row.cause, count: row.n })),
    });
  }

  async distribution(): Promise<LifecycleStageCountNode[]> {
    const rows = await tenantRows<{ stage: LifecycleStage; n: number }>(
      this.ctx,
      `select coalesce(ml.stage, 'PROSPECT') as stage, count(*)::int as n from member m
         left join member_lifecycle ml on ml.member_id = m.id and ml.tenant_id = m.tenant_id
        where m.tenant_id = ? and m.status = 'ACTIVE' group by 1`,
    );
    const byStage = new Map(rows.map((row) => [row.stage, row.n]));
    return Object.values(LifecycleStage).map((stage) => Object.assign(new LifecycleStageCountNode(), { stage, members: byStage.get(stage) ?? 0 }));
  }
}
