import { Migration } from '@mikro-orm/migrations';

export class Migration20261123212216_LoyaltyPointsTiersCoupons extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "points_rule" ("id" uuid not null, "tenant_id" uuid not null, "created_at" timestamptz not null, "name" text not null, "active" boolean not null default true, "channel" text check ("channel" in ('WEB', 'APP', 'MARKETPLACE', 'CHAT', 'PHONE', 'EMAIL', 'SMS', 'PUSH', 'SOCIAL', 'PARCEL', 'STORE')) null, "store_id" uuid null, "category" text null, "sku" text null, "starts_at" timestamptz null, "ends_at" timestamptz null, "multiplier_percent" int not null default 100, "bonus_points" int not null default 0, "updated_at" timestamptz not null, constraint "points_rule_pkey" primary key ("id"), constraint points_rule_effect_check check (multiplier_percent >= 0 and multiplier_percent <= 10000 and bonus_points >= 0 and bonus_points <= 1000000));`);

    this.addSql(`create table "points_account" ("id" uuid not null, "tenant_id" uuid not null, "created_at" timestamptz not null, "member_id" uuid not null, "balance" int not null default 0, "debt" int not null default 0, "earned" int not null default 0, "redeemed" int not null default 0, "expired" int not null default 0, "updated_at" timestamptz not null, constraint "points_account_pkey" primary key ("id"), constraint points_account_balance_check check (balance >= 0 and debt >= 0));`);
    this.addSql(`alter table "points_account" add constraint "points_account_tenant_id_member_id_unique" unique ("tenant_id", "member_id");`);

    this.addSql(`create table "points_entry" ("id" uuid not null, "tenant_id" uuid not null, "created_at" timestamptz not null, "member_id" uuid not null, "kind" text check ("kind" in ('EARN', 'REDEEM', 'EXPIRE', 'ADJUST', 'REVERSE')) not null, "amount" int not null, "balance_after" int not null, "debt_after" int not null default 0, "reason" text null, "store_id" uuid null, "channel" text check ("channel" in ('WEB', 'APP', 'MARKETPLACE', 'CHAT', 'PHONE', 'EMAIL', 'SMS', 'PUSH', 'SOCIAL', 'PARCEL', 'STORE')) null, "order_id" uuid null, "actor" text not null, "idempotency_key" text not null, "request_hash" text not null, "breakdown" jsonb null, constraint "points_entry_pkey" primary key ("id"));`);
    this.addSql(`create index "points_entry_tenant_id_order_id_index" on "points_entry" ("tenant_id", "order_id");`);
    this.addSql(`create index "points_entry_tenant_id_member_id_created_at_id_index" on "points_entry" ("tenant_id", "member_id", "created_at", "id");`);
    this.addSql(`alter table "points_entry" add constraint "points_entry_tenant_id_idempotency_key_unique" unique ("tenant_id", "idempotency_key");`);

    this.addSql(`create table "points_lot" ("id" uuid not null, "tenant_id" uuid not null, "created_at" timestamptz not null, "member_id" uuid not null, "entry_id" uuid not null, "amount" int not null, "remaining" int not null, "expires_at" timestamptz null, constraint "points_lot_pkey" primary key ("id"), constraint points_lot_remaining_check check (remaining >= 0 and remaining <= amount));`);
    this.addSql(`create index "points_lot_tenant_id_entry_id_index" on "points_lot" ("tenant_id", "entry_id");`);
    this.addSql(`create index "points_lot_tenant_id_expires_at_index" on "points_lot" ("tenant_id", "expires_at");`);
    this.addSql(`create index "points_lot_tenant_id_member_id_expires_at_index" on "points_lot" ("tenant_id", "member_id", "expires_at");`);

    this.addSql(`create table "loyalty_program" ("tenant_id" uuid not null, "earn_points" int not null default 1, "earn_per_amount" int not null default 100, "redeem_points" int not null default 100, "redeem_value" int not null default 100, "expiry_policy" text check ("expiry_policy" in ('NEVER', 'END_OF_YEAR_AFTER', 'MONTHS_AFTER')) not null default 'END_OF_YEAR_AFTER', "expiry_months" int not null default 12, "shortfall_policy" text check ("shortfall_policy" in ('DEBT', 'NEGATIVE_BALANCE')) not null default 'DEBT', "tier_basis" text check ("tier_basis" in ('NET_SPEND', 'POINTS_EARNED')) not null default 'NET_SPEND', "tier_window_months" int not null default 12, "tier_period_months" int not null default 12, "card_code_ttl_seconds" int not null default 120, "updated_at" timestamptz not null, constraint "loyalty_program_pkey" primary key ("tenant_id"), constraint loyalty_program_months_check check (expiry_months >= 1 and expiry_months <= 120 and tier_window_months >= 1 and tier_window_months <= 60 and tier_period_months >= 1 and tier_period_months <= 60), constraint loyalty_program_rates_check check (earn_points >= 0 and earn_per_amount > 0 and redeem_points > 0 and redeem_value >= 0));`);

    this.addSql(`create table "coupon_template" ("id" uuid not null, "tenant_id" uuid not null, "created_at" timestamptz not null, "name" text not null, "kind" text check ("kind" in ('AMOUNT_OFF', 'PERCENT_OFF', 'FREE_SHIPPING')) not null, "amount_off" int not null default 0, "percent_off" int not null default 0, "max_discount" int null, "min_spend" int not null default 0, "valid_from" timestamptz null, "valid_until" timestamptz null, "valid_days" int null, "per_member_limit" int not null default 1, "total_stock" int null, "issued_count" int not null default 0, "points_cost" int null, "active" boolean not null default true, "updated_at" timestamptz not null, constraint "coupon_template_pkey" primary key ("id"), constraint coupon_template_values_check check (amount_off >= 0 and percent_off >= 0 and percent_off <= 100 and min_spend >= 0 and per_member_limit >= 1 and issued_count >= 0 and (total_stock is null or issued_count <= total_stock) and (points_cost is null or points_cost > 0)));`);

    this.addSql(`create table "coupon" ("id" uuid not null, "tenant_id" uuid not null, "created_at" timestamptz not null, "template_id" uuid not null, "member_id" uuid not null, "code" text not null, "state" text check ("state" in ('ISSUED', 'REDEEMED', 'VOID')) not null default 'ISSUED', "source" text check ("source" in ('ADMIN', 'POINTS', 'CAMPAIGN')) not null, "valid_from" timestamptz not null, "valid_until" timestamptz null, "idempotency_key" text null, "points_entry_id" uuid null, "redeemed_at" timestamptz null, "order_external_id" text null, "discount" int null, "voided_at" timestamptz null, constraint "coupon_pkey" primary key ("id"));`);
    this.addSql(`create index "coupon_tenant_id_template_id_member_id_index" on "coupon" ("tenant_id", "template_id", "member_id");`);
    this.addSql(`create index "coupon_tenant_id_member_id_created_at_id_index" on "coupon" ("tenant_id", "member_id", "created_at", "id");`);
    this.addSql(`alter table "coupon" add constraint "coupon_tenant_id_idempotency_key_unique" unique ("tenant_id", "idempotency_key");`);
    this.addSql(`alter table "coupon" add constraint "coupon_tenant_id_code_unique" unique ("tenant_id", "code");`);

    this.addSql(`create table "tier" ("id" uuid not null, "tenant_id" uuid not null, "created_at" timestamptz not null, "code" text not null, "name" text not null, "threshold" bigint not null, "earn_multiplier_percent" int not null default 100, "discount_percent" int not null default 0, "benefits" jsonb not null, "retired_at" timestamptz null, "updated_at" timestamptz not null, constraint "tier_pkey" primary key ("id"), constraint tier_values_check check (threshold >= 0 and earn_multiplier_percent >= 0 and earn_multiplier_percent <= 10000 and discount_percent >= 0 and discount_percent <= 100));`);
    this.addSql(`alter table "tier" add constraint "tier_tenant_id_code_unique" unique ("tenant_id", "code");`);

    this.addSql(`create table "member_tier" ("member_id" uuid not null, "tenant_id" uuid not null, "tier_id" uuid null, "growth_value" bigint not null default 0, "since" timestamptz null, "review_at" timestamptz null, "updated_at" timestamptz not null, constraint "member_tier_pkey" primary key ("member_id"));`);
    this.addSql(`create index "member_tier_tenant_id_tier_id_index" on "member_tier" ("tenant_id", "tier_id");`);
    this.addSql(`create index "member_tier_tenant_id_review_at_index" on "member_tier" ("tenant_id", "review_at");`);

    this.addSql(`create table "tier_change" ("id" uuid not null, "tenant_id" uuid not null, "created_at" timestamptz not null, "member_id" uuid not null, "from_tier_id" uuid null, "to_tier_id" uuid null, "reason" text check ("reason" in ('THRESHOLD', 'REVIEW', 'MERGE', 'PROGRAM_CHANGE')) not null, "growth_value" bigint not null, constraint "tier_change_pkey" primary key ("id"));`);
    this.addSql(`create index "tier_change_tenant_id_member_id_created_at_id_index" on "tier_change" ("tenant_id", "member_id", "created_at", "id");`);

    this.addSql(`alter table "points_rule" add constraint "points_rule_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id") on update no action on delete cascade;`);
    this.addSql(`alter table "points_rule" add constraint "points_rule_store_id_foreign" foreign key ("store_id") references "store" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "points_account" add constraint "points_account_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id") on update no action on delete cascade;`);
    this.addSql(`alter table "points_account" add constraint "points_account_member_id_foreign" foreign key ("member_id") references "member" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "points_entry" add constraint "points_entry_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id") on update no action on delete cascade;`);
    this.addSql(`alter table "points_entry" add constraint "points_entry_member_id_foreign" foreign key ("member_id") references "member" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "points_entry" add constraint "points_entry_store_id_foreign" foreign key ("store_id") references "store" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "points_entry" add constraint "points_entry_order_id_foreign" foreign key ("order_id") references "orders" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "points_lot" add constraint "points_lot_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id") on update no action on delete cascade;`);
    this.addSql(`alter table "points_lot" add constraint "points_lot_member_id_foreign" foreign key ("member_id") references "member" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "points_lot" add constraint "points_lot_entry_id_foreign" foreign key ("entry_id") references "points_entry" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "loyalty_program" add constraint "loyalty_program_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "coupon_template" add constraint "coupon_template_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id") on update no action on delete cascade;`);

    this.addSql(`alter table "coupon" add constraint "coupon_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id") on update no action on delete cascade;`);
    this.addSql(`alter table "coupon" add constraint "coupon_template_id_foreign" foreign key ("template_id") references "coupon_template" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "coupon" add constraint "coupon_member_id_foreign" foreign key ("member_id") references "member" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "tier" add constraint "tier_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id") on update no action on delete cascade;`);

    this.addSql(`alter table "member_tier" add constraint "member_tier_member_id_foreign" foreign key ("member_id") references "member" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "member_tier" add constraint "member_tier_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id") on update no action on delete cascade;`);
    this.addSql(`alter table "member_tier" add constraint "member_tier_tier_id_foreign" foreign key ("tier_id") references "tier" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "tier_change" add constraint "tier_change_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id") on update no action on delete cascade;`);
    this.addSql(`alter table "tier_change" add constraint "tier_change_member_id_foreign" foreign key ("member_id") references "member" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "tier_change" add constraint "tier_change_from_tier_id_foreign" foreign key ("from_tier_id") references "tier" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "tier_change" add constraint "tier_change_to_tier_id_foreign" foreign key ("to_tier_id") references "tier" ("id") on update cascade on delete set null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "points_lot" drop constraint "points_lot_entry_id_foreign";`);

    this.addSql(`alter table "coupon" drop constraint "coupon_template_id_foreign";`);

    this.addSql(`alter table "member_tier" drop constraint "member_tier_tier_id_foreign";`);

    this.addSql(`alter table "tier_change" drop constraint "tier_change_from_tier_id_foreign";`);

    this.addSql(`alter table "tier_change" drop constraint "tier_change_to_tier_id_foreign";`);

    this.addSql(`drop table if exists "points_rule" cascade;`);

    this.addSql(`drop table if exists "points_account" cascade;`);

    this.addSql(`drop table if exists "points_entry" cascade;`);

    this.addSql(`drop table if exists "points_lot" cascade;`);

    this.addSql(`drop table if exists "loyalty_program" cascade;`);

    this.addSql(`drop table if exists "coupon_template" cascade;`);

    this.addSql(`drop table if exists "coupon" cascade;`);

    this.addSql(`drop table if exists "tier" cascade;`);

    this.addSql(`drop table if exists "member_tier" cascade;`);

    this.addSql(`drop table if exists "tier_change" cascade;`);
  }

}
