import { Migration } from '@mikro-orm/migrations';

export class Migration20261205231745_OrderPaidRecorded extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "orders" add column "paid_recorded_at" timestamptz null;`);
    // No back-fill: older orders stay null (recorded on time, for the post-purchase trigger), so the migration
    // does not rewrite every order, and the partial index holds only new ones.
    this.addSql(`create index "orders_paid_recorded_index" on "orders" ("tenant_id", "paid_recorded_at") where paid_recorded_at is not null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index "orders_paid_recorded_index";`);
    this.addSql(`alter table "orders" drop column "paid_recorded_at";`);
  }

}
