import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type DataLoader from 'dataloader';
import type { Config } from '../app/config.js';
import type { Authenticator } from './auth/authenticator.js';
import { tenantOf, type Viewer } from './auth/viewer.js';
import { TENANT_FILTER } from './db/mikro-orm.config.js';
import type { Logger } from './logger.js';

/** Process-wide singletons a request may use. */
export interface AppServices {
  orm: MikroORM;
  config: Config;
  authenticator: Authenticator;
  logger: Logger;
}

export type LoaderFactory<K, V> = (ctx: GraphQLContext) => DataLoader<K, V>;

/** Per-request DataLoaders, created on first use. */
export class LoaderRegistry {
  private readonly loaders = new Map<LoaderFactory<unknown, unknown>, DataLoader<unknown, unknown>>();

  constructor(private readonly ctx: () => GraphQLContext) {}

  get<K, V>(factory: LoaderFactory<K, V>): DataLoader<K, V> {
    let loader = this.loaders.get(factory as LoaderFactory<unknown, unknown>);
    if (!loader) {
      loader = factory(this.ctx()) as DataLoader<unknown, unknown>;
      this.loaders.set(factory as LoaderFactory<unknown, unknown>, loader);
    }
    return loader as DataLoader<K, V>;
  }
}

export interface GraphQLContext {
  requestId: string;
  viewer: Viewer;
  /** A fork for this request only, with the tenant filter bound to the viewer's tenant. */
  em: EntityManager;
  loaders: LoaderRegistry;
  app: AppServices;
}

/** One EntityManager fork per request (or per subscription event), scoped to the viewer's tenant. */
export function createContext(app: AppServices, viewer: Viewer, requestId: string): GraphQLContext {
  const em = app.orm.em.fork({ clear: true, useContext: false }) as EntityManager;
  const tenantId = tenantOf(viewer);
  // Without a tenant the filter has no parameters, and any tenant-scoped read fails loudly.
  if (tenantId) em.setFilterParams(TENANT_FILTER, { tenantId });
  const ctx: GraphQLContext = { requestId, viewer, em, app, loaders: undefined as unknown as LoaderRegistry };
  ctx.loaders = new LoaderRegistry(() => ctx);
  return ctx;
}

/** The viewer's tenant; only called behind `@Authorized`, so a tenant is always there. */
export function tenantIdOf(ctx: GraphQLContext): string {
  const tenantId = tenantOf(ctx.viewer);
  if (!tenantId) throw new Error('tenant-scoped operation without a tenant');
  return tenantId;
}

/** Country used to read phone numbers given without a country code. */
export function countryOf(ctx: GraphQLContext): string {
  return ctx.viewer.kind === 'key' ? ctx.viewer.countryCode : 'CN';
}
