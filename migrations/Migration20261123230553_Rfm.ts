import { Migration } from '@mikro-orm/migrations';

export class Migration20261123230553_Rfm extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "member_rfm" ("member_id" uuid not null, "tenant_id" uuid not null, "recency_days" int not null, "frequency" int not null, "monetary" bigint not null, "recency_score" smallint not null, "frequency_score" smallint not null, "monetary_score" smallint not null, "cell" text not null, "group" text check ("group" in ('CHAMPIONS', 'LOYAL', 'POTENTIAL_LOYALIST', 'NEW', 'PROMISING', 'NEEDS_ATTENTION', 'ABOUT_TO_SLEEP', 'AT_RISK', 'CANNOT_LOSE', 'HIBERNATING', 'LOST')) not null, "computed_at" timestamptz not null, constraint "member_rfm_pkey" primary key ("member_id"));`);
    this.addSql(`create index "member_rfm_tenant_id_group_index" on "member_rfm" ("tenant_id", "group");`);

    this.addSql(`alter table "member_rfm" add constraint "member_rfm_member_id_foreign" foreign key ("member_id") references "member" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "member_rfm" add constraint "member_rfm_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id") on update no action on delete cascade;`);

    this.addSql(`alter table "tenant" add column "rfm_window_days" int not null default 365;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "member_rfm" cascade;`);

    this.addSql(`alter table "tenant" drop column "rfm_window_days";`);
  }

}
