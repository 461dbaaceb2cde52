import type { FilterQuery } from '@mikro-orm/core';
import { badInput } from '../../core/errors.js';
import type { Touchpoint } from './touchpoint.entity.js';
import type { TouchpointFilterArgs } from './touchpoint.inputs.js';

export interface TouchpointFilter {
  where: FilterQuery<Touchpoint>;
  /** The same conditions as SQL on alias `x`, for per-member batch loading. */
  sql: string[];
  params: unknown[];
  /** Stable key of the filter, to batch members that share it. */
  key: string;
}

export function touchpointFilter(args: Omit<TouchpointFilterArgs, keyof import('../../core/relay/connection.js').PageArgs>): TouchpointFilter {
  if (args.since && args.until && args.since.getTime() >= args.until.getTime()) throw badInput('`since` must be before `until`.', 'since');
  const where: FilterQuery<Touchpoint>[] = [];
  const sql: string[] = [];
  const params: unknown[] = [];
  if (args.types?.length) {
    where.push({ type: { $in: args.types } });
    sql.push('x.type in (?)');
    params.push(args.types);
  }
  if (args.customTypes?.length) {
    where.push({ customType: { $in: args.customTypes } });
    sql.push('x.custom_type in (?)');
    params.push(args.customTypes);
  }
  if (args.channels?.length) {
    where.push({ channel: { $in: args.channels } });
    sql.push('x.channel in (?)');
    params.push(args.channels);
  }
  if (args.since) {
    where.push({ occurredAt: { $gte: args.since } });
    sql.push('x.occurred_at >= ?');
    params.push(args.since);
  }
  if (args.until) {
    where.push({ occurredAt: { $lt: args.until } });
    sql.push('x.occurred_at < ?');
    params.push(args.until);
  }
  return {
    where: where.length ? { $and: where } : {},
    sql,
    params,
    key: JSON.stringify([args.types, args.customTypes, args.channels, args.since, args.until]),
  };
}
