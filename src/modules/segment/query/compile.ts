import type { OperandNode, PredicateNode, QueryNode, TestNode, ValueNode } from './ast.js';
import { parseQuery } from './parser.js';
import { SegmentErrorCode, type QueryProblem } from './query-errors.js';
import { type ArgValues, type FieldDef, OPERATORS_BY_TYPE, SEGMENT_FIELDS, segmentField } from './registry.js';
import { SqlParts } from './sql-parts.js';
import { nearest } from './suggest.js';
import { bool, currencyExponent, day, enumValue, isoDay, money, nextDay, startOfDay, text, ValueError, wholeNumber, decimalNumber } from './values.js';

/** What a query is compiled against. Relative dates are taken from `now`, money in `currency`. */
export interface QueryEnv {
  tenantId: string;
  now: Date;
  currency: string;
}

/** SQL text with knex `?` placeholders and its bind values, in order. */
export interface Sql {
  sql: string;
  params: unknown[];
}

/** One leaf clause of a query, for explain. */
export interface ClauseInfo {
  /** The clause as written in the query. */
  text: string;
  /** The field or function it tests. */
  field: string;
  line: number;
  column: number;
}

export interface CompiledQuery {
  /** `select m.id from member m ... where m.tenant_id = ? and m.status = 'ACTIVE' and (...)`: the matching members' ids. */
  memberIds(): Sql;
  /** One row `{ count: number }`. */
  count(): Sql;
  /** Rows `{ id }` of matching members ordered by id, after `afterId` (exclusive), at most `limit`. */
  page(afterId: string | null, limit: number): Sql;
  /** One row for the member (none if the member is missing or not active): `matched` boolean, `c0..cN` per clause met, `v0..vN` the member's value as text. */
  explain(memberId: string): { sql: Sql; clauses: ClauseInfo[] };
  /** The fields and functions the query uses. */
  fields: string[];
}

export type CompileResult = { ok: true; query: CompiledQuery } | { ok: false; problems: QueryProblem[] };

/** Operators whose SQL is true or false, never NULL, even on a missing value. */
const TWO_VALUED = new Set(['!=', 'NOT IN', 'NOT BETWEEN', 'IS NULL', 'IS NOT NULL']);

interface Leaf {
  node: PredicateNode;
  sql: string;
  show: string;
}

class Compiler {
  readonly problems: QueryProblem[] = [];
  readonly leaves: Leaf[] = [];
  readonly fields = new Set<string>();
  readonly q: SqlParts;
  private readonly today: Date;
  private readonly exponent: number;

  constructor(
    private readonly text: string,
    private readonly env: QueryEnv,
  ) {
    this.today = startOfDay(env.now);
    this.q = new SqlParts(env.tenantId, isoDay(this.today));
    this.exponent = currencyExponent(env.currency);
  }

  /** SQL conditions that are never NULL. */
  private readonly twoValued = new Set<string>();

  node(node: QueryNode): string {
    switch (node.kind) {
      case 'and':
      case 'or': {
        const items = node.items.map((item) => this.node(item));
        const sql = `(${items.join(` ${node.kind} `)})`;
        if (items.every((item) => this.twoValued.has(item))) this.twoValued.add(sql);
        return sql;
      }
      case 'not': {
        // Clauses may be NULL for a missing value (as good as false under AND and OR, which keeps them strict
        // for the planner); only a negation needs the two-valued form.
        const inner = this.node(node.item);
        const sql = this.twoValued.has(inner) ? `(not ${inner})` : `(not coalesce(${inner}, false))`;
        this.twoValued.add(sql);
        return sql;
      }
      default:
        return this.predicate(node);
    }
  }

  private problem(at: { line: number; column: number }, code: QueryProblem['code'], message: string, suggestion?: string): string {
    this.problems.push({ code, message, line: at.line, column: at.column, suggestion });
    return 'false';
  }

  private predicate(node: PredicateNode): string {
    const field = segmentField(node.operand.name);
    if (!field) {
      const guess = nearest(node.operand.name, SEGMENT_FIELDS.map((candidate) => candidate.name));
      return this.problem(node.operand, SegmentErrorCode.UNKNOWN_FIELD, `unknown field "${node.operand.name}"`, guess ? `did you mean "${guess}"?` : 'segmentFilters lists every field');
    }
    this.fields.add(field.name);
    try {
      const args = this.args(field, node.operand);
      if (!args) return 'false';
      const sql = this.test(field, node, args);
      if (sql === null) return 'false';
      if (field.type === 'SET' || field.type === 'BOOLEAN' || field.oneOf || (node.test && TWO_VALUED.has(node.test.op))) this.twoValued.add(sql);
      this.leaves.push({ node, sql, show: this.show(field, args) });
      return sql;
    } catch (error) {
      if (error instanceof ValueError) return this.problem(error.problem, error.problem.code, error.problem.message, error.problem.suggestion);
      throw error;
    }
  }

  private args(field: FieldDef, operand: OperandNode): ArgValues | null {
    const values: ArgValues = { strings: new Map(), days: new Map() };
    if (!field.args) {
      if (operand.args) {
        this.problem(operand, SegmentErrorCode.TYPE_MISMATCH, `${field.name} is a field, not a function`, `remove the parentheses: ${field.examples[0]}`);
        return null;
      }
      return values;
    }
    const seen = new Set<string>();
    let ok = true;
    for (const arg of operand.args ?? []) {
      const def = field.args.find((candidate) => candidate.name === arg.name);
      if (!def) {
        const guess = nearest(arg.name, field.args.map((candidate) => candidate.name));
        this.problem(arg, SegmentErrorCode.UNKNOWN_ARGUMENT, `${field.name} has no argument "${arg.name}"; it takes ${field.args.map((candidate) => candidate.name + ':').join(' ')}`, guess ? `did you mean ${guess}:?` : undefined);
        ok = false;
        continue;
      }
      if (seen.has(arg.name)) {
        this.problem(arg, SegmentErrorCode.UNKNOWN_ARGUMENT, `argument ${arg.name}: is given twice`);
        ok = false;
        continue;
      }
      seen.add(arg.name);
      try {
        if (def.type === 'DATE') {
          const start = day(arg.value, this.today);
          values.days.set(arg.name, { start, next: nextDay(start) });
        } else if (def.type === 'ENUM') {
          values.strings.set(arg.name, enumValue(arg.value, def.enumValues ?? [])[0]!);
        } else {
          values.strings.set(arg.name, text(arg.value));
        }
      } catch (error) {
        if (!(error instanceof ValueError)) throw error;
        this.problem(error.problem, error.problem.code, `${arg.name}: ${error.problem.message}`, error.problem.suggestion);
        ok = false;
      }
    }
    const since = values.days.get('since');
    const until = values.days.get('until');
    if (since && until && since.start > until.start) {
      this.problem(operand, SegmentErrorCode.BAD_VALUE, `since: ${isoDay(since.start)} is after until: ${isoDay(until.start)}`);
      ok = false;
    }
    if (ok && field.requiresOneOf && !field.requiresOneOf.some((name) => seen.has(name))) {
      this.problem(operand, SegmentErrorCode.UNKNOWN_ARGUMENT, `${field.name} needs ${field.requiresOneOf.map((name) => name + ':').join(' or ')}`, `e.g. ${field.examples[0]}`);
      ok = false;
    }
    return ok ? values : null;
  }

  private test(field: FieldDef, node: PredicateNode, args: ArgValues): string | null {
    const test = node.test;
    if (!test) {
      if (field.type === 'BOOLEAN') return field.expr!(this.q, args);
      this.problem(node.operand, SegmentErrorCode.TYPE_MISMATCH, `${field.name} needs a comparison`, `e.g. ${field.examples[0]}`);
      return null;
    }
    const allowed = OPERATORS_BY_TYPE[field.type];
    if (!allowed.includes(test.op)) {
      this.problem(test, SegmentErrorCode.TYPE_MISMATCH, `${test.op} does not apply to ${field.name} (${field.type})`, `use one of ${allowed.join(' ')}`);
      return null;
    }
    switch (field.type) {
      case 'SET':
        return this.setTest(field, test);
      case 'DATE':
        return this.dateTest(field.expr!(this.q, args), test);
      case 'ANNIVERSARY':
        return this.anniversaryTest(field.expr!(this.q, args), test);
      case 'BOOLEAN': {
        const wanted = bool(test.values[0]!) === (test.op === '=');
        const expr = field.expr!(this.q, args);
        return wanted ? expr : `(not ${expr})`;
      }
      default:
        return this.scalarTest(field, args, test);
    }
  }

  private scalarValue(field: FieldDef, value: ValueNode): unknown {
    switch (field.type) {
      case 'NUMBER':
        return field.decimalRange ? decimalNumber(value, field.decimalRange) : wholeNumber(value);
      case 'MONEY':
        return money(value, this.exponent, this.env.currency);
      case 'ENUM': {
        const [one] = enumValue(value, field.enumValues ?? []);
        return one;
      }
      default:
        return text(value);
    }
  }

  private scalarTest(field: FieldDef, args: ArgValues, test: TestNode): string {
    const q = this.q;
    const values = test.values.map((value) => this.scalarValue(field, value));
    if (field.oneOf) {
      switch (test.op) {
        case '=':
        case 'IN':
          return field.oneOf(q, values as string[]);
        case '!=':
        case 'NOT IN':
          return `(not ${field.oneOf(q, values as string[])})`;
        case 'IS NULL':
          return 'false';
        default:
          return 'true';
      }
    }
    const missing = field.aggregate ? 0 : field.missing;
    const missingFails = missing !== undefined && !holds(missing, test.op, values);
    const placeholders = values.map((value) => q.p(value));
    if (field.aggregate && missingFails) {
      const { source, member, value } = field.aggregate(q, args);
      return `m.id in (select ${member} from ${source} group by ${member} having ${compare(value, test.op, placeholders)})`;
    }
    const expr = field.column && missingFails ? field.column(q) : field.expr!(q, args);
    return compare(expr, test.op, placeholders);
  }

  /** Timestamps compared by UTC day: `< D` is before D's midnight, `<= D` before the next midnight. */
  private dateTest(expr: string, test: TestNode): string {
    const q = this.q;
    const days = test.values.map((value) => day(value, this.today));
    const start = (index: number) => q.p(days[index]!);
    const next = (index: number) => q.p(nextDay(days[index]!));
    switch (test.op) {
      case '=':
        return `(${expr} >= ${start(0)} and ${expr} < ${next(0)})`;
      case '!=':
        return `(not coalesce(${expr} >= ${start(0)} and ${expr} < ${next(0)}, false))`;
      case '<':
        return `(${expr} < ${start(0)})`;
      case '<=':
        return `(${expr} < ${next(0)})`;
      case '>':
        return `(${expr} >= ${next(0)})`;
      case '>=':
        return `(${expr} >= ${start(0)})`;
      case 'BETWEEN':
      case 'NOT BETWEEN': {
        this.ordered(days, test);
        const within = `(${expr} >= ${start(0)} and ${expr} < ${next(1)})`;
        return test.op === 'BETWEEN' ? within : `(not coalesce(${within}, false))`;
      }
      case 'IS NULL':
        return `(${expr} is null)`;
      default:
        return `(${expr} is not null)`;
    }
  }

  private ordered(days: Date[], test: TestNode): void {
    if (days[0]! > days[1]!) {
      throw new ValueError({
        code: SegmentErrorCode.BAD_VALUE,
        message: `BETWEEN needs the earlier date first: ${isoDay(days[0]!)} is after ${isoDay(days[1]!)}`,
        line: test.values[0]!.line,
        column: test.values[0]!.column,
      });
    }
  }

  /** Month and day against a window of days; the window may cross New Year. */
  private anniversaryTest(expr: string, test: TestNode): string {
    if (test.op === 'IS NULL') return `(${expr} is null)`;
    if (test.op === 'IS NOT NULL') return `(${expr} is not null)`;
    const days = test.values.map((value) => day(value, this.today));
    const [from, to] = test.op === '=' ? [days[0]!, days[0]!] : [days[0]!, days[1]!];
    this.ordered([from, to], test);
    if (to.getTime() - from.getTime() >= 365 * 86_400_000) return `(${expr} is not null)`;
    const q = this.q;
    const monthDay = `to_char(${expr}, 'MM-DD')`;
    const low = q.p(isoDay(from).slice(5));
    const high = q.p(isoDay(to).slice(5));
    const sameYear = from.getUTCFullYear() === to.getUTCFullYear();
    let sql = sameYear ? `(${monthDay} >= ${low} and ${monthDay} <= ${high})` : `(${monthDay} >= ${low} or ${monthDay} <= ${high})`;
    // Outside leap years a 29 February birthday is kept on the 28th.
    for (const year of new Set([from.getUTCFullYear(), to.getUTCFullYear()])) {
      const leap = new Date(Date.UTC(year, 1, 29)).getUTCMonth() === 1;
      const feb28 = new Date(Date.UTC(year, 1, 28));
      if (!leap && feb28 >= from && feb28 <= to) sql = `(${sql} or ${monthDay} = ${q.p('02-29')})`;
    }
    return sql;
  }

  private setTest(field: FieldDef, test: TestNode): string {
    const q = this.q;
    const valuesOf = (values: ValueNode[]) =>
      q.list([...new Set(values.flatMap((value) => (field.enumValues ? enumValue(value, field.enumValues, field.aliases) : [text(value)])))]);
    switch (test.op) {
      case '=':
      case 'CONTAINS':
      case 'IN':
        return field.has!(q, valuesOf(test.values));
      case '!=':
      case 'NOT IN':
        return `(not ${field.has!(q, valuesOf(test.values))})`;
      case 'IS NULL':
        return `(not ${field.has!(q, null)})`;
      default:
        return field.has!(q, null);
    }
  }

  private show(field: FieldDef, args: ArgValues): string {
    const q = this.q;
    switch (field.type) {
      case 'SET':
        return field.show!(q);
      case 'DATE':
        return `to_char((${field.expr!(q, args)}) at time zone 'UTC', 'YYYY-MM-DD')`;
      case 'ANNIVERSARY':
        return `to_char(${field.expr!(q, args)}, 'YYYY-MM-DD')`;
      case 'MONEY': {
        const format = this.exponent ? `FM999999999999999990.${'0'.repeat(this.exponent)}` : 'FM999999999999999990';
        return `to_char((${field.expr!(q, args)})::numeric / ${q.p(10 ** this.exponent)}, ${q.p(format)})`;
      }
      default:
        return `(${field.expr!(q, args)})::text`;
    }
  }

  clauses(): ClauseInfo[] {
    return this.leaves.map((leaf) => ({ text: this.text.slice(leaf.node.offset, leaf.node.end), field: leaf.node.operand.name, line: leaf.node.line, column: leaf.node.column }));
  }
}

/** A comparison of `expr` with bound values; NULL when `expr` is (except for the operators true on a missing value). */
function compare(expr: string, op: TestNode['op'], values: string[]): string {
  switch (op) {
    case '=':
    case '<':
    case '<=':
    case '>':
    case '>=':
      return `(${expr} ${op} ${values[0]})`;
    case '!=':
      return `(${expr} is distinct from ${values[0]})`;
    case 'IN':
      return `(${expr} in (${values.join(', ')}))`;
    case 'NOT IN':
      return `(not coalesce(${expr} in (${values.join(', ')}), false))`;
    case 'BETWEEN':
      return `(${expr} >= ${values[0]} and ${expr} <= ${values[1]})`;
    case 'NOT BETWEEN':
      return `(not coalesce(${expr} >= ${values[0]} and ${expr} <= ${values[1]}, false))`;
    case 'IS NULL':
      return `(${expr} is null)`;
    default:
      return `(${expr} is not null)`;
  }
}

/** Whether a member whose value is missing (`missing` stands in for it) meets the test. */
function holds(missing: number | string, op: TestNode['op'], values: unknown[]): boolean {
  const [a, b] = values as (number | string)[];
  switch (op) {
    case '=':
      return missing === a;
    case '!=':
      return missing !== a;
    case '<':
      return missing < a!;
    case '<=':
      return missing <= a!;
    case '>':
      return missing > a!;
    case '>=':
      return missing >= a!;
    case 'IN':
      return values.includes(missing);
    case 'NOT IN':
      return !values.includes(missing);
    case 'BETWEEN':
      return missing >= a! && missing <= b!;
    case 'NOT BETWEEN':
      return !(missing >= a! && missing <= b!);
    case 'IS NULL':
      return false;
    default:
      return true;
  }
}

/** Parses, checks and compiles query text. All problems found are returned, not only the first (after a syntax error, that one). */
export function compileSegmentQuery(text: string, env: QueryEnv): CompileResult {
  const parsed = parseQuery(text);
  if (!parsed.ok) return { ok: false, problems: [parsed.problem] };
  const compiler = new Compiler(text, env);
  const condition = compiler.node(parsed.node);
  if (compiler.problems.length) return { ok: false, problems: compiler.problems };
  const q = compiler.q;
  const from = () => `from member m ${q.joinSql()} where m.tenant_id = ${q.p(env.tenantId)} and m.status = 'ACTIVE'`;
  const clauses = compiler.clauses();
  return {
    ok: true,
    query: {
      fields: [...compiler.fields],
      memberIds: () => q.toKnex(`select m.id ${from()} and ${condition}`),
      count: () => q.toKnex(`select count(*)::int as count ${from()} and ${condition}`),
      page: (afterId, limit) =>
        q.toKnex(`select m.id ${from()}${afterId ? ` and m.id > ${q.p(afterId)}` : ''} and ${condition} order by m.id limit ${q.p(limit)}`),
      explain: (memberId) => {
        const columns = compiler.leaves.map((leaf, index) => `coalesce(${leaf.sql}, false) as c${index}, ${leaf.show} as v${index}`).join(', ');
        return { sql: q.toKnex(`select coalesce(${condition}, false) as matched, ${columns} ${from()} and m.id = ${q.p(memberId)}`), clauses };
      },
    },
  };
}
