import { userError, UserErrorCode, type UserError } from '../../core/errors.js';
import { requiredText } from '../../core/validation.js';
import type { TierBenefit } from './tier.entity.js';
import type { TierBenefitInput, TierCreateInput, TierUpdateInput } from './tier.inputs.js';

const CODE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,49}$/;
const MAX_THRESHOLD = 1e15; // a bigint column, read as a JS number: stay well inside 2^53
const MAX_BENEFITS = 20;

/** The fields of a tier as checked; undefined = not given (an update leaves it). */
export interface CleanTier {
  code?: string;
  name?: string;
  threshold?: number;
  earnMultiplierPercent?: number;
  discountPercent?: number;
  benefits?: TierBenefit[];
}

function whole(errors: UserError[], name: string, value: number | null | undefined, min: number, max: number): number | undefined {
  if (value === null || value === undefined) return undefined;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    errors.push(userError(['input', name], `${name} must be a whole number from ${min} to ${max}`, UserErrorCode.INVALID));
  }
  return value;
}

function benefits(errors: UserError[], list: TierBenefitInput[] | null | undefined): TierBenefit[] | undefined {
  if (list === null || list === undefined) return undefined;
  if (list.length > MAX_BENEFITS) errors.push(userError(['input', 'benefits'], `a tier has at most ${MAX_BENEFITS} benefits`, UserErrorCode.TOO_MANY));
  return list.slice(0, MAX_BENEFITS).map((benefit, index) => {
    const name = requiredText(errors, ['input', 'benefits', String(index), 'name'], benefit.name, 100);
    const description = benefit.description?.trim() || null;
    if (description && description.length > 500) {
      errors.push(userError(['input', 'benefits', String(index), 'description'], 'description must be at most 500 characters', UserErrorCode.TOO_LONG));
    }
    return { name, description };
  });
}

/** Checks a tier as sent; userErrors for everything that is off. */
export function cleanTier(input: TierCreateInput | TierUpdateInput, errors: UserError[]): CleanTier {
  const clean: CleanTier = {};
  if (input.code !== null && input.code !== undefined) {
    clean.code = input.code.trim();
    if (!CODE.test(clean.code)) errors.push(userError(['input', 'code'], 'code must be 1 to 50 letters, digits, "-" or "_", starting with a letter or digit', UserErrorCode.INVALID));
  }
  if (input.name !== null && input.name !== undefined) clean.name = requiredText(errors, ['input', 'name'], input.name, 100);
  clean.threshold = whole(errors, 'threshold', input.threshold, 1, MAX_THRESHOLD);
  clean.earnMultiplierPercent = whole(errors, 'earnMultiplierPercent', input.earnMultiplierPercent, 0, 10_000);
  clean.discountPercent = whole(errors, 'discountPercent', input.discountPercent, 0, 100);
  clean.benefits = benefits(errors, input.benefits);
  // Only what was given, so that assigning the result leaves everything else as it is.
  return Object.fromEntries(Object.entries(clean).filter(([, value]) => value !== undefined)) as CleanTier;
}
