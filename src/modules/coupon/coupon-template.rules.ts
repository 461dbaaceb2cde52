import { userError, UserErrorCode, type UserError } from '../../core/errors.js';
import type { MoneyValue } from '../../core/graphql/scalars.js';
import type { CouponTemplate } from './coupon.entity.js';
import { CouponKind } from './coupon.enums.js';
import type { CouponTemplateCreateInput, CouponTemplateUpdateInput } from './coupon.inputs.js';

type TemplateInput = CouponTemplateCreateInput | CouponTemplateUpdateInput;

// Amounts are stored as 4-byte integers.
const MAX_MONEY = 1_000_000_000;
const RANGES = {
  amountOff: [1, MAX_MONEY],
  percentOff: [1, 100],
  maxDiscount: [1, MAX_MONEY],
  minSpend: [0, MAX_MONEY],
  validDays: [1, 3660],
  perMemberLimit: [1, 1000],
  totalStock: [0, 100_000_000],
  pointsCost: [1, 100_000_000],
} as const;
type Ranged = keyof typeof RANGES;

// What an issued coupon takes off and when it applies is read from its template at redemption.
const FIXED_ONCE_ISSUED = ['kind', 'amountOff', 'percentOff', 'maxDiscount', 'minSpend'] as const;

/**
 * Checks a create or an update against the template as it stands (under its row lock for an update)
 * and applies it; returns the errors, and then the template must not be saved.
 */
export function applyTemplateInput(template: CouponTemplate, input: TemplateInput, creating: boolean, currency: string, now: Date): UserError[] {
  const errors: UserError[] = [];
  const refuse = (name: string, message: string, code = UserErrorCode.INVALID) => errors.push(userError(['input', name], message, code));
  const money = (name: 'amountOff' | 'maxDiscount' | 'minSpend'): number | null | undefined => {
    const value: MoneyValue | null | undefined = input[name];
    if (value == null) return value;
    if (value.currency !== currency) refuse(name, `${name} must be in ${currency}, the tenant currency`, UserErrorCode.CURRENCY_MISMATCH);
    return value.amount;
  };
  const given: Partial<Record<Ranged, number | null>> = {
    amountOff: money('amountOff'),
    percentOff: input.percentOff,
    maxDiscount: money('maxDiscount'),
    minSpend: money('minSpend'),
    validDays: input.validDays,
    perMemberLimit: input.perMemberLimit,
    totalStock: input.totalStock,
    pointsCost: input.pointsCost,
  };
  for (const [name, [min, max]] of Object.entries(RANGES) as [Ranged, readonly [number, number]][]) {
    const value = given[name];
    if (value != null && (!Number.isSafeInteger(value) || value < min || value > max)) refuse(name, `${name} must be a whole number from ${min} to ${max}`);
  }
  const name = input.name?.trim();
  if ((creating || input.name !== undefined) && (!name || name.length > 200)) refuse('name', 'name must be 1 to 200 characters');
  if (!creating && template.issuedCount > 0) {
    const current: Record<(typeof FIXED_ONCE_ISSUED)[number], unknown> = {
      kind: template.kind,
      amountOff: template.amountOff,
      percentOff: template.percentOff,
      maxDiscount: template.maxDiscount ?? null,
      minSpend: template.minSpend,
    };
    const wanted = { ...given, kind: input.kind };
    for (const field of FIXED_ONCE_ISSUED) {
      if (wanted[field] !== undefined && (wanted[field] ?? null) !== current[field]) {
        refuse(field, `${field} cannot change once coupons were issued; create a new template`, UserErrorCode.INVALID_TRANSITION);
      }
    }
  }
  if (input.totalStock != null && input.totalStock >= 0 && input.totalStock < template.issuedCount) refuse('totalStock', `totalStock cannot go below the ${template.issuedCount} coupons already issued`);
  if (input.validUntil && input.validUntil <= now) refuse('validUntil', 'validUntil must be in the future (set active to false to stop issuing)');
  if (errors.length) return errors;

  if (input.kind && input.kind !== template.kind) Object.assign(template, { amountOff: 0, percentOff: 0, maxDiscount: null });
  const set = <K extends keyof CouponTemplate>(key: K, value: CouponTemplate[K] | undefined) => {
    if (value !== undefined) template[key] = value;
  };
  set('name', name);
  set('kind', input.kind ?? undefined);
  set('amountOff', given.amountOff === null ? 0 : given.amountOff);
  set('percentOff', given.percentOff === null ? 0 : given.percentOff);
  set('maxDiscount', given.maxDiscount);
  set('minSpend', given.minSpend === null ? 0 : given.minSpend);
  set('validFrom', input.validFrom);
  set('validUntil', input.validUntil);
  set('validDays', given.validDays);
  set('perMemberLimit', given.perMemberLimit ?? undefined);
  set('totalStock', given.totalStock);
  set('pointsCost', given.pointsCost);
  set('active', input.active ?? undefined);

  if (template.kind === CouponKind.AMOUNT_OFF && !(template.amountOff > 0)) refuse('amountOff', 'an AMOUNT_OFF coupon needs amountOff');
  if (template.kind === CouponKind.PERCENT_OFF && !(template.percentOff > 0)) refuse('percentOff', 'a PERCENT_OFF coupon needs percentOff from 1 to 100');
  if (template.kind !== CouponKind.AMOUNT_OFF && template.amountOff) refuse('amountOff', `a ${template.kind} coupon takes no amountOff`);
  if (template.kind !== CouponKind.PERCENT_OFF && template.percentOff) refuse('percentOff', `a ${template.kind} coupon takes no percentOff`);
  if (template.kind !== CouponKind.PERCENT_OFF && template.maxDiscount != null) refuse('maxDiscount', `a ${template.kind} coupon takes no maxDiscount`);
  if (template.validFrom && template.validUntil && template.validFrom >= template.validUntil) refuse('validUntil', 'validUntil must be after validFrom');
  return errors;
}
