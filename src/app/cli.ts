import 'reflect-metadata';
import { parseArgs } from 'node:util';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ConfigError, loadConfig, type Config } from './config.js';
import { openDatabase, migrate, type Database } from './database.js';
import { closeOnSignals, startApp } from './app.js';
import { logger } from '../core/logger.js';
import { Role, ALL_ROLES } from '../core/auth/role.js';
import { isUuid } from '../core/ids.js';
import { TENANT_FILTER } from '../core/db/mikro-orm.config.js';
import { Tenant } from '../modules/tenant/tenant.entity.js';
import { createTenant } from '../modules/tenant/tenant.service.js';
import { AccessKey } from '../modules/access-key/access-key.entity.js';
import { IMPORT_HELP, IMPORT_USAGE, importCommand } from './cli-import.js';
import { issueAccessKey } from '../modules/access-key/access-key.service.js';
import { DEMO_USAGE, parseDemoArgs, parseServeArgs, runDemo } from './cli-demo.js';

const USAGE = `ecrm: the e-commerce CRM server and its admin commands

Usage:
  ecrm serve                                   run the GraphQL server (HTTP and WebSocket at /graphql)
  ecrm migrate                                 apply pending database migrations
  ecrm tenant create --name NAME [--country CN]
                                               create a tenant and print its first OWNER key
  ecrm tenant list                             list tenants
  ecrm key create --tenant TENANT --role ROLE [--name NAME]
                                               create an access key and print it (once)
  ecrm key list --tenant TENANT                list a tenant's keys (never the secrets)
  ecrm key revoke --key KEY_ID_OR_PREFIX       revoke an access key at once
${IMPORT_USAGE}
${DEMO_USAGE}
  ecrm help                                    show this text

TENANT is a tenant id or its exact name. ROLE is one of ${ALL_ROLES.join(', ')}.
Without DATABASE_URL the embedded PostgreSQL under ECRM_DATA_DIR (.ecrm) is used, shared with a running server.

${IMPORT_HELP}

Exit codes: 0 done, 1 failed, 2 wrong usage.`;

class UsageError extends Error {}

type Flags = Record<string, string | undefined>;

function flags(args: string[], names: string[]): Flags {
  const { values, positionals } = parseArgs({
    args,
    options: Object.fromEntries(names.map((name) => [name, { type: 'string' as const }])),
    strict: true,
    allowPositionals: true,
  });
  if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  return values as Flags;
}

function required(values: Flags, name: string): string {
  const value = values[name]?.trim();
  if (!value) throw new UsageError(`--${name} is required`);
  return value;
}

async function withDatabase<T>(config: Config, fn: (em: EntityManager, db: Database) => Promise<T>): Promise<T> {
  const db = await openDatabase(config);
  try {
    await migrate(db.orm);
    return await fn(db.orm.em.fork() as EntityManager, db);
  } finally {
    await db.close();
  }
}

async function findTenant(em: EntityManager, ref: string): Promise<Tenant> {
  const tenants = await em.find(Tenant, isUuid(ref) ? { id: ref } : { name: ref });
  if (tenants.length === 0) throw new Error(`no tenant "${ref}"`);
  if (tenants.length > 1) throw new Error(`${tenants.length} tenants are named "${ref}"; use the tenant id`);
  return tenants[0]!;
}

const print = (line: string) => process.stdout.write(`${line}\n`);

async function run(argv: string[]): Promise<void> {
  const [command, sub, ...rest] = argv;
  const config = loadConfig();
  if (command !== 'serve') logger.level = process.env.LOG_LEVEL ?? 'warn';
  const action = command === 'tenant' || command === 'key' || command === 'import' ? `${command} ${sub ?? ''}`.trim() : (command ?? 'help');
  switch (action) {
    case 'serve': {
      const demo = parseServeArgs(argv.slice(1), process.env, (message) => new UsageError(message));
      const app = await startApp(config, { demo });
      closeOnSignals(app, config.shutdownGraceMs);
      return;
    }
    case 'migrate': {
      flags(argv.slice(1), []);
      const db = await openDatabase(config);
      try {
        const applied = await migrate(db.orm);
        print(applied.length ? `Applied ${applied.length} migration(s): ${applied.join(', ')}` : 'Database is up to date.');
      } finally {
        await db.close();
      }
      return;
    }
    case 'tenant create': {
      const values = flags(rest, ['name', 'country']);
      const name = required(values, 'name');
      await withDatabase(config, async (em) => {
        const { tenant, owner } = await createTenant(em, name, values.country ?? 'CN');
        print(`Created tenant "${tenant.name}" (${tenant.id}).`);
        print(`OWNER access key (shown once; only its hash is stored):\n${owner.key}`);
      });
      return;
    }
    case 'tenant list': {
      flags(rest, []);
      await withDatabase(config, async (em) => {
        for (const tenant of await em.find(Tenant, {}, { orderBy: { createdAt: 'asc' } })) {
          print(`${tenant.id}  ${tenant.createdAt.toISOString()}  ${tenant.name}`);
        }
      });
      return;
    }
    case 'key create': {
      const values = flags(rest, ['tenant', 'role', 'name']);
      const role = required(values, 'role').toUpperCase();
      if (!ALL_ROLES.includes(role as Role)) throw new UsageError(`--role must be one of ${ALL_ROLES.join(', ')}`);
      const tenantRef = required(values, 'tenant');
      await withDatabase(config, async (em) => {
        const tenant = await findTenant(em, tenantRef);
        const issued = await issueAccessKey(em, tenant.id, role as Role, values.name?.trim() || `${role.toLowerCase()} key`);
        print(`Created ${role} key ${issued.accessKey.prefix} for tenant "${tenant.name}".`);
        print(`Access key (shown once; only its hash is stored):\n${issued.key}`);
      });
      return;
    }
    case 'key list': {
      const values = flags(rest, ['tenant']);
      const tenantRef = required(values, 'tenant');
      await withDatabase(config, async (em) => {
        const tenant = await findTenant(em, tenantRef);
        em.setFilterParams(TENANT_FILTER, { tenantId: tenant.id });
        for (const key of await em.find(AccessKey, {}, { orderBy: { createdAt: 'asc' } })) {
          print(`${key.id}  ${key.prefix}  ${key.role.padEnd(7)}  ${key.active ? 'active ' : 'revoked'}  ${key.name}`);
        }
      });
      return;
    }
    case 'key revoke': {
      const values = flags(rest, ['key']);
      const ref = required(values, 'key');
      await withDatabase(config, async (em) => {
        const where = isUuid(ref) ? { id: ref } : { prefix: ref.replace(/^ecrm_/, '').slice(0, 12) };
        const key = await em.findOne(AccessKey, where, { filters: false });
        if (!key) throw new Error(`no access key "${ref}"`);
        if (!key.active) throw new Error(`access key ${key.prefix} is already revoked`);
        key.revoke();
        await em.flush();
        print(`Revoked access key ${key.prefix} (${key.role}). Running servers stop accepting it within seconds.`);
      });
      return;
    }
    case 'import touchpoints':
    case 'import orders':
      await importCommand(sub as 'touchpoints' | 'orders', rest, config, (message) => new UsageError(message));
      return;
    case 'demo': {
      const options = parseDemoArgs(argv.slice(1), (message) => new UsageError(message));
      await withDatabase(config, (em, db) => runDemo(em, db.url, options, print));
      return;
    }
    case 'help':
    case '--help':
    case '-h':
      print(USAGE);
      return;
    default:
      throw new UsageError(`unknown command "${argv.join(' ')}"`);
  }
}

run(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
    process.stderr.write(`ecrm: ${(error as Error).message}\n\n${USAGE}\n`);
    process.exit(2);
  }
  if (error instanceof ConfigError) {
    process.stderr.write(`ecrm: ${error.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`ecrm: ${(error as Error).message ?? String(error)}\n`);
  process.exit(1);
});
