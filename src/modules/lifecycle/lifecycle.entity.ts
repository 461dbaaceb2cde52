import { Entity, Enum, Index, ManyToOne, OneToOne, Property } from '@mikro-orm/core';
import { TenantScopedEntity } from '../../core/db/tenant-scoped.entity.js';
import { Member } from '../member/member.entity.js';
import { Tenant } from '../tenant/tenant.entity.js';
import { LifecycleCause, LifecycleStage } from './lifecycle.enums.js';

/** A member's current lifecycle stage. Members without a row are PROSPECT. */
@Entity()
@Index({ properties: ['tenantId', 'stage'] })
export class MemberLifecycle {
  @OneToOne(() => Member, { primary: true, mapToPk: true, fieldName: 'member_id', deleteRule: 'cascade', owner: true })
  memberId!: string;

  @ManyToOne(() => Tenant, { mapToPk: true, fieldName: 'tenant_id', deleteRule: 'cascade', updateRule: 'no action' })
  tenantId!: string;

  @Enum({ items: () => LifecycleStage })
  stage!: LifecycleStage;

  /** When the member entered the stage. */
  @Property({ columnType: 'timestamptz', type: 'datetime' })
  since!: Date;

  /** Expected days between orders used for the stage (own average from 3 orders, else the tenant median). */
  @Property({ type: 'double', nullable: true })
  expectedIntervalDays?: number | null;

  @Property({ columnType: 'timestamptz', type: 'datetime' })
  updatedAt: Date = new Date();
}

/** A move from one lifecycle stage to another (created_at is when it was recorded). */
@Entity()
@Index({ properties: ['tenantId', 'occurredAt'] })
@Index({ properties: ['tenantId', 'memberId', 'occurredAt', 'id'] })
@Index({ properties: ['tenantId', 'createdAt'] })
export class LifecycleTransition extends TenantScopedEntity {
  @ManyToOne(() => Member, { mapToPk: true, fieldName: 'member_id', deleteRule: 'cascade' })
  memberId!: string;

  @Enum({ items: () => LifecycleStage })
  fromStage!: LifecycleStage;

  @Enum({ items: () => LifecycleStage })
  toStage!: LifecycleStage;

  @Enum({ items: () => LifecycleCause })
  cause!: LifecycleCause;

  /** When the move took effect: the order's time, or the moment the member became overdue. */
  @Property({ columnType: 'timestamptz', type: 'datetime' })
  occurredAt!: Date;
}
