/** One-to-one tables a query may join to `member m`, each at most once. */
export const JOINS = {
  stats: 'left join member_stats s on s.member_id = m.id and s.tenant_id = m.tenant_id',
  rfm: 'left join member_rfm r on r.member_id = m.id and r.tenant_id = m.tenant_id',
  lifecycle: 'left join member_lifecycle lc on lc.member_id = m.id and lc.tenant_id = m.tenant_id',
  points: 'left join points_account pa on pa.tenant_id = m.tenant_id and pa.member_id = m.id',
  tier: 'left join member_tier mt on mt.member_id = m.id and mt.tenant_id = m.tenant_id left join tier t on t.id = mt.tier_id',
  churn: 'left join member_churn ch on ch.member_id = m.id and ch.tenant_id = m.tenant_id',
  store: 'left join store st on st.id = m.registered_store_id and st.tenant_id = m.tenant_id',
} as const;
export type JoinKey = keyof typeof JOINS;

/**
 * Collects bind values as `$n` placeholders (so fragments can be built in any order) and the joins a
 * query needs. `toKnex` turns the finished text into knex's positional `?` form.
 */
export class SqlParts {
  readonly values: unknown[] = [];
  readonly joins = new Set<JoinKey>();

  /** @param today the query's today, YYYY-MM-DD (UTC). */
  constructor(
    readonly tenantId: string,
    readonly today: string,
  ) {}

  /** A placeholder bound to `value`. Every value from query text goes through here. */
  p(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }

  list(values: unknown[]): string {
    return values.map((value) => this.p(value)).join(', ');
  }

  join(key: JoinKey): void {
    this.joins.add(key);
  }

  joinSql(): string {
    return (Object.keys(JOINS) as JoinKey[])
      .filter((key) => this.joins.has(key))
      .map((key) => JOINS[key])
      .join(' ');
  }

  toKnex(text: string): { sql: string; params: unknown[] } {
    const params: unknown[] = [];
    const sql = text.replace(/\$(\d+)/g, (_match, index: string) => {
      params.push(this.values[Number(index) - 1]);
      return '?';
    });
    return { sql, params };
  }
}
