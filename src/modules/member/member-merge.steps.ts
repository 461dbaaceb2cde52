import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * What must follow a member when it is merged into another, or be removed when it is erased.
 * Each module that attaches rows to members registers its steps here (touchpoints, orders and points
 * do in later modules), so one merge moves everything in one transaction.
 */
export interface MemberStep {
  name: string;
  /** Runs inside the merge or erase transaction; returns how many rows it moved or changed. */
  run(em: EntityManager, tenantId: string, memberId: string, survivorId: string): Promise<number>;
}

const mergeSteps: MemberStep[] = [];
const eraseSteps: MemberStep[] = [];

export function registerMergeStep(step: MemberStep): void {
  if (!mergeSteps.some((existing) => existing.name === step.name)) mergeSteps.push(step);
}

export function registerEraseStep(step: MemberStep): void {
  if (!eraseSteps.some((existing) => existing.name === step.name)) eraseSteps.push(step);
}

async function runAll(steps: MemberStep[], em: EntityManager, tenantId: string, memberId: string, survivorId: string) {
  const counts: Record<string, number> = {};
  for (const step of steps) counts[step.name] = await step.run(em, tenantId, memberId, survivorId);
  return counts;
}

export const runMergeSteps = (em: EntityManager, tenantId: string, mergedId: string, survivorId: string) =>
  runAll(mergeSteps, em, tenantId, mergedId, survivorId);

export const runEraseSteps = (em: EntityManager, tenantId: string, memberId: string) => runAll(eraseSteps, em, tenantId, memberId, memberId);

/** Runs a write statement and returns how many rows it touched. */
export async function affected(em: EntityManager, sql: string, params: unknown[]): Promise<number> {
  const result = await em.execute<{ affectedRows: number }>(sql, params, 'run');
  return result.affectedRows;
}

// The member module's own rows.
registerMergeStep({
  name: 'identities',
  run: (em, tenantId, mergedId, survivorId) =>
    affected(em, 'update member_identity set member_id = ? where tenant_id = ? and member_id = ?', [survivorId, tenantId, mergedId]),
});
registerMergeStep({
  name: 'tags',
  run: async (em, tenantId, mergedId, survivorId) => {
    const moved = await affected(
      em,
      `insert into member_tag (id, tenant_id, created_at, member_id, tag)
       select gen_random_uuid(), tenant_id, created_at, ?, tag from member_tag where tenant_id = ? and member_id = ?
       on conflict (member_id, tag) do nothing`,
      [survivorId, tenantId, mergedId],
    );
    await affected(em, 'delete from member_tag where tenant_id = ? and member_id = ?', [tenantId, mergedId]);
    return moved;
  },
});
registerMergeStep({
  name: 'consents',
  // Per channel the newest decision wins, whichever record it was made on.
  run: async (em, tenantId, mergedId, survivorId) => {
    const moved = await affected(
      em,
      `insert into member_consent (id, tenant_id, created_at, member_id, channel, granted, source, changed_at)
       select gen_random_uuid(), tenant_id, created_at, ?, channel, granted, source, changed_at
         from member_consent where tenant_id = ? and member_id = ?
       on conflict (member_id, channel) do update
          set granted = excluded.granted, source = excluded.source, changed_at = excluded.changed_at
        where member_consent.changed_at < excluded.changed_at`,
      [survivorId, tenantId, mergedId],
    );
    await affected(em, 'delete from member_consent where tenant_id = ? and member_id = ?', [tenantId, mergedId]);
    return moved;
  },
});
registerMergeStep({
  name: 'consentHistory',
  run: (em, tenantId, mergedId, survivorId) =>
    affected(em, 'update member_consent_event set member_id = ? where tenant_id = ? and member_id = ?', [survivorId, tenantId, mergedId]),
});
registerMergeStep({
  name: 'earlierMerges',
  // Keeps every merged id one hop from its survivor.
  run: (em, tenantId, mergedId, survivorId) =>
    affected(em, 'update member set merged_into_id = ? where tenant_id = ? and merged_into_id = ?', [survivorId, tenantId, mergedId]),
});

registerEraseStep({
  name: 'identities',
  run: (em, tenantId, memberId) => affected(em, 'delete from member_identity where tenant_id = ? and member_id = ?', [tenantId, memberId]),
});
registerEraseStep({
  name: 'tags',
  run: (em, tenantId, memberId) => affected(em, 'delete from member_tag where tenant_id = ? and member_id = ?', [tenantId, memberId]),
});
registerEraseStep({
  // Consent history holds no personal data and is the evidence of what was allowed; the current
  // state is withdrawn so nothing is ever sent to the tombstone.
  name: 'consents',
  run: (em, tenantId, memberId) =>
    affected(
      em,
      `update member_consent set granted = false, source = 'erasure', changed_at = now() where tenant_id = ? and member_id = ?`,
      [tenantId, memberId],
    ),
});
