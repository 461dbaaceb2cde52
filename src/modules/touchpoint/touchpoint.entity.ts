import { Entity, Enum, Index, ManyToOne, Property, Unique } from '@mikro-orm/core';
import { TenantScopedEntity } from '../../core/db/tenant-scoped.entity.js';
import { Channel } from '../../core/channel.js';
import { Member } from '../member/member.entity.js';
import { Store } from '../store/store.entity.js';
import { TouchpointType } from './touchpoint.enums.js';

/**
 * One thing a member did or had done to them, on one channel. Append-only; written in bulk by
 * touchpointsRecord with set-based SQL, read through the ORM.
 */
@Entity()
@Unique({ properties: ['tenantId', 'eventId'] })
@Index({ properties: ['tenantId', 'memberId', 'occurredAt'] })
@Index({ properties: ['tenantId', 'occurredAt'] })
@Index({ name: 'touchpoint_delivery_index', expression: 'create index "touchpoint_delivery_index" on "touchpoint" ("delivery_id", "type") where delivery_id is not null' })
export class Touchpoint extends TenantScopedEntity {
  @ManyToOne(() => Member, { mapToPk: true, fieldName: 'member_id', deleteRule: 'cascade' })
  memberId!: string;

  @Enum({ items: () => TouchpointType })
  type!: TouchpointType;

  /** Name of a tenant-declared type, when type is CUSTOM. */
  @Property({ type: 'text', nullable: true })
  customType?: string | null;

  @Enum({ items: () => Channel })
  channel!: Channel;

  @ManyToOne(() => Store, { mapToPk: true, nullable: true, fieldName: 'store_id', deleteRule: 'set null' })
  storeId?: string | null;

  @Property({ columnType: 'timestamptz', type: 'datetime' })
  occurredAt!: Date;

  /** System that sent it, e.g. "tmall-connector". */
  @Property({ type: 'text', nullable: true })
  source?: string | null;

  @Property({ type: 'json', nullable: true })
  properties?: Record<string, unknown> | null;

  /** Sender-chosen id, unique per tenant: the idempotency key. */
  @Property({ type: 'text' })
  eventId!: string;

  /** The order this event is about, for order events. */
  @Property({ type: 'uuid', nullable: true })
  orderId?: string | null;

  /** The campaign delivery a MESSAGE_SENT, MESSAGE_OPENED or MESSAGE_CLICKED event is about. */
  @Property({ type: 'uuid', nullable: true })
  deliveryId?: string | null;
}

/** A touchpoint type a tenant declared for its own events. */
@Entity()
@Unique({ properties: ['tenantId', 'name'] })
export class TouchpointCustomType extends TenantScopedEntity {
  @Property({ type: 'text' })
  name: string;

  @Property({ type: 'text', nullable: true })
  description?: string | null;

  constructor(tenantId: string, name: string, description?: string | null) {
    super();
    this.tenantId = tenantId;
    this.name = name;
    this.description = description;
  }
}
