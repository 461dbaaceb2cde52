import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { currentRequestId } from '../request-scope.js';
import { ErrorCode } from '../errors.js';
import type { Logger } from '../logger.js';

/** Codes whose messages are written for clients and may be shown as they are. */
const CLIENT_CODES = new Set<string>([
  ...Object.values(ErrorCode).filter((code) => code !== ErrorCode.INTERNAL_SERVER_ERROR),
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
]);

export function isDatabaseUnavailable(error: unknown): boolean {
  const e = error as { code?: string; name?: string; message?: string } | undefined;
  if (!e) return false;
  // 57014: statement timeout; 57P01-03: server shutting down; knex: pool acquire timeout.
  return (
    ['57014', '57P01', '57P02', '57P03', 'ECONNREFUSED', 'ECONNRESET'].includes(e.code ?? '') ||
    e.name === 'KnexTimeoutError' ||
    /Timeout acquiring a connection/.test(e.message ?? '')
  );
}

const DATABASE_UNAVAILABLE_MESSAGE = 'The database did not answer in time. Try again shortly.';

/** Thrown before execution (e.g. while authenticating): 503, so clients and proxies retry. */
export function databaseUnavailable(): GraphQLError {
  return new GraphQLError(DATABASE_UNAVAILABLE_MESSAGE, { extensions: { code: ErrorCode.DATABASE_UNAVAILABLE, http: { status: 503 } } });
}

/** Frames only: error messages of the database driver may carry SQL parameters, i.e. personal data. */
function safeStack(error: unknown): string | undefined {
  const stack = (error as Error | undefined)?.stack;
  return stack
    ?.split('\n')
    .filter((line) => /^\s+at /.test(line))
    .slice(0, 12)
    .join('\n');
}

/**
 * Client errors pass through; anything unexpected is logged (without personal data) and answered
 * with a generic message and the request id, never SQL or a stack trace.
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown, logger: Logger): GraphQLFormattedError {
  const requestId = currentRequestId();
  const code = formatted.extensions?.code as string | undefined;
  const original = unwrapResolverError(error);
  if (code && CLIENT_CODES.has(code)) {
    const { http: _http, ...extensions } = (formatted.extensions ?? {}) as Record<string, unknown>;
    return { ...formatted, extensions };
  }
  if (isDatabaseUnavailable(original)) {
    logger.warn({ code: (original as { code?: string }).code, path: formatted.path }, 'database unavailable');
    return {
      message: DATABASE_UNAVAILABLE_MESSAGE,
      path: formatted.path,
      extensions: { code: ErrorCode.DATABASE_UNAVAILABLE, requestId },
    };
  }
  logger.error(
    { path: formatted.path, errorName: (original as Error | undefined)?.name, errorCode: (original as { code?: string })?.code, stack: safeStack(original) },
    'unexpected error',
  );
  return { message: 'Internal server error', path: formatted.path, extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR, requestId } };
}

/** Strips "Did you mean ...?" hints, which leak schema details to probing clients. */
export function withoutSuggestions(message: string): string {
  return message.replace(/\s*Did you mean .*\?$/s, '');
}
