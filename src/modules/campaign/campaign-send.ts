import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { boundRows, namedRows } from '../../core/db/bound.js';
import { pgArray } from '../../core/db/named-sql.js';
import { TouchpointType } from '../touchpoint/touchpoint.enums.js';
import { addressSql, BACKGROUND_STATEMENT_TIMEOUT, recentSendsSql, UUIDV7_SQL } from './campaign-audience.sql.js';
import { grantOffer, type SendRow } from './campaign-offers.js';
import { renderSql } from './campaign-template.js';
import { Campaign } from './campaign.entity.js';
import { CampaignSettings, MessageChannel } from './campaign-settings.entity.js';
import { CampaignStatus, ChannelAdapterKind, DeliveryState, SuppressionReason } from './campaign.enums.js';

const DAY = 86_400_000;
/** MESSAGE_SENT touchpoints have the event id `ecrm:sent:<delivery id>`: one per delivery, whatever retries happen. */
export const SENT_EVENT_PREFIX = 'ecrm:sent:';

/**
 * The INSERT of MESSAGE_SENT touchpoints for rows of `source` (a CTE or a filtered relation with id, member_id and
 * variant), with the named parameters :tenantId, :now, :channel, :campaignId and :eventPrefix (SENT_EVENT_PREFIX).
 */
export const sentTouchpointsSql = (source: string) => `
  insert into touchpoint (id, tenant_id, created_at, member_id, type, channel, occurred_at, source, properties, event_id, delivery_id)
  select ${UUIDV7_SQL}, :tenantId, :now, s.member_id, '${TouchpointType.MESSAGE_SENT}', :channel, :now, 'campaign',
         jsonb_build_object('campaignId', :campaignId::text, 'variant', s.variant), :eventPrefix || s.id, s.id
    from ${source} s`;

/** How long a sender holds a WEBHOOK delivery before another may retry it (it crashed, or hangs). */
export const SENDING_LEASE_MS = 2 * 60_000;

/** A message rendered for a WEBHOOK gateway, stored on the delivery so every retry sends the same. */
export interface WebhookMessage {
  id: string;
  payload: Record<string, unknown>;
  attempts: number;
}

export interface BatchResult {
  /** The campaign as the batch saw it. */
  campaign: Campaign;
  /** Deliveries claimed from the queue. */
  claimed: number;
  /** The highest id claimed: where the next batch of this sender may start (see sendBatch). */
  lastId: string | null;
  sent: number;
  suppressed: number;
  /** WEBHOOK messages to post after the transaction commits. */
  toPost: WebhookMessage[];
}

/** Holds every sender of the tenant off until this transaction ends: frequency caps count exactly across campaigns. */
export async function lockTenantSending(em: EntityManager, tenantId: string): Promise<void> {
  await boundRows(em, `select pg_advisory_xact_lock(hashtextextended('ecrm-campaign-send:' || ?, 0))`, [tenantId]);
}

/**
 * Claims up to `size` QUEUED, never-attempted deliveries in id order and checks each again at send time:
 * the member still active, consent to the channel, an address, and the frequency cap (counting sends of
 * every campaign, and earlier rows of this batch). Failing rows become SUPPRESSED; the rest are returned.
 */
async function claimChecked(em: EntityManager, campaign: Campaign, settings: CampaignSettings, size: number, after: string | null, now: Date): Promise<{ claimed: number; lastId: string | null; rows: SendRow[] }> {
  const rows = await namedRows<{ id: string; member_id: string; reason: SuppressionReason | null }>(
    em,
    `with claimed as (
       select id, member_id from campaign_delivery
        where tenant_id = :tenantId and campaign_id = :campaignId and state = '${DeliveryState.QUEUED}' and payload is null
          and id > coalesce(:after::uuid, '00000000-0000-0000-0000-000000000000'::uuid)
        order by id limit :size for update skip locked
     ), b as (
       select c.id, c.member_id, m.status, m.phone, m.email, row_number() over (partition by c.member_id order by c.id) as rank
         from claimed c join member m on m.tenant_id = :tenantId and m.id = c.member_id
     ), checked as (
       select b.id, b.member_id, case
           when b.status <> 'ACTIVE' then '${SuppressionReason.MEMBER_GONE}'
           when not coalesce(mc.granted, false) then '${SuppressionReason.NO_CONSENT}'
           when ${addressSql(campaign.channel, 'b')} is null then '${SuppressionReason.NO_ADDRESS}'
           when ${recentSendsSql('b')} + b.rank > :capMessages then '${SuppressionReason.FREQUENCY_CAP}'
         end as reason
         from b left join member_consent mc on mc.tenant_id = :tenantId and mc.member_id = b.member_id and mc.channel = :channel
     ), suppressed as (
       update campaign_delivery d set state = '${DeliveryState.SUPPRESSED}', reason = checked.reason
         from checked where d.tenant_id = :tenantId and d.id = checked.id and checked.reason is not null
     )
     select id, member_id, reason from checked order by id`,
    {
      tenantId: campaign.tenantId,
      campaignId: campaign.id,
      channel: campaign.channel,
      size,
      after,
      capSince: new Date(now.getTime() - settings.capDays * DAY),
      capMessages: settings.capMessages,
    },
  );
  return { claimed: rows.length, lastId: rows[rows.length - 1]?.id ?? null, rows: rows.filter((row) => !row.reason).map(({ id, member_id }) => ({ id, member_id })) };
}

/** The rendered messages of the given deliveries, as a SQL CTE body: id, member_id, variant, recipient, subject, body. */
export function renderedSql(campaign: Campaign, sampleCoupon = false): string {
  const columns = { name: 'r.display_name', points: 'r.balance', tier: 'r.tier_name', coupon_code: sampleCoupon ? `coalesce(r.code, 'SAMPLE234CODE')` : 'r.code', prize: 'r.prize' };
  return `
    select r.id, r.member_id, r.variant, ${addressSql(campaign.channel, 'r')} as recipient,
           case when v.subject is null then null else ${renderSql('v.subject', columns)} end as subject,
           ${renderSql('v.body', columns)} as body
      from (
        select d.id, d.member_id, d.variant, d.prize, m.display_name, m.phone, m.email, coalesce(pa.balance, 0) as balance, t.name as tier_name, cp.code
          from campaign_delivery d
          join member m on m.tenant_id = :tenantId and m.id = d.member_id
          left join points_account pa on pa.tenant_id = :tenantId and pa.member_id = d.member_id
          left join member_tier mt on mt.tenant_id = :tenantId and mt.member_id = d.member_id
          left join tier t on t.tenant_id = :tenantId and t.id = mt.tier_id
          left join coupon cp on cp.tenant_id = :tenantId and cp.id = d.coupon_id
         where d.tenant_id = :tenantId and d.id = any(:ids::uuid[])
      ) r
      join jsonb_to_recordset(:variants::jsonb) as v(key text, subject text, body text) on v.key = r.variant`;
}

/** OUTBOX: renders, stores the messages, marks the deliveries SENT and records MESSAGE_SENT, in the caller's transaction. */
async function sendToOutbox(em: EntityManager, campaign: Campaign, wiring: MessageChannel, ids: string[], now: Date): Promise<number> {
  const [row] = await namedRows<{ n: number }>(
    em,
    `with msg as (${renderedSql(campaign)}),
     outbox as (
       insert into outbox_message (id, tenant_id, created_at, delivery_id, campaign_id, member_id, channel, recipient, subject, body)
       select ${UUIDV7_SQL}, :tenantId, :now, msg.id, :campaignId, msg.member_id, :channel, msg.recipient, msg.subject, msg.body from msg
     ),
     touch as (${sentTouchpointsSql('msg')}),
     done as (
       update campaign_delivery d set state = '${DeliveryState.SENT}', sent_at = :now, attempts = d.attempts + 1, cost = :cost
         from msg where d.tenant_id = :tenantId and d.id = msg.id
       returning d.id
     )
     select count(*)::int as n from done`,
    { tenantId: campaign.tenantId, campaignId: campaign.id, channel: campaign.channel, now, ids: pgArray(ids), variants: JSON.stringify(campaign.variants), cost: wiring.costPerMessage, eventPrefix: SENT_EVENT_PREFIX },
  );
  return row?.n ?? 0;
}

/** WEBHOOK: renders the messages onto the deliveries and leases them (SENDING) for posting after commit. */
async function leaseForWebhook(em: EntityManager, campaign: Campaign, ids: string[], now: Date): Promise<WebhookMessage[]> {
  return namedRows<WebhookMessage>(
    em,
    `with msg as (${renderedSql(campaign)})
     update campaign_delivery d
        set state = '${DeliveryState.SENDING}', attempts = d.attempts + 1, next_attempt_at = :leaseUntil,
            payload = jsonb_build_object('deliveryId', msg.id::text, 'campaignId', :campaignId::text, 'channel', :channel::text, 'variant', msg.variant,
                                         'to', msg.recipient, 'subject', msg.subject, 'body', msg.body, 'createdAt', :now::timestamptz)
       from msg where d.tenant_id = :tenantId and d.id = msg.id
     returning d.id, d.payload, d.attempts`,
    { tenantId: campaign.tenantId, campaignId: campaign.id, channel: campaign.channel, now, leaseUntil: new Date(now.getTime() + SENDING_LEASE_MS), ids: pgArray(ids), variants: JSON.stringify(campaign.variants) },
  );
}

/**
 * One batch of a running campaign, in one transaction: claim, check, grant the offer, render, and either
 * record the messages in the outbox (OUTBOX; the batch is then done exactly once, whatever happens to the
 * process) or lease them for the gateway (WEBHOOK; posted after commit by the caller). Nothing happens
 * unless the campaign is RUNNING: a pause or cancel waits for a batch in progress, and stops the next.
 * `after` starts the claim past the sender's previous batch (rows it sent stay in the index as dead entries
 * until vacuum, and walking them again each batch grows with the campaign); a claim that finds nothing
 * past it is repeated from the start by the caller, so rows another sender skipped or released are not missed.
 */
export async function sendBatch(em: EntityManager, campaignId: string, size: number, now: Date, after: string | null = null): Promise<BatchResult | null> {
  return em.transactional(async (tx) => {
    const campaign = await tx.findOne(Campaign, { id: campaignId }, { filters: false, lockMode: LockMode.PESSIMISTIC_READ, refresh: true });
    if (!campaign || campaign.status !== CampaignStatus.RUNNING) return null;
    await tx.execute(`set local statement_timeout = '${BACKGROUND_STATEMENT_TIMEOUT}'`);
    await lockTenantSending(tx, campaign.tenantId);
    const settings = await settingsOf(tx, campaign.tenantId);
    const wiring = await tx.findOne(MessageChannel, { tenantId: campaign.tenantId, channel: campaign.channel }, { filters: false });
    if (!wiring) return null;
    const { claimed, lastId, rows } = await claimChecked(tx, campaign, settings, size, after, now);
    if (!claimed) return { campaign, claimed, lastId, sent: 0, suppressed: 0, toPost: [] };
    const sendable = await grantOffer(tx, campaign, rows, now);
    const ids = sendable.map((row) => row.id);
    if (wiring.adapter === ChannelAdapterKind.OUTBOX) {
      const sent = ids.length ? await sendToOutbox(tx, campaign, wiring, ids, now) : 0;
      return { campaign, claimed, lastId, sent, suppressed: claimed - sent, toPost: [] };
    }
    const toPost = ids.length ? await leaseForWebhook(tx, campaign, ids, now) : [];
    return { campaign, claimed, lastId, sent: 0, suppressed: claimed - toPost.length, toPost };
  });
}

/** The tenant's sending settings, with defaults when it never changed them. */
export async function settingsOf(em: EntityManager, tenantId: string): Promise<CampaignSettings> {
  const found = await em.findOne(CampaignSettings, { tenantId }, { filters: false });
  return found ?? Object.assign(new CampaignSettings(), { tenantId });
}
