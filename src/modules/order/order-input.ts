import { userError, UserErrorCode, type UserError } from '../../core/errors.js';
import { OrderStatus } from './order.enums.js';
import type { OrderItemInput, OrderRecordInput } from './order.inputs.js';

const MAX_AMOUNT = 2_000_000_000; // integer columns; 20 million in major units per order is plenty
const EARLIEST = Date.parse('1990-01-01T00:00:00Z'); // old enough for real back-filled history (e.g. CDNOW, 1997)

export interface CleanItem {
  lineNo: number;
  sku: string;
  name: string;
  category: string | null;
  quantity: number;
  unitPrice: number;
}

export interface CleanOrder {
  externalId: string;
  items: CleanItem[];
  itemsTotal: number;
  discount: number;
  shipping: number;
  total: number;
  source: string | null;
}

function text(errors: UserError[], field: string[], value: string | null | undefined, max: number, required: boolean): string | null {
  const trimmed = value?.trim() ?? '';
  if (required && !trimmed) errors.push(userError(field, `${field[field.length - 1]} must not be blank`, UserErrorCode.INVALID));
  else if (trimmed.length > max) errors.push(userError(field, `${field[field.length - 1]} must be at most ${max} characters`, UserErrorCode.TOO_LONG));
  return trimmed || null;
}

function amount(errors: UserError[], field: string[], value: number | null | undefined): number {
  const v = value ?? 0;
  if (!Number.isInteger(v) || v < 0 || v > MAX_AMOUNT) {
    errors.push(userError(field, `${field[field.length - 1]} must be a whole number of minor units from 0 to ${MAX_AMOUNT}`, UserErrorCode.INVALID));
  }
  return v;
}

function item(errors: UserError[], input: OrderItemInput, index: number): CleanItem {
  const field = (name: string) => ['input', 'items', String(index), name];
  if (!Number.isInteger(input.quantity) || input.quantity < 1 || input.quantity > 100_000) {
    errors.push(userError(field('quantity'), 'quantity must be from 1 to 100000', UserErrorCode.INVALID));
  }
  return {
    lineNo: index + 1,
    sku: text(errors, field('sku'), input.sku, 100, true) ?? '',
    name: text(errors, field('name'), input.name, 200, true) ?? '',
    category: text(errors, field('category'), input.category, 100, false),
    quantity: input.quantity,
    unitPrice: amount(errors, field('unitPrice'), input.unitPrice),
  };
}

/** Checks an order as sent and computes its totals; userErrors for everything that is off. */
export function cleanOrder(input: OrderRecordInput, currency: string, errors: UserError[]): CleanOrder {
  const externalId = text(errors, ['input', 'externalId'], input.externalId, 100, true) ?? '';
  if (input.currency !== currency) {
    errors.push(userError(['input', 'currency'], `this tenant reports in ${currency}; orders must be in ${currency}`, UserErrorCode.CURRENCY_MISMATCH));
  }
  if (input.status === OrderStatus.PARTIALLY_REFUNDED || input.status === OrderStatus.REFUNDED) {
    errors.push(userError(['input', 'status'], 'record refunds with refundedAmount or orderRefund; status is PLACED, PAID or CANCELLED', UserErrorCode.INVALID));
  }
  if (!input.items.length || input.items.length > 500) errors.push(userError(['input', 'items'], 'an order has 1 to 500 lines', UserErrorCode.INVALID));
  const at = input.placedAt.getTime();
  if (Number.isNaN(at) || at < EARLIEST || at > Date.now() + 5 * 60_000) {
    errors.push(userError(['input', 'placedAt'], 'placedAt must be between 1990-01-01 and now', UserErrorCode.INVALID));
  }
  if (input.paidAt && input.paidAt.getTime() < at) errors.push(userError(['input', 'paidAt'], 'paidAt must not be before placedAt', UserErrorCode.INVALID));
  if (input.storeId && input.storeCode) errors.push(userError(['input', 'storeId'], 'give storeId or storeCode, not both', UserErrorCode.INVALID));
  const items = input.items.slice(0, 500).map((line, index) => item(errors, line, index));
  const itemsTotal = items.reduce((sum, line) => sum + line.quantity * line.unitPrice, 0);
  const discount = amount(errors, ['input', 'discount'], input.discount);
  const shipping = amount(errors, ['input', 'shipping'], input.shipping);
  const total = itemsTotal - discount + shipping;
  if (total < 0) errors.push(userError(['input', 'discount'], 'the discount is larger than what the order costs', UserErrorCode.INVALID));
  if (itemsTotal > MAX_AMOUNT || total > MAX_AMOUNT) errors.push(userError(['input', 'items'], 'the order total is too large', UserErrorCode.INVALID));
  if (input.refundedAmount !== undefined && input.refundedAmount !== null) {
    if (amount(errors, ['input', 'refundedAmount'], input.refundedAmount) > total) {
      errors.push(userError(['input', 'refundedAmount'], 'refundedAmount cannot exceed the order total', UserErrorCode.REFUND_TOO_LARGE));
    }
  }
  return { externalId, items, itemsTotal, discount, shipping, total, source: text(errors, ['input', 'source'], input.source, 100, false) };
}
