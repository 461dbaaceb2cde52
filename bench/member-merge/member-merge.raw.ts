import type { Client } from 'pg';
import { PURCHASE_STATUSES } from '../../src/modules/order/order.enums.js';

/** The server's purchase statuses as an SQL list. */
export const PURCHASES_SQL = PURCHASE_STATUSES.map((status) => `'${status}'`).join(', ');

/**
 * The physical reference: the statements a merge needs (the server's merge steps, see
 * member-merge.steps.ts, order.steps.ts and member-stats.ts), sent as raw SQL in one transaction.
 * $1 tenant, $2 survivor, $3 merged.
 */
const STEPS: [string, string][] = [
  ['lock', 'select id, status from member where tenant_id = $1 and id in ($2, $3) order by id for update'],
  ['identities', 'update member_identity set member_id = $2 where tenant_id = $1 and member_id = $3'],
  ['tags', `insert into member_tag (id, tenant_id, created_at, member_id, tag)
            select gen_random_uuid(), tenant_id, created_at, $2, tag from member_tag where tenant_id = $1 and member_id = $3
            on conflict (member_id, tag) do nothing`],
  ['tagsDelete', 'delete from member_tag where tenant_id = $1 and member_id = $3 and $2::uuid is not null'],
  ['consents', `insert into member_consent (id, tenant_id, created_at, member_id, channel, granted, source, changed_at)
                select gen_random_uuid(), tenant_id, created_at, $2, channel, granted, source, changed_at
                  from member_consent where tenant_id = $1 and member_id = $3
                on conflict (member_id, channel) do update set granted = excluded.granted, source = excluded.source, changed_at = excluded.changed_at
                 where member_consent.changed_at < excluded.changed_at`],
  ['consentsDelete', 'delete from member_consent where tenant_id = $1 and member_id = $3 and $2::uuid is not null'],
  ['consentHistory', 'update member_consent_event set member_id = $2 where tenant_id = $1 and member_id = $3'],
  ['earlierMerges', 'update member set merged_into_id = $2 where tenant_id = $1 and merged_into_id = $3'],
  ['touchpoints', 'update touchpoint set member_id = $2 where tenant_id = $1 and member_id = $3'],
  ['orders', 'update orders set member_id = $2 where tenant_id = $1 and member_id = $3'],
  ['stats', `insert into member_stats (member_id, tenant_id, first_order_at, last_order_at, order_count, net_spend, updated_at)
             select m.id, m.tenant_id, min(o.placed_at), max(o.placed_at), count(o.id), coalesce(sum(o.total - o.refunded_amount), 0), now()
               from member m
               left join orders o on o.tenant_id = m.tenant_id and o.member_id = m.id and o.status in (${PURCHASES_SQL})
              where m.tenant_id = $1 and m.id in ($2, $3)
              group by m.id, m.tenant_id
             on conflict (member_id) do update
                set first_order_at = excluded.first_order_at, last_order_at = excluded.last_order_at,
                    order_count = excluded.order_count, net_spend = excluded.net_spend, updated_at = excluded.updated_at`],
  ['members', `update member set status = case when id = $3 then 'MERGED' else status end, merged_into_id = case when id = $3 then $2::uuid end,
                      updated_at = now() where tenant_id = $1 and id in ($2, $3)`],
  ['mergeRecord', `insert into member_merge (id, tenant_id, created_at, survivor_id, merged_id, actor, moved)
                   values (gen_random_uuid(), $1, now(), $2, $3, 'bench', '{}')`],
];

export interface RawMerge {
  totalMs: number;
  /** Time of each statement, by step name. */
  stepMs: Record<string, number>;
  /** Rows each statement touched. */
  rows: Record<string, number>;
}

/** Merges `mergedId` into `survivorId` with raw SQL in one transaction on `client`, timing every statement. */
export async function rawMerge(client: Client, tenantId: string, survivorId: string, mergedId: string): Promise<RawMerge> {
  try {
    const stepMs: Record<string, number> = {};
    const rows: Record<string, number> = {};
    const started = performance.now();
    await client.query('begin');
    for (const [name, sql] of STEPS) {
      const t = performance.now();
      const result = await client.query(sql, [tenantId, survivorId, mergedId]);
      stepMs[name] = Number((performance.now() - t).toFixed(2));
      rows[name] = result.rowCount ?? 0;
    }
    const t = performance.now();
    await client.query('commit');
    stepMs.commit = Number((performance.now() - t).toFixed(2));
    return { totalMs: performance.now() - started, stepMs, rows };
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  }
}
