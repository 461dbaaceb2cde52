import type { EntityManager } from '@mikro-orm/postgresql';
import { loadProgram } from '../points/loyalty-program.js';
import { placeMembers } from './tier-placement.js';
import { TierChangeReason } from './tier.enums.js';

/**
 * Moves members up as soon as their growth value crosses a higher tier's threshold (reason THRESHOLD):
 * since = now, review at now + tierPeriodMonths. Never moves anyone down (that waits for the review).
 * Called inside the order and points transactions, after the activity's own writes, while they hold a lock
 * that serialises the member's activity (the member row FOR UPDATE as order writes take it, or the points
 * account row a ledger write updates): then the growth value counts every committed activity and a tier is
 * entered once. Two statements (the programme, often already in the transaction's identity map, and one
 * set-based upsert) whatever the number of members.
 */
export async function upgradeTiers(em: EntityManager, tenantId: string, memberIds: string[], now: Date = new Date()): Promise<void> {
  if (!memberIds.length) return;
  const program = await loadProgram(em, tenantId);
  await placeMembers(em, program, tenantId, [...new Set(memberIds)], now, 'UP', TierChangeReason.THRESHOLD);
}
