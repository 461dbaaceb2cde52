// Developer tool: writes a migration for the difference between the entities and the migrated schema.
// Runs against a throw-away embedded database so nobody's data is touched.
import 'reflect-metadata';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../config.js';
import { openDatabase, migrate } from '../database.js';

async function main(): Promise<void> {
  const name = process.argv[2];
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ecrm-migration-'));
  const config = { ...loadConfig({ ...process.env, DATABASE_URL: '' }), dataDir, embeddedPgPort: 54400 + Math.floor(Math.random() * 500) };
  const db = await openDatabase(config);
  try {
    await migrate(db.orm);
    const migrator = db.orm.getMigrator();
    const result = await migrator.createMigration(path.resolve('migrations'), false, false, name);
    if (!result.fileName) console.log('No changes: entities match the migrations.');
    else console.log(`Wrote migrations/${result.fileName}; add it to migrations/index.ts.`);
  } finally {
    await db.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
