import path from 'node:path';
import { ConfigError, loadConfig } from '../src/app/config';

function configErrorOf(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

test('defaults: embedded database, loopback on 4000, and bounded limits', () => {
  expect(loadConfig({})).toEqual({
    databaseUrl: undefined,
    host: '127.0.0.1',
    port: 4000,
    dataDir: path.resolve('.ecrm'),
    embeddedPgPort: 54329,
    logLevel: 'info',
    introspection: true,
    limits: { maxDepth: 10, maxCost: 10_000, maxAliases: 30, maxTokens: 5_000 },
    bodyLimitBytes: 1_048_576,
    statementTimeoutMs: 15_000,
    poolMax: 10,
    poolAcquireTimeoutMs: 5_000,
    memberTokenTtlSeconds: 3_600,
    shutdownGraceMs: 10_000,
    keepAliveMs: 65_000,
    jobs: { enabled: true, schedule: true, pollSeconds: 2, concurrency: 1 },
    campaigns: { enabled: true, tickMs: 5_000, batchSize: 5_000, triggerEveryMs: 60_000, webhookConcurrency: 8 },
  });
});

test('empty variables count as unset', () => {
  expect(loadConfig({ PORT: '', DATABASE_URL: '', LOG_LEVEL: '', ECRM_INTROSPECTION: '' })).toMatchObject({ port: 4000, databaseUrl: undefined, logLevel: 'info', introspection: true });
});

test('every variable is read', () => {
  const config = loadConfig({
    DATABASE_URL: 'postgresql://u:p@db.internal:5432/crm',
    HOST: '0.0.0.0',
    PORT: '8080',
    ECRM_DATA_DIR: '/var/lib/ecrm',
    ECRM_EMBEDDED_PG_PORT: '6000',
    LOG_LEVEL: 'debug',
    ECRM_INTROSPECTION: 'off',
    ECRM_MAX_DEPTH: '8',
    ECRM_MAX_COST: '500',
    ECRM_MAX_ALIASES: '5',
    ECRM_MAX_TOKENS: '900',
    ECRM_BODY_LIMIT_BYTES: '4096',
    ECRM_STATEMENT_TIMEOUT_MS: '2000',
    ECRM_POOL_MAX: '3',
    ECRM_POOL_ACQUIRE_TIMEOUT_MS: '750',
    ECRM_MEMBER_TOKEN_TTL_SECONDS: '600',
    ECRM_SHUTDOWN_GRACE_MS: '0',
    ECRM_HTTP_KEEP_ALIVE_MS: '5000',
    ECRM_JOBS_ENABLED: 'false',
    ECRM_JOBS_SCHEDULE: 'off',
    ECRM_JOBS_POLL_SECONDS: '5',
    ECRM_JOBS_CONCURRENCY: '3',
    ECRM_CAMPAIGNS_ENABLED: 'false',
    ECRM_CAMPAIGN_TICK_MS: '250',
    ECRM_CAMPAIGN_BATCH: '100',
    ECRM_CAMPAIGN_TRIGGER_EVERY_MS: '500',
    ECRM_CAMPAIGN_WEBHOOK_CONCURRENCY: '2',
  });
  expect(config).toEqual({
    databaseUrl: 'postgresql://u:p@db.internal:5432/crm',
    host: '0.0.0.0',
    port: 8080,
    dataDir: '/var/lib/ecrm',
    embeddedPgPort: 6000,
    logLevel: 'debug',
    introspection: false,
    limits: { maxDepth: 8, maxCost: 500, maxAliases: 5, maxTokens: 900 },
    bodyLimitBytes: 4096,
    statementTimeoutMs: 2000,
    poolMax: 3,
    poolAcquireTimeoutMs: 750,
    memberTokenTtlSeconds: 600,
    shutdownGraceMs: 0,
    keepAliveMs: 5_000,
    jobs: { enabled: false, schedule: false, pollSeconds: 5, concurrency: 3 },
    campaigns: { enabled: false, tickMs: 250, batchSize: 100, triggerEveryMs: 500, webhookConcurrency: 2 },
  });
});

test.each([
  ['PORT', 'abc', /PORT must be a whole number, got "abc"/],
  ['PORT', '-1', /PORT must be a whole number/],
  ['PORT', '65536', /PORT must be between 0 and 65535, got 65536/],
  ['PORT', '80.5', /PORT must be a whole number/],
  ['ECRM_EMBEDDED_PG_PORT', '80', /ECRM_EMBEDDED_PG_PORT must be between 1024 and 65535/],
  ['LOG_LEVEL', 'verbose', /LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent/],
  ['ECRM_INTROSPECTION', 'maybe', /ECRM_INTROSPECTION must be true or false, got "maybe"/],
  ['ECRM_MAX_DEPTH', '0', /ECRM_MAX_DEPTH must be between 1 and 100/],
  ['ECRM_JOBS_POLL_SECONDS', '0', /ECRM_JOBS_POLL_SECONDS must be between 1 and 30/],
  ['ECRM_MAX_COST', 'lots', /ECRM_MAX_COST must be a whole number/],
  ['ECRM_MAX_ALIASES', '1001', /ECRM_MAX_ALIASES must be between 1 and 1000/],
  ['ECRM_MAX_TOKENS', '10', /ECRM_MAX_TOKENS must be between 50 and 1000000/],
  ['ECRM_BODY_LIMIT_BYTES', '100', /ECRM_BODY_LIMIT_BYTES must be between 1024/],
  ['ECRM_STATEMENT_TIMEOUT_MS', '0', /ECRM_STATEMENT_TIMEOUT_MS must be between 100 and 3600000/],
  ['ECRM_POOL_MAX', '0', /ECRM_POOL_MAX must be between 1 and 200/],
  ['ECRM_POOL_ACQUIRE_TIMEOUT_MS', '1e3', /ECRM_POOL_ACQUIRE_TIMEOUT_MS must be a whole number/],
  ['ECRM_MEMBER_TOKEN_TTL_SECONDS', '59', /ECRM_MEMBER_TOKEN_TTL_SECONDS must be between 60/],
  ['ECRM_SHUTDOWN_GRACE_MS', '600001', /ECRM_SHUTDOWN_GRACE_MS must be between 0 and 600000/],
  ['ECRM_HTTP_KEEP_ALIVE_MS', '999', /ECRM_HTTP_KEEP_ALIVE_MS must be between 1000 and 120000/],
  ['DATABASE_URL', 'not a url', /DATABASE_URL is not a valid URL/],
  ['DATABASE_URL', 'mysql://u:p@h:3306/crm', /DATABASE_URL must use the postgres:\/\/ scheme, got "mysql:"/],
  ['DATABASE_URL', 'postgres://u:p@h:5432', /DATABASE_URL must name a database/],
  ['DATABASE_URL', 'postgres://u:p@h:5432/', /DATABASE_URL must name a database/],
])('%s=%s is refused, naming the variable', (variable, value, message) => {
  const error = configErrorOf({ [variable]: value });
  expect(error.variable).toBe(variable);
  expect(error.message).toMatch(/^Invalid configuration: /);
  expect(error.message).toMatch(message);
});

test('a refused DATABASE_URL is not echoed with its password', () => {
  const error = configErrorOf({ DATABASE_URL: 'mysql://admin:s3cret@db:3306/crm' });
  expect(error.message).not.toContain('s3cret');
});

test('PORT 0 (any free port) and surrounding spaces are accepted', () => {
  expect(loadConfig({ PORT: '0' }).port).toBe(0);
  expect(loadConfig({ ECRM_POOL_MAX: ' 4 ' }).poolMax).toBe(4);
});
