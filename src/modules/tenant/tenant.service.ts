import type { EntityManager } from '@mikro-orm/postgresql';
import { Role } from '../../core/auth/role.js';
import { issueAccessKey, type IssuedKey } from '../access-key/access-key.service.js';
import { Tenant } from './tenant.entity.js';

const COUNTRY = /^[A-Z]{2}$/;

/**
 * Creates a tenant with its first OWNER key. Tenants are made by operators (the `ecrm` command or
 * first start), not through the API: an API caller always belongs to a tenant already.
 */
export async function createTenant(em: EntityManager, name: string, countryCode = 'CN'): Promise<{ tenant: Tenant; owner: IssuedKey }> {
  if (!COUNTRY.test(countryCode)) throw new RangeError('country code must be two capital letters (ISO 3166), e.g. CN');
  return em.transactional(async (tx) => {
    const tenant = new Tenant(name);
    tenant.countryCode = countryCode;
    tx.persist(tenant);
    await tx.flush();
    const owner = await issueAccessKey(tx, tenant.id, Role.OWNER, 'owner (created with the tenant)');
    return { tenant, owner };
  });
}

export async function tenantCount(em: EntityManager): Promise<number> {
  return em.count(Tenant, {});
}
