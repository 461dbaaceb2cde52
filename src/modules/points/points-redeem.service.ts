import type { GraphQLContext } from '../../core/context.js';
import { fail, RollbackWith, userError, UserErrorCode, type Outcome, type UserError } from '../../core/errors.js';
import { idOf } from '../../core/relay/global-id.js';
import { loyaltyProgram } from './loyalty-program.js';
import { PointsEntryKind, PointsRedemptionPurpose } from './points.enums.js';
import { moneyValueOf } from './points-earning.js';
import { requestHash } from './points-request.js';
import { commonErrors, PointsService, type LedgerResult } from './points.service.js';
import type { PointsRedeemInput } from './points.inputs.js';
import { CouponSource } from '../coupon/coupon.enums.js';
import { issueCoupon, templateForPoints } from '../coupon/coupon-issue.js';

/** Checks the fields a purpose needs; returns the normalised request. */
function validate(input: PointsRedeemInput, errors: UserError[]): Record<string, unknown> {
  const request: Record<string, unknown> = { op: 'redeem', memberId: input.memberId, purpose: input.purpose, points: input.points ?? null };
  const needPoints = () => {
    if (input.points == null) errors.push(userError(['input', 'points'], `points are required to redeem for ${input.purpose}`, UserErrorCode.INVALID));
    else if (input.points < 0) errors.push(userError(['input', 'points'], 'points to redeem must be positive', UserErrorCode.INVALID));
  };
  if (input.purpose === PointsRedemptionPurpose.REWARD) {
    needPoints();
    const reward = input.reward?.trim() ?? '';
    if (!reward || reward.length > 200) errors.push(userError(['input', 'reward'], 'reward must be 1 to 200 characters', UserErrorCode.INVALID));
    request.reward = reward;
  } else if (input.purpose === PointsRedemptionPurpose.ORDER_DISCOUNT) {
    needPoints();
    const order = input.orderExternalId?.trim() ?? '';
    if (!order || order.length > 100) errors.push(userError(['input', 'orderExternalId'], 'orderExternalId must be 1 to 100 characters', UserErrorCode.INVALID));
    request.orderExternalId = order;
  } else {
    if (!input.couponTemplateId) errors.push(userError(['input', 'couponTemplateId'], 'couponTemplateId is required to redeem for a coupon', UserErrorCode.INVALID));
    if (input.points != null && input.points < 0) errors.push(userError(['input', 'points'], 'points to redeem must be positive', UserErrorCode.INVALID));
    request.couponTemplateId = input.couponTemplateId;
  }
  return request;
}

/** Spends points on a reward, a coupon or money off an order: all or nothing, once per idempotency key. */
export class PointsRedeemService {
  constructor(private readonly ctx: GraphQLContext) {}

  async redeem(input: PointsRedeemInput): Promise<Outcome<LedgerResult>> {
    const errors = commonErrors(input, false);
    const request = validate(input, errors);
    const points = new PointsService(this.ctx);
    const storeId = await points.storeId(input.storeId, errors);
    if (errors.length) return fail(...errors);
    const hash = requestHash({ ...request, storeId, channel: input.channel ?? null });
    const program = await loyaltyProgram(this.ctx);
    const reason = input.purpose === PointsRedemptionPurpose.REWARD ? (request.reward as string) : null;

    return points.withKey(
      input.idempotencyKey,
      hash,
      async (em, member) => {
        const fields = points.fields(member, hash, { reason, storeId, channel: input.channel ?? null, key: input.idempotencyKey });
        if (input.purpose === PointsRedemptionPurpose.COUPON) {
          const templateId = idOf(input.couponTemplateId!, 'CouponTemplate');
          if (!templateId) throw new RollbackWith(userError(['input', 'couponTemplateId'], 'no coupon template has this id', UserErrorCode.NOT_FOUND));
          const template = await templateForPoints(em, member.tenantId, templateId);
          const cost = template.pointsCost!;
          if (input.points != null && input.points !== cost) {
            throw new RollbackWith(userError(['input', 'points'], `this coupon costs ${cost} points, not ${input.points}`, UserErrorCode.INVALID));
          }
          // The coupon is issued first, so stock and limits refuse before any points move.
          const coupon = await issueCoupon(em, { tenantId: member.tenantId, templateId, memberId: member.id, source: CouponSource.POINTS });
          const result = await points.spend(em, { ...fields, reason: template.name }, cost, PointsEntryKind.REDEEM, { purpose: input.purpose, couponId: coupon.id, couponTemplateId: templateId });
          coupon.pointsEntryId = result.entry.id;
          await em.flush();
          return { ...result, couponId: coupon.id };
        }
        const moneyValue = input.purpose === PointsRedemptionPurpose.ORDER_DISCOUNT ? moneyValueOf(program, input.points!) : null;
        if (moneyValue === 0) {
          throw new RollbackWith(userError(['input', 'points'], `${input.points} points are worth nothing at ${program.redeemPoints} points per ${program.redeemValue}`, UserErrorCode.INVALID));
        }
        const breakdown = { purpose: input.purpose, ...(moneyValue != null ? { moneyValue, orderExternalId: request.orderExternalId } : {}) };
        const result = await points.spend(em, fields, input.points!, PointsEntryKind.REDEEM, breakdown);
        return { ...result, moneyValue };
      },
      input.memberId,
    );
  }
}
