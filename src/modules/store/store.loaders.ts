import DataLoader from 'dataloader';
import type { LoaderFactory } from '../../core/context.js';
import { Store } from './store.entity.js';

/** Stores by database id, one query per batch. */
export const storeById: LoaderFactory<string, Store | null> = (ctx) =>
  new DataLoader(async (ids) => {
    const stores = await ctx.em.find(Store, { id: { $in: [...ids] } });
    const byId = new Map(stores.map((store) => [store.id, store]));
    return ids.map((id) => byId.get(id) ?? null);
  });
