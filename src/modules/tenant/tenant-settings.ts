import DataLoader from 'dataloader';
import { tenantIdOf, type GraphQLContext, type LoaderFactory } from '../../core/context.js';
import { Tenant, type UnknownIdentityPolicy } from './tenant.entity.js';

export interface TenantSettings {
  countryCode: string;
  currency: string;
  policy: UnknownIdentityPolicy;
  rfmWindowDays: number;
}

/**
 * Once per request: field resolvers of a list ask concurrently, before any answer could reach the
 * identity map, so a plain findOne would cost one statement per item.
 */
const settingsById: LoaderFactory<string, TenantSettings> = (ctx) =>
  new DataLoader(async (ids) => {
    const tenants = new Map((await ctx.em.find(Tenant, { id: { $in: [...ids] } })).map((tenant) => [tenant.id, tenant]));
    return ids.map((id) => {
      const tenant = tenants.get(id);
      if (!tenant) return new Error(`tenant ${id} not found`);
      return { countryCode: tenant.countryCode, currency: tenant.currency, policy: tenant.unknownIdentityPolicy, rfmWindowDays: tenant.rfmWindowDays };
    });
  });

/** The caller's tenant settings. */
export function tenantSettings(ctx: GraphQLContext): Promise<TenantSettings> {
  return ctx.loaders.get(settingsById).load(tenantIdOf(ctx));
}

/** After a change to the tenant, later operations of the same request read it afresh. */
export function forgetTenantSettings(ctx: GraphQLContext): void {
  ctx.loaders.get(settingsById).clearAll();
}
