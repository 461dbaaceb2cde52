import { execFile, spawn } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { EARN_SQL } from '../../src/modules/points/points-ledger.js';
import { cpuWindow, type CpuShare } from '../lib/cpu.js';
import { Client } from 'pg';
import { sleep, withTimeout } from '../lib/scope.js';
import { cpuSince, postgresCpuSeconds, reapedChildrenCpuSeconds } from './points-earn.cpu.js';
import { MEMBER_ID_SQL } from './points-earn.seed.js';

/** pgbench's query modes used here: prepared (the database's best, and what the server does for EARN_SQL) and simple (how the ORM sends other statements: values inlined). */
export type PgbenchMode = 'prepared' | 'simple';

/** The run's fixed values (-D), strings all; with -M simple pgbench pastes them in verbatim, so they need quotes there. */
const DEFINES = ['tenantId', 'kind', 'reason', 'actor', 'hash', 'breakdown', 'expiresAt'] as const;
const variable = (name: string, mode: PgbenchMode) => ((DEFINES as readonly string[]).includes(name) && mode === 'simple' ? `':${name}'` : `:${name}`);

/**
 * A uuid in uuidv7's layout (ms time, then random bits) from a pgbench random integer: time-ordered like the
 * server's ids, so both writers meet the same index locality. `now()` and the variable are fixed within the
 * statement, so every mention of the same id gives the same value.
 */
const timeOrderedId = (name: string) =>
  `(lpad(to_hex((extract(epoch from now()) * 1000)::bigint), 12, '0') || '7' || lpad(to_hex(:${name}::bigint), 19, '0'))::uuid`;

/**
 * What each of EARN_SQL's `:params` becomes in pgbench: a pgbench variable of the same name (set per
 * transaction with \set, or once for the run with -D), or SQL computing the value the server would send.
 */
const earnParams = (mode: PgbenchMode): Record<string, string> => ({
  ...Object.fromEntries(DEFINES.map((name) => [name, variable(name, mode)])),
  memberId: MEMBER_ID_SQL(variable('tenantId', mode), ':m'),
  amount: ':amount',
  earned: ':amount',
  at: 'now()',
  entryId: timeOrderedId('entryRandom'),
  lotId: timeOrderedId('lotRandom'),
  storeId: 'null',
  channel: 'null',
  orderId: 'null',
  key: 'gen_random_uuid()::text',
});

/** EARN_SQL with its `:params` replaced for pgbench (the same regular expression as `named()`); otherwise identical. */
export function pgbenchEarnSql(mode: PgbenchMode): string {
  const params = earnParams(mode);
  return EARN_SQL.replace(/(?<!:):([a-zA-Z]\w*)/g, (_match, name: string) => {
    const replacement = params[name];
    if (replacement === undefined) throw new Error(`EARN_SQL has :${name}, which the pgbench script does not know: update earnParams`);
    return replacement;
  });
}

// 2^60 - 1: 60 random bits below the 12 hex digits of time and the version digit (written out: a double would round it).
const RANDOM_MAX = '1152921504606846975';

/**
 * The pgbench script: what one pointsEarn sends, the one auto-committed EARN statement (the server reads the
 * loyalty programme once per tenant every few seconds, counted as background).
 */
export function pgbenchScript(members: number, maxPoints: number, mode: PgbenchMode): string {
  return [
    `\\set m random(1, ${members})`,
    `\\set amount random(1, ${maxPoints})`,
    `\\set entryRandom random(0, ${RANDOM_MAX})`,
    `\\set lotRandom random(0, ${RANDOM_MAX})`,
    `${pgbenchEarnSql(mode).trim()};`,
    '',
  ].join('\n');
}

/** Variables fixed for the whole run (-D), the values the server would send for one caller. */
export type PgbenchDefines = Record<(typeof DEFINES)[number], string>;

export interface PgbenchRun {
  clients: number;
  threads: number;
  /** Run for this long (-T), or `transactions` per client (-t). */
  durationSeconds?: number;
  transactions?: number;
  /** prepared: parsed and planned once per connection; simple: values pasted into the text, parsed and planned every time, as the server sends it. */
  mode: PgbenchMode;
  log: boolean;
  /** The database server's postmaster, to count its CPU over the run (every backend, pgbench's included). */
  postmasterPid?: number | null;
}

export interface PgbenchStats {
  transactions: number;
  failed: number;
  tps: number;
  p50Ms: number | null;
  p99Ms: number | null;
  averageMs: number | null;
  cpu: CpuShare;
  /** CPU seconds of pgbench itself and of the whole database server over the run (null when unknown). */
  clientCpuSeconds: number | null;
  dbCpuSeconds: number | null;
  output: string;
}

const execFileAsync = promisify(execFile);

/** pgbench from $PGBENCH, the PATH, or Debian's /usr/lib/postgresql/<version>/bin (newest first). Only the benchmark needs it. */
export async function findPgbench(): Promise<{ path: string; version: string }> {
  const candidates = [process.env.PGBENCH, 'pgbench'];
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const versions = (await fs.readdir(debian)).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
    candidates.push(...versions.map((v) => path.join(debian, v, 'bin', 'pgbench')));
  }
  for (const candidate of candidates) {
    if (!candidate) continue;
    try {
      const { stdout } = await execFileAsync(candidate, ['--version'], { timeout: 5_000 });
      return { path: candidate, version: stdout.trim() };
    } catch {
      // not this one
    }
  }
  throw new Error('pgbench not found: install the PostgreSQL client tools (Debian: postgresql-client, /usr/lib/postgresql/<version>/bin) or set PGBENCH');
}

function percentile(sorted: Float64Array, p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** Transaction latencies (ms) from pgbench's per-transaction logs: `client_id transaction_no time_us script_no epoch epoch_us ...`. */
async function logLatencies(dir: string): Promise<Float64Array> {
  const values: number[] = [];
  for (const file of await fs.readdir(dir)) {
    if (!file.startsWith('pgbench_log')) continue;
    for (const line of (await fs.readFile(path.join(dir, file), 'utf8')).split('\n')) {
      const micros = Number(line.split(' ')[2]);
      if (line && Number.isFinite(micros)) values.push(micros / 1000);
    }
  }
  return Float64Array.from(values).sort();
}

const figure = (output: string, pattern: RegExp) => {
  const match = pattern.exec(output);
  return match ? Number(match[1]) : null;
};

/**
 * Waits until no other client is connected to the server and the backends that left have been reaped: a backend
 * that exits while its CPU is being read could be counted neither alive nor in the postmaster's children's time.
 */
async function settle(url: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    for (let waited = 0; waited < 5_000; waited += 50) {
      const { rows } = await client.query<{ n: number }>(`select count(*)::int as n from pg_stat_activity where backend_type = 'client backend' and pid <> pg_backend_pid()`);
      if (rows[0]?.n === 0) break;
      await sleep(50);
    }
  } finally {
    await client.end();
  }
  await sleep(200);
}

/** Runs pgbench with `script` (made for `run.mode`) against `url`; throws on a non-zero exit or failed transactions. */
export async function runPgbench(binary: string, url: string, script: string, defines: PgbenchDefines, run: PgbenchRun): Promise<PgbenchStats> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ecrm-pgbench-'));
  try {
    const file = path.join(dir, 'earn.sql');
    await fs.writeFile(file, script);
    const args = [
      '-n', // no vacuum of pgbench's own tables (there are none)
      `-c${run.clients}`,
      `-j${run.threads}`,
      run.transactions ? `-t${run.transactions}` : `-T${run.durationSeconds}`,
      `-M${run.mode}`,
      ...Object.entries(defines).map(([name, value]) => `-D${name}=${value}`),
      ...(run.log ? ['-l', `--log-prefix=${path.join(dir, 'pgbench_log')}`] : []),
      `-f${file}`,
      url,
    ];
    if (run.postmasterPid) await settle(url);
    const child = spawn(binary, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    const kill = () => child.kill('SIGKILL');
    process.once('exit', kill);
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    const window = cpuWindow({});
    const clientCpu = cpuSince(reapedChildrenCpuSeconds);
    const dbCpu = cpuSince(() => (run.postmasterPid ? postgresCpuSeconds(run.postmasterPid) : null));
    const code = await withTimeout(
      new Promise<number | null>((resolve, reject) => {
        child.once('error', reject);
        child.once('exit', (exitCode) => resolve(exitCode));
      }),
      (run.durationSeconds ?? 10) * 1_000 + 30_000,
      'pgbench',
    ).finally(() => {
      process.removeListener('exit', kill);
      child.kill('SIGKILL');
    });
    // pgbench has exited and been reaped: its CPU is in this process's children's time now.
    const clientCpuSeconds = clientCpu();
    const cpu = window();
    if (run.postmasterPid) await settle(url);
    const dbCpuSeconds = dbCpu();
    const transactions = figure(output, /number of transactions actually processed: (\d+)/) ?? 0;
    const failed = figure(output, /number of failed transactions: (\d+)/) ?? 0;
    if (code !== 0 || failed > 0 || transactions === 0) throw new Error(`pgbench exited with ${code}, ${failed} failed transactions:\n${output.slice(-3_000)}`);
    const latencies = run.log ? await logLatencies(dir) : new Float64Array();
    if (run.log && latencies.length !== transactions) throw new Error(`pgbench logged ${latencies.length} transactions but reported ${transactions}`);
    return {
      transactions,
      failed,
      tps: figure(output, /tps = ([\d.]+) \(without initial connection time\)/) ?? 0,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      averageMs: figure(output, /latency average = ([\d.]+) ms/),
      cpu,
      clientCpuSeconds,
      dbCpuSeconds,
      output,
    };
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}
