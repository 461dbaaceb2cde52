import { execute, Kind, print, type DocumentNode, type ExecutionResult, type GraphQLResolveInfo, type GraphQLSchema } from 'graphql';
import pg from 'pg';
import { randomUUID } from 'node:crypto';
import { createContext, type AppServices, type GraphQLContext } from '../../core/context.js';
import { READERS, roleOf, tenantOf, type Viewer } from '../../core/auth/viewer.js';
import { ErrorCode } from '../../core/errors.js';
import type { Role } from '../../core/auth/role.js';
import { CROSSING_CHANNEL, hasUnsequenced, sequenceCrossings } from './churn-outbox.js';
import { CrossingSubscriber } from './churn-subscriber.js';
import { cursorOf, filterOf, passes, subscriptionError, type Filter } from './churn-feed-filter.js';
import { ChurnRiskCrossingNode, type CrossingRow } from './churn.type.js';
import type { CrossingDirection } from './churn.enums.js';

/** A crossing as the feed reads it: the row, and the member's net spend for `minNetSpent`. */
interface FeedEvent extends CrossingRow {
  seqNo: bigint;
  netSpend: number;
}

/** Subscribers sharing one document, variables and auth scope: each event is rendered once for all of them. */
interface Group {
  key: string;
  tenantId: string;
  viewer: Viewer;
  document: DocumentNode;
  variables: Record<string, unknown> | undefined;
  filter: Filter;
  subscribers: Set<CrossingSubscriber>;
}

const FETCH_BATCH = 1_000;
const BACKSTOP_MS = 2_000;
const RECONNECT_MS = 1_000;
const REVOCATION_TICKS = 5;

const SELECT = `select c.id, c.tenant_id, c.member_id, c.threshold, c.direction, c.previous_score, c.score, c.occurred_at, c.seq::text as seq,
                       coalesce(s.net_spend, 0)::bigint as net_spend
                  from churn_crossing c left join member_stats s on s.member_id = c.member_id and s.tenant_id = c.tenant_id`;

type Row = { id: string; tenant_id: string; member_id: string; threshold: number; direction: CrossingDirection; previous_score: number; score: number; occurred_at: Date | string; seq: string; net_spend: string | number };

const toEvent = (row: Row): FeedEvent => ({
  id: row.id,
  tenantId: row.tenant_id,
  memberId: row.member_id,
  threshold: Number(row.threshold),
  direction: row.direction,
  previousScore: Number(row.previous_score),
  score: Number(row.score),
  occurredAt: new Date(row.occurred_at),
  seq: row.seq,
  seqNo: BigInt(row.seq),
  netSpend: Number(row.net_spend),
});

const feeds = new WeakMap<AppServices, ChurnFeed>();
const running = new Set<ChurnFeed>();

export function churnFeedOf(app: AppServices): ChurnFeed | undefined {
  return feeds.get(app);
}

/** After a transaction that may have written crossings committed: number and announce them (every feed of this process). */
export function kickChurnOutbox(): void {
  for (const feed of running) feed.kick();
}

/**
 * Delivers churn threshold crossings to this process's graphql-ws subscribers. One LISTEN connection per process;
 * on a NOTIFY (or the backstop timer) it reads the new crossings once, in sequence order, and renders each event
 * once per group of identical subscriptions (document, variables, tenant and role), then hands the same result to
 * every subscriber of the group. A subscriber with `afterCursor` first replays from the table, then goes live.
 */
export class ChurnFeed {
  private client: pg.Client | null = null;
  /** The feed's own connections (sequencing and reads), apart from the request pool. */
  private readonly pool: pg.Pool;
  private lastSeq = 0n;
  private readonly groups = new Map<string, Group>();
  private reading: Promise<void> | null = null;
  private readAgain = false;
  private sequencing: Promise<void> | null = null;
  private sequenceAgain = false;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private ticks = 0;

  constructor(
    private readonly app: AppServices,
    private readonly schema: GraphQLSchema,
    private readonly url: string,
  ) {
    this.pool = new pg.Pool({ connectionString: url, max: 2, application_name: 'ecrm-churn-feed', options: '-c statement_timeout=30000' });
    this.pool.on('error', (error) => this.app.logger.warn({ errorName: error.name }, 'churn feed connection lost'));
  }

  async start(): Promise<void> {
    const { rows: [row] } = await this.pool.query<{ last: string }>('select coalesce(max(seq), 0)::text as last from churn_crossing');
    this.lastSeq = BigInt(row?.last ?? '0');
    await this.listen();
    this.timer = setInterval(() => this.backstop(), BACKSTOP_MS);
    this.timer.unref();
    feeds.set(this.app, this);
    running.add(this);
    this.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    running.delete(this);
    if (this.timer) clearInterval(this.timer);
    for (const group of this.groups.values()) for (const subscriber of group.subscribers) subscriber.return();
    this.groups.clear();
    await Promise.allSettled([this.reading, this.sequencing]);
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
    await this.pool.end().catch(() => undefined);
  }

  /** Selections executed for live events: once per event and group, however many subscribers share it. */
  renders = 0;

  /** Groups of identical subscriptions on this process. */
  get groupCount(): number {
    return this.groups.size;
  }

  /** Subscribers on this process (for tests and metrics). */
  get subscriberCount(): number {
    let count = 0;
    for (const group of this.groups.values()) count += group.subscribers.size;
    return count;
  }

  /** Numbers committed crossings and notifies every instance; runs again if asked while running. */
  kick(): void {
    if (this.stopped) return;
    if (this.sequencing) {
      this.sequenceAgain = true;
      return;
    }
    this.sequencing = (async () => {
      do {
        this.sequenceAgain = false;
        try {
          // Most writes record no crossing: one indexed probe instead of a sequencing transaction.
          if (await hasUnsequenced(this.pool)) await sequenceCrossings(this.pool);
        } catch (error) {
          if (!this.stopped) this.app.logger.warn({ errorName: (error as Error).name }, 'churn outbox sequencing failed; retried by the backstop');
        }
      } while (this.sequenceAgain && !this.stopped);
      this.sequencing = null;
    })();
  }

  private backstop(): void {
    // Crossings committed by a process that died before numbering them, and NOTIFYs lost while reconnecting.
    this.kick();
    if (++this.ticks % REVOCATION_TICKS === 0) this.endRevoked().catch(() => undefined);
    if (this.groups.size) this.read();
  }

  /** Ends subscriptions whose access key was revoked since they subscribed (checked every ~10 s). */
  private async endRevoked(): Promise<void> {
    const subscribers = [...this.groups.values()].flatMap((group) => [...group.subscribers]);
    const keyIds = [...new Set(subscribers.map((subscriber) => subscriber.keyId).filter((id): id is string => id !== null))];
    if (!keyIds.length) return;
    const { rows } = await this.pool.query<{ id: string }>('select id from access_key where id = any($1::uuid[]) and revoked_at is not null', [keyIds]);
    const revoked = new Set(rows.map((row) => row.id));
    for (const subscriber of subscribers) {
      if (subscriber.keyId && revoked.has(subscriber.keyId)) subscriber.fail(new Error('The access key was revoked.'));
    }
  }

  private async listen(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url, application_name: 'ecrm-churn-listen' });
    client.on('notification', (message) => {
      if (message.channel !== CROSSING_CHANNEL || !message.payload) return;
      const seq = BigInt(message.payload);
      if (!this.groups.size) {
        if (seq > this.lastSeq) this.lastSeq = seq;
        return;
      }
      this.read();
    });
    client.on('error', (error) => {
      this.app.logger.warn({ errorName: error.name }, 'churn LISTEN connection lost; reconnecting');
      if (this.client === client) this.client = null;
      client.end().catch(() => undefined);
      this.reconnect();
    });
    await client.connect();
    await client.query(`listen ${CROSSING_CHANNEL}`);
    this.client = client;
  }

  private reconnect(): void {
    if (this.stopped) return;
    setTimeout(() => {
      if (this.stopped) return;
      this.listen().then(
        () => this.read(),
        () => this.reconnect(),
      );
    }, RECONNECT_MS).unref();
  }

  /** Reads everything numbered after lastSeq, in order, and dispatches it; coalesces concurrent calls. */
  private read(): void {
    if (this.stopped) return;
    if (this.reading) {
      this.readAgain = true;
      return;
    }
    this.reading = (async () => {
      try {
        do {
          this.readAgain = false;
          for (;;) {
            const { rows } = await this.pool.query<Row>(`${SELECT} where c.seq > $1 order by c.seq limit ${FETCH_BATCH}`, [this.lastSeq.toString()]);
            if (!rows.length) break;
            const events = rows.map(toEvent);
            await this.dispatch(events);
            this.lastSeq = events[events.length - 1]!.seqNo;
            if (rows.length < FETCH_BATCH) break;
          }
        } while (this.readAgain && !this.stopped);
      } catch (error) {
        if (!this.stopped) this.app.logger.warn({ errorName: (error as Error).name }, 'churn feed read failed; retried by the backstop');
      } finally {
        this.reading = null;
      }
    })();
  }

  private async dispatch(events: FeedEvent[]): Promise<void> {
    await Promise.all(
      [...this.groups.values()].map(async (group) => {
        const matching = await this.matching(group, events);
        if (!matching.length || !group.subscribers.size) return;
        const results = await this.render(group, matching);
        this.renders += results.length;
        matching.forEach((event, index) => {
          for (const subscriber of group.subscribers) subscriber.offer(event.seqNo, results[index]!);
        });
      }),
    );
  }

  /** The group's tenant's events that pass its filter (segment membership read once per batch). */
  private async matching(group: { tenantId: string; filter: Filter }, events: FeedEvent[]): Promise<FeedEvent[]> {
    const { filter } = group;
    let candidates = events.filter((event) => event.tenantId === group.tenantId && passes(filter, event));
    if (filter.segmentId && candidates.length) {
      const { rows } = await this.pool.query<{ member_id: string }>(
        'select member_id from segment_member where tenant_id = $1 and segment_id = $2 and member_id = any($3::uuid[])',
        [group.tenantId, filter.segmentId, [...new Set(candidates.map((event) => event.memberId))]],
      );
      const inSegment = new Set(rows.map((row) => row.member_id));
      candidates = candidates.filter((event) => inSegment.has(event.memberId));
    }
    return candidates;
  }

  /** Executes the selection for each event, all in one context (loaders batch the member reads). */
  private async render(group: { viewer: Viewer; document: DocumentNode; variables: Record<string, unknown> | undefined }, events: FeedEvent[]): Promise<ExecutionResult[]> {
    const contextValue: GraphQLContext = createContext(this.app, group.viewer, randomUUID());
    return Promise.all(
      events.map(
        async (event) =>
          (await execute({ schema: this.schema, document: group.document, rootValue: ChurnRiskCrossingNode.from(event), contextValue, variableValues: group.variables })) as ExecutionResult,
      ),
    );
  }

  /** The `subscribe` of Subscription.churnRiskCrossed: checks, joins (or opens) a group, replays if asked. */
  async subscribe(args: Record<string, unknown>, ctx: GraphQLContext, info: GraphQLResolveInfo): Promise<AsyncIterable<ExecutionResult>> {
    const role = roleOf(ctx.viewer);
    const tenantId = tenantOf(ctx.viewer);
    if (!tenantId || !role) throw subscriptionError('Authentication required.', ErrorCode.UNAUTHENTICATED);
    if (!READERS.includes(role as Role)) throw subscriptionError('This access key may not read churn crossings.', ErrorCode.FORBIDDEN);
    const filter = await filterOf(this.pool, args, tenantId);
    const after = cursorOf(args.afterCursor);
    const document: DocumentNode = { kind: Kind.DOCUMENT, definitions: [info.operation, ...Object.values(info.fragments)] };
    const variables = info.variableValues;
    // Where a client resumes from does not change what an event renders to: afterCursor stays out of the key.
    const cursorArgument = info.fieldNodes[0]?.arguments?.find((argument) => argument.name.value === 'afterCursor');
    const cursorVariable = cursorArgument?.value.kind === Kind.VARIABLE ? cursorArgument.value.name.value : null;
    const keyVariables = Object.fromEntries(Object.entries(variables ?? {}).filter(([name]) => name !== cursorVariable));
    const key = JSON.stringify([tenantId, role, print(document), keyVariables]);
    let group = this.groups.get(key);
    if (!group) {
      group = { key, tenantId, viewer: ctx.viewer, document, variables, filter, subscribers: new Set() };
      this.groups.set(key, group);
    }
    const owner = group;
    const subscriber = new CrossingSubscriber(after ?? this.lastSeq, ctx.viewer.kind === 'key' ? ctx.viewer.keyId : null, (gone) => {
      owner.subscribers.delete(gone);
      if (!owner.subscribers.size && this.groups.get(owner.key) === owner) this.groups.delete(owner.key);
    });
    group.subscribers.add(subscriber);
    if (after !== null) {
      subscriber.replaying = true;
      this.replay(owner, subscriber).catch((error: unknown) => subscriber.fail(new Error(`Replay failed (${(error as Error).name}); subscribe again with afterCursor.`)));
    }
    return subscriber;
  }

  private async replay(group: Group, subscriber: CrossingSubscriber): Promise<void> {
    for (;;) {
      const { rows } = await this.pool.query<Row>(
        `${SELECT} where c.tenant_id = $1 and c.seq > $2 order by c.seq limit ${FETCH_BATCH}`,
        [group.tenantId, subscriber.lastSeq.toString()],
      );
      if (subscriber.closed) return;
      if (!rows.length) break;
      const events = rows.map(toEvent);
      const matching = await this.matching(group, events);
      const results = matching.length ? await this.render(group, matching) : [];
      matching.forEach((event, index) => subscriber.deliver(event.seqNo, results[index]!));
      // Filtered-out rows still advance the position.
      const last = events[events.length - 1]!.seqNo;
      if (last > subscriber.lastSeq) subscriber.lastSeq = last;
      if (rows.length < FETCH_BATCH) break;
    }
    subscriber.endReplay();
  }
}
