import { Channel } from '../../../core/channel.js';
import { Gender, IdentityChannel } from '../../member/member.enums.js';
import { PURCHASE_STATUSES } from '../../order/order.enums.js';
import { TouchpointType } from '../../touchpoint/touchpoint.enums.js';
import { LifecycleStage } from '../../lifecycle/lifecycle.enums.js';
import { RfmGroup } from '../rfm.enums.js';
import type { SqlParts } from './sql-parts.js';

export type FieldType = 'NUMBER' | 'MONEY' | 'DATE' | 'ANNIVERSARY' | 'STRING' | 'ENUM' | 'SET' | 'BOOLEAN';
export type ArgType = 'DATE' | 'STRING' | 'ENUM';

export interface ArgDef {
  name: string;
  type: ArgType;
  description: string;
  enumValues?: readonly string[];
}

/** Argument values after checking: DATE arguments as [start of day, start of the next day). */
export interface ArgValues {
  strings: Map<string, string>;
  days: Map<string, { start: Date; next: Date }>;
}

export interface FieldDef {
  name: string;
  type: FieldType;
  description: string;
  examples: string[];
  /** NUMBER fields that take decimals (e.g. a score from 0 to 1): the allowed range. */
  decimalRange?: { min: number; max: number };
  /** ENUM and SET of enum: the allowed values. */
  enumValues?: readonly string[];
  /** Extra names standing for several values, e.g. WECHAT. */
  aliases?: Readonly<Record<string, readonly string[]>>;
  /** Present for functions. */
  args?: ArgDef[];
  /** A function needs at least one of these arguments. */
  requiresOneOf?: string[];
  /** Scalar and BOOLEAN fields: the member's value (DATE fields: a timestamptz; null when missing). */
  expr?: (q: SqlParts, args: ArgValues) => string;
  /**
   * A nullable form of `expr` and the value `expr` gives when it is null (e.g. no member_stats row = 0 orders).
   * A comparison the missing value fails is made on `column`, which lets PostgreSQL turn the outer join into an
   * inner one (or use an index); otherwise on `expr`.
   */
  column?: (q: SqlParts) => string;
  missing?: number | string;
  /**
   * Aggregates over a member's rows: `value` over `source` rows grouped by `member`. A comparison that 0 fails
   * becomes `m.id in (select member ... group by member having value op x)` (one pass over the rows instead of
   * one probe per member); otherwise the correlated `expr`.
   */
  aggregate?: (q: SqlParts, args: ArgValues) => { source: string; member: string; value: string };
  /** ENUM fields with their own SQL per value (e.g. consent as EXISTS): whether the member's value is one of `values`. */
  oneOf?: (q: SqlParts, values: string[]) => string;
  /** SET fields: whether the member has any of `placeholders` (any at all when null). */
  has?: (q: SqlParts, placeholders: string | null) => string;
  /** SET fields: the member's values as text, for explain. */
  show?: (q: SqlParts) => string;
}

const since = (what: string): ArgDef => ({ name: 'since', type: 'DATE', description: `${what} on or after this day` });
const until = (what: string): ArgDef => ({ name: 'until', type: 'DATE', description: `${what} on or before this day` });

/** `and <column> >= since and <column> < until+1` for the window arguments given. */
function window(q: SqlParts, args: ArgValues, column: string): string {
  let sql = '';
  const from = args.days.get('since');
  const to = args.days.get('until');
  if (from) sql += ` and ${column} >= ${q.p(from.start)}`;
  if (to) sql += ` and ${column} < ${q.p(to.next)}`;
  return sql;
}

/** Bought orders of the member (or, given `tenant`, of every member of the tenant) matching the arguments. */
function boughtOrders(q: SqlParts, args: ArgValues, tenant?: string): string {
  const owner = tenant ? `o.tenant_id = ${tenant}` : 'o.tenant_id = m.tenant_id and o.member_id = m.id';
  let sql = `${owner} and o.status in (${q.list(PURCHASE_STATUSES)})${window(q, args, 'o.placed_at')}`;
  const channel = args.strings.get('channel');
  if (channel) sql += ` and o.channel = ${q.p(channel)}`;
  const store = args.strings.get('store');
  if (store) sql += ` and o.store_id = (select id from store where tenant_id = o.tenant_id and code = ${q.p(store)})`;
  return sql;
}

function touchpointFilter(q: SqlParts, args: ArgValues): string {
  let sql = window(q, args, 'tp.occurred_at');
  const type = args.strings.get('type');
  if (type) sql += ` and tp.type = ${q.p(type)}`;
  const custom = args.strings.get('custom');
  if (custom) sql += ` and tp.custom_type = ${q.p(custom)}`;
  const channel = args.strings.get('channel');
  if (channel) sql += ` and tp.channel = ${q.p(channel)}`;
  return sql;
}

function stat(name: string, type: 'NUMBER' | 'MONEY', description: string, examples: string[], column: string): FieldDef {
  return { name, type, description, examples, expr: (q) => (q.join('stats'), `coalesce(${column}, 0)`), column: (q) => (q.join('stats'), column), missing: 0 };
}

function consent(channel: string): FieldDef {
  return {
    name: `consent.${channel.toLowerCase()}`,
    type: 'ENUM',
    description: `Consent to ${channel} messages: GRANTED, DENIED (withdrawn or refused) or UNKNOWN (never asked).`,
    examples: [`consent.${channel.toLowerCase()} = GRANTED`],
    enumValues: ['GRANTED', 'DENIED', 'UNKNOWN'],
    expr: (q) =>
      `coalesce((select case when c.granted then 'GRANTED' else 'DENIED' end from member_consent c where c.member_id = m.id and c.tenant_id = m.tenant_id and c.channel = ${q.p(channel)}), 'UNKNOWN')`,
    // EXISTS lets PostgreSQL answer with a semi-join over member_consent instead of a probe per member.
    oneOf: (q, values) => {
      const row = `select 1 from member_consent c where c.member_id = m.id and c.tenant_id = m.tenant_id and c.channel = ${q.p(channel)}`;
      const given = values.filter((value) => value !== 'UNKNOWN').map((value) => value === 'GRANTED');
      const parts: string[] = [];
      if (given.length === 1) parts.push(`exists (${row} and c.granted = ${q.p(given[0])})`);
      if (given.length === 2) parts.push(`exists (${row})`);
      if (values.includes('UNKNOWN')) parts.push(`not exists (${row})`);
      return parts.length === 1 ? parts[0]! : `(${parts.join(' or ')})`;
    },
  };
}

const enumValues = (values: Record<string, string>) => Object.values(values);

/** Every field and function of the segment language. Later modules add theirs with `registerSegmentField`. */
export const SEGMENT_FIELDS: FieldDef[] = [
  {
    name: 'rfm_group',
    type: 'ENUM',
    description: 'RFM group from the last RFM refresh; missing for members without orders in the RFM window.',
    examples: ["rfm_group IN ('CHAMPIONS', 'LOYAL')", 'rfm_group = AT_RISK'],
    enumValues: enumValues(RfmGroup),
    expr: (q) => (q.join('rfm'), 'r."group"'),
  },
  { name: 'rfm_cell', type: 'STRING', description: 'RFM cell "R-F-M", e.g. 5-4-5.', examples: ["rfm_cell = '5-5-5'"], expr: (q) => (q.join('rfm'), 'r.cell') },
  { name: 'rfm_recency', type: 'NUMBER', description: 'RFM recency score, 1 to 5 (5 = most recent).', examples: ['rfm_recency >= 4'], expr: (q) => (q.join('rfm'), 'r.recency_score') },
  { name: 'rfm_frequency', type: 'NUMBER', description: 'RFM frequency score, 1 to 5.', examples: ['rfm_frequency = 5'], expr: (q) => (q.join('rfm'), 'r.frequency_score') },
  { name: 'rfm_monetary', type: 'NUMBER', description: 'RFM monetary score, 1 to 5.', examples: ['rfm_monetary BETWEEN 4 AND 5'], expr: (q) => (q.join('rfm'), 'r.monetary_score') },
  {
    name: 'lifecycle_stage',
    type: 'ENUM',
    description: 'Lifecycle stage; members without orders are PROSPECT.',
    examples: ['lifecycle_stage = AT_RISK', 'lifecycle_stage IN (NEW, REACTIVATED)'],
    enumValues: enumValues(LifecycleStage),
    expr: (q) => (q.join('lifecycle'), `coalesce(lc.stage, 'PROSPECT')`),
    column: (q) => (q.join('lifecycle'), 'lc.stage'),
    missing: LifecycleStage.PROSPECT,
  },
  stat('order_count', 'NUMBER', 'Orders bought (paid and not fully refunded), all time.', ['order_count >= 2'], 's.order_count'),
  stat('net_spent', 'MONEY', 'Total of bought orders minus refunds, all time, in major units of the tenant currency.', ['net_spent >= 500.00'], 's.net_spend'),
  {
    name: 'avg_order_value',
    type: 'MONEY',
    description: 'net_spent divided by order_count; missing without orders.',
    examples: ['avg_order_value > 200'],
    expr: (q) => (q.join('stats'), '(s.net_spend::numeric / nullif(s.order_count, 0))'),
  },
  { name: 'first_order_date', type: 'DATE', description: 'Day the first bought order was placed (UTC).', examples: ['first_order_date >= -30d'], expr: (q) => (q.join('stats'), 's.first_order_at') },
  { name: 'last_order_date', type: 'DATE', description: 'Day the last bought order was placed (UTC).', examples: ['last_order_date < -60d'], expr: (q) => (q.join('stats'), 's.last_order_at') },
  { name: 'member_since', type: 'DATE', description: 'Day the member was created (UTC).', examples: ['member_since >= -7d'], expr: () => 'm.created_at' },
  {
    name: 'points_balance',
    type: 'NUMBER',
    description: 'Spendable points (0 without an account).',
    examples: ['points_balance >= 1000'],
    expr: (q) => (q.join('points'), 'coalesce(pa.balance, 0)'),
    column: (q) => (q.join('points'), 'pa.balance'),
    missing: 0,
  },
  { name: 'tier', type: 'STRING', description: "Code of the member's tier; missing without one.", examples: ["tier IN ('GOLD', 'PLATINUM')"], expr: (q) => (q.join('tier'), 't.code') },
  {
    name: 'birthday',
    type: 'ANNIVERSARY',
    description: 'Birthday, compared by month and day (29 February falls on 28 February in other years).',
    examples: ['birthday BETWEEN today AND +7d', 'birthday = today'],
    expr: () => 'm.birthday',
  },
  { name: 'age', type: 'NUMBER', description: 'Whole years since the birthday.', examples: ['age BETWEEN 25 AND 34'], expr: (q) => `extract(year from age(${q.p(q.today)}::date, m.birthday))::int` },
  { name: 'gender', type: 'ENUM', description: 'Gender from the profile.', examples: ['gender = FEMALE'], enumValues: enumValues(Gender), expr: () => 'm.gender' },
  { name: 'region.province', type: 'STRING', description: 'Province (or state) from the profile.', examples: ["region.province = 'Zhejiang'"], expr: () => 'm.province' },
  { name: 'region.city', type: 'STRING', description: 'City from the profile.', examples: ["region.city IN ('Hangzhou', 'Ningbo')"], expr: () => 'm.city' },
  { name: 'store', type: 'STRING', description: "Code of the member's home store (where they registered).", examples: ["store = 'SH-001'"], expr: (q) => (q.join('store'), 'st.code') },
  {
    name: 'registered_channel',
    type: 'ENUM',
    description: 'Channel the member registered through.',
    examples: ['registered_channel = APP'],
    enumValues: enumValues(Channel),
    expr: () => 'm.registered_channel',
  },
  consent('SMS'),
  consent('EMAIL'),
  consent('PUSH'),
  consent('CHAT'),
  {
    name: 'identity.channel',
    type: 'SET',
    description: 'Channels the member has identities on; WECHAT stands for WECHAT_OPENID or WECHAT_UNIONID.',
    examples: ['identity.channel = WECHAT', 'identity.channel IN (APP_USER, WEB_ACCOUNT)'],
    enumValues: enumValues(IdentityChannel),
    aliases: { WECHAT: [IdentityChannel.WECHAT_OPENID, IdentityChannel.WECHAT_UNIONID] },
    has: (_q, values) =>
      `exists (select 1 from member_identity i where i.member_id = m.id and i.tenant_id = m.tenant_id${values ? ` and i.channel in (${values})` : ''})`,
    show: () => `(select string_agg(distinct i.channel, ',' order by i.channel) from member_identity i where i.member_id = m.id and i.tenant_id = m.tenant_id)`,
  },
  {
    name: 'tags',
    type: 'SET',
    description: "The member's tags.",
    examples: ["tags CONTAINS 'vip'", "NOT tags CONTAINS 'staff'"],
    has: (_q, values) => `exists (select 1 from member_tag g where g.member_id = m.id and g.tenant_id = m.tenant_id${values ? ` and g.tag in (${values})` : ''})`,
    show: () => `(select string_agg(g.tag, ',' order by g.tag) from member_tag g where g.member_id = m.id and g.tenant_id = m.tenant_id)`,
  },
  {
    name: 'touchpoint_count',
    type: 'NUMBER',
    description: 'Touchpoints of a type and channel in a window.',
    examples: ["touchpoint_count(type: 'PRODUCT_VIEW', since: -7d) >= 3"],
    args: [
      { name: 'type', type: 'ENUM', description: 'Touchpoint type.', enumValues: enumValues(TouchpointType) },
      { name: 'custom', type: 'STRING', description: 'Name of a custom touchpoint type.' },
      { name: 'channel', type: 'ENUM', description: 'Channel.', enumValues: enumValues(Channel) },
      since('Touchpoints'),
      until('Touchpoints'),
    ],
    expr: (q, args) => `(select count(*) from touchpoint tp where tp.tenant_id = m.tenant_id and tp.member_id = m.id${touchpointFilter(q, args)})`,
    aggregate: (q, args) => ({ source: `touchpoint tp where tp.tenant_id = ${q.p(q.tenantId)}${touchpointFilter(q, args)}`, member: 'tp.member_id', value: 'count(*)' }),
  },
  {
    name: 'orders_placed',
    type: 'NUMBER',
    description: 'Bought orders placed in a window, at a store (code) or on a channel.',
    examples: ['orders_placed(since: -90d) >= 2', "orders_placed(store: 'SH-001') >= 1"],
    args: [since('Orders placed'), until('Orders placed'), { name: 'store', type: 'STRING', description: 'Store code.' }, { name: 'channel', type: 'ENUM', description: 'Channel.', enumValues: enumValues(Channel) }],
    expr: (q, args) => `(select count(*) from orders o where ${boughtOrders(q, args)})`,
    aggregate: (q, args) => ({ source: `orders o where ${boughtOrders(q, args, q.p(q.tenantId))}`, member: 'o.member_id', value: 'count(*)' }),
  },
  {
    name: 'amount_spent',
    type: 'MONEY',
    description: 'Net spend of bought orders placed in a window.',
    examples: ['amount_spent(since: -365d) >= 1000'],
    args: [since('Orders placed'), until('Orders placed'), { name: 'store', type: 'STRING', description: 'Store code.' }, { name: 'channel', type: 'ENUM', description: 'Channel.', enumValues: enumValues(Channel) }],
    expr: (q, args) => `(select coalesce(sum(o.total - o.refunded_amount), 0) from orders o where ${boughtOrders(q, args)})`,
    aggregate: (q, args) => ({ source: `orders o where ${boughtOrders(q, args, q.p(q.tenantId))}`, member: 'o.member_id', value: 'sum(o.total - o.refunded_amount)' }),
  },
  {
    name: 'products_purchased',
    type: 'BOOLEAN',
    description: 'Bought at least one item of a category or SKU in a window (fully refunded lines do not count).',
    examples: ["products_purchased(category: 'skincare', since: -90d)", "NOT products_purchased(sku: 'SKU-1')"],
    args: [
      { name: 'category', type: 'STRING', description: 'Item category.' },
      { name: 'sku', type: 'STRING', description: 'Item SKU.' },
      since('Orders placed'),
      until('Orders placed'),
      { name: 'store', type: 'STRING', description: 'Store code.' },
      { name: 'channel', type: 'ENUM', description: 'Channel.', enumValues: enumValues(Channel) },
    ],
    requiresOneOf: ['category', 'sku'],
    expr: (q, args) => {
      let items = 'i.order_id = o.id and i.tenant_id = o.tenant_id and i.quantity > i.refunded_quantity';
      const category = args.strings.get('category');
      if (category) items += ` and i.category = ${q.p(category)}`;
      const sku = args.strings.get('sku');
      if (sku) items += ` and i.sku = ${q.p(sku)}`;
      return `exists (select 1 from orders o join order_item i on ${items} where ${boughtOrders(q, args)})`;
    },
  },
];

const BY_NAME = new Map(SEGMENT_FIELDS.map((field) => [field.name, field]));

export function segmentField(name: string): FieldDef | undefined {
  return BY_NAME.get(name);
}

/** Adds a field (e.g. churn risk) to the language. */
export function registerSegmentField(field: FieldDef): void {
  if (BY_NAME.has(field.name)) throw new Error(`segment field ${field.name} is already registered`);
  SEGMENT_FIELDS.push(field);
  BY_NAME.set(field.name, field);
}

export const OPERATORS_BY_TYPE: Record<FieldType, readonly string[]> = {
  NUMBER: ['=', '!=', '<', '<=', '>', '>=', 'IN', 'NOT IN', 'BETWEEN', 'NOT BETWEEN', 'IS NULL', 'IS NOT NULL'],
  MONEY: ['=', '!=', '<', '<=', '>', '>=', 'IN', 'NOT IN', 'BETWEEN', 'NOT BETWEEN', 'IS NULL', 'IS NOT NULL'],
  DATE: ['=', '!=', '<', '<=', '>', '>=', 'BETWEEN', 'NOT BETWEEN', 'IS NULL', 'IS NOT NULL'],
  ANNIVERSARY: ['=', 'BETWEEN', 'IS NULL', 'IS NOT NULL'],
  STRING: ['=', '!=', 'IN', 'NOT IN', 'IS NULL', 'IS NOT NULL'],
  ENUM: ['=', '!=', 'IN', 'NOT IN', 'IS NULL', 'IS NOT NULL'],
  SET: ['=', '!=', 'CONTAINS', 'IN', 'NOT IN', 'IS NULL', 'IS NOT NULL'],
  BOOLEAN: ['=', '!='],
};
