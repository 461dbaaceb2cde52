import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import { tenantIdOf, type GraphQLContext, type LoaderFactory } from '../../core/context.js';
import { boundRows } from '../../core/db/bound.js';
import { pageRequest, type Page } from '../../core/relay/connection.js';
import { paginate } from '../../core/relay/paginate.js';
import { badInput } from '../../core/errors.js';
import { campaignReports, type CampaignReport, type ReportRange } from './campaign-report.js';
import { Campaign } from './campaign.entity.js';
import type { CampaignReportsArgs } from './campaign.inputs.js';

/** Reports over a million deliveries take seconds: they run with a longer statement timeout than requests. */
async function reportsOf(em: EntityManager, tenantId: string, ids: string[], range: ReportRange): Promise<Map<string, CampaignReport>> {
  return em.transactional(async (tx) => {
    await tx.execute(`set local statement_timeout = '5min'`);
    return campaignReports(tx, tenantId, ids, range);
  });
}

const rangeKey = (range: ReportRange) => `${range.since?.toISOString() ?? ''}|${range.until?.toISOString() ?? ''}`;

/** Reports by (campaign id, range): one statement per distinct range in a request. */
const reportByCampaign: LoaderFactory<{ id: string; range: ReportRange }, CampaignReport | null> = (ctx) =>
  new DataLoader(
    async (keys) => {
      const byRange = new Map<string, { range: ReportRange; ids: string[] }>();
      for (const key of keys) {
        const group = byRange.get(rangeKey(key.range)) ?? { range: key.range, ids: [] };
        group.ids.push(key.id);
        byRange.set(rangeKey(key.range), group);
      }
      const results = new Map<string, CampaignReport>();
      for (const [rk, group] of byRange) {
        for (const [id, report] of await reportsOf(ctx.em, tenantIdOf(ctx), group.ids, group.range)) results.set(`${id}|${rk}`, report);
      }
      return keys.map((key) => results.get(`${key.id}|${rangeKey(key.range)}`) ?? null);
    },
    { cacheKeyFn: (key) => `${key.id}|${rangeKey(key.range)}` },
  );

function checkRange(range: ReportRange): void {
  if (range.since && range.until && range.since >= range.until) throw badInput('`since` must be before `until`.', 'since');
}

/** Campaign reports for clients and BI. */
export class CampaignReportService {
  constructor(private readonly ctx: GraphQLContext) {}

  report(campaignId: string, range: ReportRange): Promise<CampaignReport | null> {
    checkRange(range);
    return this.ctx.loaders.get(reportByCampaign).load({ id: campaignId, range });
  }

  /** Campaigns with deliveries planned in [since, until), newest first, with their reports over that period. */
  async period(args: CampaignReportsArgs): Promise<Page<CampaignReport>> {
    const range = { since: args.since, until: args.until };
    checkRange(range);
    const tenantId = tenantIdOf(this.ctx);
    // Deliveries are planned only between a campaign's launch and its end: campaigns outside the range are not probed.
    const active = await boundRows<{ id: string }>(
      this.ctx.em,
      `select c.id from campaign c
        where c.tenant_id = ? and c.launched_at < ? and (c.finished_at is null or c.finished_at >= ?)
          and exists (select 1 from campaign_delivery d where d.tenant_id = c.tenant_id and d.campaign_id = c.id and d.created_at >= ? and d.created_at < ?)`,
      [tenantId, args.until, args.since, args.since, args.until],
    );
    const page = await paginate(this.ctx.em, Campaign, { id: { $in: active.map((row) => row.id) } }, pageRequest(args), { createdAt: 'desc', id: 'desc' });
    const reports = page.nodes.length ? await reportsOf(this.ctx.em, tenantId, page.nodes.map((campaign) => campaign.id), range) : new Map<string, CampaignReport>();
    return { ...page, nodes: page.nodes.map((campaign) => reports.get(campaign.id)!) };
  }
}
