import type { ArgNode, Operator, OperandNode, PredicateNode, QueryNode, Span, TestNode, ValueNode } from './ast.js';
import { KEYWORDS, type Token, tokenize } from './lexer.js';
import { SegmentErrorCode, type QueryProblem } from './query-errors.js';

export const MAX_QUERY_LENGTH = 10_000;
export const MAX_CLAUSES = 200;
const MAX_DEPTH = 40;

export class ParseError extends Error {
  constructor(readonly problem: QueryProblem) {
    super(problem.message);
  }
}

const COMPARISONS = new Set(['=', '!=', '<', '<=', '>', '>=']);

function describe(token: Token): string {
  return token.kind === 'end' ? 'the end of the query' : `"${token.text}"`;
}

/** Recursive descent over the grammar in docs/segment-language.md. */
class Parser {
  private index = 0;
  private clauses = 0;
  private depth = 0;

  constructor(private readonly tokens: Token[]) {}

  parse(): QueryNode {
    if (this.peek().kind === 'end') this.fail(this.peek(), 'the query is empty', 'write a condition such as order_count >= 2');
    const node = this.or();
    const next = this.peek();
    if (next.kind !== 'end') {
      const hint = next.kind === 'name' && !['AND', 'OR'].includes(next.value) ? 'join conditions with AND or OR' : undefined;
      this.fail(next, `unexpected ${describe(next)}`, hint);
    }
    return node;
  }

  private peek(ahead = 0): Token {
    return this.tokens[Math.min(this.index + ahead, this.tokens.length - 1)]!;
  }

  private take(): Token {
    const token = this.peek();
    if (token.kind !== 'end') this.index++;
    return token;
  }

  private isKeyword(word: string, ahead = 0): boolean {
    const token = this.peek(ahead);
    return token.kind === 'name' && token.value === word;
  }

  private isPunct(char: string): boolean {
    const token = this.peek();
    return token.kind === 'punct' && token.value === char;
  }

  private expectPunct(char: string, what: string): Token {
    if (!this.isPunct(char)) this.fail(this.peek(), `expected "${char}" ${what}, found ${describe(this.peek())}`);
    return this.take();
  }

  private fail(token: Token, message: string, suggestion?: string): never {
    throw new ParseError({ code: SegmentErrorCode.SYNTAX, message, line: token.line, column: token.column, suggestion });
  }

  private spanFrom(start: Token): Span {
    const last = this.tokens[Math.max(this.index - 1, 0)]!;
    return { line: start.line, column: start.column, offset: start.offset, end: Math.max(last.end, start.end) };
  }

  private nested<T>(start: Token, parse: () => T): T {
    if (++this.depth > MAX_DEPTH) {
      throw new ParseError({ code: SegmentErrorCode.TOO_COMPLEX, message: `conditions are nested more than ${MAX_DEPTH} deep`, line: start.line, column: start.column });
    }
    try {
      return parse();
    } finally {
      this.depth--;
    }
  }

  private or(): QueryNode {
    const start = this.peek();
    const items = [this.and()];
    while (this.isKeyword('OR')) {
      this.take();
      items.push(this.and());
    }
    return items.length === 1 ? items[0]! : { kind: 'or', items, ...this.spanFrom(start) };
  }

  private and(): QueryNode {
    const start = this.peek();
    const items = [this.not()];
    while (this.isKeyword('AND')) {
      this.take();
      items.push(this.not());
    }
    return items.length === 1 ? items[0]! : { kind: 'and', items, ...this.spanFrom(start) };
  }

  private not(): QueryNode {
    const start = this.peek();
    if (this.isKeyword('NOT')) {
      this.take();
      const item = this.nested(start, () => this.not());
      return { kind: 'not', item, ...this.spanFrom(start) };
    }
    if (this.isPunct('(')) {
      this.take();
      const inner = this.nested(start, () => this.or());
      this.expectPunct(')', 'to close the "(" at line ' + start.line + ', column ' + start.column);
      return inner;
    }
    return this.predicate();
  }

  private predicate(): PredicateNode {
    const start = this.peek();
    if (++this.clauses > MAX_CLAUSES) {
      throw new ParseError({ code: SegmentErrorCode.TOO_COMPLEX, message: `a query may have at most ${MAX_CLAUSES} conditions`, line: start.line, column: start.column });
    }
    const operand = this.operand();
    const test = this.test();
    return { kind: 'predicate', operand, test, ...this.spanFrom(start) };
  }

  private operand(): OperandNode {
    const start = this.peek();
    if (start.kind !== 'name' || KEYWORDS.has(start.value)) {
      this.fail(start, `expected a field name, found ${describe(start)}`, start.kind === 'end' ? 'the query ends too early' : undefined);
    }
    this.take();
    let name = start.text;
    while (this.isPunct('.')) {
      this.take();
      const part = this.peek();
      if (part.kind !== 'name') this.fail(part, `expected a name after ".", found ${describe(part)}`);
      name += '.' + this.take().text;
    }
    let args: ArgNode[] | null = null;
    if (this.isPunct('(')) {
      this.take();
      args = [];
      while (!this.isPunct(')')) {
        if (args.length) this.expectPunct(',', 'between arguments');
        const argStart = this.peek();
        if (argStart.kind !== 'name') this.fail(argStart, `expected an argument name such as since:, found ${describe(argStart)}`);
        this.take();
        this.expectPunct(':', `after the argument name ${argStart.text}`);
        const value = this.value();
        args.push({ name: argStart.text, value, ...this.spanFrom(argStart) });
      }
      this.take();
    }
    return { name, args, ...this.spanFrom(start) };
  }

  private test(): TestNode | null {
    const start = this.peek();
    let op: Operator;
    let values: ValueNode[];
    if (start.kind === 'op' && COMPARISONS.has(start.value)) {
      this.take();
      op = start.value as Operator;
      values = [this.value()];
    } else if (this.isKeyword('IN') || (this.isKeyword('NOT') && this.isKeyword('IN', 1))) {
      op = this.isKeyword('NOT') ? 'NOT IN' : 'IN';
      this.take();
      if (op === 'NOT IN') this.take();
      values = this.list();
    } else if (this.isKeyword('BETWEEN') || (this.isKeyword('NOT') && this.isKeyword('BETWEEN', 1))) {
      op = this.isKeyword('NOT') ? 'NOT BETWEEN' : 'BETWEEN';
      this.take();
      if (op === 'NOT BETWEEN') this.take();
      const low = this.value();
      if (!this.isKeyword('AND')) this.fail(this.peek(), `expected AND between the two ends of BETWEEN, found ${describe(this.peek())}`);
      this.take();
      values = [low, this.value()];
    } else if (this.isKeyword('IS')) {
      this.take();
      const negated = this.isKeyword('NOT');
      if (negated) this.take();
      if (!this.isKeyword('NULL')) this.fail(this.peek(), `expected NULL after IS${negated ? ' NOT' : ''}, found ${describe(this.peek())}`);
      this.take();
      op = negated ? 'IS NOT NULL' : 'IS NULL';
      values = [];
    } else if (this.isKeyword('NOT') && this.isKeyword('CONTAINS', 1)) {
      return this.fail(start, 'NOT CONTAINS is not an operator', 'put NOT before the field: NOT tags CONTAINS \'staff\'');
    } else if (this.isKeyword('CONTAINS')) {
      this.take();
      op = 'CONTAINS';
      values = [this.value()];
    } else {
      return null;
    }
    return { op, values, ...this.spanFrom(start) };
  }

  private list(): ValueNode[] {
    this.expectPunct('(', 'to start the list');
    const values = [this.value()];
    while (this.isPunct(',')) {
      this.take();
      values.push(this.value());
    }
    this.expectPunct(')', 'to close the list');
    return values;
  }

  private value(): ValueNode {
    const token = this.peek();
    const span = { line: token.line, column: token.column, offset: token.offset, end: token.end };
    switch (token.kind) {
      case 'string':
        this.take();
        return { kind: 'string', raw: token.value, ...span };
      case 'number':
        this.take();
        return { kind: 'number', raw: token.value, ...span };
      case 'reldate':
        this.take();
        return { kind: 'reldate', raw: token.value, ...span };
      case 'name':
        if (token.value === 'TODAY') {
          this.take();
          return { kind: 'today', raw: 'today', ...span };
        }
        if (token.value === 'TRUE' || token.value === 'FALSE') {
          this.take();
          return { kind: 'bool', raw: token.value, ...span };
        }
        if (KEYWORDS.has(token.value)) this.fail(token, `expected a value, found the keyword ${token.value}`);
        this.take();
        return { kind: 'name', raw: token.text, ...span };
      default:
        return this.fail(token, `expected a value, found ${describe(token)}`);
    }
  }
}

export type ParseResult = { ok: true; node: QueryNode } | { ok: false; problem: QueryProblem };

export function parseQuery(text: string): ParseResult {
  if (text.length > MAX_QUERY_LENGTH) {
    return { ok: false, problem: { code: SegmentErrorCode.TOO_COMPLEX, message: `a query may be at most ${MAX_QUERY_LENGTH} characters`, line: 1, column: 1 } };
  }
  try {
    return { ok: true, node: new Parser(tokenize(text)).parse() };
  } catch (error) {
    if (error instanceof ParseError || (error as { problem?: QueryProblem }).problem) return { ok: false, problem: (error as ParseError).problem };
    throw error;
  }
}
