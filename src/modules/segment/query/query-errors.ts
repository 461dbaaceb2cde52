import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { fail, RollbackWith, type Outcome, type UserError } from '../../../core/errors.js';

/** Why a segment operation (or its query) was refused. */
export enum SegmentErrorCode {
  /** The query text does not follow the grammar. */
  SYNTAX = 'SYNTAX',
  /** No field or function has that name. */
  UNKNOWN_FIELD = 'UNKNOWN_FIELD',
  /** The function has no argument of that name, or one is given twice. */
  UNKNOWN_ARGUMENT = 'UNKNOWN_ARGUMENT',
  /** The operator does not apply to the field, or the value is of another type. */
  TYPE_MISMATCH = 'TYPE_MISMATCH',
  /** The value has the right type but is not allowed (an unknown enum value, too many decimals, a bad date). */
  BAD_VALUE = 'BAD_VALUE',
  /** The query is too long or has too many clauses. */
  TOO_COMPLEX = 'TOO_COMPLEX',
  /** Another input is invalid (a name, a tag, a kind). */
  INVALID = 'INVALID',
  NOT_FOUND = 'NOT_FOUND',
  /** Another segment already has this name. */
  TAKEN = 'TAKEN',
}
registerEnumType(SegmentErrorCode, { name: 'SegmentErrorCode', description: 'Why a segment operation or its query was refused.' });

export type QueryErrorCode =
  | SegmentErrorCode.SYNTAX
  | SegmentErrorCode.UNKNOWN_FIELD
  | SegmentErrorCode.UNKNOWN_ARGUMENT
  | SegmentErrorCode.TYPE_MISMATCH
  | SegmentErrorCode.BAD_VALUE
  | SegmentErrorCode.TOO_COMPLEX;

/** A problem found in query text, at a 1-based line and column. */
export interface QueryProblem {
  code: QueryErrorCode;
  message: string;
  line: number;
  column: number;
  suggestion?: string;
}

@ObjectType({ simpleResolvers: true, description: 'A problem with a segment operation or its query. Nothing was written.' })
export class SegmentUserError {
  @Field(() => [String], { nullable: true, description: 'Path to the input field at fault, e.g. ["input", "query"].' })
  field?: string[];

  @Field({ description: 'What went wrong, for a person; for a query it starts with the line and column.' })
  message!: string;

  @Field(() => SegmentErrorCode, { description: 'What went wrong, for a program.' })
  code!: SegmentErrorCode;

  @Field(() => Int, { nullable: true, description: 'For a query problem: the 1-based line where it starts.' })
  line?: number | null;

  @Field(() => Int, { nullable: true, description: 'For a query problem: the 1-based column where it starts.' })
  column?: number | null;

  @Field(() => String, { nullable: true, description: 'A likely fix, e.g. the nearest field name for a misspelt one.' })
  suggestion?: string | null;
}

export function segmentError(field: string[] | undefined, message: string, code: SegmentErrorCode): SegmentUserError {
  return Object.assign(new SegmentUserError(), { field, message, code });
}

/** Query problems as user errors on the input field that held the query. */
export function queryUserErrors(problems: QueryProblem[], field: string[]): SegmentUserError[] {
  return problems.map((problem) =>
    Object.assign(new SegmentUserError(), {
      field,
      code: problem.code,
      message: `line ${problem.line}, column ${problem.column}: ${problem.message}`,
      line: problem.line,
      column: problem.column,
      suggestion: problem.suggestion ?? null,
    }),
  );
}

// Segment failures travel through the shared Outcome and RollbackWith machinery; their payloads type them as SegmentUserError.
export function segmentFailure(...errors: SegmentUserError[]): Outcome<never> {
  return fail(...(errors as unknown as UserError[]));
}

export function segmentRollback(...errors: SegmentUserError[]): RollbackWith {
  return new RollbackWith(...(errors as unknown as UserError[]));
}
