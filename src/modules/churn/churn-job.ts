import type { EntityManager } from '@mikro-orm/postgresql';
import type { JobOutput } from '../../core/jobs/tenant-jobs.js';
import { refitModel } from './churn-model.js';
import { kickChurnOutbox } from './churn-feed.js';
import { rescoreTenant } from './churn-rescore.js';
import { churnSettings } from './churn-settings.js';

/** CHURN_SCORE: refit, then rescore every buyer; each chunk's crossings are numbered and pushed as it commits. */
export async function scoreTenantChurn(em: EntityManager, tenantId: string, now: Date): Promise<JobOutput> {
  const settings = await churnSettings(em, tenantId);
  const model = await em.transactional(async (tx) => {
    await tx.execute(`set local statement_timeout = '10min'`);
    return refitModel(tx, tenantId, now, settings.minBuyers);
  });
  const result = await rescoreTenant(em, tenantId, now, () => kickChurnOutbox());
  return {
    model: model.kind,
    buyers: model.buyers,
    ...(model.logLikelihood !== null ? { logLikelihood: Math.round(model.logLikelihood * 100) / 100 } : {}),
    scored: result.scored,
    crossings: result.crossings,
    removed: result.removed,
    chunks: result.chunks,
  };
}
