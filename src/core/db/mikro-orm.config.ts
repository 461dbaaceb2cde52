import { defineConfig, type Options } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { ENTITIES, TENANT_SCOPED_ENTITIES } from './entities.js';
import { MIGRATIONS } from '../../../migrations/index.js';

export const TENANT_FILTER = 'tenant';

export interface DatabaseOptions {
  url: string;
  statementTimeoutMs: number;
  poolMax: number;
  poolAcquireTimeoutMs: number;
}

export function ormConfig(options: DatabaseOptions): Options {
  return defineConfig({
    clientUrl: options.url,
    entities: ENTITIES,
    extensions: [Migrator],
    discovery: { warnWhenNoEntities: true, checkDuplicateTableNames: true },
    // No implicit schema sync, and no ORM debug output: logs carry no SQL parameters (personal data).
    debug: false,
    allowGlobalContext: false,
    forceUtcTimezone: true,
    // Every tenant-owned entity carries its own tenant filter, so joining a relation's table just to
    // filter it again is pure cost (it tripled the work of every DataLoader query).
    autoJoinRefsForFilters: false,
    ensureDatabase: false,
    pool: { min: 0, max: options.poolMax, acquireTimeoutMillis: options.poolAcquireTimeoutMs },
    driverOptions: {
      connection: { statement_timeout: options.statementTimeoutMs, application_name: 'ecrm' },
    },
    filters: {
      [TENANT_FILTER]: {
        name: TENANT_FILTER,
        cond: (args: { tenantId: string }) => ({ tenantId: args.tenantId }),
        default: true,
        entity: TENANT_SCOPED_ENTITIES.map((entity) => entity.name),
      },
    },
    migrations: {
      migrationsList: MIGRATIONS,
      tableName: 'mikro_orm_migrations',
      transactional: true,
      allOrNothing: true,
      snapshot: false,
      emit: 'ts',
      path: 'migrations',
      silent: true,
    },
  });
}
