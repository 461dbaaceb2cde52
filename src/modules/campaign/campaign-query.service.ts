import { tenantIdOf, type GraphQLContext } from '../../core/context.js';
import { boundRows } from '../../core/db/bound.js';
import { namedSql, pgArray } from '../../core/db/named-sql.js';
import { pageRequest, type Page, type PageArgs } from '../../core/relay/connection.js';
import { idOf, toGlobalId } from '../../core/relay/global-id.js';
import { paginate } from '../../core/relay/paginate.js';
import { AUDIENCE_SQL } from './campaign-audience.sql.js';
import { deepOffer } from './campaign-offers.js';
import { planDeliveries } from './campaign-plan.js';
import { renderedSql, settingsOf } from './campaign-send.js';
import { Campaign, CampaignDelivery, OutboxMessage } from './campaign.entity.js';
import { MessageChannel } from './campaign-settings.entity.js';
import { CampaignOfferKind, SuppressionReason } from './campaign.enums.js';
import type { CampaignDeliveriesArgs, CampaignsArgs, OutboxMessagesArgs } from './campaign.inputs.js';
import { campaignById, deliveryPagesByCampaign } from './campaign.loaders.js';
import { SuppressionCountNode } from './campaign.type.js';
import { CampaignPreviewMessageNode, CampaignPreviewNode } from './campaign-preview.type.js';

class Rollback extends Error {
  constructor(readonly preview: CampaignPreviewNode) {
    super('preview rolled back');
  }
}

const SAMPLE_SIZE = 5;

/** Reads of campaigns: lists, deliveries, the outbox, and previews. */
export class CampaignQueryService {
  constructor(private readonly ctx: GraphQLContext) {}

  byGlobalId(globalId: string): Promise<Campaign | null> {
    const id = idOf(globalId, 'Campaign');
    return id ? this.byId(id) : Promise.resolve(null);
  }

  byId(id: string): Promise<Campaign | null> {
    return this.ctx.loaders.get(campaignById).load(id);
  }

  list(args: CampaignsArgs): Promise<Page<Campaign>> {
    return paginate(this.ctx.em, Campaign, args.status ? { status: args.status } : {}, pageRequest(args), { createdAt: 'desc', id: 'desc' });
  }

  deliveries(campaignId: string, args: CampaignDeliveriesArgs): Promise<Page<CampaignDelivery>> {
    const page = pageRequest(args);
    if (!args.state && page.first !== undefined && !page.after) return this.ctx.loaders.get(deliveryPagesByCampaign).load({ parentId: campaignId, first: page.first });
    return paginate(this.ctx.em, CampaignDelivery, { campaignId, ...(args.state ? { state: args.state } : {}) }, pageRequest(args), { id: 'asc' });
  }

  outbox(args: OutboxMessagesArgs): Promise<Page<OutboxMessage>> {
    const campaignId = args.campaignId ? (idOf(args.campaignId, 'Campaign') ?? '00000000-0000-0000-0000-000000000000') : null;
    return paginate(this.ctx.em, OutboxMessage, campaignId ? { campaignId } : {}, pageRequest(args as PageArgs), { id: 'asc' });
  }

  /**
   * Plans the campaign's audience with the real rules inside a transaction that is then rolled back:
   * the counts are exactly what launching now would queue, and nothing is kept.
   */
  async preview(campaign: Campaign): Promise<CampaignPreviewNode> {
    const tenantId = tenantIdOf(this.ctx);
    try {
      await this.ctx.em.transactional(async (em) => {
        // Planning a large audience may outlast a request's usual limit; the preview is read-only and rolled back.
        await em.execute(`set local statement_timeout = '2min'`);
        const settings = await settingsOf(em, tenantId);
        const deep = await deepOffer(em, campaign, settings);
        const counts = await planDeliveries(em, { campaign, settings, deep, now: new Date() }, { sql: AUDIENCE_SQL, params: { occurrence: '~preview' } });
        const ids = await boundRows<{ id: string }>(em, `select id from campaign_delivery where tenant_id = ? and campaign_id = ? and occurrence = '~preview' and state = 'QUEUED' order by id limit ${SAMPLE_SIZE}`, [
          tenantId,
          campaign.id,
        ]);
        const { sql, params } = namedSql(renderedSql(campaign, true), { tenantId, ids: pgArray(ids.map((row) => row.id)), variants: JSON.stringify(campaign.variants) });
        const samples = ids.length ? await boundRows<{ member_id: string; variant: string; recipient: string; subject: string | null; body: string }>(em, sql, params) : [];
        const wiring = await em.findOne(MessageChannel, { tenantId, channel: campaign.channel });
        const suppressedBy = Object.entries(counts.suppressed).map(([reason, count]) => Object.assign(new SuppressionCountNode(), { reason: reason as SuppressionReason, count }));
        const suppressed = suppressedBy.reduce((sum, row) => sum + row.count, 0);
        throw new Rollback(
          Object.assign(new CampaignPreviewNode(), {
            audience: counts.queued + suppressed,
            sendable: counts.queued,
            control: counts.suppressed.CONTROL_GROUP ?? 0,
            suppressedBy,
            deepDiscount: deep,
            estimatedSendCost: counts.queued * (wiring?.costPerMessage ?? 0),
            estimatedPoints: campaign.offer.kind === CampaignOfferKind.POINTS_BONUS ? counts.queued * (campaign.offer.points ?? 0) : 0,
            samples: samples.map((row) =>
              Object.assign(new CampaignPreviewMessageNode(), { memberId: toGlobalId('Member', row.member_id), variant: row.variant, recipient: row.recipient, subject: row.subject, body: row.body }),
            ),
          }),
        );
      });
    } catch (error) {
      if (error instanceof Rollback) return error.preview;
      throw error;
    }
    throw new Error('preview did not roll back');
  }
}
