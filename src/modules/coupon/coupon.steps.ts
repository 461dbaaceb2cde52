import { affected, registerEraseStep, registerMergeStep } from '../member/member-merge.steps.js';

/** Coupons follow a merged member (limits then count both); an erased member's open coupons are withdrawn. */
export function registerCouponSteps(): void {
  registerMergeStep({
    name: 'coupons',
    run: (em, tenantId, mergedId, survivorId) => affected(em, 'update coupon set member_id = ? where tenant_id = ? and member_id = ?', [survivorId, tenantId, mergedId]),
  });
  registerEraseStep({
    name: 'coupons',
    run: (em, tenantId, memberId) =>
      affected(em, `update coupon set state = 'VOID', voided_at = now() where tenant_id = ? and member_id = ? and state = 'ISSUED'`, [tenantId, memberId]),
  });
}
