import {
  GraphQLError,
  Kind,
  getNamedType,
  isObjectType,
  isInterfaceType,
  isLeafType,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import type { QueryLimits } from '../../app/config.js';
import { ErrorCode } from '../errors.js';
import { DEFAULT_PAGE_SIZE } from '../relay/connection.js';

export interface QueryCost {
  depth: number;
  cost: number;
  aliases: number;
}

type Variables = Record<string, unknown> | null | undefined;

function argValue(node: ValueNode, variables: Variables): unknown {
  if (node.kind === Kind.VARIABLE) return variables?.[node.name.value];
  if (node.kind === Kind.INT) return Number(node.value);
  if (node.kind === Kind.LIST) return node.values;
  return undefined;
}

/**
 * Estimates what an operation will cost before it runs: each object field costs 1 (scalars 0), and
 * a paginated field multiplies its selection by the page size asked for (`first`/`last`, or the
 * default page), so nested lists are priced as the rows they can fetch.
 */
export function measureOperation(schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined, variables: Variables): QueryCost | undefined {
  const fragments = new Map<string, FragmentDefinitionNode>();
  let operation: OperationDefinitionNode | undefined;
  let aliases = 0;
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    else if (definition.kind === Kind.OPERATION_DEFINITION && (!operationName || definition.name?.value === operationName)) {
      operation ??= definition;
    }
  }
  if (!operation) return undefined;
  const root = operation.operation === 'query' ? schema.getQueryType() : operation.operation === 'mutation' ? schema.getMutationType() : schema.getSubscriptionType();
  if (!root) return undefined;
  let maxDepth = 0;

  const walk = (selectionSet: SelectionSetNode, parent: GraphQLNamedType, depth: number, seen: Set<string>): number => {
    let cost = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        if (selection.alias) aliases += 1;
        const name = selection.name.value;
        if (name.startsWith('__')) continue; // introspection is bounded by the schema itself
        maxDepth = Math.max(maxDepth, depth);
        const field = isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[name] : undefined;
        if (!field || !selection.selectionSet) continue;
        const type = getNamedType(field.type);
        if (isLeafType(type)) continue;
        let multiplier = 1;
        let paged = false;
        for (const arg of selection.arguments ?? []) {
          const value = argValue(arg.value, variables);
          if ((arg.name.value === 'first' || arg.name.value === 'last') && typeof value === 'number') {
            multiplier = Math.max(multiplier, value);
            paged = true;
          } else if (arg.name.value === 'ids' && Array.isArray(value)) {
            multiplier = Math.max(multiplier, value.length);
          }
        }
        if (!paged && type.name.endsWith('Connection')) multiplier = DEFAULT_PAGE_SIZE;
        cost += 1 + multiplier * walk(selection.selectionSet, type, depth + 1, seen);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        cost += walk(selection.selectionSet, type ?? parent, depth, seen);
      } else {
        const fragment = fragments.get(selection.name.value);
        if (!fragment || seen.has(fragment.name.value)) continue;
        const type = schema.getType(fragment.typeCondition.name.value) ?? parent;
        cost += walk(fragment.selectionSet, type, depth, new Set([...seen, fragment.name.value]));
      }
    }
    return cost;
  };

  const cost = walk(operation.selectionSet, root, 1, new Set());
  return { depth: maxDepth, cost, aliases };
}

/** The error for an operation over the limits, or undefined when it is within them. */
export function checkQueryLimits(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Variables,
  limits: QueryLimits,
): GraphQLError | undefined {
  const measured = measureOperation(schema, document, operationName, variables);
  if (!measured) return undefined;
  const over = (what: string, value: number, max: number) =>
    new GraphQLError(`Query ${what} is ${value}, over the limit of ${max}. Ask for fewer or smaller pages, or split the query.`, {
      extensions: { code: ErrorCode.QUERY_TOO_COMPLEX, [what]: value, limit: max, http: { status: 400 } },
    });
  if (measured.depth > limits.maxDepth) return over('depth', measured.depth, limits.maxDepth);
  if (measured.aliases > limits.maxAliases) return over('aliases', measured.aliases, limits.maxAliases);
  if (measured.cost > limits.maxCost) return over('cost', measured.cost, limits.maxCost);
  return undefined;
}
