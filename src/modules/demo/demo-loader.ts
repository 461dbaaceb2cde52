import { finished } from 'node:stream/promises';
import type { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { DEMO_TABLES, DEMO_TABLE_NAMES, type DemoRows, type DemoTable } from './demo-rows.js';

export interface TableReport {
  rows: number;
  /** Time spent in COPY for this table. */
  ms: number;
}

/** Streams generated chunks into PostgreSQL with COPY, table by table in foreign-key order. */
export class DemoLoader {
  readonly tables = Object.fromEntries(DEMO_TABLE_NAMES.map((table) => [table, { rows: 0, ms: 0 }])) as Record<DemoTable, TableReport>;

  constructor(private readonly client: Client) {}

  async copy(rows: DemoRows): Promise<void> {
    for (const table of DEMO_TABLE_NAMES) {
      const count = rows.count(table);
      if (!count) continue;
      const started = performance.now();
      const stream = this.client.query(copyFrom(`copy ${table} (${DEMO_TABLES[table].join(', ')}) from stdin`));
      for (const block of rows.take(table)) stream.write(block);
      stream.end();
      // pg-copy-streams finishes only once the server has confirmed the COPY.
      await finished(stream);
      this.tables[table].rows += count;
      this.tables[table].ms += performance.now() - started;
    }
  }
}
