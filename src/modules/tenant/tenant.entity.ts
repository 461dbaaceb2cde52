import { Entity, Enum, PrimaryKey, Property } from '@mikro-orm/core';
import { randomSecret } from '../../core/auth/secrets.js';
import { uuidv7 } from '../../core/ids.js';

/** What ingestion does with an identity no member has yet. */
export enum UnknownIdentityPolicy {
  /** Create a member with that identity. */
  CREATE_MEMBER = 'CREATE_MEMBER',
  /** Reject the event or order. */
  REJECT = 'REJECT',
}

/** A merchant or brand. The root of tenancy: not itself tenant-scoped. */
@Entity()
export class Tenant {
  @PrimaryKey({ type: 'uuid' })
  id: string = uuidv7();

  @Property({ type: 'text' })
  name: string;

  /** ISO 3166 country used to read phone numbers written without a country code. */
  @Property({ type: 'text' })
  countryCode: string = 'CN';

  /** ISO 4217 currency the tenant reports in; orders must be in it. */
  @Property({ type: 'text', default: 'CNY' })
  currency: string = 'CNY';

  @Enum({ items: () => UnknownIdentityPolicy, default: UnknownIdentityPolicy.CREATE_MEMBER })
  unknownIdentityPolicy: UnknownIdentityPolicy = UnknownIdentityPolicy.CREATE_MEMBER;

  /** Days of orders RFM scores look at. */
  @Property({ type: 'integer', default: 365 })
  rfmWindowDays: number = 365;

  /** A member is AT_RISK once the days since their last order exceed this multiple of their expected interval. */
  @Property({ type: 'double', default: 1 })
  lifecycleAtRiskFactor: number = 1;

  /** ... and LAPSED beyond this multiple. */
  @Property({ type: 'double', default: 2 })
  lifecycleLapsedFactor: number = 2;

  /** Expected days between orders while the tenant has too few repeat buyers for a median. */
  @Property({ type: 'integer', default: 90 })
  lifecycleDefaultIntervalDays: number = 90;

  /** Median over repeat buyers of their average days between orders; recomputed by the LIFECYCLE_REFRESH job. */
  @Property({ type: 'double', nullable: true })
  lifecycleMedianIntervalDays?: number | null;

  /** Days ahead a churn score looks: the probability of no order within them. */
  @Property({ type: 'integer', default: 90 })
  churnHorizonDays: number = 90;

  /** Scores whose crossing (up, or down past the hysteresis margin) is recorded and pushed, ascending. */
  @Property({ type: 'json', default: '[0.5,0.7,0.9]' })
  churnThresholds: number[] = [0.5, 0.7, 0.9];

  /** A member above a threshold falls below it only under threshold minus this margin (no flapping). */
  @Property({ type: 'double', default: 0.05 })
  churnHysteresis: number = 0.05;

  /** Buyers needed before a BG/NBD model is fitted; below, the rhythm model scores. */
  @Property({ type: 'integer', default: 200 })
  churnModelMinBuyers: number = 200;

  /** HMAC key for member tokens; per tenant so one can be rotated without touching the others. */
  @Property({ type: 'text', hidden: true, lazy: true })
  tokenSecret: string = randomSecret();

  @Property({ columnType: 'timestamptz', type: 'datetime' })
  createdAt: Date = new Date();

  constructor(name: string) {
    const trimmed = name.trim();
    if (!trimmed || trimmed.length > 200) throw new RangeError('tenant name must be 1 to 200 characters');
    this.name = trimmed;
  }
}
