import type { EntityManager } from '@mikro-orm/postgresql';
import { namedRows } from '../../core/db/bound.js';
import { pgArray } from '../../core/db/named-sql.js';
import { SENDING_LEASE_MS, SENT_EVENT_PREFIX, lockTenantSending, sentTouchpointsSql, type WebhookMessage } from './campaign-send.js';
import { Campaign } from './campaign.entity.js';
import { MessageChannel } from './campaign-settings.entity.js';
import { CampaignStatus, DeliveryState, SuppressionReason } from './campaign.enums.js';
import { postWebhook, retryDelayMs, WEBHOOK_TIMEOUT_MS, type WebhookOutcome } from './webhook-client.js';

/** The channel's wiring with its signing secret (a lazy column). */
export function webhookWiring(em: EntityManager, tenantId: string, channel: string): Promise<MessageChannel | null> {
  return em.findOne(MessageChannel, { tenantId, channel: channel as MessageChannel['channel'] }, { filters: false, populate: ['signingSecret'] });
}

/**
 * Re-leases WEBHOOK deliveries whose retry is due, or whose sender's lease ran out (it crashed or hung),
 * checking consent again first. Their stored payload is posted again as is, with the same idempotency key.
 * A lease that ran out on a payload erasure cleared (the member was erased) ends SUPPRESSED (MEMBER_GONE).
 */
export async function leaseRetries(em: EntityManager, campaignId: string, size: number, now: Date): Promise<{ campaign: Campaign; messages: WebhookMessage[] } | null> {
  return em.transactional(async (tx) => {
    const campaign = await tx.findOne(Campaign, { id: campaignId }, { filters: false, refresh: true });
    if (!campaign || campaign.status !== CampaignStatus.RUNNING) return null;
    await lockTenantSending(tx, campaign.tenantId);
    const messages = await namedRows<WebhookMessage & { reason: string | null }>(
      tx,
      `with due as (
         select d.id, d.member_id, d.payload is null as erased from campaign_delivery d
          where d.tenant_id = :tenantId and d.campaign_id = :campaignId and d.next_attempt_at <= :now
            and (d.state = '${DeliveryState.SENDING}' or (d.state = '${DeliveryState.QUEUED}' and d.payload is not null))
          order by d.id limit :size for update skip locked
       ), checked as (
         select due.id, case when due.erased then '${SuppressionReason.MEMBER_GONE}'
                             when not coalesce(mc.granted, false) then '${SuppressionReason.NO_CONSENT}' end as reason
           from due left join member_consent mc on mc.tenant_id = :tenantId and mc.member_id = due.member_id and mc.channel = :channel
       )
       update campaign_delivery d
          set state = case when checked.reason is null then '${DeliveryState.SENDING}' else '${DeliveryState.SUPPRESSED}' end,
              reason = checked.reason,
              attempts = d.attempts + case when checked.reason is null then 1 else 0 end,
              next_attempt_at = case when checked.reason is null then :leaseUntil::timestamptz end
         from checked where d.tenant_id = :tenantId and d.id = checked.id
       returning d.id, d.payload, d.attempts, checked.reason`,
      { tenantId: campaign.tenantId, campaignId, channel: campaign.channel, now, size, leaseUntil: new Date(now.getTime() + SENDING_LEASE_MS) },
    );
    return { campaign, messages: messages.filter((message) => !message.reason) };
  });
}

async function mapLimit<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * Posts leased messages (at most `concurrency` at once) and records each answer: SENT with its
 * MESSAGE_SENT touchpoint; a retryable failure back to QUEUED with a backoff (FAILED once maxAttempts
 * is used up, SUPPRESSED when the campaign was cancelled meanwhile); a refusal FAILED. An answer only
 * lands while the lease is still ours (same attempt count).
 * A crash between the post and this record leaves the lease to run out: the message is posted again,
 * with the same idempotency key, so the gateway can drop the duplicate.
 */
export async function postLeased(
  em: EntityManager,
  campaign: Campaign,
  wiring: MessageChannel,
  messages: WebhookMessage[],
  concurrency: number,
): Promise<Record<WebhookOutcome['kind'] | 'SUPPRESSED', number>> {
  const outcomes = await mapLimit(messages, concurrency, async (message) => ({
    message,
    outcome: await postWebhook({
      url: wiring.url ?? '',
      secret: wiring.signingSecret,
      deliveryId: message.id,
      body: JSON.stringify(message.payload),
      attempt: message.attempts,
      timeoutMs: WEBHOOK_TIMEOUT_MS,
    }),
  }));
  const counts = { SENT: 0, RETRY: 0, FAILED: 0, SUPPRESSED: 0 };
  if (!outcomes.length) return counts;
  await em.transactional(async (tx) => {
    // The share lock orders this record against a cancel (which holds the row for update while it drops
    // what is QUEUED): a retry recorded after that sweep would otherwise stay QUEUED for ever.
    const [locked] = await namedRows<{ status: CampaignStatus }>(tx, `select status from campaign where id = :campaignId for share`, { campaignId: campaign.id });
    const cancelled = locked?.status === CampaignStatus.CANCELLED;
    const now = new Date();
    const rows = outcomes.map(({ message, outcome }) => {
      const exhausted = outcome.kind === 'RETRY' && message.attempts >= wiring.maxAttempts;
      const kind = exhausted ? 'FAILED' : outcome.kind === 'RETRY' && cancelled ? 'SUPPRESSED' : outcome.kind;
      counts[kind]++;
      const delay = outcome.kind === 'RETRY' ? Math.max(outcome.retryAfterMs ?? 0, retryDelayMs(message.attempts)) : 0;
      const state = { SENT: DeliveryState.SENT, RETRY: DeliveryState.QUEUED, FAILED: DeliveryState.FAILED, SUPPRESSED: DeliveryState.SUPPRESSED }[kind];
      return {
        id: message.id,
        attempts: message.attempts,
        state,
        reason: kind === 'SUPPRESSED' ? SuppressionReason.CAMPAIGN_CANCELLED : '',
        retryAt: kind === 'RETRY' ? new Date(now.getTime() + delay).toISOString() : '',
        error: outcome.kind === 'SENT' ? '' : exhausted ? `${outcome.error} (after ${message.attempts} attempts)` : outcome.error,
      };
    });
    await namedRows(
      tx,
      `with r as (
         select * from unnest(:ids::uuid[], :attempts::int[], :states::text[], :reasons::text[], :retryAts::text[], :errors::text[]) as r(id, attempts, state, reason, retry_at, error)
       ), done as (
         update campaign_delivery d
            set state = r.state,
                reason = nullif(r.reason, ''),
                sent_at = case when r.state = '${DeliveryState.SENT}' then :now::timestamptz end,
                cost = case when r.state = '${DeliveryState.SENT}' then :cost else 0 end,
                next_attempt_at = nullif(r.retry_at, '')::timestamptz,
                last_error = nullif(r.error, '')
           from r where d.tenant_id = :tenantId and d.id = r.id and d.state = '${DeliveryState.SENDING}' and d.attempts = r.attempts
         returning d.id, d.member_id, d.state, d.variant
       )
       ${sentTouchpointsSql(`(select * from done where done.state = '${DeliveryState.SENT}')`)}
       on conflict do nothing`,
      {
        tenantId: campaign.tenantId,
        campaignId: campaign.id,
        channel: campaign.channel,
        now,
        cost: wiring.costPerMessage,
        eventPrefix: SENT_EVENT_PREFIX,
        ids: pgArray(rows.map((row) => row.id)),
        attempts: pgArray(rows.map((row) => row.attempts)),
        states: pgArray(rows.map((row) => row.state)),
        reasons: pgArray(rows.map((row) => row.reason)),
        retryAts: pgArray(rows.map((row) => row.retryAt)),
        errors: pgArray(rows.map((row) => row.error)),
      },
    );
  });
  return counts;
}
