import { Entity, Enum, Index, ManyToOne, PrimaryKey, PrimaryKeyProp, Property, Unique } from '@mikro-orm/core';
import { TenantScopedEntity } from '../../core/db/tenant-scoped.entity.js';
import { Tenant } from '../tenant/tenant.entity.js';
import { SegmentKind, SegmentMovementCause, SegmentMovementKind } from './segment.enums.js';

/** A named group of members: a query (dynamic) or an explicit list (static). The current version's definition. */
@Entity()
@Index({ properties: ['tenantId', 'name'] })
export class Segment extends TenantScopedEntity {
  @Property({ type: 'text' })
  name!: string;

  @Property({ type: 'text', nullable: true })
  description?: string | null;

  @Enum({ items: () => SegmentKind })
  kind!: SegmentKind;

  /** The segment-language query of a dynamic segment. */
  @Property({ type: 'text', nullable: true })
  query?: string | null;

  /** A tag stamped on every member while they are in the segment. */
  @Property({ type: 'text', nullable: true })
  tag?: string | null;

  /** Increases with every definition change; every version is kept in segment_version. */
  @Property({ type: 'integer', default: 1 })
  version: number = 1;

  /** Members after the last refresh (static: kept current). */
  @Property({ type: 'integer', default: 0 })
  memberCount: number = 0;

  @Property({ columnType: 'timestamptz', type: 'datetime', nullable: true })
  lastRefreshedAt?: Date | null;

  /** The version the materialised membership was computed from. */
  @Property({ type: 'integer', nullable: true })
  refreshedVersion?: number | null;

  @Property({ columnType: 'timestamptz', type: 'datetime' })
  updatedAt: Date = new Date();

  @Property({ columnType: 'timestamptz', type: 'datetime', nullable: true })
  deletedAt?: Date | null;
}

/** One definition of a segment, kept when it is changed. */
@Entity()
@Unique({ properties: ['segmentId', 'version'] })
export class SegmentVersion extends TenantScopedEntity {
  @ManyToOne(() => Segment, { mapToPk: true, fieldName: 'segment_id', deleteRule: 'cascade' })
  segmentId!: string;

  @Property({ type: 'integer' })
  version!: number;

  @Property({ type: 'text' })
  name!: string;

  @Property({ type: 'text', nullable: true })
  description?: string | null;

  @Property({ type: 'text', nullable: true })
  query?: string | null;

  @Property({ type: 'text', nullable: true })
  tag?: string | null;

  /** Who saved this version (the access key's or member's label). */
  @Property({ type: 'text' })
  actor!: string;
}

/**
 * Materialised membership: a member is in a segment while a row exists. member_id has no foreign key on purpose:
 * a refresh writes up to millions of rows, and each key check would lock its member row (dirtying a page of
 * `member` per row, measured as most of a refresh's time at 1M members). Members are never deleted (erasure
 * keeps the row) and the merge and erase steps remove their memberships; the tenant foreign key cascades.
 */
@Entity()
@Index({ properties: ['tenantId', 'memberId'] })
export class SegmentMember {
  [PrimaryKeyProp]?: ['segmentId', 'memberId'];

  @ManyToOne(() => Segment, { primary: true, mapToPk: true, fieldName: 'segment_id', deleteRule: 'cascade' })
  segmentId!: string;

  @PrimaryKey({ type: 'uuid' })
  memberId!: string;

  @ManyToOne(() => Tenant, { mapToPk: true, fieldName: 'tenant_id', deleteRule: 'cascade', updateRule: 'no action' })
  tenantId!: string;

  @Property({ columnType: 'timestamptz', type: 'datetime' })
  enteredAt!: Date;
}

/** A recorded entry into or exit from a segment (created_at is when it happened). member_id: see SegmentMember. */
@Entity()
@Index({ properties: ['tenantId', 'segmentId', 'createdAt', 'id'] })
@Index({ properties: ['tenantId', 'memberId', 'createdAt'] })
export class SegmentMovement extends TenantScopedEntity {
  @ManyToOne(() => Segment, { mapToPk: true, fieldName: 'segment_id', deleteRule: 'cascade' })
  segmentId!: string;

  @Property({ type: 'uuid' })
  memberId!: string;

  @Enum({ items: () => SegmentMovementKind })
  kind!: SegmentMovementKind;

  @Enum({ items: () => SegmentMovementCause })
  cause!: SegmentMovementCause;

  /** The segment version whose definition decided the move. */
  @Property({ type: 'integer' })
  version!: number;
}
