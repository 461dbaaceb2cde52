import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from 'graphql';
import { DateTimeResolver, JSONResolver, LocalDateResolver } from 'graphql-scalars';

/** Instant in time, ISO 8601 with offset; always answered in UTC. */
export const DateTimeScalar = DateTimeResolver;

/** Calendar date without time zone, YYYY-MM-DD. */
export const DateScalar = new GraphQLScalarType({
  ...LocalDateResolver.toConfig(),
  name: 'Date',
  description: 'A calendar date without time zone, as YYYY-MM-DD.',
});

/** Free-form JSON value. */
export const JSONScalar = JSONResolver;

/** An amount in integer minor units (cents, fen) with its ISO 4217 currency. */
export interface MoneyValue {
  amount: number;
  currency: string;
}

function parseMoney(value: unknown): MoneyValue {
  if (typeof value !== 'object' || value === null) throw new GraphQLError('Money must be an object { amount, currency }');
  const { amount, currency } = value as Record<string, unknown>;
  if (typeof amount !== 'number' || !Number.isSafeInteger(amount)) {
    throw new GraphQLError('Money.amount must be an integer number of minor units (e.g. cents)');
  }
  if (typeof currency !== 'string' || !/^[A-Z]{3}$/.test(currency)) {
    throw new GraphQLError('Money.currency must be an ISO 4217 code such as "CNY"');
  }
  return { amount, currency };
}

function literalToValue(node: ValueNode): unknown {
  switch (node.kind) {
    case Kind.OBJECT:
      return Object.fromEntries(node.fields.map((field) => [field.name.value, literalToValue(field.value)]));
    case Kind.INT:
      return Number(node.value);
    case Kind.STRING:
      return node.value;
    default:
      return undefined;
  }
}

export const MoneyScalar = new GraphQLScalarType<MoneyValue, MoneyValue>({
  name: 'Money',
  description:
    'An amount of money as { "amount": <integer minor units>, "currency": "<ISO 4217>" }, e.g. { "amount": 1999, "currency": "CNY" } is 19.99 yuan.',
  serialize: (value) => parseMoney(value),
  parseValue: (value) => parseMoney(value),
  parseLiteral: (node) => parseMoney(literalToValue(node)),
});
