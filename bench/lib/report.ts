import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { BenchResult, Metric } from './types.js';

export const RESULTS_DIR = path.resolve(__dirname, '..', '..', '..', 'bench', 'results');

function show(value: Metric | undefined): string {
  if (value === null || value === undefined) return 'n/a';
  if (typeof value === 'number') {
    if (Number.isInteger(value)) return value.toLocaleString('en-US');
    return Math.abs(value) < 1 ? value.toPrecision(3) : value.toFixed(2);
  }
  return String(value);
}

/** A two-column table of a result's figures, then its ratio and notes. */
export function formatResult(result: BenchResult): string {
  const rows: [string, string][] = Object.entries(result.metrics).map(([key, value]) => [key, show(value)]);
  if (result.ratio !== undefined) rows.push(['ratio', show(result.ratio)]);
  const width = Math.max(...rows.map(([key]) => key.length));
  const valueWidth = Math.max(...rows.map(([, value]) => value.length));
  const rule = `${'-'.repeat(width + 2)}+${'-'.repeat(valueWidth + 2)}`;
  const lines = [`== ${result.name}`, rule, ...rows.map(([key, value]) => ` ${key.padEnd(width)} | ${value.padStart(valueWidth)}`), rule];
  for (const note of result.notes ?? []) lines.push(`  - ${note}`);
  return lines.join('\n');
}

/** Writes bench/results/<name>.json (git-ignored) and returns its path. */
export async function writeResult(result: BenchResult, extra: Record<string, unknown>): Promise<string> {
  await fs.mkdir(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `${result.name}.json`);
  await fs.writeFile(file, `${JSON.stringify({ ...result, ...extra }, null, 2)}\n`);
  return file;
}
