import type { EntityManager } from '@mikro-orm/postgresql';
import type { Client } from 'pg';
import { AUDIENCE_SQL } from '../../src/modules/campaign/campaign-audience.sql.js';
import { planDeliveries } from '../../src/modules/campaign/campaign-plan.js';
import { campaignAggregates } from '../../src/modules/campaign/campaign-report.sql.js';
import { settingsOf } from '../../src/modules/campaign/campaign-send.js';
import { Campaign } from '../../src/modules/campaign/campaign.entity.js';
import { explain } from '../churn/churn.explain.js';
import { CONTROL_PERCENT } from './campaigns.api.js';
import { PEER_PLAN_SQL } from './campaigns.sql.js';

class Captured extends Error {
  constructor(readonly sql: string, readonly params: unknown[]) {
    super('captured');
  }
}

/** knex's `?` placeholders as PostgreSQL's `$n` (these statements use no `?` operator). */
const positional = (sql: string) => {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
};

/** An EntityManager whose boundRows captures the first statement's text and values and stops there. */
const capturing = {
  getConnection: () => ({ getKnex: () => ({ raw: (sql: string, params: unknown[]) => { throw new Captured(sql, params); } }) }),
  getTransactionContext: () => undefined,
} as unknown as EntityManager;

async function captured(fn: () => Promise<unknown>): Promise<{ sql: string; params: unknown[] }> {
  try {
    await fn();
  } catch (error) {
    if (error instanceof Captured) return { sql: positional(error.sql), params: error.params };
    throw error;
  }
  throw new Error('no statement was sent');
}

/**
 * The statement planDeliveries would send for `campaignId`, without running it: boundRows is handed an
 * EntityManager whose knex captures the text and values and stops there.
 */
async function productPlanStatement(em: EntityManager, campaignId: string, now: Date): Promise<{ sql: string; params: unknown[] }> {
  const campaign = await em.findOneOrFail(Campaign, { id: campaignId }, { filters: false });
  const settings = await settingsOf(em, campaign.tenantId);
  return captured(() => planDeliveries(capturing, { campaign, settings, deep: false, now }, { sql: AUDIENCE_SQL, params: { occurrence: '-' } }));
}

/** EXPLAIN (ANALYZE, BUFFERS) of the statement campaignReports sends for one campaign (a read; the session has no statement timeout). */
export async function explainReport(client: Client, tenantId: string, campaignId: string): Promise<string> {
  const report = await captured(() => campaignAggregates(capturing, tenantId, [campaignId]));
  return explain(client, report.sql, report.params);
}

/** EXPLAIN (no ANALYZE) of the product's plan statement for a DRAFT campaign: the plan the runner's first attempt gets. */
export async function explainPlanShape(em: EntityManager, client: Client, campaignId: string): Promise<string> {
  const product = await productPlanStatement(em, campaignId, new Date());
  const { rows } = await client.query<{ 'QUERY PLAN': string }>(`explain ${product.sql}`, product.params);
  return rows.map((row) => row['QUERY PLAN']).join('\n');
}

/** EXPLAIN (ANALYZE, BUFFERS) of the product's and the peer's plan statements for a DRAFT campaign, each rolled back. */
export async function explainPlans(em: EntityManager, client: Client, tenantId: string, campaignId: string): Promise<Record<string, string>> {
  const now = new Date();
  const product = await productPlanStatement(em, campaignId, now);
  return {
    productPlan: await explain(client, product.sql, product.params),
    peerPlan: await explain(client, PEER_PLAN_SQL, [tenantId, campaignId, campaignId, now, CONTROL_PERCENT * 100, 5_000]),
  };
}
