import { GraphQLError, type ExecutionResult } from 'graphql';
import { ErrorCode } from '../../core/errors.js';

/** How many rendered events a slow client may have waiting before its subscription is ended. */
export const MAX_QUEUED = 10_000;

/**
 * One client's subscription: an async iterator over rendered results, fed by the feed in sequence order.
 * Delivery is by sequence number: anything at or below `lastSeq` is dropped, so a replay racing live events
 * gives each crossing once. While replaying, live events wait in `held`.
 */
export class CrossingSubscriber implements AsyncIterableIterator<ExecutionResult> {
  lastSeq: bigint;
  replaying = false;
  private readonly queue: ExecutionResult[] = [];
  private readonly held: { seq: bigint; result: ExecutionResult }[] = [];
  private waiting: ((value: IteratorResult<ExecutionResult>) => void) | null = null;
  private done = false;

  constructor(
    lastSeq: bigint,
    /** The access key it subscribed with: revoking it ends the subscription. */
    readonly keyId: string | null,
    private readonly onClose: (subscriber: CrossingSubscriber) => void,
  ) {
    this.lastSeq = lastSeq;
  }

  /** A live event; held back during a replay. */
  offer(seq: bigint, result: ExecutionResult): void {
    if (this.done) return;
    if (this.replaying) this.held.push({ seq, result });
    else this.deliver(seq, result);
  }

  deliver(seq: bigint, result: ExecutionResult): void {
    if (this.done || seq <= this.lastSeq) return;
    this.lastSeq = seq;
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = null;
      resolve({ value: result, done: false });
      return;
    }
    if (this.queue.length >= MAX_QUEUED) {
      this.fail(new Error('Subscriber too slow: more than 10,000 crossings waiting. Subscribe again with afterCursor.'));
      return;
    }
    this.queue.push(result);
  }

  /** The replay is over: what arrived meanwhile follows, minus what the replay already delivered. */
  endReplay(): void {
    this.replaying = false;
    for (const { seq, result } of this.held.splice(0)) this.deliver(seq, result);
  }

  /** Ends the subscription with one last result carrying the error. */
  fail(error: Error): void {
    if (this.done) return;
    const result: ExecutionResult = { errors: [new GraphQLError(error.message, { extensions: { code: ErrorCode.SUBSCRIPTION_ENDED } })] };
    this.queue.length = 0;
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = null;
      resolve({ value: result, done: false });
    } else {
      this.queue.push(result);
    }
    this.close();
  }

  next(): Promise<IteratorResult<ExecutionResult>> {
    const value = this.queue.shift();
    if (value) return Promise.resolve({ value, done: false });
    if (this.done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => {
      this.waiting = resolve;
    });
  }

  return(): Promise<IteratorResult<ExecutionResult>> {
    this.close();
    return Promise.resolve({ value: undefined, done: true });
  }

  throw(error: unknown): Promise<IteratorResult<ExecutionResult>> {
    this.close();
    return Promise.reject(error);
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<ExecutionResult> {
    return this;
  }

  get closed(): boolean {
    return this.done;
  }

  private close(): void {
    if (this.done) return;
    this.done = true;
    this.held.length = 0;
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = null;
      resolve({ value: undefined, done: true });
    }
    this.onClose(this);
  }
}
