import type { EntityManager } from '@mikro-orm/postgresql';
import { tenantIdOf, type GraphQLContext } from '../../core/context.js';
import { fail, ok, rollbackAsFailure, RollbackWith, userError, UserErrorCode, type Outcome, type UserError } from '../../core/errors.js';
import { idOf } from '../../core/relay/global-id.js';
import type { Member } from '../member/member.entity.js';
import { activeMember, holdActive } from '../member/member-lookup.js';
import { StoreService } from '../store/store.service.js';
import { loyaltyProgram, expiryOf } from './loyalty-program.js';
import { PointsEntryKind } from './points.enums.js';
import { debit, earn, ensureAccount, entryByKey, lockAccount, takeFromLots, type EntryFields, type EntryRow } from './points-ledger.js';
import { actorOf, isKeyConflict, keyError, replayOf, requestHash } from './points-request.js';
import { expireBatch } from './points-expiry.js';
import { TierBasis } from '../tier/tier.enums.js';
import { upgradeTiers } from '../tier/tier-upgrade.js';
import type { PointsAdjustInput, PointsEarnInput } from './points.inputs.js';

const MAX_POINTS = 10_000_000;

export interface LedgerResult {
  entry: EntryRow;
  /** Extra results of a redemption (the coupon bought, the money value). */
  couponId?: string | null;
  moneyValue?: number | null;
}

/** Checks the fields every points request shares. */
export function commonErrors(input: { points?: number | null; idempotencyKey: string; reason?: string | null }, reasonRequired: boolean): UserError[] {
  const errors: UserError[] = [];
  const keyProblem = keyError(input.idempotencyKey);
  if (keyProblem) errors.push(keyProblem);
  if (input.points != null && (!Number.isInteger(input.points) || input.points === 0 || Math.abs(input.points) > MAX_POINTS)) {
    errors.push(userError(['input', 'points'], `points must be a non-zero whole number up to ${MAX_POINTS.toLocaleString('en')}`, UserErrorCode.INVALID));
  }
  const reason = input.reason?.trim() ?? '';
  if ((reasonRequired && !reason) || reason.length > 500) errors.push(userError(['input', 'reason'], 'reason must be 1 to 500 characters', UserErrorCode.INVALID));
  return errors;
}

/** Points earned for activities and adjusted by administrators. Redemption is in points-redeem.service.ts. */
export class PointsService {
  constructor(private readonly ctx: GraphQLContext) {}

  async earn(input: PointsEarnInput): Promise<Outcome<LedgerResult>> {
    const errors = commonErrors(input, true);
    if (input.points < 0) errors.push(userError(['input', 'points'], 'points to earn must be positive', UserErrorCode.INVALID));
    const storeId = await this.storeId(input.storeId, errors);
    if (errors.length) return fail(...errors);
    const hash = requestHash({ op: 'earn', memberId: input.memberId, points: input.points, reason: input.reason.trim(), storeId, channel: input.channel ?? null });
    return this.credit(input.memberId, PointsEntryKind.EARN, input.points, hash, { reason: input.reason.trim(), storeId, channel: input.channel ?? null, key: input.idempotencyKey });
  }

  async adjust(input: PointsAdjustInput): Promise<Outcome<LedgerResult>> {
    const errors = commonErrors(input, true);
    if (errors.length) return fail(...errors);
    const reason = input.reason.trim();
    const hash = requestHash({ op: 'adjust', memberId: input.memberId, points: input.points, reason });
    if (input.points > 0) return this.credit(input.memberId, PointsEntryKind.ADJUST, input.points, hash, { reason, storeId: null, channel: null, key: input.idempotencyKey });
    return this.withKey(input.idempotencyKey, hash, (em, member) =>
      this.spend(em, this.fields(member, hash, { reason, storeId: null, channel: null, key: input.idempotencyKey }), -input.points, PointsEntryKind.ADJUST, {}),
      input.memberId,
    );
  }

  /**
   * Earning in one statement on the hot path (the account exists and the member is active); the rare cases
   * (first points of a member, a merge committed meanwhile, a retry) take the slow path.
   */
  private async credit(
    globalId: string,
    kind: PointsEntryKind.EARN | PointsEntryKind.ADJUST,
    points: number,
    hash: string,
    extra: { reason: string; storeId: string | null; channel: EntryFields['channel']; key: string },
  ): Promise<Outcome<LedgerResult>> {
    const tenantId = tenantIdOf(this.ctx);
    let memberId = idOf(globalId, 'Member');
    if (!memberId) return fail(userError(['input', 'memberId'], 'no member has this id', UserErrorCode.NOT_FOUND));
    const program = await loyaltyProgram(this.ctx);
    const now = new Date();
    for (let attempt = 0; attempt < 3; attempt++) {
      const fields = { ...this.fields({ tenantId, id: memberId }, hash, extra), at: now };
      try {
        const entry = await earn(this.ctx.em, { ...fields, kind, points, expiresAt: expiryOf(program, now) }, { prepared: true });
        if (entry) {
          if (kind === PointsEntryKind.EARN && program.tierBasis === TierBasis.POINTS_EARNED) await this.upgradeTier(tenantId, entry.member_id);
          return ok({ entry });
        }
      } catch (error) {
        if (!isKeyConflict(error)) throw error;
        return this.replay(tenantId, extra.key, hash);
      }
      // Nothing written: a retry of an earlier request, a member that is merged, erased or unknown, or no account yet.
      const earlier = await entryByKey(this.ctx.em, tenantId, extra.key);
      if (earlier) return this.replay(tenantId, extra.key, hash);
      const member = await activeMember(this.ctx.em, globalId, ['input', 'memberId']);
      if (!member.ok) return member;
      memberId = member.value.id;
      await ensureAccount(this.ctx.em, tenantId, memberId);
    }
    throw new Error('points could not be credited after 3 attempts');
  }

  /** Points earned count as growth under POINTS_EARNED: a crossing upgrades at once, under the account lock. */
  private async upgradeTier(tenantId: string, memberId: string): Promise<void> {
    await this.ctx.em.transactional(async (em) => {
      await lockAccount(em, tenantId, memberId);
      await upgradeTiers(em, tenantId, [memberId]);
    });
  }

  /** Runs a multi-statement ledger change in a transaction under the caller's idempotency key. */
  async withKey(key: string, hash: string, work: (em: EntityManager, member: Member) => Promise<LedgerResult>, globalId: string): Promise<Outcome<LedgerResult>> {
    const tenantId = tenantIdOf(this.ctx);
    const earlier = await entryByKey(this.ctx.em, tenantId, key);
    if (earlier) return this.replay(tenantId, key, hash);
    const found = await activeMember(this.ctx.em, globalId, ['input', 'memberId']);
    if (!found.ok) return found;
    const member = found.value;
    try {
      return await rollbackAsFailure(() =>
        this.ctx.em.transactional(async (em) => {
          await holdActive(em, member, ['input', 'memberId'], 'key share');
          return work(em, member);
        }),
      );
    } catch (error) {
      if (!isKeyConflict(error)) throw error;
      return this.replay(tenantId, key, hash);
    }
  }

  /** Takes points from the balance (soonest-expiring lots first); never below zero. */
  async spend(em: EntityManager, fields: EntryFields, points: number, kind: PointsEntryKind.REDEEM | PointsEntryKind.ADJUST, breakdown: Record<string, unknown>): Promise<LedgerResult> {
    // Points past their date are not spendable even before the nightly expiry reached them; this also
    // takes the account lock, so the read below sees the balance every other writer left.
    await expireBatch(em, fields.tenantId, [fields.memberId], new Date());
    const account = await lockAccount(em, fields.tenantId, fields.memberId);
    if (!account || account.balance < points) {
      throw new RollbackWith(userError(['input', 'points'], `the member has ${account?.balance ?? 0} points to spend, fewer than ${points}`, UserErrorCode.INSUFFICIENT_POINTS));
    }
    const lots = await takeFromLots(em, fields.tenantId, fields.memberId, points);
    const entry = await debit(em, { ...fields, breakdown: { ...breakdown, lots: lots.map((lot) => ({ lot: lot.id, points: lot.taken, expiresAt: lot.expires_at })) } }, kind, {
      fromBalance: points,
      toDebt: 0,
    });
    return { entry };
  }

  fields(member: { tenantId: string; id: string }, hash: string, extra: { reason: string | null; storeId: string | null; channel: EntryFields['channel']; key: string }): EntryFields {
    return {
      tenantId: member.tenantId,
      memberId: member.id,
      reason: extra.reason,
      storeId: extra.storeId,
      channel: extra.channel,
      actor: actorOf(this.ctx),
      idempotencyKey: extra.key,
      requestHash: hash,
    };
  }

  private async replay(tenantId: string, key: string, hash: string): Promise<Outcome<LedgerResult>> {
    const earlier = await entryByKey(this.ctx.em, tenantId, key);
    if (!earlier) throw new Error('idempotency key conflict without an entry');
    const replayed = replayOf(earlier, hash);
    if ('error' in replayed) return fail(replayed.error);
    return ok({ entry: replayed.entry, ...(await this.extrasOf(replayed.entry)) });
  }

  /** What a replayed redemption returned besides the entry. */
  private async extrasOf(entry: EntryRow): Promise<Partial<LedgerResult>> {
    const breakdown = entry.breakdown ?? {};
    return {
      couponId: typeof breakdown.couponId === 'string' ? breakdown.couponId : null,
      moneyValue: typeof breakdown.moneyValue === 'number' ? breakdown.moneyValue : null,
    };
  }

  async storeId(globalId: string | null | undefined, errors: UserError[]): Promise<string | null> {
    if (!globalId) return null;
    const store = await new StoreService(this.ctx).findByGlobalId(globalId);
    if (!store) errors.push(userError(['input', 'storeId'], 'no store has this id', UserErrorCode.NOT_FOUND));
    return store?.id ?? null;
  }

}
