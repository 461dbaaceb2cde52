import { Check, Entity, Enum, OneToOne, Property, Unique } from '@mikro-orm/core';
import { randomSecret } from '../../core/auth/secrets.js';
import { TenantScopedEntity } from '../../core/db/tenant-scoped.entity.js';
import { ConsentChannel } from '../member/member.enums.js';
import { Tenant } from '../tenant/tenant.entity.js';
import { ChannelAdapterKind } from './campaign.enums.js';

/** A tenant's sending rules, one row per tenant, created with defaults on first use. */
@Entity()
@Check({
  name: 'campaign_settings_values_check',
  expression:
    'cap_messages >= 1 and cap_days >= 1 and deep_discount_percent >= 1 and deep_discount_percent <= 100 and (quiet_start_minute is null) = (quiet_end_minute is null)',
})
export class CampaignSettings {
  @OneToOne(() => Tenant, { primary: true, mapToPk: true, fieldName: 'tenant_id', deleteRule: 'cascade', owner: true })
  tenantId!: string;

  /** IANA time zone for quiet hours, birthdays and holiday dates. */
  @Property({ type: 'text', default: 'UTC' })
  timezone: string = 'UTC';

  /** Quiet hours, minutes after local midnight: nothing is sent from start until end (may wrap midnight). */
  @Property({ type: 'smallint', nullable: true })
  quietStartMinute?: number | null;

  @Property({ type: 'smallint', nullable: true })
  quietEndMinute?: number | null;

  /** At most `capMessages` messages per member and channel in any `capDays` days. */
  @Property({ type: 'integer', default: 2 })
  capMessages: number = 2;

  @Property({ type: 'integer', default: 7 })
  capDays: number = 7;

  /** An offer taking off at least this percent is a deep discount. */
  @Property({ type: 'integer', default: 20 })
  deepDiscountPercent: number = 20;

  @Property({ columnType: 'timestamptz', type: 'datetime' })
  updatedAt: Date = new Date();
}

/** How one outbound channel of a tenant is wired. */
@Entity()
@Unique({ properties: ['tenantId', 'channel'] })
@Check({ name: 'message_channel_values_check', expression: 'cost_per_message >= 0 and max_attempts >= 1 and max_attempts <= 20' })
export class MessageChannel extends TenantScopedEntity {
  @Enum({ items: () => ConsentChannel })
  channel!: ConsentChannel;

  @Enum({ items: () => ChannelAdapterKind })
  adapter!: ChannelAdapterKind;

  /** WEBHOOK: where messages are POSTed (http or https). */
  @Property({ type: 'text', nullable: true })
  url?: string | null;

  /** WEBHOOK: the HMAC-SHA256 key of the signature header; shown once, when set. */
  @Property({ type: 'text', hidden: true, lazy: true })
  signingSecret: string = randomSecret();

  /** What one message costs, in minor units (for ROI). */
  @Property({ type: 'integer', default: 0 })
  costPerMessage: number = 0;

  /** WEBHOOK: attempts before a delivery is FAILED. */
  @Property({ type: 'integer', default: 5 })
  maxAttempts: number = 5;

  @Property({ columnType: 'timestamptz', type: 'datetime' })
  updatedAt: Date = new Date();
}
