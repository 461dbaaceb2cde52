import { LockMode } from '@mikro-orm/core';
import { tenantIdOf, type GraphQLContext } from '../../core/context.js';
import { fail, ok, rollbackAsFailure, RollbackWith, userError, UserErrorCode, type Outcome } from '../../core/errors.js';
import { idOf } from '../../core/relay/global-id.js';
import { pageRequest, type Page } from '../../core/relay/connection.js';
import { paginate } from '../../core/relay/paginate.js';
import { tenantSettings } from '../tenant/tenant-settings.js';
import { CouponTemplate } from './coupon.entity.js';
import type { CouponTemplateCreateInput, CouponTemplateFilterArgs, CouponTemplateUpdateInput } from './coupon.inputs.js';
import { applyTemplateInput } from './coupon-template.rules.js';

/** Coupon templates: what may change once coupons exist is limited, so issued coupons keep their meaning. */
export class CouponTemplateService {
  constructor(private readonly ctx: GraphQLContext) {}

  list(args: CouponTemplateFilterArgs): Promise<Page<CouponTemplate>> {
    return paginate(this.ctx.em, CouponTemplate, args.active == null ? {} : { active: args.active }, pageRequest(args), { createdAt: 'desc', id: 'desc' });
  }

  async findByGlobalId(globalId: string): Promise<CouponTemplate | null> {
    const id = idOf(globalId, 'CouponTemplate');
    return id ? this.ctx.em.findOne(CouponTemplate, { id }) : null;
  }

  async create(input: CouponTemplateCreateInput): Promise<Outcome<CouponTemplate>> {
    const { currency } = await tenantSettings(this.ctx);
    const template = Object.assign(new CouponTemplate(), { tenantId: tenantIdOf(this.ctx) });
    const errors = applyTemplateInput(template, input, true, currency, new Date());
    if (errors.length) return fail(...errors);
    await this.ctx.em.persist(template).flush();
    return ok(template);
  }

  async update(input: CouponTemplateUpdateInput): Promise<Outcome<CouponTemplate>> {
    const found = await this.findByGlobalId(input.id);
    if (!found) return fail(userError(['input', 'id'], 'no coupon template has this id', UserErrorCode.NOT_FOUND));
    const { currency } = await tenantSettings(this.ctx);
    // Under the row lock issues take, so "never below what was issued" holds against concurrent issues.
    return rollbackAsFailure(() =>
      this.ctx.em.transactional(async (em) => {
        const template = await em.findOneOrFail(CouponTemplate, { id: found.id }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
        const now = new Date();
        const errors = applyTemplateInput(template, input, false, currency, now);
        if (errors.length) throw new RollbackWith(...errors);
        template.updatedAt = now;
        return template;
      }),
    );
  }
}
