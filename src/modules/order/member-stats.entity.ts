import { BigIntType, Entity, ManyToOne, OneToOne, Property } from '@mikro-orm/core';
import { Member } from '../member/member.entity.js';
import { Tenant } from '../tenant/tenant.entity.js';

/**
 * Purchase aggregates per member, recomputed from the orders rows after every change
 * (see member-stats.ts), so they are exact by construction.
 */
@Entity()
export class MemberStats {
  @OneToOne(() => Member, { primary: true, mapToPk: true, fieldName: 'member_id', deleteRule: 'cascade', owner: true })
  memberId!: string;

  @ManyToOne(() => Tenant, { mapToPk: true, fieldName: 'tenant_id', deleteRule: 'cascade', updateRule: 'no action' })
  tenantId!: string;

  @Property({ columnType: 'timestamptz', type: 'datetime', nullable: true })
  firstOrderAt?: Date | null;

  @Property({ columnType: 'timestamptz', type: 'datetime', nullable: true })
  lastOrderAt?: Date | null;

  @Property({ type: 'integer' })
  orderCount: number = 0;

  /** Distinct UTC days with a bought order (the BG/NBD model counts repeat purchase days). */
  @Property({ type: 'integer', default: 0 })
  purchaseDays: number = 0;

  /** Sum over purchases of total minus refunds, in the tenant's currency (minor units). */
  @Property({ type: new BigIntType('number') })
  netSpend: number = 0;

  @Property({ columnType: 'timestamptz', type: 'datetime' })
  updatedAt: Date = new Date();
}
