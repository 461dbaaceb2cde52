import type { EntityManager } from '@mikro-orm/postgresql';
import type { Order } from '../order/order.entity.js';
import type { EarningOrder } from './points-earning.js';
import { loadProgram, expiryOf } from './loyalty-program.js';
import { PointsRule } from './points.entity.js';
import { PointsEntryKind } from './points.enums.js';
import { pointsForOrder } from './points-earning.js';
import { debit, earn, ensureAccount, entryByKey, lockAccount, takeFromLots } from './points-ledger.js';
import { requestHash, SYSTEM_KEY_PREFIX } from './points-request.js';
import { tierMultiplierOf } from '../tier/tier-of-member.js';
import { heldMultiplier, recordMultiplierPoints } from '../campaign/campaign-multiplier.js';

/**
 * Points that follow an order, written in the order's transaction (which holds the buyer's row lock and
 * the order's). Keys are derived from the order, so a re-sent order or refund never earns or reverses twice.
 */

/** Earns an order's points when it becomes paid; the breakdown names every rule that applied. */
export async function earnForOrder(em: EntityManager, order: Order, items: EarningOrder['items'], actor: string): Promise<void> {
  const key = `${SYSTEM_KEY_PREFIX}order:${order.id}:earn`;
  if (await entryByKey(em, order.tenantId, key)) return;
  const program = await loadProgram(em, order.tenantId);
  const rules = await em.find(PointsRule, { tenantId: order.tenantId, active: true }, { filters: false, orderBy: { createdAt: 'asc', id: 'asc' } });
  const tier = await tierMultiplierOf(em, order.tenantId, order.memberId);
  const at = order.paidAt ?? order.placedAt;
  const breakdown = pointsForOrder(program, rules, { ...order, storeId: order.storeId ?? null, at, items }, tier);
  // A campaign's POINTS_MULTIPLIER offer held by the buyer multiplies the order's points, as a named bonus.
  const multiplier = breakdown.points > 0 ? await heldMultiplier(em, order.tenantId, order.memberId, at) : null;
  if (multiplier) {
    const extra = Math.floor((breakdown.points * (multiplier.percent - 100)) / 100);
    if (extra > 0) {
      breakdown.bonuses.push({ rule: `campaign: ${multiplier.campaignName}`, points: extra });
      breakdown.points += extra;
      await recordMultiplierPoints(em, order.tenantId, multiplier.deliveryId, extra);
    }
  }
  if (breakdown.points <= 0) return;
  await ensureAccount(em, order.tenantId, order.memberId);
  const entry = await earn(em, {
    tenantId: order.tenantId,
    memberId: order.memberId,
    kind: PointsEntryKind.EARN,
    points: breakdown.points,
    // Points of back-filled history expire as they would have; the expiry job takes them at its next run.
    expiresAt: expiryOf(program, at),
    reason: `order ${order.externalId}`,
    storeId: order.storeId ?? null,
    channel: order.channel,
    orderId: order.id,
    actor,
    idempotencyKey: key,
    requestHash: requestHash({ op: 'order-earn', orderId: order.id }),
    breakdown,
  });
  if (!entry) throw new Error('the buyer of an order being recorded is not active');
}

/**
 * After a refund: takes back the share of the order's points that the refunded share of the money earned
 * (rounded down; a full refund takes all). The order's own unspent points go first, then the soonest-expiring
 * others; what the member already spent becomes debt (shown as a negative balance if the tenant chooses).
 */
export async function reverseForOrder(em: EntityManager, order: Order, actor: string): Promise<void> {
  const [sums] = await em.execute<{ earned: number; reversed: number; earn_entry: string | null }[]>(
    `select coalesce(sum(amount) filter (where kind = 'EARN'), 0)::int as earned,
            coalesce(-sum(amount) filter (where kind = 'REVERSE'), 0)::int as reversed,
            (array_agg(id) filter (where kind = 'EARN'))[1] as earn_entry
       from points_entry where tenant_id = ? and order_id = ?`,
    [order.tenantId, order.id],
  );
  if (!sums || sums.earned <= 0 || order.total <= 0) return;
  const target = order.refundedAmount >= order.total ? sums.earned : Math.floor((sums.earned * order.refundedAmount) / order.total);
  const points = target - sums.reversed;
  if (points <= 0) return;
  const account = await lockAccount(em, order.tenantId, order.memberId);
  if (!account) throw new Error('an order that earned points has no points account');
  const fromBalance = Math.min(points, account.balance);
  const lots = await takeFromLots(em, order.tenantId, order.memberId, fromBalance, sums.earn_entry);
  await debit(
    em,
    {
      tenantId: order.tenantId,
      memberId: order.memberId,
      reason: `refund of order ${order.externalId}`,
      storeId: order.storeId ?? null,
      channel: order.channel,
      orderId: order.id,
      actor,
      idempotencyKey: `${SYSTEM_KEY_PREFIX}order:${order.id}:reverse:${order.refundedAmount}`,
      requestHash: requestHash({ op: 'order-reverse', orderId: order.id, refundedAmount: order.refundedAmount }),
      breakdown: {
        earned: sums.earned,
        refunded: order.refundedAmount,
        total: order.total,
        fromBalance,
        toDebt: points - fromBalance,
        lots: lots.map((lot) => ({ lot: lot.id, points: lot.taken })),
      },
    },
    PointsEntryKind.REVERSE,
    { fromBalance, toDebt: points - fromBalance },
  );
}
