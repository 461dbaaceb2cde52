import { Migration } from '@mikro-orm/migrations';

export class Migration20261123185518_Initial extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "tenant" ("id" uuid not null, "name" text not null, "country_code" text not null, "token_secret" text not null, "created_at" timestamptz not null, constraint "tenant_pkey" primary key ("id"));`);

    this.addSql(`create table "store" ("id" uuid not null, "tenant_id" uuid not null, "created_at" timestamptz not null, "code" text not null, "name" text not null, "type" text check ("type" in ('MARKETPLACE_SHOP', 'WEB_MALL', 'APP', 'OFFLINE_STORE')) not null, "region" text null, "updated_at" timestamptz not null, constraint "store_pkey" primary key ("id"));`);
    this.addSql(`alter table "store" add constraint "store_tenant_id_code_unique" unique ("tenant_id", "code");`);

    this.addSql(`create table "member" ("id" uuid not null, "tenant_id" uuid not null, "created_at" timestamptz not null, "display_name" text null, "gender" text check ("gender" in ('FEMALE', 'MALE', 'OTHER', 'UNKNOWN')) not null default 'UNKNOWN', "birthday" date null, "phone" text null, "email" text null, "province" text null, "city" text null, "address" text null, "registered_store_id" uuid null, "registered_channel" text check ("registered_channel" in ('WEB', 'APP', 'MARKETPLACE', 'CHAT', 'PHONE', 'EMAIL', 'SMS', 'PUSH', 'SOCIAL', 'PARCEL', 'STORE')) null, "status" text check ("status" in ('ACTIVE', 'MERGED', 'ERASED')) not null default 'ACTIVE', "merged_into_id" uuid null, "updated_at" timestamptz not null, "erased_at" timestamptz null, constraint "member_pkey" primary key ("id"));`);
    this.addSql(`create index "member_tenant_id_email_index" on "member" ("tenant_id", "email");`);
    this.addSql(`create index "member_tenant_id_phone_index" on "member" ("tenant_id", "phone");`);
    this.addSql(`create index "member_tenant_id_display_name_id_index" on "member" ("tenant_id", "display_name", "id");`);
    this.addSql(`create index "member_tenant_id_updated_at_id_index" on "member" ("tenant_id", "updated_at", "id");`);
    this.addSql(`create index "member_tenant_id_created_at_id_index" on "member" ("tenant_id", "created_at", "id");`);

    this.addSql(`create table "member_tag" ("id" uuid not null, "tenant_id" uuid not null, "created_at" timestamptz not null, "member_id" uuid not null, "tag" text not null, constraint "member_tag_pkey" primary key ("id"));`);
    this.addSql(`create index "member_tag_tenant_id_tag_index" on "member_tag" ("tenant_id", "tag");`);
    this.addSql(`alter table "member_tag" add constraint "member_tag_member_id_tag_unique" unique ("member_id", "tag");`);

    this.addSql(`create table "member_merge" ("id" uuid not null, "tenant_id" uuid not null, "created_at" timestamptz not null, "survivor_id" uuid not null, "merged_id" uuid not null, "actor" text not null, "moved" jsonb not null, constraint "member_merge_pkey" primary key ("id"));`);
    this.addSql(`create index "member_merge_merged_id_index" on "member_merge" ("merged_id");`);
    this.addSql(`create index "member_merge_tenant_id_created_at_index" on "member_merge" ("tenant_id", "created_at");`);

    this.addSql(`create table "member_identity" ("id" uuid not null, "tenant_id" uuid not null, "created_at" timestamptz not null, "member_id" uuid not null, "channel" text check ("channel" in ('MARKETPLACE_NICK', 'APP_USER', 'WEB_ACCOUNT', 'PHONE', 'EMAIL', 'WECHAT_OPENID', 'WECHAT_UNIONID', 'ALIPAY_USER', 'SOCIAL', 'MEMBER_CARD')) not null, "external_id" text not null, constraint "member_identity_pkey" primary key ("id"));`);
    this.addSql(`create index "member_identity_member_id_index" on "member_identity" ("member_id");`);
    this.addSql(`alter table "member_identity" add constraint "member_identity_tenant_id_channel_external_id_unique" unique ("tenant_id", "channel", "external_id");`);

    this.addSql(`create table "member_consent_event" ("id" uuid not null, "tenant_id" uuid not null, "created_at" timestamptz not null, "member_id" uuid not null, "channel" text check ("channel" in ('SMS', 'EMAIL', 'PUSH', 'CHAT')) not null, "granted" boolean not null, "source" text not null, "occurred_at" timestamptz not null, constraint "member_consent_event_pkey" primary key ("id"));`);
    this.addSql(`create index "member_consent_event_member_id_occurred_at_index" on "member_consent_event" ("member_id", "occurred_at");`);

    this.addSql(`create table "member_consent" ("id" uuid not null, "tenant_id" uuid not null, "created_at" timestamptz not null, "member_id" uuid not null, "channel" text check ("channel" in ('SMS', 'EMAIL', 'PUSH', 'CHAT')) not null, "granted" boolean not null, "source" text not null, "changed_at" timestamptz not null, constraint "member_consent_pkey" primary key ("id"));`);
    this.addSql(`alter table "member_consent" add constraint "member_consent_member_id_channel_unique" unique ("member_id", "channel");`);

    this.addSql(`create table "access_key" ("id" uuid not null, "tenant_id" uuid not null, "created_at" timestamptz not null, "name" text not null, "role" text check ("role" in ('OWNER', 'ADMIN', 'ANALYST', 'INGEST')) not null, "prefix" text not null, "secret_hash" text not null, "revoked_at" timestamptz null, constraint "access_key_pkey" primary key ("id"));`);
    this.addSql(`alter table "access_key" add constraint "access_key_prefix_unique" unique ("prefix");`);
    this.addSql(`create index "access_key_tenant_id_created_at_index" on "access_key" ("tenant_id", "created_at");`);

    this.addSql(`alter table "store" add constraint "store_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id") on update no action on delete cascade;`);

    this.addSql(`alter table "member" add constraint "member_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id") on update no action on delete cascade;`);
    this.addSql(`alter table "member" add constraint "member_registered_store_id_foreign" foreign key ("registered_store_id") references "store" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "member" add constraint "member_merged_into_id_foreign" foreign key ("merged_into_id") references "member" ("id") on update cascade on delete no action;`);

    this.addSql(`alter table "member_tag" add constraint "member_tag_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id") on update no action on delete cascade;`);
    this.addSql(`alter table "member_tag" add constraint "member_tag_member_id_foreign" foreign key ("member_id") references "member" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "member_merge" add constraint "member_merge_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id") on update no action on delete cascade;`);
    this.addSql(`alter table "member_merge" add constraint "member_merge_survivor_id_foreign" foreign key ("survivor_id") references "member" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "member_merge" add constraint "member_merge_merged_id_foreign" foreign key ("merged_id") references "member" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "member_identity" add constraint "member_identity_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id") on update no action on delete cascade;`);
    this.addSql(`alter table "member_identity" add constraint "member_identity_member_id_foreign" foreign key ("member_id") references "member" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "member_consent_event" add constraint "member_consent_event_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id") on update no action on delete cascade;`);
    this.addSql(`alter table "member_consent_event" add constraint "member_consent_event_member_id_foreign" foreign key ("member_id") references "member" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "member_consent" add constraint "member_consent_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id") on update no action on delete cascade;`);
    this.addSql(`alter table "member_consent" add constraint "member_consent_member_id_foreign" foreign key ("member_id") references "member" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "access_key" add constraint "access_key_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id") on update no action on delete cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "store" drop constraint "store_tenant_id_foreign";`);

    this.addSql(`alter table "member" drop constraint "member_tenant_id_foreign";`);

    this.addSql(`alter table "member_tag" drop constraint "member_tag_tenant_id_foreign";`);

    this.addSql(`alter table "member_merge" drop constraint "member_merge_tenant_id_foreign";`);

    this.addSql(`alter table "member_identity" drop constraint "member_identity_tenant_id_foreign";`);

    this.addSql(`alter table "member_consent_event" drop constraint "member_consent_event_tenant_id_foreign";`);

    this.addSql(`alter table "member_consent" drop constraint "member_consent_tenant_id_foreign";`);

    this.addSql(`alter table "access_key" drop constraint "access_key_tenant_id_foreign";`);

    this.addSql(`alter table "member" drop constraint "member_registered_store_id_foreign";`);

    this.addSql(`alter table "member" drop constraint "member_merged_into_id_foreign";`);

    this.addSql(`alter table "member_tag" drop constraint "member_tag_member_id_foreign";`);

    this.addSql(`alter table "member_merge" drop constraint "member_merge_survivor_id_foreign";`);

    this.addSql(`alter table "member_merge" drop constraint "member_merge_merged_id_foreign";`);

    this.addSql(`alter table "member_identity" drop constraint "member_identity_member_id_foreign";`);

    this.addSql(`alter table "member_consent_event" drop constraint "member_consent_event_member_id_foreign";`);

    this.addSql(`alter table "member_consent" drop constraint "member_consent_member_id_foreign";`);

    this.addSql(`drop table if exists "tenant" cascade;`);

    this.addSql(`drop table if exists "store" cascade;`);

    this.addSql(`drop table if exists "member" cascade;`);

    this.addSql(`drop table if exists "member_tag" cascade;`);

    this.addSql(`drop table if exists "member_merge" cascade;`);

    this.addSql(`drop table if exists "member_identity" cascade;`);

    this.addSql(`drop table if exists "member_consent_event" cascade;`);

    this.addSql(`drop table if exists "member_consent" cascade;`);

    this.addSql(`drop table if exists "access_key" cascade;`);
  }

}
