import { Entity, Enum, Property, Unique } from '@mikro-orm/core';
import { TenantScopedEntity } from '../../core/db/tenant-scoped.entity.js';

/** The kind of place a tenant sells. */
export enum StoreType {
  MARKETPLACE_SHOP = 'MARKETPLACE_SHOP',
  WEB_MALL = 'WEB_MALL',
  APP = 'APP',
  OFFLINE_STORE = 'OFFLINE_STORE',
}

/** A place a tenant sells: a marketplace shop, its own web mall, an app or an offline store. */
@Entity()
@Unique({ properties: ['tenantId', 'code'] })
export class Store extends TenantScopedEntity {
  @Property({ type: 'text' })
  code: string;

  @Property({ type: 'text' })
  name: string;

  @Enum({ items: () => StoreType })
  type: StoreType;

  @Property({ type: 'text', nullable: true })
  region?: string;

  @Property({ columnType: 'timestamptz', type: 'datetime', onUpdate: () => new Date() })
  updatedAt: Date = new Date();

  constructor(tenantId: string, code: string, name: string, type: StoreType) {
    super();
    this.tenantId = tenantId;
    this.code = code;
    this.name = name;
    this.type = type;
  }
}
