import { createHash } from 'node:crypto';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { GraphQLContext } from '../../core/context.js';
import { userError, UserErrorCode, type UserError } from '../../core/errors.js';
import type { EntryRow } from './points-ledger.js';

/** Keys the system writes itself start with this; callers cannot use it. */
export const SYSTEM_KEY_PREFIX = 'ecrm:';

/** SHA-256 of a request in a canonical form (sorted keys), to tell a retry from another request. */
export function requestHash(request: Record<string, unknown>): string {
  const canonical = JSON.stringify(request, Object.keys(request).sort());
  return createHash('sha256').update(canonical).digest('hex');
}

/** Checks a caller's idempotency key; returns the error, if any. */
export function keyError(key: string): UserError | null {
  const trimmed = key.trim();
  if (!trimmed || trimmed.length > 200 || trimmed !== key) {
    return userError(['input', 'idempotencyKey'], 'idempotencyKey must be 1 to 200 characters without surrounding spaces', UserErrorCode.INVALID);
  }
  if (key.startsWith(SYSTEM_KEY_PREFIX)) return userError(['input', 'idempotencyKey'], `keys starting with "${SYSTEM_KEY_PREFIX}" are reserved`, UserErrorCode.INVALID);
  return null;
}

/** A retry answers with the original entry; the same key for another request is refused. */
export function replayOf(entry: EntryRow, hash: string): { entry: EntryRow } | { error: UserError } {
  if (entry.request_hash === hash) return { entry };
  return { error: userError(['input', 'idempotencyKey'], 'this idempotencyKey was used for a different request', UserErrorCode.IDEMPOTENCY_CONFLICT) };
}

/** Whether an error is the idempotency key's unique index (a concurrent request with the same key won). */
export function isKeyConflict(error: unknown): boolean {
  const constraint = 'points_entry_tenant_id_idempotency_key_unique';
  // Through the ORM a wrapped exception; through a prepared statement the driver's error (SQLSTATE 23505).
  if (error instanceof UniqueConstraintViolationException) return String((error as Error).message).includes(constraint);
  const driver = error as { code?: string; constraint?: string };
  return driver?.code === '23505' && driver.constraint === constraint;
}

/** Who is acting, as stored on entries. */
export function actorOf(ctx: GraphQLContext): string {
  if (ctx.viewer.kind === 'key') return `key:${ctx.viewer.keyId}`;
  if (ctx.viewer.kind === 'member') return 'member';
  return 'anonymous';
}
