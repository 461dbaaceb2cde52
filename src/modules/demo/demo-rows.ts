/** The tables the demo writes, in foreign-key order, and their rows as PostgreSQL COPY text. */
export const DEMO_TABLES = {
  member: ['id', 'tenant_id', 'created_at', 'display_name', 'gender', 'birthday', 'phone', 'email', 'province', 'city', 'address', 'registered_store_id', 'registered_channel', 'status', 'updated_at'],
  member_identity: ['id', 'tenant_id', 'created_at', 'member_id', 'channel', 'external_id'],
  member_consent: ['id', 'tenant_id', 'created_at', 'member_id', 'channel', 'granted', 'source', 'changed_at'],
  member_consent_event: ['id', 'tenant_id', 'created_at', 'member_id', 'channel', 'granted', 'source', 'occurred_at'],
  member_tag: ['id', 'tenant_id', 'created_at', 'member_id', 'tag'],
  orders: ['id', 'tenant_id', 'created_at', 'external_id', 'member_id', 'store_id', 'channel', 'status', 'currency', 'items_total', 'discount', 'shipping', 'total', 'refunded_amount', 'placed_at', 'paid_at', 'paid_recorded_at', 'cancelled_at', 'source', 'updated_at'],
  order_item: ['id', 'tenant_id', 'created_at', 'order_id', 'line_no', 'sku', 'name', 'category', 'quantity', 'unit_price', 'refunded_quantity'],
  order_refund: ['id', 'tenant_id', 'created_at', 'order_id', 'refund_id', 'amount', 'lines', 'reason', 'refunded_at', 'request'],
  touchpoint: ['id', 'tenant_id', 'created_at', 'member_id', 'type', 'custom_type', 'channel', 'store_id', 'occurred_at', 'source', 'properties', 'event_id', 'order_id'],
} as const;

export type DemoTable = keyof typeof DEMO_TABLES;
export const DEMO_TABLE_NAMES = Object.keys(DEMO_TABLES) as DemoTable[];

type Value = string | number | boolean | null | undefined;

const DAY_MS = 86_400_000;
const TWO_DIGITS = Array.from({ length: 60 }, (_, n) => String(n).padStart(2, '0'));
const dayPrefix = new Map<number, string>();

/**
 * Timestamps travel as ISO text (UTC, whole seconds); the generator works in epoch milliseconds.
 * Formatting tens of millions of them with Date#toISOString was a visible share of the run.
 */
export function iso(ms: number): string {
  const day = Math.floor(ms / DAY_MS);
  let prefix = dayPrefix.get(day);
  if (prefix === undefined) dayPrefix.set(day, (prefix = new Date(day * DAY_MS).toISOString().slice(0, 11)));
  const second = Math.floor((ms - day * DAY_MS) / 1000);
  return `${prefix}${TWO_DIGITS[Math.floor(second / 3600)]}:${TWO_DIGITS[Math.floor(second / 60) % 60]}:${TWO_DIGITS[second % 60]}Z`;
}

/**
 * One chunk's rows per table. Values come from the generator's own vocabulary (no tabs, newlines or
 * backslashes), so COPY text needs no escaping beyond NULL.
 */
export class DemoRows {
  private readonly rows = Object.fromEntries(DEMO_TABLE_NAMES.map((table) => [table, [] as string[]])) as Record<DemoTable, string[]>;
  private readonly blocks = Object.fromEntries(DEMO_TABLE_NAMES.map((table) => [table, [] as Buffer[]])) as Record<DemoTable, Buffer[]>;
  private readonly counts = Object.fromEntries(DEMO_TABLE_NAMES.map((table) => [table, 0])) as Record<DemoTable, number>;

  constructor(readonly tenantId: string) {}

  /** Adds a row; values follow DEMO_TABLES[table] after id and tenant_id. */
  add(table: DemoTable, id: string, ...values: Value[]): void {
    for (let i = 0; i < values.length; i++) if (values[i] === null || values[i] === undefined) values[i] = '\\N';
    const rows = this.rows[table];
    rows.push(`${id}\t${this.tenantId}\t${values.join('\t')}`);
    this.counts[table]++;
    // Rows wait for their COPY in blocks outside the JS heap: a chunk's million strings cost the GC more than drawing them.
    if (rows.length === 1024) this.flush(table);
  }

  count(table: DemoTable): number {
    return this.counts[table];
  }

  /** The COPY payload of a table, and empties it. */
  take(table: DemoTable): Buffer[] {
    this.flush(table);
    this.counts[table] = 0;
    return this.blocks[table].splice(0);
  }

  private flush(table: DemoTable): void {
    const rows = this.rows[table];
    if (!rows.length) return;
    rows.push('');
    this.blocks[table].push(Buffer.from(rows.join('\n')));
    rows.length = 0;
  }
}
