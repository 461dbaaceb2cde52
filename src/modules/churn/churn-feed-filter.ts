import { Cursor } from '@mikro-orm/core';
import { GraphQLError } from 'graphql';
import type pg from 'pg';
import { ErrorCode } from '../../core/errors.js';
import { idOf } from '../../core/relay/global-id.js';
import type { CrossingDirection } from './churn.enums.js';

/** What one subscription asked for (the field's arguments, checked). */
export interface Filter {
  threshold: number | null;
  direction: CrossingDirection | null;
  segmentId: string | null;
  minNetSpent: number | null;
}

export function subscriptionError(message: string, code: string = ErrorCode.BAD_USER_INPUT): GraphQLError {
  return new GraphQLError(message, { extensions: { code } });
}

/** Checks churnRiskCrossed's arguments; a segment must be one of the caller's tenant. */
export async function filterOf(pool: pg.Pool, args: Record<string, unknown>, tenantId: string): Promise<Filter> {
  const threshold = typeof args.threshold === 'number' ? args.threshold : null;
  if (threshold !== null && !(threshold > 0 && threshold < 1)) throw subscriptionError('threshold must lie between 0 and 1.');
  const minNetSpent = typeof args.minNetSpent === 'number' ? args.minNetSpent : null;
  if (minNetSpent !== null && minNetSpent < 0) throw subscriptionError('minNetSpent must not be negative.');
  let segmentId: string | null = null;
  if (typeof args.segmentId === 'string') {
    segmentId = idOf(args.segmentId, 'Segment') ?? null;
    const found = segmentId ? (await pool.query<{ id: string }>('select id from segment where tenant_id = $1 and id = $2', [tenantId, segmentId])).rows[0] : undefined;
    if (!found) throw subscriptionError('segmentId is not a segment of your tenant.');
  }
  return { threshold, direction: (args.direction as CrossingDirection | undefined) ?? null, segmentId, minNetSpent };
}

/** The filters that need no database (segment membership is read per batch). */
export function passes(filter: Filter, event: { threshold: number; direction: CrossingDirection; netSpend: number }): boolean {
  return (
    (filter.threshold === null || Math.abs(event.threshold - filter.threshold) < 1e-9) &&
    (filter.direction === null || event.direction === filter.direction) &&
    (filter.minNetSpent === null || event.netSpend >= filter.minNetSpent)
  );
}

/** afterCursor as a sequence number; null when absent. */
export function cursorOf(value: unknown): bigint | null {
  if (value === undefined || value === null) return null;
  try {
    const [seq] = Cursor.decode(String(value)) as unknown[];
    if (typeof seq === 'string' && /^\d{1,19}$/.test(seq)) return BigInt(seq);
  } catch {
    // falls through
  }
  throw subscriptionError('afterCursor is not a crossing cursor; use the `cursor` of a crossing.');
}
