import type { Logger } from '../logger.js';

/**
 * Thrown by a job's `run` for a failure whose message is written for operators (no personal data,
 * no SQL); it is shown as the run's error. Any other error is shown only by its kind.
 */
export class JobError extends Error {
  override readonly name = 'JobError';
}

/** The key under which a run's failure is stored in pg-boss's `output` column. */
const FAILURE = 'ecrmFailure';

/** Messages pg-boss itself writes when it fails a job, and what a client is told instead. */
const QUEUE_FAILURES: [RegExp, string][] = [
  [/^handler execution exceeded \d+ms$/, 'The run took longer than its time limit and was stopped.'],
  [/^job failed by timeout in active state$/, 'The run took longer than its time limit and was stopped.'],
  [/^pg-boss shut down while active$/, 'The server shut down while the run was active.'],
];

/** Timeouts are reported as the EXPIRED state rather than plain FAILED. */
export function isTimeout(output: unknown): boolean {
  const message = queueMessage(output);
  return message !== undefined && /exceeded|timeout/.test(message);
}

/**
 * What pg-boss stores for a failed attempt: a safe message only. pg-boss would otherwise serialize the
 * error whole, with its stack and the driver's fields (detail, parameters), into a table clients read.
 */
export function storedFailure(error: unknown, runId: string): Error {
  const message =
    error instanceof JobError
      ? error.message
      : `The run failed with an internal error (${kindOf(error)}); the server log has the details under run ${runId}.`;
  const failure = new Error(message);
  Object.assign(failure, { [FAILURE]: message });
  failure.stack = undefined;
  return failure;
}

/** The error a client may see for a stored output; null when the run has not failed. */
export function failureMessage(output: unknown): string | null {
  if (!output || typeof output !== 'object') return null;
  const own = (output as Record<string, unknown>)[FAILURE];
  if (typeof own === 'string') return own;
  const message = queueMessage(output);
  const known = message === undefined ? undefined : QUEUE_FAILURES.find(([pattern]) => pattern.test(message));
  return known ? known[1] : 'The run failed.';
}

function queueMessage(output: unknown): string | undefined {
  const o = output as { message?: unknown; value?: unknown } | null;
  const value = o?.value as { message?: unknown } | string | undefined;
  const message = typeof value === 'string' ? value : (value?.message ?? o?.message);
  return typeof message === 'string' ? message : undefined;
}

function kindOf(error: unknown): string {
  const e = error as { name?: unknown; code?: unknown } | undefined;
  const name = typeof e?.name === 'string' && /^\w{1,64}$/.test(e.name) ? e.name : 'Error';
  const code = typeof e?.code === 'string' && /^\w{1,16}$/.test(e.code) ? ` ${e.code}` : '';
  return `${name}${code}`;
}

/** Frames only: messages of the database driver may carry SQL parameters, i.e. personal data. */
function frames(error: unknown): string | undefined {
  return (error as Error | undefined)?.stack
    ?.split('\n')
    .filter((line) => /^\s+at /.test(line))
    .slice(0, 12)
    .join('\n');
}

/** Logs a failed run by kind and stack frames, never by message. */
export function logJobFailure(logger: Logger, fields: Record<string, unknown>, error: unknown): void {
  const e = error as { name?: string; code?: string } | undefined;
  logger.error({ ...fields, errorName: e?.name, errorCode: e?.code, stack: frames(error) }, 'job run failed');
}
