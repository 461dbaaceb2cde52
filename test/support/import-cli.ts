import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const BIN = path.resolve(__dirname, '..', '..', 'bin', 'ecrm.js');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Counts of an import report as printed on stdout. */
export interface ImportCounts {
  records: number;
  accepted: number;
  updated: number;
  duplicate: number;
  rejected: number;
}

const running = new Set<ChildProcess>();

/** Starts `ecrm ARGS` against the test database; the child is killed at the latest by killAll. */
export function startEcrm(databaseUrl: string, args: string[]): ChildProcess {
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, DATABASE_URL: databaseUrl, LOG_LEVEL: 'silent' };
  const child = spawn(process.execPath, [BIN, ...args], { env });
  running.add(child);
  child.on('exit', () => running.delete(child));
  return child;
}

export function finished(child: ChildProcess, timeoutMs = 60_000): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk) => (stdout += chunk));
    child.stderr!.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`ecrm did not finish within ${timeoutMs} ms\n${stderr}`));
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export function ecrm(databaseUrl: string, args: string[], timeoutMs?: number): Promise<CliRun> {
  return finished(startEcrm(databaseUrl, args), timeoutMs);
}

export function killAll(): void {
  for (const child of running) child.kill('SIGKILL');
}

/** The counts of a finished import; fails the test when the report is not there. */
export function countsOf(run: CliRun): ImportCounts {
  const count = (name: string) => {
    const match = new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(run.stdout);
    return match ? Number(match[1]) : NaN;
  };
  // Touchpoint reports have no updated line.
  const counts = { records: count('records'), accepted: count('accepted'), updated: count('updated') || 0, duplicate: count('duplicate'), rejected: count('rejected') };
  if (Number.isNaN(counts.records)) throw new Error(`no import report (exit ${run.code}):\n${run.stdout}\n${run.stderr}`);
  return counts;
}

/** Rejected lines as listed in the report: line number to reason. */
export function rejectedLines(run: CliRun): Map<number, string> {
  return new Map([...run.stdout.matchAll(/^ {2}line (\d+): (.*)$/gm)].map((m) => [Number(m[1]), m[2]!]));
}

export function tempDir(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'ecrm-import-'));
}

export function writeLines(dir: string, name: string, lines: (string | object)[]): string {
  const file = path.join(dir, name);
  writeFileSync(file, `${lines.map((line) => (typeof line === 'string' ? line : JSON.stringify(line))).join('\n')}\n`);
  return file;
}
