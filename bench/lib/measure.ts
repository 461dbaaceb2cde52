import { loadConfig } from '../../src/app/config.js';
import { migrate, openDatabase, type Database } from '../../src/app/database.js';
import type { BenchContext } from './types.js';

export const round = (value: number, digits = 2) => Number(value.toFixed(digits));

/** Runs fn and says how long it took, in milliseconds. */
export async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await fn();
  return { ms: performance.now() - started, value };
}

/** A fresh database on the benchmark's server, migrated and opened through the product; dropped and closed at the end. */
export async function migratedDatabase(ctx: BenchContext, name: string): Promise<{ url: string; db: Database }> {
  const pg = await ctx.postgres();
  const database = await pg.createDatabase(name);
  ctx.scope.defer('drop database', database.drop);
  const db = await openDatabase(loadConfig({ DATABASE_URL: database.url, LOG_LEVEL: 'warn' }));
  ctx.scope.defer('close orm', () => db.close());
  await migrate(db.orm);
  return { url: database.url, db };
}
