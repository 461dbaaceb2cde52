import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { Cursor } from '@mikro-orm/core';
import { READERS, type RootFieldRule } from '../role-rules';
import type { GqlResponse, TestApp } from '../harness';
import { ago, orderInput, recordOrder } from '../activity-fixtures';

/** One result of a subscription over graphql-ws, shaped like an HTTP answer (401 for UNAUTHENTICATED, as HTTP does). */
export function subscribeOnce(t: TestApp, key: string | undefined, query: string, variables: Record<string, unknown>): Promise<GqlResponse<any>> {
  const client = createClient({ url: t.wsUrl, webSocketImpl: WebSocket, lazy: true, retryAttempts: 0, connectionParams: key ? { authorization: `Bearer ${key}` } : {} });
  return new Promise<GqlResponse<any>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no subscription result within 10 s')), 10_000);
    const answer = (body: GqlResponse<any>['body']) => {
      clearTimeout(timer);
      const unauthenticated = body.errors?.some((error) => error.extensions?.code === 'UNAUTHENTICATED');
      resolve({ status: unauthenticated ? 401 : 200, headers: new Headers(), body });
    };
    client.subscribe(
      { query, variables },
      {
        next: (result) => answer(result as GqlResponse<any>['body']),
        error: (error) => (Array.isArray(error) ? answer({ errors: error }) : reject(error)),
        complete: () => undefined,
      },
    );
  }).finally(() => client.dispose());
}

/** A crossing in the fixture's tenant: an order 80 days back, moved 20 days further, then CHURN_SCORE (UP 0.5). */
async function makeCrossing(t: TestApp, fx: { tenant: { keys: Record<string, string> }; memberId: string }) {
  const order = await recordOrder(t, fx.tenant.keys.INGEST!, orderInput(fx.memberId, { placedAt: ago(80) }));
  const id = Buffer.from(fx.memberId, 'base64url').toString('utf8').split(':')[1]!;
  const connection = t.orm.em.getConnection();
  // The fixture's own order (10 days ago) goes back too, so 100 days have passed since the last one.
  await connection.execute(`update orders set placed_at = placed_at - interval '90 days', paid_at = paid_at - interval '90 days' where member_id = ? and external_id <> ?`, [id, order.externalId]);
  await connection.execute(`update orders set placed_at = placed_at - interval '20 days', paid_at = paid_at - interval '20 days' where member_id = ?`, [id]);
  await connection.execute(`update member_stats set first_order_at = (select min(placed_at) from orders where member_id = ?), last_order_at = (select max(placed_at) from orders where member_id = ?) where member_id = ?`, [id, id, id]);
  const run = await t.gql('mutation { jobRun(input: { job: CHURN_SCORE, wait: true }) { jobRun { state output } } }', {}, { key: fx.tenant.keys.ADMIN });
  const output = run.body.data?.jobRun?.jobRun?.output;
  if (!output || output.crossings < 1) throw new Error(`no crossing made: ${JSON.stringify(run.body)}`);
  // Crossings are listed once the feed has numbered them (at once after a NOTIFY, at the latest by its 2 s backstop).
  for (let waited = 0; waited < 15_000; waited += 100) {
    const [row] = await connection.execute<{ n: number }[]>('select count(*)::int as n from churn_crossing where member_id = ? and seq is not null', [id]);
    if (row!.n > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the crossing was not numbered within 15 s');
}

/** Who may read churn models, reports and crossings, and subscribe to them. */
export const CHURN_RULES: RootFieldRule[] = [
  {
    field: 'Query.churnModel',
    allowed: READERS,
    operation: '{ churnModel { kind buyers timeUnit } }',
    check: (result) => expect(result).toMatchObject({ kind: 'RHYTHM', timeUnit: 'WEEK' }),
  },
  {
    field: 'Query.churnModelReport',
    allowed: READERS,
    operation: 'query($asOf: DateTime!) { churnModelReport(asOf: $asOf, horizonDays: 30) { buyers churned } }',
    variables: () => ({ asOf: ago(60) }),
    check: (result) => expect(result.churned).toBeLessThanOrEqual(result.buyers),
  },
  {
    field: 'Query.churnRiskCrossings',
    allowed: READERS,
    operation: '{ churnRiskCrossings(first: 5) { totalCount nodes { direction threshold member { id } } } }',
    prepare: async (t, fx) => (await makeCrossing(t, fx), {}),
    // Each allowed caller's fixture adds a member (and a crossing) to the same tenant.
    check: (result, fx) => expect(result.nodes).toContainEqual({ direction: 'UP', threshold: 0.5, member: { id: fx.memberId } }),
  },
  {
    field: 'Subscription.churnRiskCrossed',
    allowed: READERS,
    operation: 'subscription($after: String) { churnRiskCrossed(afterCursor: $after) { direction threshold member { id } } }',
    // Resumes from just before this fixture's crossing, which the replay then delivers first.
    prepare: async (t, fx) => {
      const [row] = await t.orm.em.getConnection().execute<{ last: string }[]>('select coalesce(max(seq), 0)::text as last from churn_crossing');
      await makeCrossing(t, fx);
      return { after: Cursor.encode([row!.last]) };
    },
    run: (t, key, variables) => subscribeOnce(t, key, 'subscription($after: String) { churnRiskCrossed(afterCursor: $after) { direction threshold member { id } } }', variables),
    check: (result, fx) => expect(result).toEqual({ direction: 'UP', threshold: 0.5, member: { id: fx.memberId } }),
  },
];
