import type { EntityManager } from '@mikro-orm/postgresql';

/** The member's current tier and its earning multiplier (100 = 1x without a tier). */
export async function tierMultiplierOf(em: EntityManager, tenantId: string, memberId: string): Promise<{ tierId: string | null; code: string | null; earnMultiplierPercent: number }> {
  const [row] = await em.execute<{ id: string; code: string; earn_multiplier_percent: number }[]>(
    `select t.id, t.code, t.earn_multiplier_percent from member_tier mt join tier t on t.id = mt.tier_id and t.tenant_id = mt.tenant_id
      where mt.tenant_id = ? and mt.member_id = ? and t.retired_at is null`,
    [tenantId, memberId],
  );
  return row ? { tierId: row.id, code: row.code, earnMultiplierPercent: row.earn_multiplier_percent } : { tierId: null, code: null, earnMultiplierPercent: 100 };
}
