import { affected, registerEraseStep, registerMergeStep } from '../member/member-merge.steps.js';
import { DeliveryState, SuppressionReason } from './campaign.enums.js';

/**
 * Merge: the merged member's deliveries move to the survivor (reports then see the survivor's orders), except
 * where the survivor has its own delivery of the same campaign run: that one stays with the merged tombstone.
 * Erase: stored messages (address and text) are deleted, gateway payloads cleared, and waiting deliveries
 * SUPPRESSED (MEMBER_GONE); the delivery rows stay, without personal data, so reports keep their counts.
 */
export function registerCampaignSteps(): void {
  registerMergeStep({
    name: 'campaign',
    run: async (em, tenantId, mergedId, survivorId) =>
      (await affected(
        em,
        `update campaign_delivery d set member_id = ? where d.tenant_id = ? and d.member_id = ?
            and not exists (select 1 from campaign_delivery s where s.tenant_id = d.tenant_id and s.campaign_id = d.campaign_id and s.member_id = ? and s.occurrence = d.occurrence)`,
        [survivorId, tenantId, mergedId, survivorId],
      )) + (await affected(em, 'update outbox_message set member_id = ? where tenant_id = ? and member_id = ?', [survivorId, tenantId, mergedId])),
  });
  registerEraseStep({
    name: 'campaign',
    run: async (em, tenantId, memberId) =>
      (await affected(em, 'delete from outbox_message where tenant_id = ? and member_id = ?', [tenantId, memberId])) +
      (await affected(
        em,
        `update campaign_delivery set payload = null, last_error = null,
                state = case when state = '${DeliveryState.QUEUED}' then '${DeliveryState.SUPPRESSED}' else state end,
                reason = case when state = '${DeliveryState.QUEUED}' then '${SuppressionReason.MEMBER_GONE}' else reason end
          where tenant_id = ? and member_id = ? and (payload is not null or state = '${DeliveryState.QUEUED}')`,
        [tenantId, memberId],
      )),
  });
}
