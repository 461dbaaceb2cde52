import { Entity, Enum, Index, ManyToOne, Property, Unique } from '@mikro-orm/core';
import { TenantScopedEntity } from '../../core/db/tenant-scoped.entity.js';
import { ConsentChannel } from './member.enums.js';
import { Member } from './member.entity.js';

/** The current consent of a member for one outbound channel. */
@Entity()
@Unique({ properties: ['memberId', 'channel'] })
export class MemberConsent extends TenantScopedEntity {
  @ManyToOne(() => Member, { mapToPk: true, fieldName: 'member_id', deleteRule: 'cascade' })
  memberId: string;

  @Enum({ items: () => ConsentChannel })
  channel: ConsentChannel;

  @Property({ type: 'boolean' })
  granted: boolean;

  @Property({ type: 'text' })
  source: string;

  @Property({ columnType: 'timestamptz', type: 'datetime' })
  changedAt: Date;

  constructor(tenantId: string, memberId: string, channel: ConsentChannel, granted: boolean, source: string, at: Date) {
    super();
    this.tenantId = tenantId;
    this.memberId = memberId;
    this.channel = channel;
    this.granted = granted;
    this.source = source;
    this.changedAt = at;
  }
}

/** Every consent change ever made, kept as evidence. */
@Entity()
@Index({ properties: ['memberId', 'occurredAt'] })
export class MemberConsentEvent extends TenantScopedEntity {
  @ManyToOne(() => Member, { mapToPk: true, fieldName: 'member_id', deleteRule: 'cascade' })
  memberId: string;

  @Enum({ items: () => ConsentChannel })
  channel: ConsentChannel;

  @Property({ type: 'boolean' })
  granted: boolean;

  @Property({ type: 'text' })
  source: string;

  @Property({ columnType: 'timestamptz', type: 'datetime' })
  occurredAt: Date;

  constructor(tenantId: string, memberId: string, channel: ConsentChannel, granted: boolean, source: string, at: Date) {
    super();
    this.tenantId = tenantId;
    this.memberId = memberId;
    this.channel = channel;
    this.granted = granted;
    this.source = source;
    this.occurredAt = at;
  }
}
