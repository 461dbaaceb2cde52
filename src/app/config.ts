import path from 'node:path';

/** Validated process configuration. Every variable is documented in README.md. */
export interface Config {
  databaseUrl: string | undefined;
  host: string;
  port: number;
  dataDir: string;
  embeddedPgPort: number;
  logLevel: string;
  introspection: boolean;
  limits: QueryLimits;
  bodyLimitBytes: number;
  statementTimeoutMs: number;
  poolMax: number;
  poolAcquireTimeoutMs: number;
  memberTokenTtlSeconds: number;
  shutdownGraceMs: number;
  /** How long an idle HTTP connection is kept open: longer than a load balancer's idle timeout (60 s on most). */
  keepAliveMs: number;
  jobs: JobsConfig;
  campaigns: CampaignsConfig;
}

/** The campaign runner (src/modules/campaign/campaign-runner.ts). */
export interface CampaignsConfig {
  /** Plan and send campaigns in this instance. */
  enabled: boolean;
  /** Time between runner passes. */
  tickMs: number;
  /** Deliveries per send transaction. */
  batchSize: number;
  /** How often TRIGGER campaigns look for new events. */
  triggerEveryMs: number;
  /** Gateway posts in flight at once. */
  webhookConcurrency: number;
}

/** The scheduled-job queue (src/core/jobs). */
export interface JobsConfig {
  /** Work jobs and fire schedules in this instance; when off it still enqueues (`jobRun`) and lists runs. */
  enabled: boolean;
  /** Fire the daily schedules from this instance (only with `enabled`). */
  schedule: boolean;
  pollSeconds: number;
  /** Tenants worked at once per job in this instance. */
  concurrency: number;
}

export interface QueryLimits {
  maxDepth: number;
  maxCost: number;
  maxAliases: number;
  maxTokens: number;
}

export class ConfigError extends Error {
  constructor(readonly variable: string, reason: string) {
    super(`Invalid configuration: ${variable} ${reason}`);
  }
}

type Env = Record<string, string | undefined>;

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw.trim())) throw new ConfigError(name, `must be a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`);
  return value;
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new ConfigError(name, `must be true or false, got "${raw}"`);
}

function databaseUrl(env: Env): string | undefined {
  const raw = env.DATABASE_URL;
  if (raw === undefined || raw === '') return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError('DATABASE_URL', 'is not a valid URL (expected postgres://user:password@host:5432/database)');
  }
  if (!/^postgres(ql)?:$/.test(url.protocol)) {
    throw new ConfigError('DATABASE_URL', `must use the postgres:// scheme, got "${url.protocol}"`);
  }
  if (url.pathname.length <= 1) throw new ConfigError('DATABASE_URL', 'must name a database');
  return raw;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export function loadConfig(env: Env = process.env): Config {
  const logLevel = env.LOG_LEVEL || 'info';
  if (!LOG_LEVELS.includes(logLevel)) throw new ConfigError('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}`);
  return {
    databaseUrl: databaseUrl(env),
    host: env.HOST || '127.0.0.1',
    port: int(env, 'PORT', 4000, 0, 65535),
    dataDir: path.resolve(env.ECRM_DATA_DIR || '.ecrm'),
    embeddedPgPort: int(env, 'ECRM_EMBEDDED_PG_PORT', 54329, 1024, 65535),
    logLevel,
    introspection: bool(env, 'ECRM_INTROSPECTION', true),
    limits: {
      maxDepth: int(env, 'ECRM_MAX_DEPTH', 10, 1, 100),
      maxCost: int(env, 'ECRM_MAX_COST', 10_000, 1, 10_000_000),
      maxAliases: int(env, 'ECRM_MAX_ALIASES', 30, 1, 1000),
      maxTokens: int(env, 'ECRM_MAX_TOKENS', 5_000, 50, 1_000_000),
    },
    bodyLimitBytes: int(env, 'ECRM_BODY_LIMIT_BYTES', 1_048_576, 1024, 100 * 1_048_576),
    statementTimeoutMs: int(env, 'ECRM_STATEMENT_TIMEOUT_MS', 15_000, 100, 3_600_000),
    poolMax: int(env, 'ECRM_POOL_MAX', 10, 1, 200),
    poolAcquireTimeoutMs: int(env, 'ECRM_POOL_ACQUIRE_TIMEOUT_MS', 5_000, 100, 600_000),
    memberTokenTtlSeconds: int(env, 'ECRM_MEMBER_TOKEN_TTL_SECONDS', 3_600, 60, 30 * 86_400),
    shutdownGraceMs: int(env, 'ECRM_SHUTDOWN_GRACE_MS', 10_000, 0, 600_000),
    keepAliveMs: int(env, 'ECRM_HTTP_KEEP_ALIVE_MS', 65_000, 1_000, 120_000),
    jobs: {
      enabled: bool(env, 'ECRM_JOBS_ENABLED', true),
      schedule: bool(env, 'ECRM_JOBS_SCHEDULE', true),
      pollSeconds: int(env, 'ECRM_JOBS_POLL_SECONDS', 2, 1, 30),
      concurrency: int(env, 'ECRM_JOBS_CONCURRENCY', 1, 1, 16),
    },
    campaigns: {
      enabled: bool(env, 'ECRM_CAMPAIGNS_ENABLED', true),
      tickMs: int(env, 'ECRM_CAMPAIGN_TICK_MS', 5_000, 50, 600_000),
      batchSize: int(env, 'ECRM_CAMPAIGN_BATCH', 5_000, 1, 100_000),
      triggerEveryMs: int(env, 'ECRM_CAMPAIGN_TRIGGER_EVERY_MS', 60_000, 50, 3_600_000),
      webhookConcurrency: int(env, 'ECRM_CAMPAIGN_WEBHOOK_CONCURRENCY', 8, 1, 256),
    },
  };
}
