import type { GraphQLContext } from '../../core/context.js';
import { tenantIdOf } from '../../core/context.js';
import { badInput } from '../../core/errors.js';
import { idOf } from '../../core/relay/global-id.js';
import { pageRequest, type Page } from '../../core/relay/connection.js';
import { paginate } from '../../core/relay/paginate.js';
import { expectedPurchases } from './bgnbd.js';
import { ChurnCrossing } from './churn.entity.js';
import { ChurnDriverName, ChurnModelKind } from './churn.enums.js';
import type { ChurnModelReportArgs, ChurnRiskCrossingsArgs } from './churn.inputs.js';
import { activeModelOfTenant, churnByMember } from './churn.loaders.js';
import { fitModel, storedModel, type FittedModel } from './churn-model.js';
import { calibrationReport } from './churn-report.js';
import { churnSettings } from './churn-settings.js';
import { ChurnModelNode, ChurnModelReportNode, ChurnRiskNode, type CrossingRow } from './churn.type.js';

const MAX_REPORT_HORIZON = 730;

export function modelNode(model: FittedModel): ChurnModelNode {
  const bg = model.kind === ChurnModelKind.BG_NBD;
  return Object.assign(new ChurnModelNode(), {
    kind: model.kind,
    parameters: bg ? { r: model.r!, alpha: model.alpha!, a: model.a!, b: model.b! } : null,
    timeUnit: 'WEEK',
    logLikelihood: model.logLikelihood,
    buyers: model.buyers,
    asOf: model.asOf,
    fittedAt: model.fittedAt,
  });
}

export function crossingRow(crossing: ChurnCrossing): CrossingRow {
  return {
    id: crossing.id,
    tenantId: crossing.tenantId,
    memberId: crossing.memberId,
    threshold: crossing.threshold,
    direction: crossing.direction,
    previousScore: crossing.previousScore,
    score: crossing.score,
    occurredAt: crossing.occurredAt,
    seq: crossing.seq!,
  };
}

export class ChurnService {
  constructor(private readonly ctx: GraphQLContext) {}

  async riskOf(memberId: string): Promise<ChurnRiskNode | null> {
    const [row, model] = await Promise.all([this.ctx.loaders.get(churnByMember).load(memberId), this.ctx.loaders.get(activeModelOfTenant).load('tenant')]);
    if (!row) return null;
    const bg = row.modelKind === ChurnModelKind.BG_NBD && model.kind === ChurnModelKind.BG_NBD;
    const expectedOrders = bg
      ? expectedPurchases({ r: model.r!, alpha: model.alpha!, a: model.a!, b: model.b! }, row.repeatPurchases, row.recencyWeeks, row.ageWeeks, model.horizonDays / 7)
      : null;
    return Object.assign(new ChurnRiskNode(), {
      score: row.score,
      band: row.band,
      drivers: [...row.drivers]
        .map((driver) => ({ name: driver.name as ChurnDriverName, contribution: Number(driver.contribution) }))
        .sort((x, y) => Math.abs(y.contribution) - Math.abs(x.contribution)),
      expectedNextOrderAt: row.expectedNextOrderAt,
      expectedOrders: expectedOrders !== null && Number.isFinite(expectedOrders) ? expectedOrders : null,
      model: row.modelKind,
      scoredAt: row.scoredAt,
    });
  }

  /** The stored model, or (with asOf) a fit on the orders before asOf, computed now and not stored. */
  async model(asOf: Date | null | undefined): Promise<ChurnModelNode> {
    const tenantId = tenantIdOf(this.ctx);
    const settings = await churnSettings(this.ctx.em, tenantId);
    if (asOf) {
      if (asOf.getTime() > Date.now()) throw badInput('asOf must not lie in the future.', 'asOf');
      return modelNode(await fitModel(this.ctx.em, tenantId, asOf, false, settings.minBuyers));
    }
    const stored = await storedModel(this.ctx.em, tenantId);
    if (stored) return modelNode(stored);
    const [count] = await this.ctx.em.getConnection().execute<{ n: number }[]>(
      `select count(*)::int as n from member_stats s join member m on m.id = s.member_id and m.status = 'ACTIVE' where s.tenant_id = ? and s.order_count > 0`,
      [tenantId],
    );
    const now = new Date();
    return modelNode({ kind: ChurnModelKind.RHYTHM, r: null, alpha: null, a: null, b: null, logLikelihood: null, buyers: count?.n ?? 0, asOf: now, fittedAt: now, converged: true });
  }

  async report(args: ChurnModelReportArgs): Promise<ChurnModelReportNode> {
    const tenantId = tenantIdOf(this.ctx);
    const settings = await churnSettings(this.ctx.em, tenantId);
    const horizonDays = args.horizonDays ?? settings.horizonDays;
    if (!Number.isInteger(horizonDays) || horizonDays < 1 || horizonDays > MAX_REPORT_HORIZON) throw badInput(`horizonDays must be a whole number from 1 to ${MAX_REPORT_HORIZON}.`, 'horizonDays');
    if (args.asOf.getTime() + horizonDays * 86_400_000 > Date.now()) throw badInput('asOf + horizonDays must lie in the past: the outcome has to be known.', 'asOf');
    const report = await calibrationReport(this.ctx.em, tenantId, args.asOf, horizonDays, settings);
    return Object.assign(new ChurnModelReportNode(), { ...report, model: modelNode(report.model) });
  }

  crossings(args: ChurnRiskCrossingsArgs): Promise<Page<ChurnCrossing>> {
    const memberId = args.memberId ? idOf(args.memberId, 'Member') : undefined;
    if (args.memberId && !memberId) throw badInput('memberId is not a Member id.', 'memberId');
    const occurredAt = { ...(args.since ? { $gte: args.since } : {}), ...(args.until ? { $lt: args.until } : {}) };
    const where = {
      seq: { $ne: null },
      ...(memberId ? { memberId } : {}),
      ...(args.threshold != null ? { threshold: args.threshold } : {}),
      ...(args.direction ? { direction: args.direction } : {}),
      ...(args.since || args.until ? { occurredAt } : {}),
    };
    return paginate(this.ctx.em, ChurnCrossing, where, pageRequest(args), { seq: 'asc' });
  }
}
