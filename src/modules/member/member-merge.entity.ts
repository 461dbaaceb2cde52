import { Entity, Index, ManyToOne, Property } from '@mikro-orm/core';
import { TenantScopedEntity } from '../../core/db/tenant-scoped.entity.js';
import { Member } from './member.entity.js';

/** The record of two members found to be one person. */
@Entity()
@Index({ properties: ['tenantId', 'createdAt'] })
@Index({ properties: ['mergedId'] })
export class MemberMerge extends TenantScopedEntity {
  @ManyToOne(() => Member, { mapToPk: true, fieldName: 'survivor_id', deleteRule: 'cascade' })
  survivorId: string;

  @ManyToOne(() => Member, { mapToPk: true, fieldName: 'merged_id', deleteRule: 'cascade' })
  mergedId: string;

  /** The access key (or other actor) that asked for the merge. */
  @Property({ type: 'text' })
  actor: string;

  /** What moved: counts per kind of record. */
  @Property({ type: 'json' })
  moved: Record<string, number>;

  constructor(tenantId: string, survivorId: string, mergedId: string, actor: string, moved: Record<string, number>) {
    super();
    this.tenantId = tenantId;
    this.survivorId = survivorId;
    this.mergedId = mergedId;
    this.actor = actor;
    this.moved = moved;
  }
}
