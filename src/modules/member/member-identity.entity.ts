import { Entity, Enum, Index, ManyToOne, Property, Unique } from '@mikro-orm/core';
import { TenantScopedEntity } from '../../core/db/tenant-scoped.entity.js';
import { IdentityChannel } from './member.enums.js';
import { Member } from './member.entity.js';

/** An external account that names a member: (channel, external id), unique per tenant. */
@Entity()
@Unique({ properties: ['tenantId', 'channel', 'externalId'] })
@Index({ properties: ['memberId'] })
export class MemberIdentity extends TenantScopedEntity {
  @ManyToOne(() => Member, { mapToPk: true, fieldName: 'member_id', deleteRule: 'cascade' })
  memberId: string;

  @Enum({ items: () => IdentityChannel })
  channel: IdentityChannel;

  @Property({ type: 'text' })
  externalId: string;

  constructor(tenantId: string, memberId: string, channel: IdentityChannel, externalId: string) {
    super();
    this.tenantId = tenantId;
    this.memberId = memberId;
    this.channel = channel;
    this.externalId = externalId;
  }
}
