import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import { tenantIdOf, type GraphQLContext, type LoaderFactory } from '../../core/context.js';
import { LoyaltyProgram } from './loyalty-program.entity.js';

/** A tenant's programme; a tenant that never changed it runs on the defaults (no row yet). */
export async function loadProgram(em: EntityManager, tenantId: string): Promise<LoyaltyProgram> {
  const found = await em.findOne(LoyaltyProgram, { tenantId }, { filters: false });
  return found ?? Object.assign(new LoyaltyProgram(), { tenantId });
}

const programByTenant: LoaderFactory<string, LoyaltyProgram> = (ctx) =>
  new DataLoader(async (ids) => {
    const rows = new Map((await ctx.em.find(LoyaltyProgram, { tenantId: { $in: [...ids] } })).map((row) => [row.tenantId, row]));
    return ids.map((id) => rows.get(id) ?? Object.assign(new LoyaltyProgram(), { tenantId: id }));
  });

/** The caller's programme, once per request. */
export function loyaltyProgram(ctx: GraphQLContext): Promise<LoyaltyProgram> {
  return ctx.loaders.get(programByTenant).load(tenantIdOf(ctx));
}

/** After a change to the programme, later operations of the same request read it afresh. */
export function forgetLoyaltyProgram(ctx: GraphQLContext): void {
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
