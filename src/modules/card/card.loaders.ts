import DataLoader from 'dataloader';
import { tenantIdOf, type LoaderFactory } from '../../core/context.js';
import { cardNumbers, issueCardNumbers } from './card-number.js';

/** Each member's card number, issued on first read for active members (null for merged or erased ones). */
export const cardNumberByMember: LoaderFactory<string, string | null> = (ctx) =>
  new DataLoader(async (memberIds) => {
    const tenantId = tenantIdOf(ctx);
    const numbers = await cardNumbers(ctx.em, tenantId, [...memberIds]);
    const missing = memberIds.filter((id) => !numbers.has(id));
    if (missing.length) for (const [id, number] of await issueCardNumbers(ctx.em, tenantId, missing)) numbers.set(id, number);
    return memberIds.map((id) => numbers.get(id) ?? null);
  });
