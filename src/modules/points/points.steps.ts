import { affected, registerEraseStep, registerMergeStep } from '../member/member-merge.steps.js';
import { ensureAccount } from './points-ledger.js';

/**
 * A merged member's points follow it: the ledger and lots move to the survivor and the two accounts are
 * added up, so the survivor's balance is still the sum of its (now combined) ledger. Debt moves too and is
 * repaid from the survivor's next earnings.
 */
export function registerPointsSteps(): void {
  registerMergeStep({
    name: 'points',
    run: async (em, tenantId, mergedId, survivorId) => {
      await ensureAccount(em, tenantId, survivorId);
      await em.execute('select id from points_account where tenant_id = ? and member_id in (?) order by member_id for no key update', [tenantId, [mergedId, survivorId]]);
      const moved = await affected(em, 'update points_entry set member_id = ? where tenant_id = ? and member_id = ?', [survivorId, tenantId, mergedId]);
      await affected(em, 'update points_lot set member_id = ? where tenant_id = ? and member_id = ?', [survivorId, tenantId, mergedId]);
      await affected(
        em,
        `update points_account s set balance = s.balance + m.balance, debt = s.debt + m.debt, earned = s.earned + m.earned,
                redeemed = s.redeemed + m.redeemed, expired = s.expired + m.expired, updated_at = now()
           from points_account m
          where s.tenant_id = ? and s.member_id = ? and m.tenant_id = ? and m.member_id = ?`,
        [tenantId, survivorId, tenantId, mergedId],
      );
      await affected(em, 'delete from points_account where tenant_id = ? and member_id = ?', [tenantId, mergedId]);
      return moved;
    },
  });
  // Ledger reasons are free text an administrator typed, and may name the person.
  registerEraseStep({
    name: 'pointsReasons',
    run: (em, tenantId, memberId) =>
      affected(em, `update points_entry set reason = null where tenant_id = ? and member_id = ? and kind = 'ADJUST' and reason is not null`, [tenantId, memberId]),
  });
}
