import { ArgsType, Field, Int, ObjectType, type ClassType } from 'type-graphql';
import { badInput } from '../errors.js';

export const MAX_PAGE_SIZE = 250;
export const DEFAULT_PAGE_SIZE = 20;

@ObjectType({ simpleResolvers: true, description: 'Where a page sits in its list (Relay cursor connections).' })
export class PageInfo {
  @Field({ description: 'Whether items follow this page.' })
  hasNextPage!: boolean;

  @Field({ description: 'Whether items precede this page.' })
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true, description: 'Cursor of the first item of this page.' })
  startCursor!: string | null;

  @Field(() => String, { nullable: true, description: 'Cursor of the last item of this page.' })
  endCursor!: string | null;
}

@ArgsType()
export class PageArgs {
  @Field(() => Int, { nullable: true, description: `Items after \`after\`, 1 to ${MAX_PAGE_SIZE}; ${DEFAULT_PAGE_SIZE} when neither first nor last is given.` })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'Cursor to start after.' })
  after?: string | null;

  @Field(() => Int, { nullable: true, description: `Items before \`before\`, 1 to ${MAX_PAGE_SIZE}.` })
  last?: number | null;

  @Field(() => String, { nullable: true, description: 'Cursor to end before.' })
  before?: string | null;
}

export interface PageRequest {
  first?: number;
  after?: string;
  last?: number;
  before?: string;
}

function checkSize(name: string, value: number | null | undefined): number | undefined {
  if (value === null || value === undefined) return undefined;
  if (value < 1 || value > MAX_PAGE_SIZE) throw badInput(`\`${name}\` must be between 1 and ${MAX_PAGE_SIZE}, got ${value}.`, name);
  return value;
}

/** Validates Relay paging arguments. */
export function pageRequest(args: PageArgs): PageRequest {
  const first = checkSize('first', args.first);
  const last = checkSize('last', args.last);
  if (first !== undefined && last !== undefined) throw badInput('Pass `first` or `last`, not both.');
  if (args.after && last !== undefined) throw badInput('`after` goes with `first`; use `before` with `last`.');
  if (args.before && first !== undefined) throw badInput('`before` goes with `last`; use `after` with `first`.');
  return {
    first: first ?? (last === undefined ? DEFAULT_PAGE_SIZE : undefined),
    after: args.after ?? undefined,
    last,
    before: args.before ?? undefined,
  };
}

export interface Page<T> {
  nodes: T[];
  /** Cursor of the item at an index; computed only for edges a client asks a cursor of. */
  cursorAt: (index: number) => string;
  pageInfo: PageInfo;
  count: () => Promise<number>;
}


/** Builds the Edge and Connection types for a node type. */
export function connectionOf<T extends object>(nodeType: ClassType<T>, name: string, description: string) {
  @ObjectType(`${name}Edge`, { simpleResolvers: true, description: `One ${name} in a page, with its cursor.` })
  class Edge {
    cursorOf!: () => string;

    @Field(() => String, { description: 'Cursor of this item, for `after` and `before`.' })
    cursor(): string {
      return this.cursorOf();
    }

    @Field(() => nodeType, { description: `The ${name}.` })
    node!: T;
  }

  @ObjectType(`${name}Connection`, { simpleResolvers: true, description })
  class Connection {
    @Field(() => [Edge], { description: 'Items with their cursors.' })
    edges!: Edge[];

    @Field(() => [nodeType], { description: 'The items, when cursors are not needed.' })
    nodes!: T[];

    @Field(() => PageInfo, { description: 'Paging information.' })
    pageInfo!: PageInfo;

    counter!: () => Promise<number>;

    @Field(() => Int, { description: 'How many items match, across all pages.' })
    totalCount(): Promise<number> {
      return this.counter();
    }

    static from<S>(page: Page<S>, map: (item: S) => T): Connection {
      const connection = new Connection();
      connection.nodes = page.nodes.map(map);
      connection.edges = connection.nodes.map((node, index) => Object.assign(new Edge(), { node, cursorOf: () => page.cursorAt(index) }));
      connection.pageInfo = page.pageInfo;
      connection.counter = page.count;
      return connection;
    }
  }

  return Connection;
}
