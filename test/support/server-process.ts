import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';

/** `ecrm serve` as a separate process on a test database, for tests that kill a server. */

const ROOT = path.resolve(__dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'ecrm.js');
const KEEP_LINES = 40;

export interface ServerProcess {
  /** The GraphQL endpoint, `http://127.0.0.1:<port>/graphql`. */
  url: string;
  pid: number;
  /** Resolves when the process has exited (for any reason). */
  exited: Promise<void>;
  /** SIGKILL: no drain, no shutdown hooks, open transactions left to PostgreSQL to roll back. */
  kill(): Promise<void>;
  /** The last lines it wrote, for failure messages. */
  output(): string;
}

const running = new Set<ServerProcess>();

function exitPromise(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

async function waitReady(base: string, deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${base}/readyz`, { signal: AbortSignal.timeout(2_000) })).ok) return;
    } catch {
      // not answering yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${base}/readyz did not answer 200 in time`);
}

/**
 * Starts `ecrm serve` on the database with PORT=0 and learns the port from its "ecrm listening" log line
 * (info level; the per-request lines that level also prints are read and dropped, so the pipe never fills).
 */
export async function startServerProcess(databaseUrl: string, timeoutMs = 20_000, extraEnv: NodeJS.ProcessEnv = {}): Promise<ServerProcess> {
  // As in the harness: no daily job schedules firing on a test database.
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, DATABASE_URL: databaseUrl, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ECRM_JOBS_SCHEDULE: 'false', ...extraEnv };
  const child = spawn(process.execPath, [BIN, 'serve'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const keep = (line: string) => {
    lines.push(line);
    if (lines.length > KEEP_LINES) lines.shift();
  };
  const exited = exitPromise(child);
  const server: ServerProcess = {
    url: '',
    pid: child.pid ?? -1,
    exited,
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
      running.delete(server);
    },
    output: () => lines.join('\n'),
  };
  running.add(server);
  createInterface({ input: child.stderr! }).on('line', keep);

  const deadline = Date.now() + timeoutMs;
  try {
    server.url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`ecrm serve did not listen within ${timeoutMs} ms`)), timeoutMs);
      createInterface({ input: child.stdout! }).on('line', (line) => {
        keep(line);
        try {
          const entry = JSON.parse(line) as { msg?: string; url?: string };
          if (entry.msg === 'ecrm listening' && entry.url) {
            clearTimeout(timer);
            resolve(entry.url);
          }
        } catch {
          // not a log line
        }
      });
      void exited.then(() => {
        clearTimeout(timer);
        reject(new Error(`ecrm serve exited (code ${child.exitCode}, signal ${child.signalCode}) before listening`));
      });
    });
    await waitReady(server.url.replace(/\/graphql$/, ''), deadline);
    return server;
  } catch (error) {
    await server.kill();
    throw new Error(`${(error as Error).message}\n${server.output()}`);
  }
}

/** Kills every server this file started and is still running (for afterAll, also after a failure). */
export async function killServerProcesses(): Promise<void> {
  await Promise.all([...running].map((server) => server.kill()));
}
