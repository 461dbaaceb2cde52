import { affected, registerEraseStep, registerMergeStep } from '../member/member-merge.steps.js';
import { LifecycleCause } from './lifecycle.enums.js';
import { refreshMemberLifecycle } from './lifecycle.sql.js';

/** The merged member's stage goes (its transitions stay as history); the survivor's follows its merged orders. */
export function registerLifecycleSteps(): void {
  registerMergeStep({
    name: 'lifecycle',
    run: async (em, tenantId, mergedId, survivorId) => {
      const removed = await affected(em, 'delete from member_lifecycle where tenant_id = ? and member_id = ?', [tenantId, mergedId]);
      await refreshMemberLifecycle(em, tenantId, [survivorId], LifecycleCause.MERGE);
      return removed;
    },
  });
  registerEraseStep({
    name: 'lifecycle',
    run: (em, tenantId, memberId) => affected(em, 'delete from member_lifecycle where tenant_id = ? and member_id = ?', [tenantId, memberId]),
  });
}
