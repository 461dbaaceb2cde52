import { Entity, Index, ManyToOne, Property, Unique } from '@mikro-orm/core';
import { TenantScopedEntity } from '../../core/db/tenant-scoped.entity.js';
import { Member } from './member.entity.js';

/** A manual tag on a member. */
@Entity()
@Unique({ properties: ['memberId', 'tag'] })
@Index({ properties: ['tenantId', 'tag'] })
export class MemberTag extends TenantScopedEntity {
  @ManyToOne(() => Member, { mapToPk: true, fieldName: 'member_id', deleteRule: 'cascade' })
  memberId: string;

  @Property({ type: 'text' })
  tag: string;

  constructor(tenantId: string, memberId: string, tag: string) {
    super();
    this.tenantId = tenantId;
    this.memberId = memberId;
    this.tag = tag;
  }
}
