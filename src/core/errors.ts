import { GraphQLError } from 'graphql';
import { Field, ObjectType, registerEnumType } from 'type-graphql';

/** Why a mutation could not do what was asked. */
export enum UserErrorCode {
  INVALID = 'INVALID',
  NOT_FOUND = 'NOT_FOUND',
  TAKEN = 'TAKEN',
  INVALID_PHONE = 'INVALID_PHONE',
  INVALID_EMAIL = 'INVALID_EMAIL',
  TOO_LONG = 'TOO_LONG',
  SAME_MEMBER = 'SAME_MEMBER',
  MEMBER_MERGED = 'MEMBER_MERGED',
  MEMBER_ERASED = 'MEMBER_ERASED',
  ALREADY_REVOKED = 'ALREADY_REVOKED',
  TOO_MANY = 'TOO_MANY',
  UNKNOWN_IDENTITY = 'UNKNOWN_IDENTITY',
  CURRENCY_MISMATCH = 'CURRENCY_MISMATCH',
  MEMBER_MISMATCH = 'MEMBER_MISMATCH',
  INVALID_TRANSITION = 'INVALID_TRANSITION',
  REFUND_TOO_LARGE = 'REFUND_TOO_LARGE',
  NOT_REFUNDABLE = 'NOT_REFUNDABLE',
  IDEMPOTENCY_CONFLICT = 'IDEMPOTENCY_CONFLICT',
  /** The account has fewer spendable points than asked for. */
  INSUFFICIENT_POINTS = 'INSUFFICIENT_POINTS',
  /** A coupon template has no stock left. */
  OUT_OF_STOCK = 'OUT_OF_STOCK',
  /** A per-member limit is reached. */
  LIMIT_REACHED = 'LIMIT_REACHED',
  /** The thing exists but is switched off (an inactive template or rule, a retired tier). */
  INACTIVE = 'INACTIVE',
  /** A coupon was already redeemed (on another order). */
  COUPON_REDEEMED = 'COUPON_REDEEMED',
  /** A coupon (or a card code) is past its validity. */
  EXPIRED = 'EXPIRED',
  /** A coupon is not valid yet. */
  NOT_YET_VALID = 'NOT_YET_VALID',
  /** A coupon was voided. */
  COUPON_VOID = 'COUPON_VOID',
  /** The order does not reach the coupon's minimum spend. */
  MIN_SPEND_NOT_MET = 'MIN_SPEND_NOT_MET',
}
registerEnumType(UserErrorCode, { name: 'UserErrorCode', description: 'Why a mutation could not do what was asked.' });

@ObjectType({ simpleResolvers: true, description: 'A business rule the input broke. Nothing was written.' })
export class UserError {
  @Field(() => [String], { nullable: true, description: 'Path to the input field at fault, e.g. ["input", "phone"].' })
  field?: string[];

  @Field({ description: 'What went wrong, for a person.' })
  message!: string;

  @Field(() => UserErrorCode, { description: 'What went wrong, for a program.' })
  code!: UserErrorCode;
}

export function userError(field: string[] | undefined, message: string, code: UserErrorCode): UserError {
  return Object.assign(new UserError(), { field, message, code });
}

/** A use case's answer: either the result or the business errors that stopped it. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; errors: UserError[] };

export const ok = <T>(value: T): Outcome<T> => ({ ok: true, value });
export const fail = <T = never>(...errors: UserError[]): Outcome<T> => ({ ok: false, errors });

/** Codes of thrown errors (extensions.code). */
export const ErrorCode = {
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  QUERY_TOO_COMPLEX: 'QUERY_TOO_COMPLEX',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  DATABASE_UNAVAILABLE: 'DATABASE_UNAVAILABLE',
  /** The server ended a subscription (its key was revoked, or the client fell too far behind); resume with afterCursor. */
  SUBSCRIPTION_ENDED: 'SUBSCRIPTION_ENDED',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
} as const;

export function unauthenticated(message = 'A valid access key is required: send "Authorization: Bearer <key>".'): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.UNAUTHENTICATED, http: { status: 401 } } });
}

export function forbidden(message = 'Your access key is not allowed to do this.'): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.FORBIDDEN } });
}

export function badInput(message: string, field?: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.BAD_USER_INPUT, ...(field ? { field } : {}) } });
}

/** Thrown inside a transaction to roll it back and answer with userErrors. */
export class RollbackWith extends Error {
  readonly errors: UserError[];

  constructor(...errors: UserError[]) {
    super(errors.map((error) => error.message).join('; '));
    this.errors = errors;
  }
}

/** Runs a transactional use case; a RollbackWith becomes a failed outcome. */
export async function rollbackAsFailure<T>(work: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return ok(await work());
  } catch (error) {
    if (error instanceof RollbackWith) return fail(...error.errors);
    throw error;
  }
}
