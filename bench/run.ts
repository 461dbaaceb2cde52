import 'reflect-metadata';
import os from 'node:os';
import { logger } from '../src/core/logger.js';
import { startBenchPostgres, type BenchPostgres } from './lib/postgres.js';
import { formatResult, writeResult } from './lib/report.js';
import { Scope, withTimeout } from './lib/scope.js';
import type { Benchmark, BenchResult } from './lib/types.js';
import { BENCHMARKS } from './registry.js';

const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);

function select(names: string[]): Benchmark[] {
  if (names.length === 0) return BENCHMARKS;
  return names.map((name) => {
    const found = BENCHMARKS.find((benchmark) => benchmark.name === name);
    if (!found) throw new Error(`unknown benchmark "${name}"; known: ${BENCHMARKS.map((b) => b.name).join(', ')}`);
    return found;
  });
}

async function runOne(benchmark: Benchmark, scope: Scope, postgres: () => Promise<BenchPostgres>): Promise<BenchResult> {
  const started = Date.now();
  log(`${benchmark.name}: ${benchmark.description}`);
  try {
    const result = await withTimeout(benchmark.run({ scope, postgres, log: (m) => log(`${benchmark.name}: ${m}`) }), benchmark.timeoutMs, benchmark.name);
    log(`${benchmark.name}: done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return result;
  } finally {
    await scope.close(log);
  }
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  if (args.includes('--list')) {
    for (const benchmark of BENCHMARKS) process.stdout.write(`${benchmark.name}\t${benchmark.description}\n`);
    return 0;
  }
  logger.level = process.env.LOG_LEVEL ?? 'warn';
  const selected = select(args);
  const shared = new Scope();
  let server: Promise<BenchPostgres> | undefined;
  const postgres = () => {
    server ??= startBenchPostgres().then((pg) => {
      shared.defer('stop PostgreSQL', pg.stop);
      log(`PostgreSQL: ${pg.embedded ? 'embedded (temporary)' : 'DATABASE_URL'}, pg_stat_statements ${pg.statementStats ? 'on' : 'off'}`);
      return pg;
    });
    return server;
  };
  let current: Scope | undefined;
  const stopOnSignal = (signal: NodeJS.Signals) => {
    log(`${signal}: cleaning up`);
    void (current?.close(log) ?? Promise.resolve()).then(() => shared.close(log)).finally(() => process.exit(130));
  };
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);

  let failed = 0;
  const environment = { node: process.version, cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, loadAverageAtStart: os.loadavg(), at: new Date().toISOString() };
  try {
    for (const benchmark of selected) {
      try {
        current = new Scope();
        const result = await runOne(benchmark, current, postgres);
        process.stdout.write(`\n${formatResult(result)}\n`);
        log(`wrote ${await writeResult(result, { environment })}`);
      } catch (error) {
        failed++;
        log(`${benchmark.name} FAILED: ${(error as Error).stack ?? String(error)}`);
      }
    }
  } finally {
    await shared.close(log);
  }
  return failed === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    log((error as Error).message ?? String(error));
    process.exit(2);
  },
);
