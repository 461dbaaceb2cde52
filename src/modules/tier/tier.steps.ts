import type { EntityManager } from '@mikro-orm/postgresql';
import { affected, registerMergeStep } from '../member/member-merge.steps.js';
import { loadProgram } from '../points/loyalty-program.js';
import { growthValues, monthsFrom } from './tier-growth.js';
import { TierChangeReason } from './tier.enums.js';

interface Held {
  tier_id: string | null;
  threshold: number | null;
  since: Date | null;
  review_at: Date | null;
}

/** A member's current tier (a retired one counts as none), with its period. */
async function heldBy(em: EntityManager, tenantId: string, memberId: string): Promise<Held | undefined> {
  const [row] = await em.execute<Held[]>(
    `select t.id as tier_id, t.threshold::float8 as threshold, mt.since, mt.review_at
       from member_tier mt left join tier t on t.tenant_id = mt.tenant_id and t.id = mt.tier_id and t.retired_at is null
      where mt.tenant_id = ? and mt.member_id = ?`,
    [tenantId, memberId],
  );
  return row;
}

/**
 * Runs after the orders and points steps, so the survivor's growth value already counts the merged
 * member's activity. The survivor keeps the best of its own tier, the merged member's tier and the tier
 * the combined growth value reaches (one MERGE change when that is not its own); the merged member's
 * tier history follows it.
 */
async function mergeTiers(em: EntityManager, tenantId: string, mergedId: string, survivorId: string): Promise<number> {
  const moved = await affected(em, 'update tier_change set member_id = ? where tenant_id = ? and member_id = ?', [survivorId, tenantId, mergedId]);
  const merged = await heldBy(em, tenantId, mergedId);
  await affected(em, 'delete from member_tier where tenant_id = ? and member_id = ?', [tenantId, mergedId]);
  const now = new Date();
  const program = await loadProgram(em, tenantId);
  const growth = (await growthValues(em, program, tenantId, [survivorId], now)).get(survivorId) ?? 0;
  const [reached] = await em.execute<{ tier_id: string; threshold: number; review_at: Date }[]>(
    `select id as tier_id, threshold::float8 as threshold, ${monthsFrom('+')} as review_at from tier
      where tenant_id = ? and retired_at is null and threshold <= ? order by threshold desc limit 1`,
    [now, program.tierPeriodMonths, tenantId, growth],
  );
  const own = await heldBy(em, tenantId, survivorId);
  const candidates: Held[] = [own, merged, reached && { ...reached, since: now }].filter((held): held is Held => !!held?.tier_id);
  // Ties keep the survivor's own tier and period.
  const best = candidates.reduce<Held | null>((top, held) => (!top || held.threshold! > top.threshold! ? held : top), null);
  await em.execute(
    `insert into member_tier (member_id, tenant_id, tier_id, growth_value, since, review_at, updated_at) values (?, ?, ?, ?, ?, ?, ?)
     on conflict (member_id) do update set tier_id = excluded.tier_id, growth_value = excluded.growth_value,
        since = excluded.since, review_at = excluded.review_at, updated_at = excluded.updated_at`,
    [survivorId, tenantId, best?.tier_id ?? null, growth, best?.since ?? null, best?.review_at ?? null, now],
  );
  if (best && best.tier_id !== own?.tier_id) {
    await em.execute(
      `insert into tier_change (id, tenant_id, created_at, member_id, from_tier_id, to_tier_id, reason, growth_value)
       values (gen_random_uuid(), ?, ?, ?, ?, ?, ?, ?)`,
      [tenantId, now, survivorId, own?.tier_id ?? null, best.tier_id, TierChangeReason.MERGE, growth],
    );
  }
  return moved;
}

/** Tiers follow a merged member to its survivor. Register after the orders and points steps. */
export function registerTierSteps(): void {
  registerMergeStep({ name: 'tiers', run: mergeTiers });
}
