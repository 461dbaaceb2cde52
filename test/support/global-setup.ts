// Starts one embedded PostgreSQL for the whole run, unless DATABASE_URL names a server to use.
// Each test file then creates and migrates a database of its own on it (see harness.ts).
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '../../src/app/embedded-db';

declare global {
  // eslint-disable-next-line no-var
  var __ECRM_EMBEDDED__: EmbeddedDatabase | undefined;
}

export default async function globalSetup(): Promise<void> {
  process.env.LOG_LEVEL ??= 'silent';
  if (process.env.DATABASE_URL) {
    process.env.ECRM_TEST_SERVER_URL = process.env.DATABASE_URL;
    return;
  }
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ecrm-test-'));
  const port = 55000 + Math.floor(Math.random() * 5000);
  const embedded = await startEmbeddedDatabase(dataDir, port);
  globalThis.__ECRM_EMBEDDED__ = embedded;
  process.env.ECRM_TEST_SERVER_URL = embedded.url;
}
