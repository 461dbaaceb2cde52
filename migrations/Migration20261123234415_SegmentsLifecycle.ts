import { Migration } from '@mikro-orm/migrations';

export class Migration20261123234415_SegmentsLifecycle extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "segment" ("id" uuid not null, "tenant_id" uuid not null, "created_at" timestamptz not null, "name" text not null, "description" text null, "kind" text check ("kind" in ('DYNAMIC', 'STATIC')) not null, "query" text null, "tag" text null, "version" int not null default 1, "member_count" int not null default 0, "last_refreshed_at" timestamptz null, "refreshed_version" int null, "updated_at" timestamptz not null, "deleted_at" timestamptz null, constraint "segment_pkey" primary key ("id"));`);
    this.addSql(`create index "segment_tenant_id_name_index" on "segment" ("tenant_id", "name");`);

    this.addSql(`create table "segment_version" ("id" uuid not null, "tenant_id" uuid not null, "created_at" timestamptz not null, "segment_id" uuid not null, "version" int not null, "name" text not null, "description" text null, "query" text null, "tag" text null, "actor" text not null, constraint "segment_version_pkey" primary key ("id"));`);
    this.addSql(`alter table "segment_version" add constraint "segment_version_segment_id_version_unique" unique ("segment_id", "version");`);

    this.addSql(`create table "segment_movement" ("id" uuid not null, "tenant_id" uuid not null, "created_at" timestamptz not null, "segment_id" uuid not null, "member_id" uuid not null, "kind" text check ("kind" in ('ENTERED', 'EXITED')) not null, "cause" text check ("cause" in ('REFRESH', 'MANUAL', 'IMPORT', 'MEMBER_GONE', 'SEGMENT_DELETED')) not null, "version" int not null, constraint "segment_movement_pkey" primary key ("id"));`);
    this.addSql(`create index "segment_movement_tenant_id_member_id_created_at_index" on "segment_movement" ("tenant_id", "member_id", "created_at");`);
    this.addSql(`create index "segment_movement_tenant_id_segment_id_created_at_id_index" on "segment_movement" ("tenant_id", "segment_id", "created_at", "id");`);

    this.addSql(`create table "segment_member" ("segment_id" uuid not null, "member_id" uuid not null, "tenant_id" uuid not null, "entered_at" timestamptz not null, constraint "segment_member_pkey" primary key ("segment_id", "member_id"));`);
    this.addSql(`create index "segment_member_tenant_id_member_id_index" on "segment_member" ("tenant_id", "member_id");`);

    this.addSql(`create table "member_lifecycle" ("member_id" uuid not null, "tenant_id" uuid not null, "stage" text check ("stage" in ('PROSPECT', 'NEW', 'ACTIVE', 'AT_RISK', 'LAPSED', 'REACTIVATED')) not null, "since" timestamptz not null, "expected_interval_days" double precision null, "updated_at" timestamptz not null, constraint "member_lifecycle_pkey" primary key ("member_id"));`);
    this.addSql(`create index "member_lifecycle_tenant_id_stage_index" on "member_lifecycle" ("tenant_id", "stage");`);

    this.addSql(`create table "lifecycle_transition" ("id" uuid not null, "tenant_id" uuid not null, "created_at" timestamptz not null, "member_id" uuid not null, "from_stage" text check ("from_stage" in ('PROSPECT', 'NEW', 'ACTIVE', 'AT_RISK', 'LAPSED', 'REACTIVATED')) not null, "to_stage" text check ("to_stage" in ('PROSPECT', 'NEW', 'ACTIVE', 'AT_RISK', 'LAPSED', 'REACTIVATED')) not null, "cause" text check ("cause" in ('ORDER', 'TIME', 'MERGE', 'SETTINGS')) not null, "occurred_at" timestamptz not null, constraint "lifecycle_transition_pkey" primary key ("id"));`);
    this.addSql(`create index "lifecycle_transition_tenant_id_member_id_occurred_at_id_index" on "lifecycle_transition" ("tenant_id", "member_id", "occurred_at", "id");`);
    this.addSql(`create index "lifecycle_transition_tenant_id_occurred_at_index" on "lifecycle_transition" ("tenant_id", "occurred_at");`);

    this.addSql(`alter table "segment" add constraint "segment_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id") on update no action on delete cascade;`);

    this.addSql(`alter table "segment_version" add constraint "segment_version_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id") on update no action on delete cascade;`);
    this.addSql(`alter table "segment_version" add constraint "segment_version_segment_id_foreign" foreign key ("segment_id") references "segment" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "segment_movement" add constraint "segment_movement_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id") on update no action on delete cascade;`);
    this.addSql(`alter table "segment_movement" add constraint "segment_movement_segment_id_foreign" foreign key ("segment_id") references "segment" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "segment_member" add constraint "segment_member_segment_id_foreign" foreign key ("segment_id") references "segment" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "segment_member" add constraint "segment_member_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id") on update no action on delete cascade;`);

    this.addSql(`alter table "member_lifecycle" add constraint "member_lifecycle_member_id_foreign" foreign key ("member_id") references "member" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "member_lifecycle" add constraint "member_lifecycle_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id") on update no action on delete cascade;`);

    this.addSql(`alter table "lifecycle_transition" add constraint "lifecycle_transition_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id") on update no action on delete cascade;`);
    this.addSql(`alter table "lifecycle_transition" add constraint "lifecycle_transition_member_id_foreign" foreign key ("member_id") references "member" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "tenant" add column "lifecycle_at_risk_factor" double precision not null default 1, add column "lifecycle_lapsed_factor" double precision not null default 2, add column "lifecycle_default_interval_days" int not null default 90, add column "lifecycle_median_interval_days" double precision null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "segment_version" drop constraint "segment_version_segment_id_foreign";`);

    this.addSql(`alter table "segment_movement" drop constraint "segment_movement_segment_id_foreign";`);

    this.addSql(`alter table "segment_member" drop constraint "segment_member_segment_id_foreign";`);

    this.addSql(`drop table if exists "segment" cascade;`);

    this.addSql(`drop table if exists "segment_version" cascade;`);

    this.addSql(`drop table if exists "segment_movement" cascade;`);

    this.addSql(`drop table if exists "segment_member" cascade;`);

    this.addSql(`drop table if exists "member_lifecycle" cascade;`);

    this.addSql(`drop table if exists "lifecycle_transition" cascade;`);

    this.addSql(`alter table "tenant" drop column "lifecycle_at_risk_factor", drop column "lifecycle_lapsed_factor", drop column "lifecycle_default_interval_days", drop column "lifecycle_median_interval_days";`);
  }

}
