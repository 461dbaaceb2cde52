import { parseArgs } from 'node:util';
import type { EntityManager } from '@mikro-orm/postgresql';
import { defaultDemoEnd, MAX_DEMO_MEMBERS, seedDemoTenant, type DemoOptions, type DemoReport } from '../modules/demo/demo.service.js';

/** `ecrm demo` and the demo flags of `ecrm serve`. */

export const DEMO_USAGE = `  ecrm demo [--members N] [--seed S] [--end YYYY-MM-DD] [--no-activity]
                                               create a demo tenant (stores, members, two years of orders
                                               and touchpoints, none with --no-activity; the same seed
                                               gives the same data) and print its OWNER key; 20000
                                               members and seed 42 by default
  ecrm serve --demo [--members N] [--seed S]   on a first start (no tenant yet), create a demo tenant
                                               instead of the empty "My shop"; or set ECRM_DEMO_MEMBERS`;

type UsageErrorOf = (message: string) => Error;

export interface DemoSize {
  members: number;
  seed: number;
}

function whole(value: string | undefined, name: string, fallback: number, min: number, max: number, usage: UsageErrorOf): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value.trim())) throw usage(`${name} must be a whole number, got "${value}"`);
  const number = Number(value);
  if (number < min || number > max) throw usage(`${name} must be between ${min} and ${max}, got ${number}`);
  return number;
}

function size(values: { members?: string; seed?: string }, usage: UsageErrorOf, members = values.members): DemoSize {
  return {
    members: whole(members, '--members', 20_000, 1, MAX_DEMO_MEMBERS, usage),
    seed: whole(values.seed, '--seed', 42, 0, 2 ** 31 - 1, usage),
  };
}

export function parseDemoArgs(args: string[], usage: UsageErrorOf): DemoOptions {
  const { values, positionals } = parseArgs({
    args,
    options: { members: { type: 'string' }, seed: { type: 'string' }, end: { type: 'string' }, 'no-activity': { type: 'boolean' } },
    strict: true,
    allowPositionals: true,
  });
  if (positionals.length) throw usage(`unexpected argument "${positionals[0]}"`);
  let end: Date | undefined;
  if (values.end !== undefined) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(values.end) || Number.isNaN(Date.parse(values.end))) throw usage(`--end must be a date (YYYY-MM-DD), got "${values.end}"`);
    end = new Date(`${values.end}T00:00:00Z`);
  }
  return { ...size(values, usage), end, activity: !values['no-activity'] };
}

/** What `ecrm serve` was asked to seed on a first start: `--demo`, or ECRM_DEMO_MEMBERS. */
export function parseServeArgs(args: string[], env: NodeJS.ProcessEnv, usage: UsageErrorOf): DemoSize | undefined {
  const { values, positionals } = parseArgs({ args, options: { demo: { type: 'boolean' }, members: { type: 'string' }, seed: { type: 'string' } }, strict: true, allowPositionals: true });
  if (positionals.length) throw usage(`unexpected argument "${positionals[0]}"`);
  const fromEnv = env.ECRM_DEMO_MEMBERS?.trim() || undefined;
  if (!values.demo && !fromEnv) {
    if (values.members !== undefined || values.seed !== undefined) throw usage('--members and --seed go with --demo');
    return undefined;
  }
  return size({ seed: values.seed ?? (env.ECRM_DEMO_SEED?.trim() || undefined) }, usage, values.members ?? fromEnv);
}

const count = (n: number) => n.toLocaleString('en-US');
const seconds = (ms: number) => (ms / 1000).toFixed(1).padStart(8);

/** The lines `ecrm demo` prints: the key once, then what was written and how long each table took. */
export function demoReportLines(report: DemoReport, options: DemoSize): string[] {
  const lines = [
    `Created demo tenant "${report.tenantName}" (${report.tenantId}): ${count(options.members)} members, seed ${options.seed}, ` +
      `history ${report.start.toISOString().slice(0, 10)} to ${report.end.toISOString().slice(0, 10)}.`,
    'OWNER access key (shown once; only its hash is stored):',
    report.ownerKey,
    '',
    `  ${'table'.padEnd(22)}${'rows'.padStart(14)}${'seconds'.padStart(9)}${'rows/s'.padStart(11)}`,
  ];
  for (const [table, { rows, ms }] of Object.entries(report.tables)) {
    lines.push(`  ${table.padEnd(22)}${count(rows).padStart(14)}${seconds(ms)} ${count(Math.round(rows / Math.max(ms / 1000, 0.001))).padStart(10)}`);
  }
  lines.push(`  ${'generating (Node)'.padEnd(36)}${seconds(report.generateMs)}   overlaps the COPY above`);
  lines.push(`  ${'analyze'.padEnd(36)}${seconds(report.analyzeMs)}`);
  lines.push(`  ${'total'.padEnd(36)}${seconds(report.totalMs)}`);
  return lines;
}

export async function runDemo(em: EntityManager, databaseUrl: string, options: DemoOptions, print: (line: string) => void): Promise<DemoReport> {
  const progress = process.stderr.isTTY
    ? (done: number) => process.stderr.write(`\r  ${count(done)} / ${count(options.members)} members${done === options.members ? '\n' : ''}`)
    : undefined;
  const report = await seedDemoTenant(em, databaseUrl, { ...options, end: options.end ?? defaultDemoEnd(), onProgress: progress });
  for (const line of demoReportLines(report, options)) print(line);
  return report;
}
