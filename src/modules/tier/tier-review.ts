import type { EntityManager } from '@mikro-orm/postgresql';
import { loadProgram } from '../points/loyalty-program.js';
import { membersBelowReach } from './tier-growth.js';
import { placeMembers } from './tier-placement.js';
import { placeInBatches } from './tier-program-change.js';
import { TierChangeReason } from './tier.enums.js';

/**
 * The scheduled tier review (job TIER_REVIEW): every member whose period ended by `now` (or whose tier was
 * retired) is placed in the highest tier the growth value now reaches, down, same or up, with a REVIEW
 * change for each actual change, and starts a new period (review at now + tierPeriodMonths; none without a
 * tier). Set-based, a batch of members per transaction; the members' rows are locked first, in id order,
 * like every order write, so a purchase in flight either counts or upgrades afterwards. 5,000 members a batch
 * by default. Then members whose growth value reaches a higher tier than they hold move up (THRESHOLD),
 * whatever their period.
 */
export async function reviewTiers(
  em: EntityManager,
  tenantId: string,
  now: Date,
  { batchSize = 5000 }: { batchSize?: number } = {},
): Promise<{ reviewed: number; downgraded: number; upgraded: number }> {
  const program = await loadProgram(em, tenantId);
  let reviewed = 0;
  let downgraded = 0;
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const batch = await em.transactional(async (tx) => {
      const due = await tx.execute<{ id: string }[]>(
        `select m.id from member_tier mt
           join member m on m.tenant_id = mt.tenant_id and m.id = mt.member_id
           left join tier t on t.tenant_id = mt.tenant_id and t.id = mt.tier_id
          where mt.tenant_id = ? and mt.member_id > ? and (mt.review_at <= ? or t.retired_at is not null)
          order by mt.member_id limit ?
          for update of m`,
        [tenantId, after, now, batchSize],
      );
      const ids = due.map((row) => row.id);
      const placed = await placeMembers(tx, program, tenantId, ids, now, 'REVIEW', TierChangeReason.REVIEW);
      return { ids, placed };
    });
    reviewed += batch.placed.placed;
    downgraded += batch.placed.lowered;
    if (batch.ids.length < batchSize) break;
    after = batch.ids[batch.ids.length - 1]!;
  }
  // Catch-up: anyone whose growth reaches a higher tier without having moved up (orders loaded in bulk,
  // an activity that does not place members itself) moves up now.
  const behind = await membersBelowReach(em, program, tenantId, 1, now);
  const upgraded = await placeInBatches(em, program, tenantId, behind, now, 'UP', TierChangeReason.THRESHOLD, batchSize);
  return { reviewed, downgraded, upgraded };
}
