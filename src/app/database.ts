import { MikroORM } from '@mikro-orm/postgresql';
import type { Config } from './config.js';
import { startEmbeddedDatabase } from './embedded-db.js';
import { ormConfig } from '../core/db/mikro-orm.config.js';
import { registerActivitySteps } from '../modules/order/order.steps.js';
import { registerPointsSteps } from '../modules/points/points.steps.js';
import { registerTierSteps } from '../modules/tier/tier.steps.js';
import { registerCouponSteps } from '../modules/coupon/coupon.steps.js';
import { registerSegmentSteps } from '../modules/segment/segment.steps.js';
import { registerLifecycleSteps } from '../modules/lifecycle/lifecycle.steps.js';
import { registerChurnSteps } from '../modules/churn/churn.steps.js';
import { registerCampaignSteps } from '../modules/campaign/campaign.steps.js';

export interface Database {
  orm: MikroORM;
  url: string;
  embedded: boolean;
  close(): Promise<void>;
}

/** Connects to DATABASE_URL, or to the embedded PostgreSQL when none is set. */
export async function openDatabase(config: Config): Promise<Database> {
  // Order matters: points follow the orders, tiers follow both.
  registerActivitySteps();
  registerPointsSteps();
  registerTierSteps();
  registerCouponSteps();
  registerSegmentSteps();
  registerLifecycleSteps();
  registerChurnSteps();
  registerCampaignSteps();
  const embedded = config.databaseUrl ? undefined : await startEmbeddedDatabase(config.dataDir, config.embeddedPgPort);
  const url = config.databaseUrl ?? embedded!.url;
  let orm: MikroORM;
  try {
    orm = await MikroORM.init(
      ormConfig({
        url,
        statementTimeoutMs: config.statementTimeoutMs,
        poolMax: config.poolMax,
        poolAcquireTimeoutMs: config.poolAcquireTimeoutMs,
      }),
    );
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
  return {
    orm,
    url,
    embedded: embedded !== undefined,
    close: async () => {
      await orm.close(true);
      await embedded?.stop();
    },
  };
}

/** Applies pending migrations; returns the names applied. */
export async function migrate(orm: MikroORM): Promise<string[]> {
  const applied = await orm.getMigrator().up();
  return applied.map((migration) => migration.name);
}

/** True when every known migration has been applied. */
export async function migrationsApplied(orm: MikroORM): Promise<boolean> {
  const pending = await orm.getMigrator().getPendingMigrations();
  return pending.length === 0;
}
