import type { EntityManager } from '@mikro-orm/postgresql';
import { userError, UserErrorCode, type UserError } from '../../core/errors.js';
import { idOf } from '../../core/relay/global-id.js';
import { pgArray } from '../../core/db/named-sql.js';
import { requiredText } from '../../core/validation.js';
import { checkTemplate } from './campaign-template.js';
import { CampaignOfferKind, CampaignSchedule, CampaignTriggerKind } from './campaign.enums.js';
import type { Campaign, CampaignOffer, CampaignTrigger, CampaignVariant } from './campaign.entity.js';
import type { CampaignOfferInput, CampaignPrizeInput, CampaignSpecInput, CampaignTriggerInput, CampaignVariantInput } from './campaign.inputs.js';

const KEY = /^[A-Za-z0-9_-]{1,20}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A prize as written by campaignCreate/Update; stored as CampaignPrize rows. */
export interface PrizeSpec {
  key: string;
  couponTemplateId: string | null;
  points: number | null;
  weight: number;
  stock: number | null;
}

export interface CheckedSpec {
  errors: UserError[];
  /** The prize pool when the input gave one (LOTTERY). */
  prizes?: PrizeSpec[];
}

const intIn = (errors: UserError[], field: string[], value: number | null | undefined, min: number, max: number): void => {
  if (value != null && (!Number.isInteger(value) || value < min || value > max)) {
    errors.push(userError(field, `${field[field.length - 1]} must be a whole number from ${min} to ${max}`, UserErrorCode.INVALID));
  }
};

/** Raw ids of tenant rows named by global ids; unknown or foreign ones are userErrors. */
async function existingIds(em: EntityManager, tenantId: string, table: 'segment' | 'coupon_template', type: string, globalIds: string[], field: string[], errors: UserError[]): Promise<string[]> {
  const ids = globalIds.map((globalId) => idOf(globalId, type));
  const valid = ids.filter((id): id is string => !!id);
  const extra = table === 'segment' ? ' and deleted_at is null' : '';
  const found = valid.length
    ? new Set((await em.execute<{ id: string }[]>(`select id from ${table} where tenant_id = ? and id = any(?::uuid[])${extra}`, [tenantId, pgArray(valid)])).map((row) => row.id))
    : new Set<string>();
  ids.forEach((id, index) => {
    if (!id || !found.has(id)) errors.push(userError([...field, String(index)], `no ${type === 'Segment' ? 'segment' : 'coupon template'} of yours has this id`, UserErrorCode.NOT_FOUND));
  });
  return ids.filter((id): id is string => !!id && found.has(id));
}

function variantsOf(inputs: CampaignVariantInput[], errors: UserError[]): CampaignVariant[] {
  if (inputs.length < 1 || inputs.length > 5) errors.push(userError(['input', 'variants'], 'give 1 message, or 2 to 5 variants for an A/B test', UserErrorCode.INVALID));
  const keys = new Set<string>();
  return inputs.map((input, index) => {
    const field = ['input', 'variants', String(index)];
    if (!KEY.test(input.key)) errors.push(userError([...field, 'key'], 'key must be 1 to 20 letters, digits, "-" or "_"', UserErrorCode.INVALID));
    else if (keys.has(input.key)) errors.push(userError([...field, 'key'], `variant key "${input.key}" is used twice`, UserErrorCode.TAKEN));
    keys.add(input.key);
    intIn(errors, [...field, 'weight'], input.weight, 1, 10_000);
    const body = checkTemplate(requiredText(errors, [...field, 'body'], input.body, 2_000));
    body.problems.forEach((problem) => errors.push(userError([...field, 'body'], problem, UserErrorCode.INVALID)));
    let subject: string | null = null;
    if (input.subject != null && input.subject.trim()) {
      const checked = checkTemplate(requiredText(errors, [...field, 'subject'], input.subject, 200));
      checked.problems.forEach((problem) => errors.push(userError([...field, 'subject'], problem, UserErrorCode.INVALID)));
      subject = checked.text;
    }
    return { key: input.key, weight: input.weight ?? 1, subject, body: body.text };
  });
}

function triggerOf(input: CampaignTriggerInput, segmentId: string | null, errors: UserError[]): CampaignTrigger {
  const field = ['input', 'trigger'];
  const need = (name: keyof CampaignTriggerInput, ok: boolean) => {
    if (!ok) errors.push(userError([...field, name], `${input.kind} needs ${name}`, UserErrorCode.INVALID));
  };
  const trigger: CampaignTrigger = { kind: input.kind };
  switch (input.kind) {
    case CampaignTriggerKind.SEGMENT_ENTERED:
      need('segmentId', !!input.segmentId);
      trigger.segmentId = segmentId;
      break;
    case CampaignTriggerKind.LIFECYCLE_ENTERED:
      need('stage', !!input.stage);
      trigger.stage = input.stage ?? null;
      break;
    case CampaignTriggerKind.CHURN_RISK_CROSSED:
      need('threshold', input.threshold != null);
      if (input.threshold != null && !(input.threshold > 0 && input.threshold < 1)) errors.push(userError([...field, 'threshold'], 'threshold must be between 0 and 1', UserErrorCode.INVALID));
      trigger.threshold = input.threshold ?? null;
      break;
    case CampaignTriggerKind.BIRTHDAY:
    case CampaignTriggerKind.ORDER_PAID:
    case CampaignTriggerKind.POINTS_EXPIRING: {
      need('days', input.days != null);
      const [min, max] = input.kind === CampaignTriggerKind.BIRTHDAY ? [0, 60] : input.kind === CampaignTriggerKind.ORDER_PAID ? [0, 365] : [1, 90];
      intIn(errors, [...field, 'days'], input.days, min, max);
      trigger.days = input.days ?? null;
      break;
    }
    case CampaignTriggerKind.HOLIDAY: {
      const dates = [...new Set(input.dates ?? [])].sort();
      need('dates', dates.length >= 1);
      if (dates.length > 100) errors.push(userError([...field, 'dates'], 'at most 100 dates', UserErrorCode.TOO_MANY));
      for (const date of dates) {
        if (!DATE.test(date) || Number.isNaN(Date.parse(`${date}T00:00:00Z`)) || new Date(`${date}T00:00:00Z`).toISOString().slice(0, 10) !== date) {
          errors.push(userError([...field, 'dates'], `"${date}" is not a date YYYY-MM-DD`, UserErrorCode.INVALID));
        }
      }
      trigger.dates = dates;
      break;
    }
  }
  return trigger;
}

function prizesOf(inputs: CampaignPrizeInput[], templateIds: Map<string, string | null>, errors: UserError[]): PrizeSpec[] {
  if (inputs.length < 1 || inputs.length > 20) errors.push(userError(['input', 'offer', 'prizes'], 'a LOTTERY has 1 to 20 prizes', UserErrorCode.INVALID));
  const keys = new Set<string>();
  return inputs.map((input, index) => {
    const field = ['input', 'offer', 'prizes', String(index)];
    if (!KEY.test(input.key)) errors.push(userError([...field, 'key'], 'key must be 1 to 20 letters, digits, "-" or "_"', UserErrorCode.INVALID));
    else if (keys.has(input.key)) errors.push(userError([...field, 'key'], `prize key "${input.key}" is used twice`, UserErrorCode.TAKEN));
    keys.add(input.key);
    if (!input.couponTemplateId === (input.points == null)) errors.push(userError(field, 'a prize is either a couponTemplateId or points', UserErrorCode.INVALID));
    intIn(errors, [...field, 'points'], input.points, 1, 1_000_000);
    intIn(errors, [...field, 'weight'], input.weight, 1, 1_000_000);
    intIn(errors, [...field, 'stock'], input.stock, 0, 100_000_000);
    return { key: input.key, couponTemplateId: input.couponTemplateId ? (templateIds.get(input.couponTemplateId) ?? null) : null, points: input.points ?? null, weight: input.weight, stock: input.stock ?? null };
  });
}

async function offerOf(em: EntityManager, tenantId: string, input: CampaignOfferInput, errors: UserError[]): Promise<{ offer: CampaignOffer; prizes?: PrizeSpec[] }> {
  const field = ['input', 'offer'];
  const templateGlobalIds = [input.couponTemplateId, ...(input.prizes ?? []).map((prize) => prize.couponTemplateId)].filter((id): id is string => !!id);
  const rawIds = await existingIds(em, tenantId, 'coupon_template', 'CouponTemplate', templateGlobalIds, [...field, 'couponTemplateId'], errors);
  const templateIds = new Map(templateGlobalIds.map((globalId) => [globalId, idOf(globalId, 'CouponTemplate') ?? null]));
  const offer: CampaignOffer = { kind: input.kind };
  switch (input.kind) {
    case CampaignOfferKind.COUPON:
      if (!input.couponTemplateId) errors.push(userError([...field, 'couponTemplateId'], 'a COUPON offer needs couponTemplateId', UserErrorCode.INVALID));
      offer.couponTemplateId = input.couponTemplateId ? (rawIds.includes(templateIds.get(input.couponTemplateId) ?? '') ? templateIds.get(input.couponTemplateId)! : null) : null;
      break;
    case CampaignOfferKind.POINTS_BONUS:
      if (input.points == null) errors.push(userError([...field, 'points'], 'a POINTS_BONUS offer needs points', UserErrorCode.INVALID));
      intIn(errors, [...field, 'points'], input.points, 1, 1_000_000);
      offer.points = input.points ?? null;
      break;
    case CampaignOfferKind.POINTS_MULTIPLIER:
      if (input.multiplierPercent == null) errors.push(userError([...field, 'multiplierPercent'], 'a POINTS_MULTIPLIER offer needs multiplierPercent', UserErrorCode.INVALID));
      intIn(errors, [...field, 'multiplierPercent'], input.multiplierPercent, 101, 1_000);
      intIn(errors, [...field, 'validDays'], input.validDays, 1, 90);
      offer.multiplierPercent = input.multiplierPercent ?? null;
      offer.validDays = input.validDays ?? 7;
      break;
    case CampaignOfferKind.LOTTERY:
      return { offer, prizes: prizesOf(input.prizes ?? [], templateIds, errors) };
    case CampaignOfferKind.NONE:
      break;
  }
  if (input.prizes?.length) errors.push(userError([...field, 'prizes'], 'prizes belong to a LOTTERY offer', UserErrorCode.INVALID));
  return { offer };
}

/**
 * Checks the given fields of a campaign and writes them onto it (a new campaign gets defaults first).
 * Nothing is flushed; with errors the caller discards the entity.
 */
export async function applySpec(em: EntityManager, tenantId: string, campaign: Campaign, input: CampaignSpecInput): Promise<CheckedSpec> {
  const errors: UserError[] = [];
  if (input.name !== undefined) campaign.name = requiredText(errors, ['input', 'name'], input.name ?? '', 200);
  if (input.goal) campaign.goal = input.goal;
  if (input.channel) campaign.channel = input.channel;
  if (input.includeSegmentIds) campaign.includeSegmentIds = await existingIds(em, tenantId, 'segment', 'Segment', input.includeSegmentIds, ['input', 'includeSegmentIds'], errors);
  if (input.excludeSegmentIds) campaign.excludeSegmentIds = await existingIds(em, tenantId, 'segment', 'Segment', input.excludeSegmentIds, ['input', 'excludeSegmentIds'], errors);
  if (input.schedule) campaign.schedule = input.schedule;
  if (input.startsAt !== undefined) campaign.startsAt = input.startsAt;
  if (input.endsAt !== undefined) campaign.endsAt = input.endsAt;
  if (input.everyDays !== undefined) {
    intIn(errors, ['input', 'everyDays'], input.everyDays, 1, 365);
    campaign.everyDays = input.everyDays;
  }
  if (input.trigger !== undefined) {
    let segmentId: string | null = null;
    if (input.trigger?.segmentId) [segmentId = null] = await existingIds(em, tenantId, 'segment', 'Segment', [input.trigger.segmentId], ['input', 'trigger', 'segmentId'], errors);
    campaign.trigger = input.trigger ? triggerOf(input.trigger, segmentId, errors) : null;
  }
  if (input.variants) campaign.variants = variantsOf(input.variants, errors);
  let prizes: PrizeSpec[] | undefined;
  if (input.offer) ({ offer: campaign.offer, prizes } = await offerOf(em, tenantId, input.offer, errors));
  if (input.controlPercent != null) {
    intIn(errors, ['input', 'controlPercent'], input.controlPercent, 0, 90);
    campaign.controlPercent = input.controlPercent;
  }
  if (input.attributionDays != null) {
    intIn(errors, ['input', 'attributionDays'], input.attributionDays, 1, 90);
    campaign.attributionDays = input.attributionDays;
  }
  if (input.includeInCycle != null) campaign.includeInCycle = input.includeInCycle;
  return { errors, prizes };
}

/** What a campaign still lacks before it can be launched at `now`. */
export function launchProblems(campaign: Campaign, now: Date): UserError[] {
  const errors: UserError[] = [];
  const problem = (field: string, message: string) => errors.push(userError(['input', field], message, UserErrorCode.INVALID));
  if (!campaign.variants.length) problem('variants', 'the campaign has no message yet');
  if (campaign.schedule === CampaignSchedule.AT && !campaign.startsAt) problem('startsAt', 'an AT campaign needs startsAt');
  if (campaign.schedule === CampaignSchedule.RECURRING && (!campaign.startsAt || !campaign.everyDays)) problem('everyDays', 'a RECURRING campaign needs startsAt and everyDays');
  if (campaign.schedule === CampaignSchedule.TRIGGER && !campaign.trigger) problem('trigger', 'a TRIGGER campaign needs a trigger');
  if (campaign.schedule !== CampaignSchedule.TRIGGER && campaign.trigger) problem('trigger', 'only a TRIGGER campaign has a trigger');
  if (campaign.endsAt && campaign.endsAt <= now) problem('endsAt', 'endsAt has passed');
  if (campaign.endsAt && campaign.startsAt && campaign.endsAt <= campaign.startsAt) problem('endsAt', 'endsAt must be after startsAt');
  if (campaign.offer.kind === CampaignOfferKind.COUPON && !campaign.offer.couponTemplateId) problem('offer', 'the COUPON offer names no coupon template');
  const usesCoupon = campaign.variants.some((variant) => variant.body.includes('{{coupon_code}}') || variant.subject?.includes('{{coupon_code}}'));
  if (usesCoupon && campaign.offer.kind !== CampaignOfferKind.COUPON && campaign.offer.kind !== CampaignOfferKind.LOTTERY) {
    problem('variants', 'the message uses {{coupon_code}} but the offer issues no coupon');
  }
  return errors;
}
