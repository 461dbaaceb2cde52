import { tenantIdOf, type GraphQLContext } from '../../core/context.js';
import { Tenant, type UnknownIdentityPolicy } from './tenant.entity.js';

export interface TenantSettings {
  countryCode: string;
  currency: string;
  policy: UnknownIdentityPolicy;
}

/** The caller's tenant settings; the identity map makes repeated calls in one request free. */
export async function tenantSettings(ctx: GraphQLContext): Promise<TenantSettings> {
  const tenant = await ctx.em.findOneOrFail(Tenant, { id: tenantIdOf(ctx) });
  return { countryCode: tenant.countryCode, currency: tenant.currency, policy: tenant.unknownIdentityPolicy };
}
