import DataLoader from 'dataloader';
import { tenantIdOf, type LoaderFactory } from '../../core/context.js';
import { boundRows } from '../../core/db/bound.js';
import { pgArray } from '../../core/db/named-sql.js';
import { firstPagesLoader } from '../../core/relay/page-per-parent.js';
import { Campaign, CampaignDelivery, CampaignPrize } from './campaign.entity.js';
import { DeliveryState, SuppressionReason } from './campaign.enums.js';

/** Campaigns by id (tenant-filtered). */
export const campaignById: LoaderFactory<string, Campaign | null> = (ctx) =>
  new DataLoader(async (ids) => {
    const found = new Map((await ctx.em.find(Campaign, { id: { $in: [...ids] } })).map((campaign) => [campaign.id, campaign]));
    return ids.map((id) => found.get(id) ?? null);
  });

/** A LOTTERY campaign's prizes, by campaign id. */
export const prizesByCampaign: LoaderFactory<string, CampaignPrize[]> = (ctx) =>
  new DataLoader(async (ids) => {
    const prizes = await ctx.em.find(CampaignPrize, { campaignId: { $in: [...ids] } }, { orderBy: { key: 'asc' } });
    return ids.map((id) => prizes.filter((prize) => prize.campaignId === id));
  });

export interface ProgressCounts {
  states: Partial<Record<DeliveryState, number>>;
  reasons: Partial<Record<SuppressionReason, number>>;
}

/** Delivery counts by state and suppression reason, by campaign id: one grouped statement per request. */
export const progressByCampaign: LoaderFactory<string, ProgressCounts> = (ctx) =>
  new DataLoader(async (ids) => {
    const rows = await boundRows<{ campaign_id: string; state: DeliveryState; reason: SuppressionReason | null; n: number }>(
      ctx.em,
      'select campaign_id, state, reason, count(*)::int as n from campaign_delivery where tenant_id = ? and campaign_id = any(?::uuid[]) group by campaign_id, state, reason',
      [tenantIdOf(ctx), pgArray([...ids])],
    );
    return ids.map((id) => {
      const counts: ProgressCounts = { states: {}, reasons: {} };
      for (const row of rows.filter((candidate) => candidate.campaign_id === id)) {
        counts.states[row.state] = (counts.states[row.state] ?? 0) + row.n;
        if (row.reason) counts.reasons[row.reason] = (counts.reasons[row.reason] ?? 0) + row.n;
      }
      return counts;
    });
  });

/** First pages of campaigns' deliveries (unfiltered, planning order): one statement for a page of campaigns. */
export const deliveryPagesByCampaign = firstPagesLoader({ entity: CampaignDelivery, table: 'campaign_delivery', parentColumn: 'campaign_id', orderSql: 'x.id asc', orderBy: { id: 'asc' } });
