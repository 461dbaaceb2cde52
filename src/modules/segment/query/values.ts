import type { ValueNode } from './ast.js';
import { SegmentErrorCode, type QueryProblem } from './query-errors.js';
import { nearest } from './suggest.js';

const DAY_MS = 86_400_000;

export class ValueError extends Error {
  constructor(readonly problem: QueryProblem) {
    super(problem.message);
  }
}

function fail(value: ValueNode, code: SegmentErrorCode.TYPE_MISMATCH | SegmentErrorCode.BAD_VALUE, message: string, suggestion?: string): never {
  throw new ValueError({ code, message, line: value.line, column: value.column, suggestion });
}

function describe(value: ValueNode): string {
  switch (value.kind) {
    case 'string':
      return `the string '${value.raw}'`;
    case 'name':
      return `the name ${value.raw}`;
    case 'bool':
      return value.raw.toLowerCase();
    default:
      return value.raw;
  }
}

/** Midnight UTC of the day `now` falls on. */
export function startOfDay(now: Date): Date {
  return new Date(Math.floor(now.getTime() / DAY_MS) * DAY_MS);
}

export function nextDay(day: Date): Date {
  return new Date(day.getTime() + DAY_MS);
}

export function isoDay(day: Date): string {
  return day.toISOString().slice(0, 10);
}

export function wholeNumber(value: ValueNode): number {
  if (value.kind !== 'number') fail(value, SegmentErrorCode.TYPE_MISMATCH, `expected a number, found ${describe(value)}`);
  if (!/^-?\d+$/.test(value.raw)) fail(value, SegmentErrorCode.BAD_VALUE, `expected a whole number, found ${value.raw}`);
  const number = Number(value.raw);
  if (!Number.isSafeInteger(number) || Math.abs(number) > 2_147_483_647) fail(value, SegmentErrorCode.BAD_VALUE, `${value.raw} is too large`);
  return number;
}

/** A decimal number within [min, max] (NUMBER fields with a decimalRange). */
export function decimalNumber(value: ValueNode, range: { min: number; max: number }): number {
  if (value.kind !== 'number') fail(value, SegmentErrorCode.TYPE_MISMATCH, `expected a number, found ${describe(value)}`);
  const number = Number(value.raw);
  if (!(number >= range.min && number <= range.max)) fail(value, SegmentErrorCode.BAD_VALUE, `expected a number from ${range.min} to ${range.max}, found ${value.raw}`);
  return number;
}

/** A money amount in major units to integer minor units of a currency with `exponent` decimals. */
export function money(value: ValueNode, exponent: number, currency: string): number {
  if (value.kind !== 'number') fail(value, SegmentErrorCode.TYPE_MISMATCH, `expected an amount such as 500.00, found ${describe(value)}`);
  const [whole, fraction = ''] = value.raw.replace('-', '').split('.');
  if (fraction.length > exponent) {
    fail(value, SegmentErrorCode.BAD_VALUE, `${currency} amounts have ${exponent === 0 ? 'no' : `at most ${exponent}`} decimals, found ${value.raw}`);
  }
  const minor = Number(whole) * 10 ** exponent + Number(fraction.padEnd(exponent, '0') || '0');
  if (!Number.isSafeInteger(minor) || minor > 9e15) fail(value, SegmentErrorCode.BAD_VALUE, `${value.raw} is too large`);
  return value.raw.startsWith('-') ? -minor : minor;
}

/** A day: `today`, a relative date (-30d, +7d, -2w, -3m, -1y) or 'YYYY-MM-DD'; midnight UTC. */
export function day(value: ValueNode, today: Date): Date {
  if (value.kind === 'today') return today;
  if (value.kind === 'reldate') {
    const match = /^([+-])(\d+)([dwmy])$/.exec(value.raw)!;
    const amount = Number(match[2]) * (match[1] === '-' ? -1 : 1);
    if (Math.abs(amount) > 100_000) fail(value, SegmentErrorCode.BAD_VALUE, `${value.raw} is too far away`);
    const unit = match[3]!;
    if (unit === 'd' || unit === 'w') return new Date(today.getTime() + amount * (unit === 'w' ? 7 : 1) * DAY_MS);
    const date = new Date(today);
    const months = unit === 'm' ? amount : amount * 12;
    const dayOfMonth = date.getUTCDate();
    date.setUTCDate(1);
    date.setUTCMonth(date.getUTCMonth() + months);
    // 31 March minus one month is 28 (or 29) February, not 3 March.
    const lastDay = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0)).getUTCDate();
    date.setUTCDate(Math.min(dayOfMonth, lastDay));
    return date;
  }
  if (value.kind === 'string') {
    const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value.raw);
    const date = match ? new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))) : null;
    if (!date || isoDay(date) !== value.raw) fail(value, SegmentErrorCode.BAD_VALUE, `'${value.raw}' is not a date`, "write dates as 'YYYY-MM-DD', or relative: today, -30d, +7d");
    return date;
  }
  return fail(value, SegmentErrorCode.TYPE_MISMATCH, `expected a date, found ${describe(value)}`, "write today, -30d, +7d, -3m or 'YYYY-MM-DD'");
}

export function text(value: ValueNode): string {
  if (value.kind === 'string') {
    if (value.raw.length > 500) fail(value, SegmentErrorCode.BAD_VALUE, 'strings may be at most 500 characters');
    return value.raw;
  }
  return fail(value, SegmentErrorCode.TYPE_MISMATCH, `expected a string, found ${describe(value)}`, value.kind === 'name' ? `quote it: '${value.raw}'` : undefined);
}

/** An enum value written bare or quoted; aliases expand to several values. */
export function enumValue(value: ValueNode, allowed: readonly string[], aliases: Readonly<Record<string, readonly string[]>> = {}): string[] {
  if (value.kind !== 'name' && value.kind !== 'string') {
    fail(value, SegmentErrorCode.TYPE_MISMATCH, `expected one of ${allowed.join(', ')}, found ${describe(value)}`);
  }
  if (allowed.includes(value.raw)) return [value.raw];
  const alias = aliases[value.raw];
  if (alias) return [...alias];
  const guess = nearest(value.raw, [...allowed, ...Object.keys(aliases)]);
  return fail(value, SegmentErrorCode.BAD_VALUE, `${value.raw} is not one of ${[...allowed, ...Object.keys(aliases)].join(', ')}`, guess ? `did you mean ${guess}?` : undefined);
}

export function bool(value: ValueNode): boolean {
  if (value.kind !== 'bool') fail(value, SegmentErrorCode.TYPE_MISMATCH, `expected true or false, found ${describe(value)}`);
  return value.raw === 'TRUE';
}

export function currencyExponent(currency: string): number {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}
