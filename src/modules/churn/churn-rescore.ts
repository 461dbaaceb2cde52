import type { EntityManager } from '@mikro-orm/postgresql';
import { boundRows } from '../../core/db/bound.js';
import { namedSql, pgArray } from '../../core/db/named-sql.js';
import { BAND_HIGH, BAND_MEDIUM, ChurnModelKind } from './churn.enums.js';
import { BOUND_PARAMS, ENGAGEMENT_TYPES, liveFacts, MAX_NEXT_ORDER_WEEKS, scoredSql, scoringValues, TENANT_PARAMS, type ScoringModel } from './churn-score.sql.js';
import { activeModel } from './churn-model.js';
import { churnSettings, type ChurnSettings } from './churn-settings.js';

/**
 * Scores buyers (a scope of `member m`), writes member_churn and records threshold crossings in the same
 * statement, so a crossing commits exactly when its score does (the transactional outbox).
 *
 * Hysteresis: with ascending thresholds t1..tk and margin h, a member's level is the number of thresholds with
 * score >= t_i, or already counted (i <= previous level) and score >= t_i - h. Levels rising record UP crossings,
 * falling DOWN ones. A member's first score records none (nothing rose). A row scored later than this pass
 * (an order's rescoring while a tenant pass runs) is left alone, and so are its crossings.
 */
const STATEMENT = (params: string, scope: string, deleteScope: string, range: (column: string) => string = () => '') => `
with ${params}, ${liveFacts(`${scope} ${range('s.member_id')}`)}, ${scoredSql(range('tp.member_id'))},
leveled as (
  select sc.*, pc.score as prev_score, coalesce(pc.level, 0) as prev_level,
         (select count(*) from unnest(sc.thresholds) with ordinality th(v, k)
           where sc.score >= th.v or (th.k <= coalesce(pc.level, 0) and sc.score >= th.v - sc.hysteresis))::int as level
    from scored sc
    left join member_churn pc on pc.member_id = sc.member_id and pc.tenant_id = sc.tenant_id ${range('pc.member_id')}
), written as (
  insert into member_churn (member_id, tenant_id, score, band, level, model_kind, drivers, expected_next_order_at, repeat_purchases, recency_weeks, age_weeks, scored_at)
  select l.member_id, l.tenant_id, least(greatest(l.score, 0), 1),
         case when l.score >= ${BAND_HIGH} then 'HIGH' when l.score >= ${BAND_MEDIUM} then 'MEDIUM' else 'LOW' end,
         l.level, l.kind,
         jsonb_build_array(
           jsonb_build_object('name', case when l.kind = 'BG_NBD' then 'PURCHASE_PATTERN' else 'OVERDUE' end, 'contribution', round(l.base::numeric, 4)),
           jsonb_build_object('name', 'ENGAGEMENT', 'contribution', round(l.engagement::numeric, 4)),
           jsonb_build_object('name', 'REFUNDS', 'contribution', round(l.refund::numeric, 4)),
           jsonb_build_object('name', 'COMPLAINTS', 'contribution', round(l.complaint::numeric, 4))),
         case when l.kind = 'BG_NBD' then
                case when l.wait_weeks <= ${MAX_NEXT_ORDER_WEEKS} then :now::timestamptz + make_interval(secs => l.wait_weeks * 604800) end
              else l.last_at + make_interval(secs => l.e_days * 86400) end,
         l.x, l.tx, l.big_t, :now::timestamptz
    from leveled l
   -- One lock order for every writer (order rescoring, ingest batches, tenant chunks): no deadlocks between them.
   order by l.member_id
  on conflict (member_id) do update
     set score = excluded.score, band = excluded.band, level = excluded.level, model_kind = excluded.model_kind, drivers = excluded.drivers,
         expected_next_order_at = excluded.expected_next_order_at, repeat_purchases = excluded.repeat_purchases,
         recency_weeks = excluded.recency_weeks, age_weeks = excluded.age_weeks, scored_at = excluded.scored_at
   where member_churn.scored_at <= excluded.scored_at
  returning member_id
), crossings as (
  insert into churn_crossing (id, tenant_id, created_at, member_id, threshold, direction, previous_score, score, occurred_at)
  select gen_random_uuid(), l.tenant_id, :now::timestamptz, l.member_id, th.v, case when th.k > l.prev_level then 'UP' else 'DOWN' end,
         l.prev_score, least(greatest(l.score, 0), 1), :now::timestamptz
    from leveled l
    join written w on w.member_id = l.member_id
   cross join lateral unnest(l.thresholds) with ordinality th(v, k)
   where :record::boolean and l.prev_score is not null and th.k > least(l.prev_level, l.level) and th.k <= greatest(l.prev_level, l.level)
  returning 1
), gone as (
  -- Buyers no more (every order cancelled or refunded): no score.
  delete from member_churn c where c.tenant_id = :tenant ${deleteScope} and not exists (select 1 from facts f where f.member_id = c.member_id)
  returning 1
)
select (select count(*) from written)::int as scored, (select count(*) from crossings)::int as crossings, (select count(*) from gone)::int as removed`;

export interface RescoreResult {
  scored: number;
  crossings: number;
  removed: number;
}

async function run(em: EntityManager, sql: string, values: Record<string, unknown>): Promise<RescoreResult> {
  const bound = namedSql(sql, values);
  const [row] = await boundRows<RescoreResult>(em, bound.sql, bound.params);
  return { scored: row?.scored ?? 0, crossings: row?.crossings ?? 0, removed: row?.removed ?? 0 };
}

function values(tenantId: string, now: Date, model: ScoringModel, settings: ChurnSettings): Record<string, unknown> {
  return {
    ...scoringValues(tenantId, now, model, settings),
    // One array parameter (knex would spread a JS array into a list).
    thresholds: pgArray(settings.thresholds),
    hysteresis: settings.hysteresis,
  };
}

/** After an order or touchpoints: rescores these members in the caller's transaction. */
export async function rescoreMembers(em: EntityManager, tenantId: string, memberIds: string[], now = new Date()): Promise<RescoreResult> {
  const ids = [...new Set(memberIds)];
  if (!ids.length) return { scored: 0, crossings: 0, removed: 0 };
  return run(em, STATEMENT(TENANT_PARAMS, 'and m.id = any(:ids::uuid[])', 'and c.member_id = any(:ids::uuid[])'), { tenant: tenantId, now, engaged: [...ENGAGEMENT_TYPES], ids, record: true });
}

/** Members per transaction in a tenant pass: short row locks, and the outbox drains chunk by chunk. */
export const RESCORE_CHUNK = 50_000;

/**
 * Every buyer of the tenant, in member-id chunks of RESCORE_CHUNK, each its own transaction. With `silent`, levels
 * follow the new scores but no crossings are recorded (a switch of model moves everyone at once: that is not news).
 */
export async function rescoreTenant(
  em: EntityManager,
  tenantId: string,
  now: Date,
  onChunk?: (result: RescoreResult) => void | Promise<void>,
  silent = false,
  chunkSize = RESCORE_CHUNK,
): Promise<RescoreResult & { chunks: number; modelKind: ChurnModelKind }> {
  const [settings, model] = await Promise.all([churnSettings(em, tenantId), activeModel(em, tenantId)]);
  const total: RescoreResult = { scored: 0, crossings: 0, removed: 0 };
  let low: string | null = null;
  let chunks = 0;
  for (;;) {
    const [bound]: { id: string }[] = await em.execute<{ id: string }[]>(
      `select id from member where tenant_id = ? ${low ? 'and id > ?' : ''} order by id offset ${Math.max(1, Math.floor(chunkSize)) - 1} limit 1`,
      low ? [tenantId, low] : [tenantId],
    );
    const high: string | null = bound?.id ?? null;
    // The range on every member-keyed table of the statement, so each chunk reads its own members' rows only.
    const between = (column: string) => `${low ? `and ${column} > :low` : ''} ${high ? `and ${column} <= :high` : ''}`;
    const result = await em.transactional(async (tx) => {
      await tx.execute(`set local statement_timeout = '10min'`);
      return run(tx, STATEMENT(BOUND_PARAMS, between('m.id'), between('c.member_id'), between), { ...values(tenantId, now, model, settings), low, high, record: !silent });
    });
    chunks += 1;
    total.scored += result.scored;
    total.crossings += result.crossings;
    total.removed += result.removed;
    await onChunk?.(result);
    if (!high) break;
    low = high;
  }
  return { ...total, chunks, modelKind: model.kind };
}

/** Thresholds changed: levels follow the new thresholds at once, without crossings (nothing moved). */
export async function releveTenant(em: EntityManager, tenantId: string, thresholds: number[]): Promise<void> {
  await em.execute(
    `update member_churn c set level = (select count(*) from unnest(?::float8[]) th(v) where c.score >= th.v) where c.tenant_id = ?`,
    [pgArray(thresholds), tenantId],
  );
}
