import { Entity, Enum, Index, ManyToOne, Property } from '@mikro-orm/core';
import { TenantScopedEntity } from '../../core/db/tenant-scoped.entity.js';
import { Channel } from '../../core/channel.js';
import { Store } from '../store/store.entity.js';
import { Gender, MemberStatus } from './member.enums.js';

export class MemberStateError extends Error {
  constructor(readonly code: 'MEMBER_MERGED' | 'MEMBER_ERASED' | 'SAME_MEMBER', message: string) {
    super(message);
  }
}

/** One customer, known across channels. */
@Entity()
@Index({ properties: ['tenantId', 'createdAt', 'id'] })
@Index({ properties: ['tenantId', 'updatedAt', 'id'] })
@Index({ properties: ['tenantId', 'displayName', 'id'] })
@Index({ properties: ['tenantId', 'phone'] })
@Index({ properties: ['tenantId', 'email'] })
export class Member extends TenantScopedEntity {
  @Property({ type: 'text', nullable: true })
  displayName?: string | null;

  @Enum({ items: () => Gender })
  gender: Gender = Gender.UNKNOWN;

  /** ISO date, YYYY-MM-DD. */
  @Property({ type: 'date', nullable: true })
  birthday?: string | null;

  /** E.164. */
  @Property({ type: 'text', nullable: true })
  phone?: string | null;

  /** Lower-cased. */
  @Property({ type: 'text', nullable: true })
  email?: string | null;

  @Property({ type: 'text', nullable: true })
  province?: string | null;

  @Property({ type: 'text', nullable: true })
  city?: string | null;

  @Property({ type: 'text', nullable: true })
  address?: string | null;

  @ManyToOne(() => Store, { mapToPk: true, nullable: true, fieldName: 'registered_store_id', deleteRule: 'set null' })
  registeredStoreId?: string | null;

  @Enum({ items: () => Channel, nullable: true })
  registeredChannel?: Channel | null;

  @Enum({ items: () => MemberStatus })
  status: MemberStatus = MemberStatus.ACTIVE;

  @ManyToOne(() => Member, { mapToPk: true, nullable: true, fieldName: 'merged_into_id', deleteRule: 'no action' })
  mergedIntoId?: string | null;

  @Property({ columnType: 'timestamptz', type: 'datetime', onUpdate: () => new Date() })
  updatedAt: Date = new Date();

  @Property({ columnType: 'timestamptz', type: 'datetime', nullable: true })
  erasedAt?: Date | null;

  constructor(tenantId: string) {
    super();
    this.tenantId = tenantId;
  }

  assertActive(): void {
    if (this.status === MemberStatus.MERGED) {
      throw new MemberStateError('MEMBER_MERGED', 'this member was merged into another member');
    }
    if (this.status === MemberStatus.ERASED) {
      throw new MemberStateError('MEMBER_ERASED', 'this member was erased');
    }
  }

  /** Marks this record as a duplicate of `survivor`. Moving what hangs off it is the service's job. */
  mergeInto(survivor: Member): void {
    if (survivor.id === this.id) throw new MemberStateError('SAME_MEMBER', 'a member cannot be merged with itself');
    this.assertActive();
    survivor.assertActive();
    this.status = MemberStatus.MERGED;
    this.mergedIntoId = survivor.id;
  }

  /** Removes personal data; the row stays as a tombstone. */
  erase(at = new Date()): void {
    this.assertActive();
    this.displayName = null;
    this.gender = Gender.UNKNOWN;
    this.birthday = null;
    this.phone = null;
    this.email = null;
    this.province = null;
    this.city = null;
    this.address = null;
    this.status = MemberStatus.ERASED;
    this.erasedAt = at;
  }
}
