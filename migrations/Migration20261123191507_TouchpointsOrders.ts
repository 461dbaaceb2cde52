import { Migration } from '@mikro-orm/migrations';

export class Migration20261123191507_TouchpointsOrders extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "orders" ("id" uuid not null, "tenant_id" uuid not null, "created_at" timestamptz not null, "external_id" text not null, "member_id" uuid not null, "store_id" uuid null, "channel" text check ("channel" in ('WEB', 'APP', 'MARKETPLACE', 'CHAT', 'PHONE', 'EMAIL', 'SMS', 'PUSH', 'SOCIAL', 'PARCEL', 'STORE')) not null, "status" text check ("status" in ('PLACED', 'PAID', 'PARTIALLY_REFUNDED', 'REFUNDED', 'CANCELLED')) not null, "currency" text not null, "items_total" int not null, "discount" int not null default 0, "shipping" int not null default 0, "total" int not null, "refunded_amount" int not null default 0, "placed_at" timestamptz not null, "paid_at" timestamptz null, "cancelled_at" timestamptz null, "source" text null, "updated_at" timestamptz not null, constraint "orders_pkey" primary key ("id"));`);
    this.addSql(`create index "orders_tenant_id_placed_at_id_index" on "orders" ("tenant_id", "placed_at", "id");`);
    this.addSql(`create index "orders_tenant_id_member_id_placed_at_index" on "orders" ("tenant_id", "member_id", "placed_at");`);
    this.addSql(`alter table "orders" add constraint "orders_tenant_id_external_id_unique" unique ("tenant_id", "external_id");`);

    this.addSql(`create table "order_refund" ("id" uuid not null, "tenant_id" uuid not null, "created_at" timestamptz not null, "order_id" uuid not null, "refund_id" text not null, "amount" int not null, "lines" jsonb not null, "reason" text null, "refunded_at" timestamptz not null, "request" jsonb not null, constraint "order_refund_pkey" primary key ("id"));`);
    this.addSql(`alter table "order_refund" add constraint "order_refund_order_id_refund_id_unique" unique ("order_id", "refund_id");`);

    this.addSql(`create table "order_item" ("id" uuid not null, "tenant_id" uuid not null, "created_at" timestamptz not null, "order_id" uuid not null, "line_no" int not null, "sku" text not null, "name" text not null, "category" text null, "quantity" int not null, "unit_price" int not null, "refunded_quantity" int not null default 0, constraint "order_item_pkey" primary key ("id"));`);
    this.addSql(`alter table "order_item" add constraint "order_item_order_id_line_no_unique" unique ("order_id", "line_no");`);

    this.addSql(`create table "member_stats" ("member_id" uuid not null, "tenant_id" uuid not null, "first_order_at" timestamptz null, "last_order_at" timestamptz null, "order_count" int not null default 0, "net_spend" bigint not null default 0, "updated_at" timestamptz not null, constraint "member_stats_pkey" primary key ("member_id"));`);

    this.addSql(`create table "touchpoint" ("id" uuid not null, "tenant_id" uuid not null, "created_at" timestamptz not null, "member_id" uuid not null, "type" text check ("type" in ('PAGE_VIEW', 'PRODUCT_VIEW', 'SEARCH', 'FAVORITE', 'CART_ADD', 'INQUIRY', 'ORDER_PLACED', 'ORDER_PAID', 'ORDER_CANCELLED', 'REFUND', 'COMPLAINT', 'REVIEW', 'PARCEL_DELIVERED', 'MESSAGE_SENT', 'MESSAGE_OPENED', 'MESSAGE_CLICKED', 'STORE_VISIT', 'CARD_BOUND', 'CUSTOM')) not null, "custom_type" text null, "channel" text check ("channel" in ('WEB', 'APP', 'MARKETPLACE', 'CHAT', 'PHONE', 'EMAIL', 'SMS', 'PUSH', 'SOCIAL', 'PARCEL', 'STORE')) not null, "store_id" uuid null, "occurred_at" timestamptz not null, "source" text null, "properties" jsonb null, "event_id" text not null, "order_id" uuid null, constraint "touchpoint_pkey" primary key ("id"));`);
    this.addSql(`create index "touchpoint_tenant_id_occurred_at_index" on "touchpoint" ("tenant_id", "occurred_at");`);
    this.addSql(`create index "touchpoint_tenant_id_member_id_occurred_at_index" on "touchpoint" ("tenant_id", "member_id", "occurred_at");`);
    this.addSql(`alter table "touchpoint" add constraint "touchpoint_tenant_id_event_id_unique" unique ("tenant_id", "event_id");`);

    this.addSql(`create table "touchpoint_custom_type" ("id" uuid not null, "tenant_id" uuid not null, "created_at" timestamptz not null, "name" text not null, "description" text null, constraint "touchpoint_custom_type_pkey" primary key ("id"));`);
    this.addSql(`alter table "touchpoint_custom_type" add constraint "touchpoint_custom_type_tenant_id_name_unique" unique ("tenant_id", "name");`);

    this.addSql(`alter table "orders" add constraint "orders_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id") on update no action on delete cascade;`);
    this.addSql(`alter table "orders" add constraint "orders_member_id_foreign" foreign key ("member_id") references "member" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "orders" add constraint "orders_store_id_foreign" foreign key ("store_id") references "store" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "order_refund" add constraint "order_refund_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id") on update no action on delete cascade;`);
    this.addSql(`alter table "order_refund" add constraint "order_refund_order_id_foreign" foreign key ("order_id") references "orders" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "order_item" add constraint "order_item_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id") on update no action on delete cascade;`);
    this.addSql(`alter table "order_item" add constraint "order_item_order_id_foreign" foreign key ("order_id") references "orders" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "member_stats" add constraint "member_stats_member_id_foreign" foreign key ("member_id") references "member" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "member_stats" add constraint "member_stats_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id") on update no action on delete cascade;`);

    this.addSql(`alter table "touchpoint" add constraint "touchpoint_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id") on update no action on delete cascade;`);
    this.addSql(`alter table "touchpoint" add constraint "touchpoint_member_id_foreign" foreign key ("member_id") references "member" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "touchpoint" add constraint "touchpoint_store_id_foreign" foreign key ("store_id") references "store" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "touchpoint_custom_type" add constraint "touchpoint_custom_type_tenant_id_foreign" foreign key ("tenant_id") references "tenant" ("id") on update no action on delete cascade;`);

    this.addSql(`alter table "tenant" add column "currency" text not null default 'CNY', add column "unknown_identity_policy" text check ("unknown_identity_policy" in ('CREATE_MEMBER', 'REJECT')) not null default 'CREATE_MEMBER';`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "order_refund" drop constraint "order_refund_order_id_foreign";`);

    this.addSql(`alter table "order_item" drop constraint "order_item_order_id_foreign";`);

    this.addSql(`drop table if exists "orders" cascade;`);

    this.addSql(`drop table if exists "order_refund" cascade;`);

    this.addSql(`drop table if exists "order_item" cascade;`);

    this.addSql(`drop table if exists "member_stats" cascade;`);

    this.addSql(`drop table if exists "touchpoint" cascade;`);

    this.addSql(`drop table if exists "touchpoint_custom_type" cascade;`);

    this.addSql(`alter table "tenant" drop column "currency", drop column "unknown_identity_policy";`);
  }

}
