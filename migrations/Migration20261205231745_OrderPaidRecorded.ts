import { Migration } from '@mikro-orm/migrations';

export class Migration20261205231745_OrderPaidRecorded extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "orders" add column "paid_recorded_at" timestamptz null;`);
    // Orders recorded before this column: learned when recorded, or when paid if that was later.
    this.addSql(`update "orders" set "paid_recorded_at" = greatest("created_at", "paid_at") where "paid_at" is not null;`);
    this.addSql(`create index "orders_tenant_id_paid_recorded_at_index" on "orders" ("tenant_id", "paid_recorded_at");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index "orders_tenant_id_paid_recorded_at_index";`);
    this.addSql(`alter table "orders" drop column "paid_recorded_at";`);
  }

}
