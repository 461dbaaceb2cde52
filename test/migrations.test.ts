import { startTestApp, type TestApp } from './support/harness';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

test('the committed migrations produce exactly the schema the entities describe', async () => {
  const migrator = t.orm.getMigrator();
  expect(await migrator.getPendingMigrations()).toEqual([]);
  const diff = await t.orm.getSchemaGenerator().getUpdateSchemaSQL({ wrap: false });
  expect(diff.trim()).toBe('');
  expect(await migrator.checkMigrationNeeded()).toBe(false);
});

test('every migration can be rolled back and applied again', async () => {
  const migrator = t.orm.getMigrator();
  const executed = await migrator.getExecutedMigrations();
  expect(executed.length).toBeGreaterThan(0);
  await migrator.down({ to: 0 });
  expect(await migrator.getExecutedMigrations()).toEqual([]);
  await migrator.up();
  expect((await migrator.getExecutedMigrations()).map((m) => m.name)).toEqual(executed.map((m) => m.name));
});

test('every table but the tenant table and the migration log carries tenant_id', async () => {
  const rows = await t.orm.em.getConnection().execute<{ table_name: string }[]>(
    `select table_name from information_schema.tables
      where table_schema = 'public' and table_name not in ('tenant', 'mikro_orm_migrations')
        and table_name not in (select table_name from information_schema.columns where column_name = 'tenant_id')`,
  );
  expect(rows.map((row) => row.table_name)).toEqual([]);
});
