import { readdirSync, readFileSync } from 'node:fs';
import { Client } from 'pg';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** utime, stime, cutime, cstime of a process in seconds (cutime/cstime: its children that exited and were reaped), or null. */
function times(pid: number): { self: number; children: number; ppid: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return {
      ppid: Number(fields[1]),
      self: (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND,
      children: (Number(fields[13]) + Number(fields[14])) / TICKS_PER_SECOND,
    };
  } catch {
    return null;
  }
}

/**
 * CPU seconds used so far by a PostgreSQL server: the postmaster, its live children (backends, WAL writer,
 * checkpointer, ...) and the children that already exited (counted in the postmaster's cutime). Connections
 * opened and closed within a window (pgbench's) are counted too. Null off Linux.
 */
export function postgresCpuSeconds(postmasterPid: number): number | null {
  const postmaster = times(postmasterPid);
  if (!postmaster) return null;
  let total = postmaster.self + postmaster.children;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const child = times(Number(entry));
    if (child?.ppid === postmasterPid) total += child.self;
  }
  return total;
}

/** CPU seconds of this process's children that exited and were reaped (e.g. a finished pgbench). */
export function reapedChildrenCpuSeconds(): number | null {
  return times(process.pid)?.children ?? null;
}

/** Starts a window over `read`; the returned function gives the seconds used since. */
export function cpuSince(read: () => number | null): () => number | null {
  const before = read();
  return () => {
    const after = read();
    return before === null || after === null ? null : after - before;
  };
}

/** The postmaster of a backend process on this machine, or null (e.g. a remote DATABASE_URL). */
export function parentPid(pid: number): number | null {
  return times(pid)?.ppid ?? null;
}

/** The postmaster of the database at `url` when it runs on this machine (its CPU can then be counted), else null. */
export async function postmasterOf(url: string): Promise<number | null> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ pid: number }>('select pg_backend_pid() as pid');
    // Read while the backend is alive.
    return rows[0] ? parentPid(rows[0].pid) : null;
  } finally {
    await client.end();
  }
}
