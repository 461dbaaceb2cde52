import { readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** CPU seconds a process has used (user + system), or null off Linux. */
function processCpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/** Busy CPU seconds of the whole machine (all cores), or null off Linux. */
function machineCpuSeconds(): number | null {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
    const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
    return ((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0)) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

export interface CpuShare {
  /** Percent of one core used by each watched process over the window. */
  processes: Record<string, number | null>;
  /** CPU seconds used by each watched process over the window. */
  seconds: Record<string, number | null>;
  /** Percent of one core used by the whole machine (200 = both of 2 cores busy). */
  machine: number | null;
}

/** Starts a window; the returned function ends it and gives CPU use per watched process and overall. */
export function cpuWindow(pids: Record<string, number>): () => CpuShare {
  const started = process.hrtime.bigint();
  const before = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, processCpuSeconds(pid)]));
  const machineBefore = machineCpuSeconds();
  return () => {
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const pct = (a: number | null | undefined, b: number | null) => (a == null || b == null ? null : Math.round(((b - a) / seconds) * 100));
    const after = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, processCpuSeconds(pid)]));
    const processes = Object.fromEntries(Object.keys(pids).map((name) => [name, pct(before[name], after[name] ?? null)]));
    const used = Object.fromEntries(Object.keys(pids).map((name) => [name, before[name] == null || after[name] == null ? null : after[name]! - before[name]!]));
    return { processes, seconds: used, machine: pct(machineBefore, machineCpuSeconds()) };
  };
}

/** Phase hooks for a load run that read CPU over its measured phase only (warm-up excluded). */
export function cpuDuring(pids: Record<string, number>): { hooks: { start(): void; end(): void }; share(): CpuShare | undefined } {
  let finish: (() => CpuShare) | undefined;
  let share: CpuShare | undefined;
  return {
    hooks: {
      start: () => (finish = cpuWindow(pids)),
      end: () => (share = finish?.()),
    },
    share: () => share,
  };
}
