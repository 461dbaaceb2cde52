import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Client, Pool } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { randomBytes } from 'node:crypto';
import { cpuWindow, type CpuShare } from '../lib/cpu.js';
import { BATCH, type SentRow } from './touchpoint-ingest.events.js';

/** How fast one way of writing the rows went, and the CPU it took. */
export interface WriteStats {
  rows: number;
  seconds: number;
  rowsPerSecond: number;
  cpu: CpuShare;
}

/**
 * uuidv7 ids as src/core/ids.ts makes them (same layout, same index locality), with the random bytes
 * drawn 1,000 ids at a time: the limit should not pay a crypto call per row.
 */
function uuidv7s(count: number): string[] {
  const bytes = randomBytes(16 * count);
  const now = Date.now();
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const b = bytes.subarray(16 * i, 16 * i + 16);
    b.writeUIntBE(now, 0, 6);
    b[6] = (b[6]! & 0x0f) | 0x70;
    b[8] = (b[8]! & 0x3f) | 0x80;
    const hex = b.toString('hex');
    ids.push(`${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`);
  }
  return ids;
}

const COLUMNS = 'id, tenant_id, created_at, member_id, type, custom_type, channel, store_id, occurred_at, source, properties, event_id, order_id';

/** COPY text format: backslash, tab, newline and carriage return escaped; null is \N. */
function field(value: string | null): string {
  if (value === null) return '\\N';
  return /[\\\t\n\r]/.test(value) ? value.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r') : value;
}

function* copyChunks(tenantId: string, rows: SentRow[], tag: string): Generator<string> {
  const createdAt = new Date().toISOString();
  for (let start = 0; start < rows.length; start += BATCH) {
    let chunk = '';
    const ids = uuidv7s(BATCH);
    for (let i = start; i < Math.min(rows.length, start + BATCH); i++) {
      const row = rows[i]!;
      chunk += `${[ids[i - start]!, tenantId, createdAt, row.memberId, row.type, null, row.channel, row.storeId, row.occurredAt, row.source, row.properties, `${tag}-${i}`, null]
        .map(field)
        .join('\t')}\n`;
    }
    yield chunk;
  }
}

/**
 * The limit: the same rows, new event ids, streamed from this process with COPY over one connection.
 * `withoutForeignKeys` skips the per-row foreign key triggers (session_replication_role = replica, superuser
 * only): what the constraints cost, not a path the server could take.
 */
export async function copyRows(url: string, tenantId: string, rows: SentRow[], tag: string, withoutForeignKeys = false): Promise<WriteStats> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    if (withoutForeignKeys) await client.query('set session_replication_role = replica');
    const { rows: backend } = await client.query<{ pid: number }>('select pg_backend_pid() as pid');
    const window = cpuWindow({ bench: process.pid, db: backend[0]!.pid });
    const started = performance.now();
    await pipeline(Readable.from(copyChunks(tenantId, rows, tag)), client.query(copyFrom(`copy touchpoint (${COLUMNS}) from stdin`)));
    const seconds = (performance.now() - started) / 1000;
    return { rows: rows.length, seconds, rowsPerSecond: rows.length / seconds, cpu: window() };
  } finally {
    await client.end();
  }
}

// The server's own statement (src/modules/touchpoint/touchpoint-writer.ts), in positional form.
const JSONB_INSERT = `insert into touchpoint (${COLUMNS})
  select r.id, $1, $2, r."memberId", r.type, r."customType", r.channel, r."storeId", r."occurredAt", r.source, r.properties, r."eventId", r."orderId"
    from jsonb_to_recordset($3::jsonb) as r(id uuid, "memberId" uuid, type text, "customType" text, channel text, "storeId" uuid,
                                            "occurredAt" timestamptz, source text, properties jsonb, "eventId" text, "orderId" uuid)
  on conflict (tenant_id, event_id) do nothing
  returning event_id`;

/**
 * The middle reference: the server's insert statement sent straight from a pool, `concurrency`
 * clients, one 1,000-row batch per statement and transaction (no GraphQL, no member resolution).
 */
export async function insertJsonb(url: string, tenantId: string, rows: SentRow[], tag: string, concurrency: number): Promise<WriteStats> {
  const pool = new Pool({ connectionString: url, max: concurrency });
  pool.on('error', () => undefined); // an idle client dropped at cleanup is not this benchmark's failure
  try {
    // Open every connection first, so the CPU window below sees all their backends.
    const clients = await Promise.all(Array.from({ length: concurrency }, () => pool.connect()));
    const pids = await Promise.all(clients.map((client) => client.query<{ pid: number }>('select pg_backend_pid() as pid')));
    clients.forEach((client) => client.release());
    const backends = pids.map((result) => result.rows[0]!);
    const window = cpuWindow({ bench: process.pid, ...Object.fromEntries(backends.map((b) => [`db${b.pid}`, b.pid])) });
    let next = 0;
    let inserted = 0;
    const started = performance.now();
    const worker = async () => {
      for (let start = next; start < rows.length; start = next) {
        next += BATCH;
        // Built as text around the stored properties JSON (no parse and re-stringify per row).
        const ids = uuidv7s(BATCH);
        const batch = rows.slice(start, start + BATCH).map(
          (row, i) =>
            `{"id":"${ids[i]!}","memberId":"${row.memberId}","type":"${row.type}","channel":"${row.channel}","storeId":${row.storeId ? `"${row.storeId}"` : 'null'},` +
            `"occurredAt":"${row.occurredAt}","source":${JSON.stringify(row.source)},"properties":${row.properties},"eventId":"${tag}-${start + i}"}`,
        );
        const result = await pool.query(JSONB_INSERT, [tenantId, new Date(), `[${batch.join(',')}]`]);
        inserted += result.rowCount ?? 0;
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    const seconds = (performance.now() - started) / 1000;
    if (inserted !== rows.length) throw new Error(`jsonb insert stored ${inserted} of ${rows.length} rows`);
    return { rows: rows.length, seconds, rowsPerSecond: rows.length / seconds, cpu: window() };
  } finally {
    await pool.end();
  }
}

/** CPU seconds of the database backends in a share (keys db*), summed. */
export function dbSeconds(cpu: CpuShare | undefined): number | null {
  if (!cpu) return null;
  const values = Object.entries(cpu.seconds).filter(([name]) => name.startsWith('db')).map(([, s]) => s);
  return values.some((s) => s === null) || !values.length ? null : values.reduce((sum: number, s) => sum + s!, 0);
}
