import { Entity, Enum, Index, Property, Unique } from '@mikro-orm/core';
import { TenantScopedEntity } from '../../core/db/tenant-scoped.entity.js';
import { Role } from '../../core/auth/role.js';

/** An API key. Only a SHA-256 of the secret is stored; the key itself is shown once. */
@Entity()
@Index({ properties: ['tenantId', 'createdAt'] })
export class AccessKey extends TenantScopedEntity {
  @Property({ type: 'text' })
  name: string;

  @Enum({ items: () => Role, nativeEnumName: undefined })
  role: Role;

  /** Public, non-secret part of the key used to find the row. */
  @Unique()
  @Property({ type: 'text' })
  prefix: string;

  @Property({ type: 'text', hidden: true })
  secretHash: string;

  @Property({ columnType: 'timestamptz', type: 'datetime', nullable: true })
  revokedAt?: Date;

  constructor(tenantId: string, name: string, role: Role, prefix: string, secretHash: string) {
    super();
    this.tenantId = tenantId;
    this.name = name;
    this.role = role;
    this.prefix = prefix;
    this.secretHash = secretHash;
  }

  get active(): boolean {
    return this.revokedAt === undefined || this.revokedAt === null;
  }

  revoke(at = new Date()): void {
    if (!this.active) throw new Error('access key is already revoked');
    this.revokedAt = at;
  }
}
