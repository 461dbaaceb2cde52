import { BigIntType, Check, Entity, Enum, Index, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import { TenantScopedEntity } from '../../core/db/tenant-scoped.entity.js';
import { Tenant } from '../tenant/tenant.entity.js';
import { ChurnBand, ChurnModelKind, CrossingDirection } from './churn.enums.js';

/**
 * A buyer's current churn risk, rewritten by every scoring pass. `level` is the hysteresis state: how many of the
 * tenant's thresholds the member currently counts as above. member_id has no foreign key (members are never
 * deleted; merges and erasure remove the row), so a tenant-wide scoring pass takes no member row locks.
 */
@Entity()
@Index({ properties: ['tenantId', 'score'] })
@Check({ name: 'member_churn_score_check', expression: 'score >= 0::double precision and score <= 1::double precision' })
export class MemberChurn {
  @PrimaryKey({ type: 'uuid', fieldName: 'member_id' })
  memberId!: string;

  @ManyToOne(() => Tenant, { mapToPk: true, fieldName: 'tenant_id', deleteRule: 'cascade', updateRule: 'no action' })
  tenantId!: string;

  @Property({ type: 'double' })
  score!: number;

  @Enum({ items: () => ChurnBand })
  band!: ChurnBand;

  @Property({ type: 'smallint' })
  level: number = 0;

  @Enum({ items: () => ChurnModelKind })
  modelKind!: ChurnModelKind;

  /** [{ name, contribution }] in log-odds. */
  @Property({ type: 'json' })
  drivers!: { name: string; contribution: number }[];

  @Property({ columnType: 'timestamptz', type: 'datetime', nullable: true })
  expectedNextOrderAt?: Date | null;

  /** BG/NBD inputs at scoring time (repeat purchase days, weeks from first to last purchase and to scoring). */
  @Property({ type: 'integer' })
  repeatPurchases: number = 0;

  @Property({ type: 'double' })
  recencyWeeks: number = 0;

  @Property({ type: 'double' })
  ageWeeks: number = 0;

  @Property({ columnType: 'timestamptz', type: 'datetime' })
  scoredAt!: Date;
}

/** A fitted (or chosen) churn model of a tenant; the newest one scores. */
@Entity()
@Index({ properties: ['tenantId', 'fittedAt'] })
export class ChurnModel extends TenantScopedEntity {
  @Enum({ items: () => ChurnModelKind })
  kind!: ChurnModelKind;

  @Property({ type: 'double', nullable: true })
  r?: number | null;

  @Property({ type: 'double', nullable: true })
  alpha?: number | null;

  @Property({ type: 'double', nullable: true })
  a?: number | null;

  @Property({ type: 'double', nullable: true })
  b?: number | null;

  @Property({ type: 'double', nullable: true })
  logLikelihood?: number | null;

  /** Buyers the model was fitted on. */
  @Property({ type: 'integer' })
  buyers!: number;

  /** The data cut-off: orders before this moment only. */
  @Property({ columnType: 'timestamptz', type: 'datetime' })
  asOf!: Date;

  @Property({ columnType: 'timestamptz', type: 'datetime' })
  fittedAt!: Date;
}

/**
 * A score crossing one of the tenant's thresholds: the transactional outbox of `churnRiskCrossed`. Written in the
 * scoring transaction with `seq` null; the sequencer numbers committed rows in commit order (see churn-outbox.ts),
 * and `seq` is the cursor clients resume from.
 */
@Entity()
@Index({ properties: ['tenantId', 'seq'] })
// The sequencer's work list: rows committed but not yet numbered.
@Index({ name: 'churn_crossing_unsequenced_index', expression: `create index "churn_crossing_unsequenced_index" on "churn_crossing" ("created_at", "tenant_id", "member_id", (case when "direction" = 'UP' then "threshold" else -"threshold" end), "id") where "seq" is null` })
@Index({ properties: ['tenantId', 'memberId', 'occurredAt'] })
@Index({ properties: ['tenantId', 'createdAt'] })
export class ChurnCrossing extends TenantScopedEntity {
  @Property({ type: 'uuid' })
  memberId!: string;

  @Property({ type: 'double' })
  threshold!: number;

  @Enum({ items: () => CrossingDirection })
  direction!: CrossingDirection;

  @Property({ type: 'double' })
  previousScore!: number;

  @Property({ type: 'double' })
  score!: number;

  @Property({ columnType: 'timestamptz', type: 'datetime' })
  occurredAt!: Date;

  @Property({ type: new BigIntType('string'), nullable: true, unique: true })
  seq?: string | null;
}
