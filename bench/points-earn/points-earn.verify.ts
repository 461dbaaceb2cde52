import { Client } from 'pg';
import type { StatementStats } from '../lib/postgres.js';
import type { EarnTenant } from './points-earn.seed.js';

export interface Ledger {
  touched: string;
  wrong: string;
  api_entries: string;
  pgbench_entries: string;
  lots: string;
  entries: string;
}

/**
 * Every touched account against its rows: balance - debt = sum of its entries = lifetime earned, and
 * balance = what its lots still hold (earning only, no debt here); one lot per entry. Counts entries per writer.
 */
export async function ledgerCheck(tenant: EarnTenant, pgbenchActor: string): Promise<Ledger> {
  const client = new Client({ connectionString: tenant.url });
  await client.connect();
  try {
    const { rows } = await client.query<Ledger>(
      `with e as (
         select member_id, sum(amount) as total, count(*) as n,
                count(*) filter (where actor = $2) as api, count(*) filter (where actor = $3) as pgb
           from points_entry where tenant_id = $1 group by member_id
       ), l as (
         select member_id, sum(remaining) as remaining, count(*) as n from points_lot where tenant_id = $1 group by member_id
       )
       select count(*)::text as touched,
              count(*) filter (where a.balance - a.debt <> e.total or a.earned <> e.total or a.balance <> coalesce(l.remaining, 0) or coalesce(l.n, 0) <> e.n)::text as wrong,
              coalesce(sum(e.api), 0)::text as api_entries, coalesce(sum(e.pgb), 0)::text as pgbench_entries,
              coalesce(sum(l.n), 0)::text as lots, coalesce(sum(e.n), 0)::text as entries
         from e join points_account a on a.tenant_id = $1 and a.member_id = e.member_id
         left join l on l.member_id = e.member_id`,
      [tenant.tenantId, tenant.actor, pgbenchActor],
    );
    return rows[0]!;
  } finally {
    await client.end();
  }
}

/**
 * Statements per call (and their execution time) among those sent at least once per call; the rest (sent
 * fewer times than there were calls: the server's job queue polling) are counted apart.
 */
export function perCall(stats: StatementStats | null, calls: number): { statements: number; execMs: number; background: number } | null {
  if (!stats) return null;
  const each = stats.byStatement.filter((st) => st.calls >= calls);
  const background = stats.byStatement.filter((st) => st.calls < calls);
  return {
    statements: each.reduce((n, st) => n + st.calls, 0) / calls,
    execMs: each.reduce((ms, st) => ms + st.execMs, 0) / calls,
    background: background.reduce((n, st) => n + st.calls, 0),
  };
}

/**
 * Throws unless pgbench sent as many statements per transaction as the server per pointsEarn and, besides
 * EARN_SQL (built from the server's own text), the very same ones as pg_stat_statements normalises them.
 */
export function sameStatements(api: StatementStats | null, pgbench: StatementStats | null, calls: number): void {
  const perApi = perCall(api, calls);
  const perPgbench = perCall(pgbench, calls);
  if (!api || !pgbench || !perApi || !perPgbench) return;
  if (perApi.statements !== perPgbench.statements) {
    throw new Error(`pgbench sends ${perPgbench.statements} statements per transaction but the server ${perApi.statements} per pointsEarn: update the pgbench script`);
  }
  const pgbenchTexts = new Set(pgbench.byStatement.map((st) => st.query));
  const missing = api.byStatement.filter((st) => st.calls >= calls && !st.query.includes('insert into points_entry') && !pgbenchTexts.has(st.query));
  if (missing.length) throw new Error(`the server sends statements pgbench does not:\n${missing.map((st) => st.query).join('\n')}`);
}
