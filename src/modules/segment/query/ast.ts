/** Where a piece of query text starts (1-based) and its 0-based offsets, for errors and explain. */
export interface Span {
  line: number;
  column: number;
  offset: number;
  end: number;
}

export type ValueKind = 'string' | 'number' | 'reldate' | 'today' | 'bool' | 'name';

export interface ValueNode extends Span {
  kind: ValueKind;
  /** The string's content, the number or relative date as written, the bare name, or 'TRUE'/'FALSE'. */
  raw: string;
}

export interface ArgNode extends Span {
  name: string;
  value: ValueNode;
}

export interface OperandNode extends Span {
  /** Dotted name, e.g. "consent.sms". */
  name: string;
  /** Function arguments; null when written without parentheses. */
  args: ArgNode[] | null;
}

export type Operator =
  | '='
  | '!='
  | '<'
  | '<='
  | '>'
  | '>='
  | 'IN'
  | 'NOT IN'
  | 'BETWEEN'
  | 'NOT BETWEEN'
  | 'IS NULL'
  | 'IS NOT NULL'
  | 'CONTAINS';

export interface TestNode extends Span {
  op: Operator;
  values: ValueNode[];
}

export interface PredicateNode extends Span {
  kind: 'predicate';
  operand: OperandNode;
  /** null: a bare boolean function. */
  test: TestNode | null;
}

export interface LogicNode extends Span {
  kind: 'and' | 'or';
  items: QueryNode[];
}

export interface NotNode extends Span {
  kind: 'not';
  item: QueryNode;
}

export type QueryNode = PredicateNode | LogicNode | NotNode;
