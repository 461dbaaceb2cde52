import autocannon from 'autocannon';
import { toGlobalId } from '../../src/core/relay/global-id.js';
import type { LoadShape, LoadStats, PhaseHooks } from '../lib/load.js';
import { withTimeout } from '../lib/scope.js';

/** The mutation under test, with the smallest useful selection. */
export const EARN_MUTATION = `mutation($input: PointsEarnInput!) { pointsEarn(input: $input) { entry { id balanceAfter } userErrors { code } } }`;
export const REASON = 'bench visit';

/** What the API answered over a whole load (warm-up included). */
export interface EarnTally {
  sent: number;
  ok: number;
  /** Answers without an entry, with userErrors or GraphQL errors; the first one is kept. */
  bad: number;
  firstBad?: string;
}

/** mulberry32: small, fast, deterministic. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Request bodies: a uniformly random member, 1..maxPoints points and a fresh idempotency key each time. */
export class EarnRequests {
  readonly tally: EarnTally = { sent: 0, ok: 0, bad: 0 };
  private readonly r = random(42);
  private readonly globalIds: string[];
  private seq = 0;

  constructor(memberIds: string[], private readonly maxPoints: number, private readonly runTag: string) {
    this.globalIds = memberIds.map((id) => toGlobalId('Member', id));
  }

  body(): string {
    this.tally.sent++;
    const input = {
      memberId: this.globalIds[Math.floor(this.r() * this.globalIds.length)],
      points: 1 + Math.floor(this.r() * this.maxPoints),
      reason: REASON,
      idempotencyKey: `${this.runTag}-${this.seq++}`,
    };
    return JSON.stringify({ query: EARN_MUTATION, variables: { input } });
  }

  check(status: number, body: string): void {
    // Cheap string checks: parsing every answer would take CPU from the server on this 2-core machine.
    if (status === 200 && body.includes('"userErrors":[]') && body.includes('"balanceAfter":') && !body.includes('"errors"')) {
      this.tally.ok++;
    } else {
      this.tally.bad++;
      this.tally.firstBad ??= `${status} ${body.slice(0, 300)}`;
    }
  }
}

async function cannon(url: string, key: string, requests: EarnRequests, concurrency: number, durationMs: number): Promise<autocannon.Result> {
  const run = autocannon({
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    connections: concurrency,
    duration: durationMs / 1_000,
    timeout: 10,
    requests: [
      {
        setupRequest: (request) => ({ ...request, body: requests.body() }),
        onResponse: (status, body) => requests.check(status, body),
      },
    ],
  });
  return withTimeout(run, durationMs + 20_000, 'HTTP load');
}

/**
 * Closed-loop pointsEarn load with autocannon (as `httpLoad`, but a new body per request): `concurrency`
 * connections, each one request at a time; a warm-up run, then the measured one.
 */
export async function earnLoad(url: string, key: string, requests: EarnRequests, shape: LoadShape, hooks: PhaseHooks = {}): Promise<LoadStats & { timeouts: number }> {
  if (shape.warmupMs > 0) await cannon(url, key, requests, shape.concurrency, shape.warmupMs);
  hooks.start?.();
  const result = await cannon(url, key, requests, shape.concurrency, shape.durationMs);
  hooks.end?.();
  return {
    requests: result['2xx'],
    rps: Number((result['2xx'] / result.duration).toFixed(1)),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors + result.non2xx,
    timeouts: result.timeouts,
  };
}
