import type { MikroORM } from '@mikro-orm/postgresql';
import type { Config } from './config.js';
import { openDatabase, migrate, type Database } from './database.js';
import { appSchema } from './schema.js';
import { startServer, type RunningServer } from './server.js';
import { Authenticator } from '../core/auth/authenticator.js';
import type { AppServices } from '../core/context.js';
import { logger } from '../core/logger.js';
import { createTenant, tenantCount } from '../modules/tenant/tenant.service.js';
import { seedDemoTenant } from '../modules/demo/demo.service.js';
import { demoReportLines, type DemoSize } from './cli-demo.js';
import { startJobQueue } from './jobs.js';
import { attachJobQueue, type JobQueue } from '../core/jobs/job-queue.js';
import { ChurnFeed } from '../modules/churn/churn-feed.js';
import { attachCampaignRunner, CampaignRunner } from '../modules/campaign/campaign-runner.js';

export interface RunningApp {
  url: string;
  services: AppServices;
  server: RunningServer;
  /** This process's scheduled-job queue. */
  jobs: JobQueue;
  close(): Promise<void>;
}

/** On the first start against an empty database: one tenant and its OWNER key, printed once. */
async function bootstrap(orm: MikroORM, out: (line: string) => void, url: string, demo?: DemoSize): Promise<void> {
  const em = orm.em.fork();
  if ((await tenantCount(em)) > 0) return;
  if (demo) {
    out(['', `  First start with --demo: creating a demo tenant with ${demo.members} members (seed ${demo.seed}).`].join('\n'));
    const report = await seedDemoTenant(em, url, demo);
    out([...demoReportLines(report, demo).map((line) => `  ${line}`), ''].join('\n'));
    return;
  }
  const { tenant, owner } = await createTenant(em, 'My shop');
  out(
    [
      '',
      '  First start: created tenant "My shop" and its OWNER access key.',
      '  It is shown this once; only its hash is stored. Keep it somewhere safe:',
      '',
      `    ${owner.key}`,
      '',
      `  tenant id: ${tenant.id}`,
      '',
    ].join('\n'),
  );
}

export interface StartOptions {
  /** Where the one-time OWNER key goes; stdout by default. */
  out?: (line: string) => void;
  bootstrap?: boolean;
  /** Seed a demo tenant instead of the empty "My shop" on a first start (`ecrm serve --demo`). */
  demo?: DemoSize;
}

/** Opens the database, applies migrations and serves GraphQL. */
export async function startApp(config: Config, options: StartOptions = {}): Promise<RunningApp> {
  const db: Database = await openDatabase(config);
  let jobs: JobQueue | undefined;
  let feed: ChurnFeed | undefined;
  let runner: CampaignRunner | undefined;
  try {
    const applied = await migrate(db.orm);
    if (applied.length) logger.info({ migrations: applied }, 'migrations applied');
    if (options.bootstrap !== false) await bootstrap(db.orm, options.out ?? ((line) => process.stdout.write(`${line}\n`)), db.url, options.demo);
    const services: AppServices = { orm: db.orm, config, authenticator: new Authenticator(db.orm), logger };
    const queue = await startJobQueue(db.orm, db.url, config, logger);
    jobs = queue;
    attachJobQueue(services, queue);
    const schema = await appSchema();
    feed = new ChurnFeed(services, schema, db.url);
    await feed.start();
    if (config.campaigns.enabled) {
      const { tickMs, batchSize, triggerEveryMs, webhookConcurrency } = config.campaigns;
      runner = new CampaignRunner(db.orm, logger, { tickMs, batchSize, triggerEveryMs, webhookConcurrency, passBudgetMs: Math.max(tickMs, 10_000) });
      attachCampaignRunner(services, runner);
      runner.start();
    }
    const server = await startServer(services, schema, config.host, config.port);
    logger.info({ url: server.url, embeddedDatabase: db.embedded }, 'ecrm listening');
    let closing: Promise<void> | undefined;
    return {
      url: server.url,
      services,
      server,
      jobs: queue,
      // Callers waiting on a job return first; job workers and the scheduler stop after HTTP drains and
      // before the pool closes, since a run in progress still uses it. Safe to call more than once.
      close: () =>
        (closing ??= (async () => {
          queue.beginClosing();
          await server.close();
          await runner?.stop();
          await feed?.stop();
          await queue.stop();
          await db.close();
        })()),
    };
  } catch (error) {
    await runner?.stop();
    await feed?.stop();
    await jobs?.stop();
    await db.close();
    throw error;
  }
}

/** Graceful shutdown on SIGTERM/SIGINT: stop accepting, drain, close the pool, stop the database. */
export function closeOnSignals(app: RunningApp, graceMs: number): void {
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      logger.error('shutdown grace period over; exiting');
      process.exit(1);
    }, graceMs);
    force.unref();
    app.close().then(
      () => {
        logger.info('shut down');
        process.exit(0);
      },
      (error) => {
        logger.error({ errorName: (error as Error).name }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}
