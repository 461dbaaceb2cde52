import { affected, registerEraseStep, registerMergeStep } from '../member/member-merge.steps.js';
import { rescoreMembers } from './churn-rescore.js';

/**
 * Merge: the merged member's score goes, the survivor is rescored on the combined orders (its crossings, if any,
 * are recorded; the backstop timer numbers them). Erase: the score and the member's crossings go.
 */
export function registerChurnSteps(): void {
  registerMergeStep({
    name: 'churn',
    run: async (em, tenantId, mergedId, survivorId) => {
      const removed = await affected(em, 'delete from member_churn where tenant_id = ? and member_id = ?', [tenantId, mergedId]);
      await rescoreMembers(em, tenantId, [survivorId]);
      return removed;
    },
  });
  registerEraseStep({
    name: 'churn',
    run: async (em, tenantId, memberId) =>
      (await affected(em, 'delete from member_churn where tenant_id = ? and member_id = ?', [tenantId, memberId])) +
      (await affected(em, 'delete from churn_crossing where tenant_id = ? and member_id = ?', [tenantId, memberId])),
  });
}
