import { BigIntType, Entity, Enum, Index, ManyToOne, OneToOne, Property } from '@mikro-orm/core';
import { Member } from '../member/member.entity.js';
import { Tenant } from '../tenant/tenant.entity.js';
import { RfmGroup } from './rfm.enums.js';

/** A buyer's RFM scores, recomputed set-based for the whole tenant (rfm.sql.ts). Non-buyers have no row. */
@Entity()
@Index({ properties: ['tenantId', 'group'] })
export class MemberRfm {
  @OneToOne(() => Member, { primary: true, mapToPk: true, fieldName: 'member_id', deleteRule: 'cascade', owner: true })
  memberId!: string;

  @ManyToOne(() => Tenant, { mapToPk: true, fieldName: 'tenant_id', deleteRule: 'cascade', updateRule: 'no action' })
  tenantId!: string;

  @Property({ type: 'integer' })
  recencyDays!: number;

  @Property({ type: 'integer' })
  frequency!: number;

  @Property({ type: new BigIntType('number') })
  monetary!: number;

  @Property({ type: 'smallint' })
  recencyScore!: number;

  @Property({ type: 'smallint' })
  frequencyScore!: number;

  @Property({ type: 'smallint' })
  monetaryScore!: number;

  /** "R-F-M", e.g. "5-4-5". */
  @Property({ type: 'text' })
  cell!: string;

  @Enum({ items: () => RfmGroup })
  group!: RfmGroup;

  @Property({ columnType: 'timestamptz', type: 'datetime' })
  computedAt!: Date;
}
