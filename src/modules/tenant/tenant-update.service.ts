import { tenantIdOf, type GraphQLContext } from '../../core/context.js';
import { fail, ok, userError, UserErrorCode, type Outcome, type UserError } from '../../core/errors.js';
import { requiredText } from '../../core/validation.js';
import { Tenant } from './tenant.entity.js';
import { refreshTenantLifecycle } from '../lifecycle/lifecycle.sql.js';
import { LifecycleCause } from '../lifecycle/lifecycle.enums.js';
import { forgetTenantSettings } from './tenant-settings.js';
import { applyChurnSettings, churnSettingsProblems } from '../churn/churn-settings.js';
import { releveTenant } from '../churn/churn-rescore.js';
import type { TenantUpdateInput } from './tenant.inputs.js';

/** The caller's tenant. */
export function currentTenant(ctx: GraphQLContext): Promise<Tenant> {
  return ctx.em.findOneOrFail(Tenant, { id: tenantIdOf(ctx) });
}

/** Changes the caller's tenant; the currency is fixed once orders exist (stats are in it). */
export async function updateTenant(ctx: GraphQLContext, input: TenantUpdateInput): Promise<Outcome<Tenant>> {
  const tenant = await currentTenant(ctx);
  const errors: UserError[] = [];
  const name = input.name == null ? undefined : requiredText(errors, ['input', 'name'], input.name, 200);
  if (input.countryCode != null && !/^[A-Z]{2}$/.test(input.countryCode)) {
    errors.push(userError(['input', 'countryCode'], 'countryCode must be two capital letters (ISO 3166)', UserErrorCode.INVALID));
  }
  if (input.currency != null && !/^[A-Z]{3}$/.test(input.currency)) {
    errors.push(userError(['input', 'currency'], 'currency must be three capital letters (ISO 4217)', UserErrorCode.INVALID));
  } else if (input.currency != null && input.currency !== tenant.currency) {
    const [row] = await ctx.em.execute<{ n: string }[]>('select count(*) as n from orders where tenant_id = ?', [tenant.id]);
    if (Number(row?.n) > 0) errors.push(userError(['input', 'currency'], 'the currency cannot change once orders exist', UserErrorCode.CURRENCY_MISMATCH));
  }
  if (input.rfmWindowDays != null && (!Number.isInteger(input.rfmWindowDays) || input.rfmWindowDays < 30 || input.rfmWindowDays > 1825)) {
    errors.push(userError(['input', 'rfmWindowDays'], 'rfmWindowDays must be a whole number from 30 to 1825', UserErrorCode.INVALID));
  }
  const atRisk = input.lifecycleAtRiskFactor ?? tenant.lifecycleAtRiskFactor;
  const lapsed = input.lifecycleLapsedFactor ?? tenant.lifecycleLapsedFactor;
  if (!(atRisk >= 0.1 && atRisk <= 20)) errors.push(userError(['input', 'lifecycleAtRiskFactor'], 'lifecycleAtRiskFactor must be from 0.1 to 20', UserErrorCode.INVALID));
  else if (!(lapsed > atRisk && lapsed <= 50)) errors.push(userError(['input', 'lifecycleLapsedFactor'], 'lifecycleLapsedFactor must exceed lifecycleAtRiskFactor and be at most 50', UserErrorCode.INVALID));
  const defaultDays = input.lifecycleDefaultIntervalDays;
  if (defaultDays != null && (!Number.isInteger(defaultDays) || defaultDays < 1 || defaultDays > 3650)) {
    errors.push(userError(['input', 'lifecycleDefaultIntervalDays'], 'lifecycleDefaultIntervalDays must be a whole number from 1 to 3650', UserErrorCode.INVALID));
  }
  for (const problem of churnSettingsProblems(input, tenant)) errors.push(userError(['input', problem.field], problem.message, UserErrorCode.INVALID));
  if (errors.length) return fail(...errors);
  const thresholdsChanged = applyChurnSettings(input, tenant);
  const lifecycleChanged =
    atRisk !== tenant.lifecycleAtRiskFactor || lapsed !== tenant.lifecycleLapsedFactor || (defaultDays != null && defaultDays !== tenant.lifecycleDefaultIntervalDays);
  tenant.lifecycleAtRiskFactor = atRisk;
  tenant.lifecycleLapsedFactor = lapsed;
  if (defaultDays != null) tenant.lifecycleDefaultIntervalDays = defaultDays;
  if (name !== undefined) tenant.name = name;
  if (input.rfmWindowDays != null) tenant.rfmWindowDays = input.rfmWindowDays;
  if (input.countryCode != null) tenant.countryCode = input.countryCode;
  if (input.currency != null) tenant.currency = input.currency;
  if (input.unknownIdentityPolicy != null) tenant.unknownIdentityPolicy = input.unknownIdentityPolicy;
  await ctx.em.flush();
  if (lifecycleChanged) await refreshTenantLifecycle(ctx.em, tenant.id, new Date(), LifecycleCause.SETTINGS);
  if (thresholdsChanged) await releveTenant(ctx.em, tenant.id, tenant.churnThresholds);
  ctx.app.authenticator.forgetTenant(tenant.id);
  forgetTenantSettings(ctx);
  return ok(tenant);
}

