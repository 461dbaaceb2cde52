import type { EntityManager } from '@mikro-orm/postgresql';
import type { JobOutput } from '../../core/jobs/tenant-jobs.js';
import { activeModel, refitModel } from './churn-model.js';
import { kickChurnOutbox } from './churn-feed.js';
import { rescoreTenant } from './churn-rescore.js';
import { churnSettings } from './churn-settings.js';

/** CHURN_SCORE: refit, then rescore every buyer; each chunk's crossings are numbered and pushed as it commits. */
export async function scoreTenantChurn(em: EntityManager, tenantId: string, now: Date): Promise<JobOutput> {
  const settings = await churnSettings(em, tenantId);
  const previous = await activeModel(em, tenantId);
  // No transaction around the fit: its reads are single statements, and the optimiser's seconds of CPU hold nothing.
  const model = await refitModel(em, tenantId, now, settings.minBuyers);
  // A change of model kind (RHYTHM to BG/NBD at the 200th buyer) moves every score at once: placed silently.
  const switched = previous.kind !== model.kind;
  const result = await rescoreTenant(em, tenantId, now, () => kickChurnOutbox(), switched);
  return {
    model: model.kind,
    buyers: model.buyers,
    ...(model.logLikelihood !== null ? { logLikelihood: Math.round(model.logLikelihood * 100) / 100 } : {}),
    scored: result.scored,
    crossings: result.crossings,
    removed: result.removed,
    chunks: result.chunks,
    ...(switched ? { modelSwitched: `${previous.kind} to ${model.kind}` } : {}),
  };
}
