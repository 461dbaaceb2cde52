import { Entity, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import { uuidv7 } from '../ids.js';
import { Tenant } from '../../modules/tenant/tenant.entity.js';

/**
 * Every tenant-owned table extends this. The global `tenant` filter (see mikro-orm.config.ts) adds
 * `tenant_id = :tenant` to every ORM read of these entities; a read without tenant parameters fails.
 */
@Entity({ abstract: true })
export abstract class TenantScopedEntity {
  @PrimaryKey({ type: 'uuid' })
  id: string = uuidv7();

  @ManyToOne(() => Tenant, { mapToPk: true, fieldName: 'tenant_id', deleteRule: 'cascade', updateRule: 'no action' })
  tenantId!: string;

  @Property({ columnType: 'timestamptz', type: 'datetime' })
  createdAt: Date = new Date();
}
