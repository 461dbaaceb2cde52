import { SegmentErrorCode, type QueryProblem } from './query-errors.js';

export type TokenKind = 'name' | 'string' | 'number' | 'reldate' | 'punct' | 'op' | 'end';

/** A token with its 0-based offset and 1-based line and column. */
export interface Token {
  kind: TokenKind;
  text: string;
  /** A string's value (quotes removed, '' unescaped); a keyword's upper-case text. */
  value: string;
  offset: number;
  end: number;
  line: number;
  column: number;
}

export const KEYWORDS = new Set(['AND', 'OR', 'NOT', 'IN', 'BETWEEN', 'IS', 'NULL', 'CONTAINS', 'TODAY', 'TRUE', 'FALSE']);

export class LexError extends Error {
  constructor(readonly problem: QueryProblem) {
    super(problem.message);
  }
}

const NAME = /[A-Za-z_][A-Za-z0-9_]*/y;
const NUMBER = /\d+(?:\.\d+)?/y;
const RELDATE = /[+-]\d+[dwmy](?![A-Za-z0-9_])/y;
const SIGNED_NUMBER = /-\d+(?:\.\d+)?(?![A-Za-z0-9_])/y;
const OPERATORS = ['<=', '>=', '!=', '<>', '=', '<', '>'];

/** Splits query text into tokens; the last is `end`. Throws LexError at the first character it cannot read. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let offset = 0;
  let line = 1;
  let lineStart = 0;
  const at = (start: number) => ({ line, column: start - lineStart + 1 });
  const push = (kind: TokenKind, start: number, end: number, value: string) =>
    tokens.push({ kind, text: text.slice(start, end), value, offset: start, end, ...at(start) });
  const match = (pattern: RegExp): string | null => {
    pattern.lastIndex = offset;
    return pattern.exec(text)?.[0] ?? null;
  };

  while (offset < text.length) {
    const char = text[offset]!;
    if (char === '\n') {
      offset++;
      line++;
      lineStart = offset;
      continue;
    }
    if (/\s/.test(char)) {
      offset++;
      continue;
    }
    if (text.startsWith('--', offset) && !match(RELDATE)) {
      while (offset < text.length && text[offset] !== '\n') offset++;
      continue;
    }
    const start = offset;
    if (char === "'") {
      let value = '';
      offset++;
      for (;;) {
        if (offset >= text.length || text[offset] === '\n') {
          throw new LexError({ code: SegmentErrorCode.SYNTAX, message: 'this string is not closed', ...at(start), suggestion: "end it with ' on the same line; write '' for a quote inside" });
        }
        if (text[offset] === "'") {
          if (text[offset + 1] === "'") {
            value += "'";
            offset += 2;
            continue;
          }
          offset++;
          break;
        }
        value += text[offset];
        offset++;
      }
      push('string', start, offset, value);
      continue;
    }
    const relative = char === '+' || char === '-' ? match(RELDATE) : null;
    if (relative) {
      offset += relative.length;
      push('reldate', start, offset, relative);
      continue;
    }
    const signed = char === '-' ? match(SIGNED_NUMBER) : null;
    const number = signed ?? match(NUMBER);
    if (number) {
      offset += number.length;
      if (/[A-Za-z_]/.test(text[offset] ?? '')) {
        throw new LexError({ code: SegmentErrorCode.SYNTAX, message: `"${text.slice(start, offset + 1)}" is not a number`, ...at(start), suggestion: 'relative dates are written -30d, +7d, -2w, -3m or -1y' });
      }
      push('number', start, offset, number);
      continue;
    }
    const name = match(NAME);
    if (name) {
      offset += name.length;
      const upper = name.toUpperCase();
      push('name', start, offset, KEYWORDS.has(upper) ? upper : name);
      continue;
    }
    const operator = OPERATORS.find((candidate) => text.startsWith(candidate, offset));
    if (operator) {
      offset += operator.length;
      push('op', start, offset, operator === '<>' ? '!=' : operator);
      continue;
    }
    if ('(),.:'.includes(char)) {
      offset++;
      push('punct', start, offset, char);
      continue;
    }
    throw new LexError({
      code: SegmentErrorCode.SYNTAX,
      message: `unexpected character "${char}"`,
      ...at(start),
      suggestion: char === '"' ? "strings are written in single quotes: 'text'" : undefined,
    });
  }
  tokens.push({ kind: 'end', text: '', value: '', offset: text.length, end: text.length, ...at(text.length) });
  return tokens;
}
