import type { EntityManager } from '@mikro-orm/postgresql';
import type { LoyaltyProgram } from '../points/loyalty-program.entity.js';
import { loadProgram } from '../points/loyalty-program.js';
import { membersBelowReach } from './tier-growth.js';
import { placeMembers, type PlacementMode } from './tier-placement.js';
import { TierChangeReason } from './tier.enums.js';

/** Places members in batches, each in its own transaction after locking the batch's rows in id order. */
export async function placeInBatches(
  em: EntityManager,
  program: LoyaltyProgram,
  tenantId: string,
  memberIds: string[],
  now: Date,
  mode: PlacementMode,
  reason: TierChangeReason = TierChangeReason.PROGRAM_CHANGE,
  batchSize = 5000,
): Promise<number> {
  let changed = 0;
  for (let start = 0; start < memberIds.length; start += batchSize) {
    const batch = memberIds.slice(start, start + batchSize);
    changed += await em.transactional(async (tx) => {
      await tx.execute('select id from member where tenant_id = ? and id in (?) order by id for update', [tenantId, batch]);
      return (await placeMembers(tx, program, tenantId, batch, now, mode, reason)).changed;
    });
  }
  return changed;
}

/**
 * After a tier was created or its threshold moved: members whose growth value now reaches it and who sit
 * lower move up at once. Nobody moves down here; members a raised threshold no longer holds keep the tier
 * until their review.
 */
export async function upgradeReachingMembers(em: EntityManager, program: LoyaltyProgram, tenantId: string, threshold: number, now: Date): Promise<number> {
  const members = await membersBelowReach(em, program, tenantId, threshold, now);
  return placeInBatches(em, program, tenantId, members, now, 'UP');
}

/** After a tier was retired: its members go at once to the highest active tier their growth value reaches, or none. */
export async function replaceMembersOf(em: EntityManager, program: LoyaltyProgram, tenantId: string, tierId: string, now: Date): Promise<number> {
  const rows = await em.execute<{ member_id: string }[]>('select member_id from member_tier where tenant_id = ? and tier_id = ? order by member_id', [tenantId, tierId]);
  return placeInBatches(
    em,
    program,
    tenantId,
    rows.map((row) => row.member_id),
    now,
    'ANY',
  );
}

/**
 * After the programme's tierBasis or tierWindowMonths changed (call it after that change committed): members
 * whose growth value now reaches a higher tier move up at once (PROGRAM_CHANGE); downgrades wait for the review.
 */
export async function upgradeAfterProgramChange(em: EntityManager, tenantId: string, now: Date = new Date()): Promise<number> {
  const program = await loadProgram(em, tenantId);
  return placeInBatches(em, program, tenantId, await membersBelowReach(em, program, tenantId, 1, now), now, 'UP');
}
