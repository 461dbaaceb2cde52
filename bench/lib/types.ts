import type { BenchPostgres } from './postgres.js';
import type { Scope } from './scope.js';

/** One figure of a result; null when it could not be measured in this run. */
export type Metric = number | string | boolean | null;

/** What a benchmark hands back to the runner, printed and written to bench/results/<name>.json. */
export interface BenchResult {
  name: string;
  /** Flat figures, printed as a table in this order. */
  metrics: Record<string, Metric>;
  /** The headline ratio (e.g. API rps / raw SQL rps), when the benchmark has one. */
  ratio?: number | null;
  /** Short notes on what was measured or how. */
  notes?: string[];
  /** Detail kept in the JSON file only (e.g. the statements the server sent). */
  details?: Record<string, unknown>;
}

export interface BenchContext {
  /** Cleanups registered here run when the benchmark ends, even on failure. */
  scope: Scope;
  /** The PostgreSQL server shared by this run's benchmarks, started on first use. */
  postgres(): Promise<BenchPostgres>;
  log(message: string): void;
}

export interface Benchmark {
  name: string;
  description: string;
  /** Upper bound for the whole benchmark, setup included. */
  timeoutMs: number;
  run(ctx: BenchContext): Promise<BenchResult>;
}
