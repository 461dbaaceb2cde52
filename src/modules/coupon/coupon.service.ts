import { LockMode, UniqueConstraintViolationException } from '@mikro-orm/core';
import { tenantIdOf, type GraphQLContext } from '../../core/context.js';
import { fail, ok, rollbackAsFailure, RollbackWith, userError, UserErrorCode, type Outcome } from '../../core/errors.js';
import { idOf } from '../../core/relay/global-id.js';
import { pageRequest, type Page, type PageArgs } from '../../core/relay/connection.js';
import { paginate } from '../../core/relay/paginate.js';
import { activeMember, findMemberByGlobalId, holdActive } from '../member/member-lookup.js';
import { tenantSettings } from '../tenant/tenant-settings.js';
import { Order } from '../order/order.entity.js';
import { Coupon, CouponState, CouponTemplate } from './coupon.entity.js';
import { CouponKind, CouponSource, CouponStatus } from './coupon.enums.js';
import { issueCoupon } from './coupon-issue.js';
import type { CouponIssueInput, CouponRedeemInput, CouponVoidInput } from './coupon.inputs.js';
import { statusOf } from './coupon.type.js';
import { COUPON_ORDER, couponPagesByMember, STATUS_FILTER } from './coupon.loaders.js';

/** What a coupon takes off a subtotal. */
export function discountOf(template: CouponTemplate, subtotal: number): number {
  if (template.kind === CouponKind.AMOUNT_OFF) return Math.min(template.amountOff, subtotal);
  if (template.kind === CouponKind.PERCENT_OFF) {
    const off = Math.floor((subtotal * template.percentOff) / 100);
    return template.maxDiscount != null ? Math.min(off, template.maxDiscount) : off;
  }
  return 0;
}

/** Issuing, redeeming and withdrawing coupons. */
export class CouponService {
  constructor(private readonly ctx: GraphQLContext) {}

  async issue(input: CouponIssueInput): Promise<Outcome<Coupon>> {
    const key = input.idempotencyKey ?? null;
    if (key != null && (!key.trim() || key.length > 200)) return fail(userError(['input', 'idempotencyKey'], 'idempotencyKey must be 1 to 200 characters', UserErrorCode.INVALID));
    const templateId = idOf(input.templateId, 'CouponTemplate');
    const template = templateId ? await this.ctx.em.findOne(CouponTemplate, { id: templateId }) : null;
    if (!template) return fail(userError(['input', 'templateId'], 'no coupon template has this id', UserErrorCode.NOT_FOUND));
    const found = await activeMember(this.ctx.em, input.memberId, ['input', 'memberId']);
    if (!found.ok) return found;
    const member = found.value;
    if (key) {
      const earlier = await this.ctx.em.findOne(Coupon, { idempotencyKey: key });
      if (earlier) return this.replay(earlier, template.id, member.id);
    }
    try {
      return await rollbackAsFailure(() =>
        this.ctx.em.transactional(async (em) => {
          await holdActive(em, member, ['input', 'memberId']);
          return issueCoupon(em, { tenantId: tenantIdOf(this.ctx), templateId: template.id, memberId: member.id, source: CouponSource.ADMIN, idempotencyKey: key });
        }),
      );
    } catch (error) {
      if (!(key && error instanceof UniqueConstraintViolationException)) throw error;
      const earlier = await this.ctx.em.findOne(Coupon, { idempotencyKey: key }, { refresh: true });
      if (!earlier) throw error;
      return this.replay(earlier, template.id, member.id);
    }
  }

  private replay(earlier: Coupon, templateId: string, memberId: string): Outcome<Coupon> {
    if (earlier.templateId === templateId && earlier.memberId === memberId) return ok(earlier);
    return fail(userError(['input', 'idempotencyKey'], 'this idempotencyKey was used for a different coupon', UserErrorCode.IDEMPOTENCY_CONFLICT));
  }

  async redeem(input: CouponRedeemInput): Promise<Outcome<Coupon>> {
    const orderExternalId = input.orderExternalId.trim();
    if (!orderExternalId || orderExternalId.length > 100) return fail(userError(['input', 'orderExternalId'], 'orderExternalId must be 1 to 100 characters', UserErrorCode.INVALID));
    const { currency } = await tenantSettings(this.ctx);
    if (input.subtotal.currency !== currency) return fail(userError(['input', 'subtotal'], `the subtotal must be in ${currency}`, UserErrorCode.CURRENCY_MISMATCH));
    if (input.subtotal.amount < 0) return fail(userError(['input', 'subtotal'], 'the subtotal cannot be negative', UserErrorCode.INVALID));
    const coupon = await this.ctx.em.findOne(Coupon, { code: input.code.trim().toUpperCase() });
    if (!coupon) return fail(userError(['input', 'code'], 'no coupon has this code', UserErrorCode.NOT_FOUND));
    if (input.memberId) {
      const member = await findMemberByGlobalId(this.ctx.em, input.memberId);
      if (!member) return fail(userError(['input', 'memberId'], 'no member has this id', UserErrorCode.NOT_FOUND));
      if (member.id !== coupon.memberId) return fail(userError(['input', 'memberId'], 'this coupon belongs to another member', UserErrorCode.MEMBER_MISMATCH));
    }
    return rollbackAsFailure(() =>
      this.ctx.em.transactional(async (em) => {
        // The row lock makes redemption once-only: a second till waits, then sees REDEEMED.
        const locked = await em.findOneOrFail(Coupon, { id: coupon.id }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
        if (locked.state === CouponState.REDEEMED) {
          if (locked.orderExternalId === orderExternalId) return locked;
          throw new RollbackWith(userError(['input', 'code'], 'this coupon was redeemed on another order', UserErrorCode.COUPON_REDEEMED));
        }
        const now = new Date();
        if (locked.state === CouponState.VOID) throw new RollbackWith(userError(['input', 'code'], 'this coupon was withdrawn', UserErrorCode.COUPON_VOID));
        if (statusOf(locked, now) === CouponStatus.EXPIRED) throw new RollbackWith(userError(['input', 'code'], 'this coupon has expired', UserErrorCode.EXPIRED));
        if (locked.validFrom > now) throw new RollbackWith(userError(['input', 'code'], 'this coupon is not valid yet', UserErrorCode.NOT_YET_VALID));
        const template = await em.findOneOrFail(CouponTemplate, { id: locked.templateId });
        if (input.subtotal.amount < template.minSpend) {
          throw new RollbackWith(userError(['input', 'subtotal'], `the order must reach ${template.minSpend} before this coupon`, UserErrorCode.MIN_SPEND_NOT_MET));
        }
        const order = await em.findOne(Order, { externalId: orderExternalId });
        if (order && order.memberId !== locked.memberId) {
          throw new RollbackWith(userError(['input', 'orderExternalId'], 'this order was bought by another member', UserErrorCode.MEMBER_MISMATCH));
        }
        Object.assign(locked, { state: CouponState.REDEEMED, redeemedAt: now, orderExternalId, discount: discountOf(template, input.subtotal.amount) });
        return locked;
      }),
    );
  }

  async void(input: CouponVoidInput): Promise<Outcome<Coupon>> {
    const id = idOf(input.id, 'Coupon');
    const coupon = id ? await this.ctx.em.findOne(Coupon, { id }) : null;
    if (!coupon) return fail(userError(['input', 'id'], 'no coupon has this id', UserErrorCode.NOT_FOUND));
    return rollbackAsFailure(() =>
      this.ctx.em.transactional(async (em) => {
        const locked = await em.findOneOrFail(Coupon, { id: coupon.id }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
        if (locked.state === CouponState.REDEEMED) throw new RollbackWith(userError(['input', 'id'], 'a redeemed coupon cannot be withdrawn', UserErrorCode.COUPON_REDEEMED));
        if (locked.state === CouponState.ISSUED) Object.assign(locked, { state: CouponState.VOID, voidedAt: new Date() });
        return locked;
      }),
    );
  }

  byCode(code: string): Promise<Coupon | null> {
    return this.ctx.em.findOne(Coupon, { code: code.trim().toUpperCase() });
  }

  async findByGlobalId(globalId: string): Promise<Coupon | null> {
    const id = idOf(globalId, 'Coupon');
    return id ? this.ctx.em.findOne(Coupon, { id }) : null;
  }

  /** A member's coupons, newest first; the first pages of many members load in one statement. */
  forMember(memberId: string, status: CouponStatus | null | undefined, args: PageArgs): Promise<Page<Coupon>> {
    const page = pageRequest(args);
    if (page.first !== undefined && !page.after) return this.ctx.loaders.get(couponPagesByMember).load({ memberId, first: page.first, status: status ?? null });
    const where = { memberId, ...(status ? STATUS_FILTER[status](new Date()) : {}) };
    return paginate(this.ctx.em, Coupon, where, page, COUPON_ORDER);
  }
}
