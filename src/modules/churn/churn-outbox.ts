import type pg from 'pg';

/** The NOTIFY channel; the payload is the highest sequence number just made visible. */
export const CROSSING_CHANNEL = 'ecrm_churn_crossing';
/** Serialises sequencers across every process (pg_advisory_xact_lock key). */
const SEQUENCER_LOCK = 4_242_006_001;
const BATCH = 10_000;

/**
 * Numbers committed crossings in commit order. Scoring transactions insert crossings with `seq` null; this
 * short transaction, serialised by an advisory lock, gives every committed unnumbered row the next numbers and
 * commits before the next sequencer starts, so numbers become visible only as a growing prefix: a client that
 * read everything up to N never later finds a new row below N. One NOTIFY per batch, after the scoring
 * transaction committed (NOTIFY inside a busy write transaction serialises commits; see PERFORMANCE.md).
 */
export async function sequenceCrossings(pool: pg.Pool): Promise<{ numbered: number; lastSeq: string | null }> {
  let numbered = 0;
  let lastSeq: string | null = null;
  for (;;) {
    const batch = await inTransaction(pool, async (client) => {
      await client.query('select pg_advisory_xact_lock($1)', [SEQUENCER_LOCK]);
      const { rows: [row] } = await client.query<{ n: number; last: string | null }>(
        `with next as (
           select u.id, nextval('churn_crossing_seq_seq') as seq
             from (select id from churn_crossing where seq is null
                    -- One member's crossings of one scoring in the order the score moved through them; the partial
                    -- index has this order, so a backlog is read batch by batch without a sort.
                    order by created_at, tenant_id, member_id, (case when direction = 'UP' then threshold else -threshold end), id
                    limit ${BATCH}) u
         ), numbered as (
           update churn_crossing c set seq = next.seq from next where c.id = next.id returning c.seq
         )
         select count(*)::int as n, max(seq)::text as last from numbered`,
      );
      if (row && row.n > 0) await client.query('select pg_notify($1, $2)', [CROSSING_CHANNEL, row.last]);
      return row ?? { n: 0, last: null };
    });
    numbered += batch.n;
    if (batch.last) lastSeq = batch.last;
    if (batch.n < BATCH) return { numbered, lastSeq };
  }
}

/** Cheap check for the backstop timer (partial index on unnumbered rows). */
export async function hasUnsequenced(pool: pg.Pool): Promise<boolean> {
  const { rows: [row] } = await pool.query<{ pending: boolean }>('select exists (select 1 from churn_crossing where seq is null) as pending');
  return Boolean(row?.pending);
}

async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    const result = await work(client);
    await client.query('commit');
    return result;
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
