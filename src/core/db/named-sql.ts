/**
 * Turns `:name` placeholders into knex's positional `?` with the values in order (a `::type` cast is left
 * alone), so long set-based statements can name their parameters. Unknown names throw.
 */
export function namedSql(sql: string, values: Record<string, unknown>): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const text = sql.replace(/(?<!:):([a-zA-Z]\w*)/g, (_match, name: string) => {
    if (!(name in values)) throw new Error(`no value for :${name}`);
    params.push(values[name]);
    return '?';
  });
  return { sql: text, params };
}

/**
 * A PostgreSQL array literal (`{"a","b"}`, `{1,2.5}`), to bind as one parameter and cast, e.g. `:ids::uuid[]`.
 * Text values are quoted and escaped; numbers are written as they are.
 */
export function pgArray(values: readonly (string | number)[]): string {
  return `{${values.map((value) => (typeof value === 'number' ? String(value) : `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`)).join(',')}}`;
}
