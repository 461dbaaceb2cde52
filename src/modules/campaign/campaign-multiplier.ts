import type { EntityManager } from '@mikro-orm/postgresql';
import { boundRows } from '../../core/db/bound.js';
import { CampaignOfferKind, DeliveryState } from './campaign.enums.js';

/** The best POINTS_MULTIPLIER offer a member holds at a time: sent to them, within its validDays. */
export interface HeldMultiplier {
  deliveryId: string;
  campaignName: string;
  percent: number;
}

export async function heldMultiplier(em: EntityManager, tenantId: string, memberId: string, at: Date): Promise<HeldMultiplier | null> {
  const [row] = await boundRows<{ delivery_id: string; name: string; percent: number }>(
    em,
    `select d.id as delivery_id, c.name, (c.offer->>'multiplierPercent')::int as percent
       from campaign_delivery d join campaign c on c.tenant_id = d.tenant_id and c.id = d.campaign_id
      where d.tenant_id = ? and d.member_id = ? and d.state = '${DeliveryState.SENT}' and d.sent_at <= ?
        and c.offer->>'kind' = '${CampaignOfferKind.POINTS_MULTIPLIER}'
        and d.sent_at + make_interval(days => coalesce((c.offer->>'validDays')::int, 7)) > ?
      order by percent desc, d.sent_at desc limit 1`,
    [tenantId, memberId, at, at],
  );
  return row ? { deliveryId: row.delivery_id, campaignName: row.name, percent: row.percent } : null;
}

/** Records the extra points a multiplier gave on the delivery (reward cost in the campaign report). */
export async function recordMultiplierPoints(em: EntityManager, tenantId: string, deliveryId: string, points: number): Promise<void> {
  await boundRows(em, 'update campaign_delivery set reward_points = reward_points + ? where tenant_id = ? and id = ?', [points, tenantId, deliveryId]);
}
