import { FieldError, isObject, type Raw } from './import-fields.js';

export type ImportKind = 'touchpoints' | 'orders';

const MEMBER_COLUMNS = ['member_id', 'identity_channel', 'identity_external_id'];

/** CSV columns per kind; README.md and `ecrm help` list the same. */
export const CSV_COLUMNS: Record<ImportKind, string[]> = {
  touchpoints: ['event_id', ...MEMBER_COLUMNS, 'type', 'custom_type', 'channel', 'occurred_at', 'store_id', 'store_code', 'source', 'properties'],
  orders: [
    'external_id', ...MEMBER_COLUMNS, 'channel', 'status', 'currency', 'placed_at', 'paid_at', 'discount', 'shipping',
    'refunded_amount', 'store_id', 'store_code', 'source', 'items', 'item_sku', 'item_name', 'item_category', 'item_quantity', 'item_unit_price',
  ],
};

const INTEGER_COLUMNS = new Set(['discount', 'shipping', 'refunded_amount', 'item_quantity', 'item_unit_price']);
const camel = (name: string) => name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/** The header's problem, if it has one: an unknown or repeated column. */
export function checkHeader(kind: ImportKind, columns: string[]): string | undefined {
  const unknown = columns.find((column) => !CSV_COLUMNS[kind].includes(column));
  if (unknown !== undefined) return `unknown CSV column "${unknown}"; ${kind} files have ${CSV_COLUMNS[kind].join(', ')}`;
  const repeated = columns.find((column, i) => columns.indexOf(column) !== i);
  return repeated === undefined ? undefined : `CSV column "${repeated}" appears twice`;
}

function json(column: string, value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    throw new FieldError(`${column} is not valid JSON`);
  }
}

// Whole numbers become numbers; anything else stays a string so the field check names it.
const number = (value: string) => (/^-?\d+$/.test(value.trim()) ? Number(value) : value);

/** A CSV row as the same object an NDJSON line would hold; blank cells are absent. */
export function csvRecord(row: Record<string, string>): Raw {
  const raw: Raw = {};
  const member: Raw = {};
  const identity: Raw = {};
  const item: Raw = {};
  for (const [column, cell] of Object.entries(row)) {
    if (cell === undefined || cell.trim() === '') continue;
    const value = INTEGER_COLUMNS.has(column) ? number(cell) : cell;
    if (column === 'member_id') member.id = value;
    else if (column === 'identity_channel') identity.channel = value;
    else if (column === 'identity_external_id') identity.externalId = value;
    else if (column.startsWith('item_')) item[camel(column.slice(5))] = value;
    else if (column === 'properties' || column === 'items') raw[column] = json(column, cell);
    else raw[camel(column)] = value;
  }
  if (Object.keys(identity).length) member.identity = identity;
  if (Object.keys(member).length) raw.member = member;
  if (Object.keys(item).length) {
    if (raw.items !== undefined) throw new FieldError('give items or the item_* columns, not both');
    raw.items = [item];
  }
  if (raw.properties !== undefined && !isObject(raw.properties)) throw new FieldError('properties must be a JSON object');
  return raw;
}
