import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import { tenantIdOf, type GraphQLContext, type LoaderFactory } from '../../core/context.js';
import { LoyaltyProgram } from './loyalty-program.entity.js';

/** A tenant's programme; a tenant that never changed it runs on the defaults (no row yet). */
export async function loadProgram(em: EntityManager, tenantId: string): Promise<LoyaltyProgram> {
  const found = await em.findOne(LoyaltyProgram, { tenantId }, { filters: false });
  return found ?? Object.assign(new LoyaltyProgram(), { tenantId });
}

/**
 * Programmes change rarely and are read by every points write, so each process keeps them for a few seconds
 * (measured: the read was a tenth of pointsEarn's server time). A change made here is seen at once; one made
 * through another instance within CACHE_MS.
 */
const CACHE_MS = 5_000;
const cached = new Map<string, { program: LoyaltyProgram; until: number }>();

const programByTenant: LoaderFactory<string, LoyaltyProgram> = (ctx) =>
  new DataLoader(async (ids) => {
    const now = Date.now();
    const missing = ids.filter((id) => (cached.get(id)?.until ?? 0) <= now);
    if (missing.length) {
      const rows = new Map((await ctx.em.find(LoyaltyProgram, { tenantId: { $in: missing } })).map((row) => [row.tenantId, row]));
      // A detached copy: the entity of one request's EntityManager must not be shared with others.
      for (const id of missing) cached.set(id, { program: Object.assign(new LoyaltyProgram(), rows.get(id) ?? { tenantId: id }), until: now + CACHE_MS });
    }
    return ids.map((id) => cached.get(id)!.program);
  });

/** The caller's programme, once per request. */
export function loyaltyProgram(ctx: GraphQLContext): Promise<LoyaltyProgram> {
  return ctx.loaders.get(programByTenant).load(tenantIdOf(ctx));
}

/** After a change to the programme, later operations of the same request read it afresh. */
export function forgetLoyaltyProgram(ctx: GraphQLContext): void {
  cached.delete(tenantIdOf(ctx));
  ctx.loaders.get(programByTenant).clearAll();
}

/** When points earned at `at` expire under the programme, or null when they never do. */
export function expiryOf(program: LoyaltyProgram, at: Date): Date | null {
  switch (program.expiryPolicy) {
    case 'NEVER':
      return null;
    case 'MONTHS_AFTER': {
      const date = new Date(at.getTime());
      date.setUTCMonth(date.getUTCMonth() + program.expiryMonths);
      return date;
    }
    default:
      // The last millisecond of the next year (UTC).
      return new Date(Date.UTC(at.getUTCFullYear() + 2, 0, 1) - 1);
  }
}
