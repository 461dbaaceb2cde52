import type { EntityManager } from '@mikro-orm/postgresql';
import { namedRows } from '../../core/db/bound.js';
import { pgArray } from '../../core/db/named-sql.js';
import { addressSql, bucketSql, IN_AUDIENCE_SQL, IN_CYCLE_STAGES, recentSendsSql, UUIDV7_SQL } from './campaign-audience.sql.js';
import type { Campaign } from './campaign.entity.js';
import type { CampaignSettings } from './campaign-settings.entity.js';
import { DeliveryState, SuppressionReason } from './campaign.enums.js';

const DAY = 86_400_000;

/** Rows `(member_id uuid, occurrence text)` to plan, as SQL with named parameters. */
export interface PlanSource {
  sql: string;
  params: Record<string, unknown>;
}

export interface PlanContext {
  campaign: Campaign;
  settings: CampaignSettings;
  /** The offer is a deep discount (see deepOffer). */
  deep: boolean;
  now: Date;
}

/** Deliveries a planning pass wrote, by state and reason. */
export interface PlanCounts {
  queued: number;
  suppressed: Partial<Record<SuppressionReason, number>>;
}

/** The variant chosen from the variant bucket 0..9999, by cumulative weight. */
function variantCaseSql(campaign: Campaign, params: Record<string, unknown>): string {
  const total = campaign.variants.reduce((sum, variant) => sum + variant.weight, 0);
  let cumulative = 0;
  const arms = campaign.variants.map((variant, index) => {
    cumulative += variant.weight;
    params[`variantKey${index}`] = variant.key;
    params[`variantCut${index}`] = Math.round((cumulative / total) * 10_000);
    return index === campaign.variants.length - 1 ? `else :variantKey${index}` : `when f.vbucket < :variantCut${index} then :variantKey${index}`;
  });
  return arms.length === 1 ? ':variantKey0' : `case ${arms.join(' ')} end`;
}

/**
 * Turns source rows into deliveries in one statement. Each member of the audience gets one row per
 * occurrence (a repeat of an occurrence is ignored: the unique key makes planning safe to retry):
 * - SUPPRESSED when not eligible now: no consent to the channel, no address on it, a deep discount
 *   inside the repurchase cycle, or the frequency cap already reached; these are in no arm;
 * - else SUPPRESSED with CONTROL_GROUP when the member's campaign hash falls in the control share;
 * - else QUEUED with a variant chosen by a second hash and the variants' weights.
 * Consent and caps are checked again when the message is sent.
 */
export async function planDeliveries(em: EntityManager, context: PlanContext, source: PlanSource): Promise<PlanCounts> {
  const { campaign, settings, now } = context;
  const params: Record<string, unknown> = {
    ...source.params,
    tenantId: campaign.tenantId,
    campaignId: campaign.id,
    channel: campaign.channel,
    include: pgArray(campaign.includeSegmentIds),
    exclude: pgArray(campaign.excludeSegmentIds),
    capSince: new Date(now.getTime() - settings.capDays * DAY),
    capMessages: settings.capMessages,
    skipInCycle: context.deep && !campaign.includeInCycle,
    inCycle: pgArray(IN_CYCLE_STAGES),
    controlCut: campaign.controlPercent * 100,
    now,
  };
  const variant = variantCaseSql(campaign, params);
  const sql = `
with src as (${source.sql}),
aud as (
  select distinct s.member_id, s.occurrence, m.phone, m.email
    from src s join member m on m.tenant_id = :tenantId and m.id = s.member_id and m.status = 'ACTIVE'
   where ${IN_AUDIENCE_SQL}
     and not exists (select 1 from campaign_delivery d where d.tenant_id = :tenantId and d.campaign_id = :campaignId and d.member_id = s.member_id and d.occurrence = s.occurrence)
),
f as (
  select a.member_id, a.occurrence, coalesce(c.granted, false) as consented, ${addressSql(campaign.channel, 'a')} as address,
         ${recentSendsSql('a')} as recent, coalesce(lc.stage = any(:inCycle::text[]), false) as in_cycle,
         ${bucketSql('', 'a')} as bucket, ${bucketSql('/v/', 'a')} as vbucket
    from aud a
    left join member_consent c on c.tenant_id = :tenantId and c.member_id = a.member_id and c.channel = :channel
    left join member_lifecycle lc on lc.member_id = a.member_id and lc.tenant_id = :tenantId
),
decided as materialized (
  select f.*, case
      when not f.consented then '${SuppressionReason.NO_CONSENT}'
      when f.address is null then '${SuppressionReason.NO_ADDRESS}'
      when :skipInCycle and f.in_cycle then '${SuppressionReason.IN_REPURCHASE_CYCLE}'
      when f.recent >= :capMessages then '${SuppressionReason.FREQUENCY_CAP}'
      when f.bucket < :controlCut then '${SuppressionReason.CONTROL_GROUP}'
    end as reason,
    ${variant} as chosen
    from f
),
ins as (
  insert into campaign_delivery (id, tenant_id, created_at, campaign_id, member_id, occurrence, channel, variant, state, reason, attempts, cost, reward_points)
  select ${UUIDV7_SQL}, :tenantId, :now, :campaignId, d.member_id, d.occurrence, :channel,
         case when d.reason is null then d.chosen end,
         case when d.reason is null then '${DeliveryState.QUEUED}' else '${DeliveryState.SUPPRESSED}' end, d.reason, 0, 0, 0
    from decided d
   order by d.member_id, d.occurrence
  on conflict (tenant_id, campaign_id, member_id, occurrence) do nothing
  returning state, reason
)
select state, reason, count(*)::int as n from ins group by state, reason`;
  const rows = await namedRows<{ state: DeliveryState; reason: SuppressionReason | null; n: number }>(em, sql, params);
  const counts: PlanCounts = { queued: 0, suppressed: {} };
  for (const row of rows) {
    if (row.state === DeliveryState.QUEUED) counts.queued += row.n;
    else if (row.reason) counts.suppressed[row.reason] = (counts.suppressed[row.reason] ?? 0) + row.n;
  }
  return counts;
}
