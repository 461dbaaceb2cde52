import { Channel } from '../../core/channel.js';
import { IdentityChannel } from '../../modules/member/member.enums.js';
import type { MemberRefInput } from '../../modules/member/member-reference.js';
import { OrderStatus } from '../../modules/order/order.enums.js';
import type { OrderItemInput, OrderRecordInput } from '../../modules/order/order.inputs.js';
import { TouchpointType } from '../../modules/touchpoint/touchpoint.enums.js';
import type { TouchpointEventInput } from '../../modules/touchpoint/touchpoint.inputs.js';

export type Raw = Record<string, unknown>;

/** A record the file cannot express as an input; the line is rejected with this message. */
export class FieldError extends Error {}

const TOUCHPOINT_FIELDS = ['eventId', 'member', 'type', 'customType', 'channel', 'occurredAt', 'storeId', 'storeCode', 'source', 'properties'];
const ORDER_FIELDS = [
  'externalId', 'member', 'storeId', 'storeCode', 'channel', 'status', 'currency', 'items',
  'discount', 'shipping', 'placedAt', 'paidAt', 'refundedAmount', 'source',
];
const ITEM_FIELDS = ['sku', 'name', 'category', 'quantity', 'unitPrice'];

export const isObject = (value: unknown): value is Raw => typeof value === 'object' && value !== null && !Array.isArray(value);

// GraphQL would refuse fields it does not know; so do we, which catches misspelt columns early.
function only(raw: Raw, allowed: string[], where: string): void {
  const unknown = Object.keys(raw).find((key) => !allowed.includes(key));
  if (unknown) throw new FieldError(`unknown field "${where}${unknown}"`);
}

function present(raw: Raw, name: string): unknown {
  const value = raw[name];
  return value === null || value === '' ? undefined : value;
}

function text(raw: Raw, name: string, required: true): string;
function text(raw: Raw, name: string, required?: false): string | undefined;
function text(raw: Raw, name: string, required = false): string | undefined {
  const value = present(raw, name);
  if (value === undefined) {
    if (required) throw new FieldError(`${name} is required`);
    return undefined;
  }
  if (typeof value !== 'string') throw new FieldError(`${name} must be a string`);
  return value;
}

function oneOf<T extends string>(raw: Raw, name: string, values: Record<string, T>): T {
  const value = text(raw, name, true);
  if (!Object.values<string>(values).includes(value)) throw new FieldError(`${name} "${value}" is not one of ${Object.values(values).join(', ')}`);
  return value as T;
}

function int(raw: Raw, name: string, required: true): number;
function int(raw: Raw, name: string, required?: false): number | undefined;
function int(raw: Raw, name: string, required = false): number | undefined {
  const value = present(raw, name);
  if (value === undefined) {
    if (required) throw new FieldError(`${name} is required`);
    return undefined;
  }
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw new FieldError(`${name} must be a whole number`);
  return value;
}

// ISO 8601 only: Date.parse alone would accept "1" or "May 5" and guess.
const ISO_DATE = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

function date(raw: Raw, name: string, required: true): Date;
function date(raw: Raw, name: string, required?: false): Date | undefined;
function date(raw: Raw, name: string, required = false): Date | undefined {
  const value = required ? text(raw, name, true) : text(raw, name);
  if (value === undefined) return undefined;
  const at = new Date(value);
  if (!ISO_DATE.test(value.trim()) || Number.isNaN(at.getTime())) throw new FieldError(`${name} "${value}" is not an ISO 8601 date-time`);
  return at;
}

function memberRef(raw: Raw): MemberRefInput {
  const member = raw.member;
  if (!isObject(member)) throw new FieldError('member is required: { "id": ... } or { "identity": { "channel", "externalId" } }');
  only(member, ['id', 'identity'], 'member.');
  const identity = present(member, 'identity');
  if (identity !== undefined && !isObject(identity)) throw new FieldError('member.identity must be an object');
  if (identity) only(identity, ['channel', 'externalId'], 'member.identity.');
  return {
    id: text(member, 'id') ?? null,
    identity: identity ? { channel: oneOf(identity, 'channel', IdentityChannel), externalId: text(identity, 'externalId', true) } : null,
  };
}

/** A touchpoint line as the input touchpointsRecord takes. */
export function touchpointInput(raw: Raw): TouchpointEventInput {
  only(raw, TOUCHPOINT_FIELDS, '');
  const properties = present(raw, 'properties');
  if (properties !== undefined && !isObject(properties)) throw new FieldError('properties must be a JSON object');
  return {
    eventId: text(raw, 'eventId', true),
    member: memberRef(raw),
    type: oneOf(raw, 'type', TouchpointType),
    customType: text(raw, 'customType') ?? null,
    channel: oneOf(raw, 'channel', Channel),
    occurredAt: date(raw, 'occurredAt', true),
    storeId: text(raw, 'storeId') ?? null,
    storeCode: text(raw, 'storeCode') ?? null,
    source: text(raw, 'source') ?? null,
    properties: (properties as Raw | undefined) ?? null,
  };
}

function itemInput(raw: unknown, index: number): OrderItemInput {
  if (!isObject(raw)) throw new FieldError(`items[${index}] must be an object`);
  only(raw, ITEM_FIELDS, `items[${index}].`);
  try {
    return { sku: text(raw, 'sku', true), name: text(raw, 'name', true), category: text(raw, 'category') ?? null, quantity: int(raw, 'quantity', true), unitPrice: int(raw, 'unitPrice', true) };
  } catch (error) {
    throw new FieldError(`items[${index}].${(error as Error).message}`);
  }
}

/** An order line as the input orderRecord takes. */
export function orderInput(raw: Raw): OrderRecordInput {
  only(raw, ORDER_FIELDS, '');
  if (!Array.isArray(raw.items)) throw new FieldError('items must be a list of { sku, name, category, quantity, unitPrice }');
  return {
    externalId: text(raw, 'externalId', true),
    member: memberRef(raw),
    storeId: text(raw, 'storeId') ?? null,
    storeCode: text(raw, 'storeCode') ?? null,
    channel: oneOf(raw, 'channel', Channel),
    status: oneOf(raw, 'status', OrderStatus),
    currency: text(raw, 'currency', true),
    items: raw.items.map(itemInput),
    discount: int(raw, 'discount') ?? null,
    shipping: int(raw, 'shipping') ?? null,
    placedAt: date(raw, 'placedAt', true),
    paidAt: date(raw, 'paidAt') ?? null,
    refundedAmount: int(raw, 'refundedAmount') ?? null,
    source: text(raw, 'source') ?? null,
  };
}
