import { Migration } from '@mikro-orm/migrations';

export class Migration20261205184605_Churn extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "member_churn" ("member_id" uuid not null, "tenant_id" uuid not null, "score" double precision not null, "band" text check ("band" in ('LOW', 'MEDIUM', 'HIGH')) not null, "level" smallint not null default 0, "model_kind" text check ("model_kind" in ('RHYTHM', 'BG_NBD')) not null, "drivers" jsonb not null, "expected_next_order_at" timestamptz null, "repeat_purchases" int not null default 0, "recency_weeks" double precision not null default 0, "age_weeks" double precision not null default 0, "scored_at" timestamptz not null, constraint "member_churn_pkey" primary key ("member_id"), constraint member_churn_score_check check (score >= 0::double precision and score <= 1::double precision));`);
    this.addSql(`create index "member_churn_tenant_id_score_index" on "member_churn" ("tenant_id", "score");`);

    this.addSql(`create table "churn_model" ("id" uuid not null, "tenant_id" uuid not null, "created_at" timestamptz not null, "kind" text check ("kind" in ('RHYTHM', 'BG_NBD')) not null, "r" double precision null, "alpha" double precision null, "a" double precision null, "b" double precision null, "log_likelihood" double precision null, "buyers" int not null, "as_of" timestamptz not null, "fitted_at" timestamptz not null, constraint "churn_model_pkey" primary key ("id"));`);
    this.addSql(`create index "churn_model_tenant_id_fitted_at_index" on "churn_model" ("tenant_id", "fitted_at");`);

    this.addSql(`create table "churn_crossing" ("id" uuid not null, "tenant_id" uuid not null, "created_at" timestamptz not null, "member_id" uuid not null, "threshold" double precision not null, "direction" text check ("direction" in ('UP', 'DOWN')) not null, "previous_score" double precision not null, "score" double precision not null, "occurred_at" timestamptz not null, "seq" bigint null, constraint "churn_crossing_pkey" primary key ("id"));`);
    this.addSql(`alter table "churn_crossing" add constraint "churn_crossing_seq_unique" unique ("seq");`);
    this.addSql(`create index "churn_crossing_tenant_id_member_id_occurred_at_index" on "churn_crossing" ("tenant_id", "member_id", "occurred_at");`);
    this.addSql(`create index "churn_crossing_unsequenced_index" on "churn_crossing" ("created_at", "tenant_id", "member_id", (case when "direction" = 'UP' then "threshold" else -"threshold" end), "id") where "seq" is null;`);
    this.addSql(`create index "churn_crossing_tenant_id_seq_index" on "churn_crossing" ("tenant_id", "seq");`);

    this.addSql(`alter table "member_churn" add constraint "member_churn_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id") on update no action on delete cascade;`);

    this.addSql(`alter table "churn_model" add constraint "churn_model_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id") on update no action on delete cascade;`);

    this.addSql(`alter table "churn_crossing" add constraint "churn_crossing_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id") on update no action on delete cascade;`);

    this.addSql(`alter table "tenant" add column "churn_horizon_days" int not null default 90, add column "churn_thresholds" jsonb not null default '[0.5,0.7,0.9]', add column "churn_hysteresis" double precision not null default 0.05, add column "churn_model_min_buyers" int not null default 200;`);

    this.addSql(`alter table "member_stats" add column "purchase_days" int not null default 0;`);
    this.addSql(`update "member_stats" s set "purchase_days" = d.days
      from (select o.member_id, count(distinct (o.placed_at at time zone 'UTC')::date)::int as days
              from "orders" o where o.status in ('PAID', 'PARTIALLY_REFUNDED') group by o.member_id) d
     where d.member_id = s.member_id;`);

    // Numbers for the outbox (churn-outbox.ts); MikroORM does not manage stand-alone sequences.
    this.addSql(`create sequence "churn_crossing_seq_seq";`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "member_churn" cascade;`);

    this.addSql(`drop table if exists "churn_model" cascade;`);

    this.addSql(`drop table if exists "churn_crossing" cascade;`);
    this.addSql(`drop sequence if exists "churn_crossing_seq_seq";`);

    this.addSql(`alter table "member_stats" drop column "purchase_days";`);

    this.addSql(`alter table "tenant" drop column "churn_horizon_days", drop column "churn_thresholds", drop column "churn_hysteresis", drop column "churn_model_min_buyers";`);
  }

}
