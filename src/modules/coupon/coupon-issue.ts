import { randomInt } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { RollbackWith, userError, UserErrorCode } from '../../core/errors.js';
import { Coupon, CouponTemplate } from './coupon.entity.js';
import { CouponSource } from './coupon.enums.js';

const DAY = 86_400_000;
// No 0/O, 1/I/L: read aloud at a till without mistakes.
const ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';

/** A 12-character coupon code (about 59 bits): guessing one is hopeless, a collision is caught by the unique index. */
export function couponCode(): string {
  let code = '';
  for (let i = 0; i < 12; i++) code += ALPHABET[randomInt(ALPHABET.length)];
  return code;
}

/** When a coupon of the template issued at `now` is valid: from issue (or the template's start) for validDays, ending no later than the template. */
export function couponValidity(template: CouponTemplate, now: Date): { validFrom: Date; validUntil: Date | null } {
  const validFrom = template.validFrom && template.validFrom > now ? template.validFrom : now;
  const relative = template.validDays ? new Date(validFrom.getTime() + template.validDays * DAY) : null;
  const validUntil = [relative, template.validUntil ?? null].filter((date): date is Date => !!date).sort((a, b) => a.getTime() - b.getTime())[0] ?? null;
  return { validFrom, validUntil };
}

export interface IssueArgs {
  tenantId: string;
  templateId: string;
  memberId: string;
  source: CouponSource;
  idempotencyKey?: string | null;
  pointsEntryId?: string | null;
  now?: Date;
  /** The caller's input field naming the template, for userErrors (default couponTemplateId for POINTS, else templateId). */
  templateField?: string;
}

const refuse = (field: string, message: string, code: UserErrorCode): never => {
  throw new RollbackWith(userError(['input', field], message, code));
};

/**
 * Issues one coupon inside the caller's transaction. Stock is taken with a conditional update (no
 * overselling at READ COMMITTED, the CHECK constraint as backstop); that row lock also serialises every
 * issue of the template, so the per-member count read after it, in a new statement, is exact.
 */
export async function issueCoupon(em: EntityManager, args: IssueArgs): Promise<Coupon> {
  const now = args.now ?? new Date();
  const field = args.templateField ?? (args.source === CouponSource.POINTS ? 'couponTemplateId' : 'templateId');
  const [taken] = await em.execute<{ id: string }[]>(
    `update coupon_template set issued_count = issued_count + 1, updated_at = ?
      where tenant_id = ? and id = ? and active and (total_stock is null or issued_count < total_stock)
        and (valid_until is null or valid_until > ?)
      returning id`,
    [now, args.tenantId, args.templateId, now],
  );
  const template = await em.findOne(CouponTemplate, { id: args.templateId, tenantId: args.tenantId }, { filters: false, refresh: true });
  if (!template) return refuse(field, 'no coupon template has this id', UserErrorCode.NOT_FOUND);
  if (!taken) {
    if (!template.active) refuse(field, 'this coupon template is switched off', UserErrorCode.INACTIVE);
    if (template.validUntil && template.validUntil <= now) refuse(field, 'this coupon template has ended', UserErrorCode.EXPIRED);
    refuse(field, `all ${template.totalStock} coupons of this template are issued`, UserErrorCode.OUT_OF_STOCK);
  }
  const [held] = await em.execute<{ count: number }[]>('select count(*)::int as count from coupon where tenant_id = ? and template_id = ? and member_id = ?', [
    args.tenantId,
    args.templateId,
    args.memberId,
  ]);
  if (held!.count >= template.perMemberLimit) {
    refuse('memberId', `the member already has ${held!.count} of this coupon (limit ${template.perMemberLimit})`, UserErrorCode.LIMIT_REACHED);
  }
  const { validFrom, validUntil } = couponValidity(template, now);
  const coupon = Object.assign(new Coupon(), {
    tenantId: args.tenantId,
    templateId: args.templateId,
    memberId: args.memberId,
    code: couponCode(),
    source: args.source,
    validFrom,
    validUntil,
    idempotencyKey: args.idempotencyKey ?? null,
    pointsEntryId: args.pointsEntryId ?? null,
    createdAt: now,
  });
  await em.persist(coupon).flush();
  return coupon;
}

/** An active template that can be bought with points (for `pointsRedeem` with purpose COUPON). */
export async function templateForPoints(em: EntityManager, tenantId: string, templateId: string): Promise<CouponTemplate> {
  const template = await em.findOne(CouponTemplate, { id: templateId, tenantId }, { filters: false });
  if (!template) return refuse('couponTemplateId', 'no coupon template has this id', UserErrorCode.NOT_FOUND);
  if (!template.active) refuse('couponTemplateId', 'this coupon template is switched off', UserErrorCode.INACTIVE);
  if (!template.pointsCost) refuse('couponTemplateId', 'this coupon cannot be bought with points', UserErrorCode.INVALID);
  return template;
}
