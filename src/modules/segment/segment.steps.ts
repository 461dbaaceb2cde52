import { affected, registerEraseStep, registerMergeStep } from '../member/member-merge.steps.js';

/** A merged or erased member leaves the RFM scores at once; the survivor is rescored at the next refresh. */
export function registerSegmentSteps(): void {
  registerMergeStep({
    name: 'rfm',
    run: (em, tenantId, mergedId) => affected(em, 'delete from member_rfm where tenant_id = ? and member_id = ?', [tenantId, mergedId]),
  });
  registerEraseStep({
    name: 'rfm',
    run: (em, tenantId, memberId) => affected(em, 'delete from member_rfm where tenant_id = ? and member_id = ?', [tenantId, memberId]),
  });
}
