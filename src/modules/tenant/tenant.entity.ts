import { Entity, PrimaryKey, Property } from '@mikro-orm/core';
import { randomBytes } from 'node:crypto';
import { uuidv7 } from '../../core/ids.js';

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

  /** HMAC key for member tokens; per tenant so one can be rotated without touching the others. */
  @Property({ type: 'text', hidden: true, lazy: true })
  tokenSecret: string = randomBytes(32).toString('base64url');

  @Property({ columnType: 'timestamptz', type: 'datetime' })
  createdAt: Date = new Date();

  constructor(name: string) {
    const trimmed = name.trim();
    if (!trimmed || trimmed.length > 200) throw new RangeError('tenant name must be 1 to 200 characters');
    this.name = trimmed;
  }
}
