/** A minimal GraphQL-over-HTTP client for benchmarks: one POST per call, errors thrown. */
export interface GraphQLClient {
  /** Sends `query` with `variables`; returns `data`, or throws on HTTP or GraphQL errors. */
  call<T>(query: string, variables?: Record<string, unknown>): Promise<T>;
}

export function graphqlClient(url: string, key: string, timeoutMs = 30_000): GraphQLClient {
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${key}` };
  return {
    async call<T>(query: string, variables?: Record<string, unknown>): Promise<T> {
      const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ query, variables }), signal: AbortSignal.timeout(timeoutMs) });
      const text = await response.text();
      if (!response.ok) throw new Error(`HTTP ${response.status}: ${text.slice(0, 300)}`);
      const body = JSON.parse(text) as { data?: T; errors?: unknown[] };
      if (body.errors?.length || !body.data) throw new Error(`GraphQL errors: ${JSON.stringify(body.errors).slice(0, 500)}`);
      return body.data;
    },
  };
}

/** Median and maximum of a list of numbers (NaN when empty). */
export function medianMax(values: number[]): { median: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  if (!sorted.length) return { median: Number.NaN, max: Number.NaN };
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, max: sorted[sorted.length - 1]! };
}
