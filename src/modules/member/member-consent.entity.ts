import { Entity, Enum, Index, ManyToOne, Property, Unique } from '@mikro-orm/core';
import { TenantScopedEntity } from '../../core/db/tenant-scoped.entity.js';
import { ConsentChannel } from './member.enums.js';
import { Member } from './member.entity.js';

/** A consent decision of a member for one outbound channel. */
@Entity({ abstract: true })
export abstract class ConsentDecision extends TenantScopedEntity {
  @ManyToOne(() => Member, { mapToPk: true, fieldName: 'member_id', deleteRule: 'cascade' })
  memberId!: string;

  @Enum({ items: () => ConsentChannel })
  channel!: ConsentChannel;

  @Property({ type: 'boolean' })
  granted!: boolean;

  /** Where it was given or withdrawn, e.g. "checkout". */
  @Property({ type: 'text' })
  source!: string;
}

/** The current consent of a member for one outbound channel. */
@Entity()
@Unique({ properties: ['memberId', 'channel'] })
export class MemberConsent extends ConsentDecision {
  @Property({ columnType: 'timestamptz', type: 'datetime' })
  changedAt!: Date;
}

/** Every consent change ever made, kept as evidence. */
@Entity()
@Index({ properties: ['memberId', 'occurredAt'] })
export class MemberConsentEvent extends ConsentDecision {
  @Property({ columnType: 'timestamptz', type: 'datetime' })
  occurredAt: Date;

  constructor(tenantId: string, memberId: string, channel: ConsentChannel, granted: boolean, source: string, at: Date) {
    super();
    Object.assign(this, { tenantId, memberId, channel, granted, source });
    this.occurredAt = at;
  }
}
