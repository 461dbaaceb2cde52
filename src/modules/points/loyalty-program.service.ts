import { LockMode } from '@mikro-orm/core';
import { tenantIdOf, type GraphQLContext } from '../../core/context.js';
import { fail, ok, userError, UserErrorCode, type Outcome, type UserError } from '../../core/errors.js';
import { idOf } from '../../core/relay/global-id.js';
import { pageRequest, type Page, type PageArgs } from '../../core/relay/connection.js';
import { paginate } from '../../core/relay/paginate.js';
import { StoreService } from '../store/store.service.js';
import { LoyaltyProgram } from './loyalty-program.entity.js';
import { forgetLoyaltyProgram } from './loyalty-program.js';
import type { LoyaltyProgramUpdateInput, PointsRuleInput } from './loyalty-program.type.js';
import { PointsRule } from './points.entity.js';

const RANGES: Partial<Record<keyof LoyaltyProgramUpdateInput, [number, number]>> = {
  earnPoints: [0, 1_000_000],
  earnPerAmount: [1, 100_000_000],
  redeemPoints: [1, 100_000_000],
  redeemValue: [0, 100_000_000],
  expiryMonths: [1, 120],
  tierWindowMonths: [1, 60],
  tierPeriodMonths: [1, 60],
  cardCodeTtlSeconds: [30, 3600],
};

function rangeErrors(values: Record<string, unknown>, ranges: Record<string, [number, number]>): UserError[] {
  return Object.entries(ranges)
    .filter(([name]) => values[name] != null)
    .filter(([name, [min, max]]) => !Number.isInteger(values[name]) || (values[name] as number) < min || (values[name] as number) > max)
    .map(([name, [min, max]]) => userError(['input', name], `${name} must be a whole number from ${min} to ${max}`, UserErrorCode.INVALID));
}

/** The loyalty programme's settings and earning rules. */
export class LoyaltyProgramService {
  constructor(private readonly ctx: GraphQLContext) {}

  async update(input: LoyaltyProgramUpdateInput): Promise<Outcome<LoyaltyProgram>> {
    const errors = rangeErrors(input as Record<string, unknown>, RANGES as Record<string, [number, number]>);
    if (errors.length) return fail(...errors);
    const tenantId = tenantIdOf(this.ctx);
    const program = await this.ctx.em.transactional(async (em) => {
      // Insert-or-lock, so two concurrent first updates do not race to create the row.
      await em.execute('insert into loyalty_program (tenant_id, updated_at) values (?, now()) on conflict (tenant_id) do nothing', [tenantId]);
      const row = await em.findOneOrFail(LoyaltyProgram, { tenantId }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true, filters: false });
      for (const [name, value] of Object.entries(input)) if (value != null) Object.assign(row, { [name]: value });
      row.updatedAt = new Date();
      return row;
    });
    forgetLoyaltyProgram(this.ctx);
    return ok(program);
  }

  rules(args: PageArgs): Promise<Page<PointsRule>> {
    return paginate(this.ctx.em, PointsRule, {}, pageRequest(args), { createdAt: 'desc', id: 'desc' });
  }

  async ruleByGlobalId(globalId: string): Promise<PointsRule | null> {
    const id = idOf(globalId, 'PointsRule');
    return id ? this.ctx.em.findOne(PointsRule, { id }) : null;
  }

  async createRule(input: PointsRuleInput): Promise<Outcome<PointsRule>> {
    if (input.id) return fail(userError(['input', 'id'], 'a new rule has no id; use pointsRuleUpdate to change one', UserErrorCode.INVALID));
    const rule = Object.assign(new PointsRule(), { tenantId: tenantIdOf(this.ctx) });
    return this.save(rule, input, true);
  }

  async updateRule(input: PointsRuleInput): Promise<Outcome<PointsRule>> {
    const id = input.id ? idOf(input.id, 'PointsRule') : undefined;
    const rule = id ? await this.ctx.em.findOne(PointsRule, { id }) : null;
    if (!rule) return fail(userError(['input', 'id'], 'no points rule has this id', UserErrorCode.NOT_FOUND));
    return this.save(rule, input, false);
  }

  private async save(rule: PointsRule, input: PointsRuleInput, creating: boolean): Promise<Outcome<PointsRule>> {
    const errors = rangeErrors(input as Record<string, unknown>, { multiplierPercent: [0, 10_000], bonusPoints: [0, 1_000_000] });
    const name = input.name?.trim();
    if ((creating || input.name !== undefined) && (!name || name.length > 200)) errors.push(userError(['input', 'name'], 'name must be 1 to 200 characters', UserErrorCode.INVALID));
    for (const field of ['category', 'sku'] as const) {
      const value = input[field];
      if (value != null && (!value.trim() || value.length > 100)) errors.push(userError(['input', field], `${field} must be 1 to 100 characters`, UserErrorCode.INVALID));
    }
    let storeId = rule.storeId ?? null;
    if (input.storeId !== undefined) {
      const store = input.storeId ? await new StoreService(this.ctx).findByGlobalId(input.storeId) : null;
      if (input.storeId && !store) errors.push(userError(['input', 'storeId'], 'no store has this id', UserErrorCode.NOT_FOUND));
      storeId = store?.id ?? null;
    }
    const startsAt = input.startsAt !== undefined ? input.startsAt : rule.startsAt;
    const endsAt = input.endsAt !== undefined ? input.endsAt : rule.endsAt;
    if (startsAt && endsAt && startsAt >= endsAt) errors.push(userError(['input', 'endsAt'], 'endsAt must be after startsAt', UserErrorCode.INVALID));
    if (errors.length) return fail(...errors);
    const set = <K extends keyof PointsRule>(key: K, value: PointsRule[K] | undefined) => {
      if (value !== undefined) rule[key] = value;
    };
    set('name', name);
    set('active', input.active ?? undefined);
    set('channel', input.channel);
    set('storeId', storeId);
    set('category', input.category === undefined ? undefined : (input.category?.trim() ?? null));
    set('sku', input.sku === undefined ? undefined : (input.sku?.trim() ?? null));
    set('startsAt', startsAt);
    set('endsAt', endsAt);
    set('multiplierPercent', input.multiplierPercent ?? undefined);
    set('bonusPoints', input.bonusPoints ?? undefined);
    rule.updatedAt = new Date();
    await this.ctx.em.persist(rule).flush();
    return ok(rule);
  }
}
