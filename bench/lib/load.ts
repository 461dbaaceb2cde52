import autocannon from 'autocannon';
import { withTimeout } from './scope.js';

/** Throughput and latency of one load phase. */
export interface LoadStats {
  requests: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
}

export interface LoadShape {
  concurrency: number;
  warmupMs: number;
  durationMs: number;
}

/** Called when the measured phase (after warm-up) starts and ends, e.g. to take CPU readings. */
export interface PhaseHooks {
  start?(): void;
  end?(): void;
}

export interface HttpLoad extends LoadShape {
  url: string;
  headers: Record<string, string>;
  body: string;
}

const round = (value: number, digits = 2) => Number(value.toFixed(digits));

async function cannon(load: HttpLoad, durationMs: number): Promise<autocannon.Result> {
  const run = autocannon({
    url: load.url,
    method: 'POST',
    headers: load.headers,
    body: load.body,
    connections: load.concurrency,
    duration: durationMs / 1_000,
    timeout: 10,
  });
  return withTimeout(run, durationMs + 20_000, 'HTTP load');
}

/** Closed-loop HTTP load with autocannon: `concurrency` connections, each one request at a time. */
export async function httpLoad(load: HttpLoad, hooks: PhaseHooks = {}): Promise<LoadStats> {
  if (load.warmupMs > 0) await cannon(load, load.warmupMs);
  hooks.start?.();
  const result = await cannon(load, load.durationMs);
  hooks.end?.();
  return {
    requests: result['2xx'],
    rps: round(result['2xx'] / result.duration, 1),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors + result.non2xx,
  };
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** Closed-loop load of an async call: `concurrency` workers, each calling `fn` again as soon as it returns. */
export async function loopLoad(shape: LoadShape, fn: () => Promise<unknown>, hooks: PhaseHooks = {}): Promise<LoadStats> {
  const latencies: number[] = [];
  let errors = 0;
  const start = performance.now();
  const measureFrom = start + shape.warmupMs;
  const end = measureFrom + shape.durationMs;
  const worker = async () => {
    for (let now = performance.now(); now < end; now = performance.now()) {
      try {
        await fn();
        const done = performance.now();
        if (now >= measureFrom && done <= end) latencies.push(done - now);
      } catch {
        errors++;
      }
    }
  };
  const starting = setTimeout(() => hooks.start?.(), shape.warmupMs);
  const ending = setTimeout(() => hooks.end?.(), shape.warmupMs + shape.durationMs);
  const workers = Array.from({ length: shape.concurrency }, worker);
  try {
    await withTimeout(Promise.all(workers), shape.warmupMs + shape.durationMs + 20_000, 'loop load');
  } finally {
    clearTimeout(starting);
    clearTimeout(ending);
  }
  const sorted = Float64Array.from(latencies).sort();
  return {
    requests: sorted.length,
    rps: round(sorted.length / (shape.durationMs / 1_000), 1),
    p50Ms: round(percentile(sorted, 50)),
    p99Ms: round(percentile(sorted, 99)),
    errors,
  };
}
