import { Migration } from '@mikro-orm/migrations';

export class Migration20261205215910_Campaigns extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "message_channel" ("id" uuid not null, "tenant_id" uuid not null, "created_at" timestamptz not null, "channel" text check ("channel" in ('SMS', 'EMAIL', 'PUSH', 'CHAT')) not null, "adapter" text check ("adapter" in ('WEBHOOK', 'OUTBOX')) not null, "url" text null, "signing_secret" text not null, "cost_per_message" int not null default 0, "max_attempts" int not null default 5, "updated_at" timestamptz not null, constraint "message_channel_pkey" primary key ("id"), constraint message_channel_values_check check (cost_per_message >= 0 and max_attempts >= 1 and max_attempts <= 20));`);
    this.addSql(`alter table "message_channel" add constraint "message_channel_tenant_id_channel_unique" unique ("tenant_id", "channel");`);

    this.addSql(`create table "campaign_settings" ("tenant_id" uuid not null, "timezone" text not null default 'UTC', "quiet_start_minute" smallint null, "quiet_end_minute" smallint null, "cap_messages" int not null default 2, "cap_days" int not null default 7, "deep_discount_percent" int not null default 20, "updated_at" timestamptz not null, constraint "campaign_settings_pkey" primary key ("tenant_id"), constraint campaign_settings_values_check check (cap_messages >= 1 and cap_days >= 1 and deep_discount_percent >= 1 and deep_discount_percent <= 100 and (quiet_start_minute is null) = (quiet_end_minute is null)));`);

    this.addSql(`create table "campaign" ("id" uuid not null, "tenant_id" uuid not null, "created_at" timestamptz not null, "name" text not null, "goal" text check ("goal" in ('REPURCHASE', 'REACTIVATION', 'NEW_PRODUCT', 'CARE')) not null, "channel" text check ("channel" in ('SMS', 'EMAIL', 'PUSH', 'CHAT')) not null, "status" text check ("status" in ('DRAFT', 'SCHEDULED', 'RUNNING', 'PAUSED', 'COMPLETED', 'CANCELLED')) not null default 'DRAFT', "include_segment_ids" jsonb not null default '[]', "exclude_segment_ids" jsonb not null default '[]', "schedule" text check ("schedule" in ('NOW', 'AT', 'RECURRING', 'TRIGGER')) not null, "starts_at" timestamptz null, "every_days" int null, "ends_at" timestamptz null, "trigger" jsonb null, "variants" jsonb not null, "offer" jsonb not null, "control_percent" int not null default 0, "attribution_days" int not null default 7, "include_in_cycle" boolean not null default false, "next_run_at" timestamptz null, "trigger_checked_until" timestamptz null, "launched_at" timestamptz null, "finished_at" timestamptz null, "updated_at" timestamptz not null, constraint "campaign_pkey" primary key ("id"), constraint campaign_values_check check (control_percent >= 0 and control_percent <= 90 and attribution_days >= 1 and attribution_days <= 90));`);
    this.addSql(`create index "campaign_status_next_run_at_index" on "campaign" ("status", "next_run_at");`);
    this.addSql(`create index "campaign_tenant_id_created_at_id_index" on "campaign" ("tenant_id", "created_at", "id");`);

    this.addSql(`create table "campaign_prize" ("id" uuid not null, "tenant_id" uuid not null, "created_at" timestamptz not null, "campaign_id" uuid not null, "key" text not null, "coupon_template_id" uuid null, "points" int null, "weight" int not null, "stock" int null, "awarded" int not null default 0, constraint "campaign_prize_pkey" primary key ("id"), constraint campaign_prize_values_check check (weight > 0 and awarded >= 0 and (stock is null or awarded <= stock) and (points is null or points > 0)));`);
    this.addSql(`alter table "campaign_prize" add constraint "campaign_prize_campaign_id_key_unique" unique ("campaign_id", "key");`);

    this.addSql(`create table "campaign_delivery" ("id" uuid not null, "tenant_id" uuid not null, "created_at" timestamptz not null, "campaign_id" uuid not null, "member_id" uuid not null, "occurrence" text not null, "channel" text check ("channel" in ('SMS', 'EMAIL', 'PUSH', 'CHAT')) not null, "variant" text null, "state" text check ("state" in ('QUEUED', 'SENDING', 'SENT', 'FAILED', 'SUPPRESSED')) not null, "reason" text check ("reason" in ('CONTROL_GROUP', 'NO_CONSENT', 'NO_ADDRESS', 'FREQUENCY_CAP', 'IN_REPURCHASE_CYCLE', 'OFFER_UNAVAILABLE', 'MEMBER_GONE', 'CAMPAIGN_CANCELLED')) null, "sent_at" timestamptz null, "attempts" smallint not null default 0, "next_attempt_at" timestamptz null, "last_error" text null, "payload" jsonb null, "coupon_id" uuid null, "cost" int not null default 0, "reward_points" int not null default 0, "prize" text null, constraint "campaign_delivery_pkey" primary key ("id"));`);
    this.addSql(`create index "campaign_delivery_retry_index" on "campaign_delivery" ("campaign_id", "next_attempt_at") where payload is not null and state in ('QUEUED', 'SENDING');`);
    this.addSql(`create index "campaign_delivery_queued_index" on "campaign_delivery" ("campaign_id", "id") where state = 'QUEUED';`);
    this.addSql(`create index "campaign_delivery_sent_index" on "campaign_delivery" ("tenant_id", "member_id", "channel", "sent_at") where sent_at is not null;`);
    this.addSql(`create index "campaign_delivery_campaign_id_state_id_index" on "campaign_delivery" ("campaign_id", "state", "id");`);
    this.addSql(`alter table "campaign_delivery" add constraint "campaign_delivery_tenant_id_campaign_id_member_id_d43b6_unique" unique ("tenant_id", "campaign_id", "member_id", "occurrence");`);

    this.addSql(`create table "outbox_message" ("id" uuid not null, "tenant_id" uuid not null, "created_at" timestamptz not null, "delivery_id" uuid not null, "campaign_id" uuid not null, "member_id" uuid not null, "channel" text check ("channel" in ('SMS', 'EMAIL', 'PUSH', 'CHAT')) not null, "recipient" text not null, "subject" text null, "body" text not null, constraint "outbox_message_pkey" primary key ("id"));`);
    this.addSql(`alter table "outbox_message" add constraint "outbox_message_delivery_id_unique" unique ("delivery_id");`);
    this.addSql(`create index "outbox_message_tenant_id_campaign_id_id_index" on "outbox_message" ("tenant_id", "campaign_id", "id");`);

    this.addSql(`alter table "message_channel" add constraint "message_channel_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id") on update no action on delete cascade;`);

    this.addSql(`alter table "campaign_settings" add constraint "campaign_settings_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "campaign" add constraint "campaign_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id") on update no action on delete cascade;`);

    this.addSql(`alter table "campaign_prize" add constraint "campaign_prize_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id") on update no action on delete cascade;`);
    this.addSql(`alter table "campaign_prize" add constraint "campaign_prize_campaign_id_foreign" foreign key ("campaign_id") references "campaign" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "campaign_delivery" add constraint "campaign_delivery_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id") on update no action on delete cascade;`);
    this.addSql(`alter table "campaign_delivery" add constraint "campaign_delivery_campaign_id_foreign" foreign key ("campaign_id") references "campaign" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "campaign_delivery" add constraint "campaign_delivery_member_id_foreign" foreign key ("member_id") references "member" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "outbox_message" add constraint "outbox_message_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id") on update no action on delete cascade;`);
    this.addSql(`alter table "outbox_message" add constraint "outbox_message_delivery_id_foreign" foreign key ("delivery_id") references "campaign_delivery" ("id") on update cascade on delete cascade;`);

    this.addSql(`create index "orders_tenant_id_paid_at_index" on "orders" ("tenant_id", "paid_at");`);

    this.addSql(`create index "lifecycle_transition_tenant_id_created_at_index" on "lifecycle_transition" ("tenant_id", "created_at");`);

    this.addSql(`create index "churn_crossing_tenant_id_created_at_index" on "churn_crossing" ("tenant_id", "created_at");`);

    this.addSql(`alter table "touchpoint" add column "delivery_id" uuid null;`);
    this.addSql(`create index "touchpoint_delivery_index" on "touchpoint" ("delivery_id", "type") where delivery_id is not null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "campaign_prize" drop constraint "campaign_prize_campaign_id_foreign";`);

    this.addSql(`alter table "campaign_delivery" drop constraint "campaign_delivery_campaign_id_foreign";`);

    this.addSql(`alter table "outbox_message" drop constraint "outbox_message_delivery_id_foreign";`);

    this.addSql(`drop table if exists "message_channel" cascade;`);

    this.addSql(`drop table if exists "campaign_settings" cascade;`);

    this.addSql(`drop table if exists "campaign" cascade;`);

    this.addSql(`drop table if exists "campaign_prize" cascade;`);

    this.addSql(`drop table if exists "campaign_delivery" cascade;`);

    this.addSql(`drop table if exists "outbox_message" cascade;`);

    this.addSql(`drop index "churn_crossing_tenant_id_created_at_index";`);

    this.addSql(`drop index "lifecycle_transition_tenant_id_created_at_index";`);

    this.addSql(`drop index "orders_tenant_id_paid_at_index";`);

    this.addSql(`drop index "touchpoint_delivery_index";`);
    this.addSql(`alter table "touchpoint" drop column "delivery_id";`);
  }

}
