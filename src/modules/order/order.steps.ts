import { affected, registerEraseStep, registerMergeStep } from '../member/member-merge.steps.js';
import { refreshMemberStats } from './member-stats.js';

/** Touchpoints and orders follow a merged member to its survivor; stats are recomputed for both. */
export function registerActivitySteps(): void {
  registerMergeStep({
    name: 'touchpoints',
    run: (em, tenantId, mergedId, survivorId) =>
      affected(em, 'update touchpoint set member_id = ? where tenant_id = ? and member_id = ?', [survivorId, tenantId, mergedId]),
  });
  registerMergeStep({
    name: 'orders',
    run: async (em, tenantId, mergedId, survivorId) => {
      const moved = await affected(em, 'update orders set member_id = ? where tenant_id = ? and member_id = ?', [survivorId, tenantId, mergedId]);
      await refreshMemberStats(em, tenantId, [survivorId, mergedId]);
      return moved;
    },
  });
  // Event properties are free-form and may hold personal data; orders stay for the aggregates.
  registerEraseStep({
    name: 'touchpointProperties',
    run: (em, tenantId, memberId) =>
      affected(em, 'update touchpoint set properties = null, source = null where tenant_id = ? and member_id = ? and properties is not null', [tenantId, memberId]),
  });
}
