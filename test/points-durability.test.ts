import { startTestApp, type TestApp, type TestTenant } from './support/harness';
import { createMember } from './support/access-fixtures';
import { prng } from './support/activity-fixtures';
import { earnPoints, pointsOf } from './support/points-fixtures';
import { killServerProcesses, startServerProcess } from './support/server-process';

/**
 * Durability of the points ledger across a crash: a separate `ecrm serve` on the test database is SIGKILLed in the
 * middle of a load of earns and redemptions, a new one is started, and every client re-sends all its requests with
 * the same idempotency keys. Nothing may be lost or written twice.
 */

const CLIENTS = 8;
const OPS_PER_CLIENT = 75;
const MEMBERS = 5;
const OPENING_POINTS = 100;
const KILL_AFTER_ANSWERS = 150;

const ENTRY = 'entry { id kind amount balanceAfter createdAt } userErrors { code field message }';
const EARN = `mutation DurableEarn($input: PointsEarnInput!) { pointsEarn(input: $input) { ${ENTRY} } }`;
const REDEEM = `mutation DurableRedeem($input: PointsRedeemInput!) { pointsRedeem(input: $input) { ${ENTRY} } }`;

interface Op {
  key: string;
  member: number;
  kind: 'earn' | 'redeem';
  points: number;
}

interface Entry {
  id: string;
  kind: string;
  amount: number;
  balanceAfter: number;
  createdAt: string;
}

/** `entry` and `refused` are definite answers; `none` is a request that got no answer; `bad` an answer that is neither. */
type Answer = { is: 'entry'; entry: Entry } | { is: 'refused'; codes: string[] } | { is: 'none'; why: string } | { is: 'bad'; why: string };

let t: TestApp;
let tenant: TestTenant;
let memberIds: string[];
const opening = new Map<string, string>();

beforeAll(async () => {
  t = await startTestApp();
  tenant = await t.tenant();
  memberIds = [];
  for (let i = 0; i < MEMBERS; i++) {
    const id = await createMember(t, tenant.keys.ADMIN);
    memberIds.push(id);
    opening.set(id, (await earnPoints(t, tenant.keys.INGEST, id, OPENING_POINTS)).id);
  }
});
afterAll(async () => {
  await killServerProcesses();
  await t.close();
});

/** Each client's requests, the same on every run: mostly small earns, and redemptions big enough to be refused sometimes. */
function workload(): Op[][] {
  const random = prng(20261124);
  return Array.from({ length: CLIENTS }, (_, client) =>
    Array.from({ length: OPS_PER_CLIENT }, (_, i): Op => {
      const member = Math.floor(random() * MEMBERS);
      const key = `durability-c${client}-op${i}`;
      return random() < 0.55 ? { key, member, kind: 'earn', points: 1 + Math.floor(random() * 20) } : { key, member, kind: 'redeem', points: 5 + Math.floor(random() * 36) };
    }),
  );
}

function shuffled<T>(items: T[], seed: number): T[] {
  const random = prng(seed);
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

/** One request to the child over plain HTTP, as a client with a 10 s timeout would send it. */
async function send(url: string, op: Op): Promise<Answer> {
  const memberId = memberIds[op.member]!;
  const [query, input, field] =
    op.kind === 'earn'
      ? [EARN, { memberId, points: op.points, reason: 'durability', idempotencyKey: op.key }, 'pointsEarn']
      : [REDEEM, { memberId, purpose: 'REWARD', reward: 'durability', points: op.points, idempotencyKey: op.key }, 'pointsRedeem'];
  let status: number;
  let text: string;
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${tenant.keys.INGEST}` },
      body: JSON.stringify({ query, variables: { input } }),
      signal: AbortSignal.timeout(10_000),
    });
    status = response.status;
    text = await response.text();
  } catch (error) {
    return { is: 'none', why: String((error as Error).cause ?? error) };
  }
  try {
    const body = JSON.parse(text) as { data?: Record<string, { entry: Entry | null; userErrors: { code: string }[] }>; errors?: unknown[] };
    const payload = body.data?.[field];
    if (status === 200 && !body.errors?.length && payload) {
      if (payload.entry && payload.userErrors.length === 0) return { is: 'entry', entry: payload.entry };
      if (!payload.entry && payload.userErrors.length > 0) return { is: 'refused', codes: payload.userErrors.map((error) => error.code) };
    }
  } catch {
    // reported below
  }
  return { is: 'bad', why: `HTTP ${status}: ${text.slice(0, 300)}` };
}

const describeOp = (op: Op, answer: Answer | undefined) => `${op.key} (${op.kind} ${op.points}): ${JSON.stringify(answer)}`;
const entryOf = (answer: Answer | undefined): Entry | null => (answer?.is === 'entry' ? answer.entry : null);
const summary = (entry: { id: string; kind: string; amount: number }) => ({ id: entry.id, kind: entry.kind, amount: entry.amount });
const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);

test('a server killed mid-load loses and doubles nothing when clients retry with their keys', async () => {
  const clients = workload();
  const ops = clients.flat();
  const first = await startServerProcess(t.databaseUrl);

  // Phase 1: all clients at full speed; the server is SIGKILLed once KILL_AFTER_ANSWERS answers have come back.
  // The requests in flight then die with the connection; some of them may have committed without an answer.
  const before = new Map<string, Answer>();
  let answers = 0;
  await Promise.all(
    clients.map(async (list) => {
      for (const op of list) {
        const answer = await send(first.url, op);
        before.set(op.key, answer);
        if (answer.is !== 'none' && ++answers === KILL_AFTER_ANSWERS) void first.kill();
      }
    }),
  );
  await first.kill();
  // The kill must really have landed mid-load, or the test proves nothing.
  expect(answers).toBeGreaterThanOrEqual(KILL_AFTER_ANSWERS);
  expect(ops.filter((op) => before.get(op.key)!.is === 'none').length).toBeGreaterThan(0);
  // Whatever did come back before the crash was a definite answer.
  expect(ops.filter((op) => before.get(op.key)!.is === 'bad').map((op) => describeOp(op, before.get(op.key)))).toEqual([]);

  // Phase 2: a new server on the same database; every client re-sends ALL its requests, in another order.
  const restartedAt = Date.now();
  const second = await startServerProcess(t.databaseUrl);
  const after = new Map<string, Answer>();
  await Promise.all(
    clients.map(async (list, client) => {
      for (const op of shuffled(list, 1000 + client)) after.set(op.key, await send(second.url, op));
    }),
  );

  // Every request now has a definite answer.
  expect(ops.filter((op) => !['entry', 'refused'].includes(after.get(op.key)!.is)).map((op) => describeOp(op, after.get(op.key)))).toEqual([]);
  // The only refusal is a redemption the balance could not cover (a faithful retry is no IDEMPOTENCY_CONFLICT).
  const badRefusals = ops.flatMap((op) =>
    [before.get(op.key)!, after.get(op.key)!]
      .filter((answer) => answer.is === 'refused' && (op.kind !== 'redeem' || answer.codes.join() !== 'INSUFFICIENT_POINTS'))
      .map((answer) => describeOp(op, answer)),
  );
  expect(badRefusals).toEqual([]);

  // A request answered with an entry before the crash gets exactly that entry back (id, amount, balanceAfter, time).
  const changed = ops.filter((op) => entryOf(before.get(op.key)) && JSON.stringify(after.get(op.key)) !== JSON.stringify(before.get(op.key)));
  expect(changed.map((op) => `${describeOp(op, before.get(op.key))} then ${JSON.stringify(after.get(op.key))}`)).toEqual([]);

  // A refused redemption wrote nothing and refusals are not replayed, so its retry may succeed now that other
  // earns have landed, or be refused again: neither answer is guaranteed. What is: an entry under its key was
  // written by the retry, on the new server, never by the refused request.
  const writtenByRefusal = ops.filter((op) => {
    const entry = entryOf(after.get(op.key));
    return before.get(op.key)!.is === 'refused' && entry && Date.parse(entry.createdAt) < restartedAt;
  });
  expect(writtenByRefusal.map((op) => describeOp(op, after.get(op.key)))).toEqual([]);

  // The ledger holds exactly the entries the final answers name (plus each member's opening earn): one per key,
  // none twice (a double would be an extra id), none lost.
  const written = ops.flatMap((op) => (entryOf(after.get(op.key)) ? [{ op, entry: entryOf(after.get(op.key))! }] : []));
  expect(new Set(written.map(({ entry }) => entry.id)).size).toBe(written.length);
  for (const [index, memberId] of memberIds.entries()) {
    const answered = written.filter(({ op }) => op.member === index).map(({ entry }) => entry);
    const { account, entries, ledgerSum } = await pointsOf(t, tenant.keys.ADMIN, memberId);
    const expected = [{ id: opening.get(memberId)!, kind: 'EARN', amount: OPENING_POINTS }, ...answered.map(summary)];
    expect(entries.map(summary).sort(byId)).toEqual(expected.sort(byId));
    expect(ledgerSum).toBe(expected.reduce((sum, entry) => sum + entry.amount, 0));
    expect(account.spendablePoints - account.debt).toBe(ledgerSum);
    expect(account.spendablePoints).toBeGreaterThanOrEqual(0);
    expect(account.debt).toBe(0); // nothing here (no refunds) can leave a debt
    expect(entries.filter((entry) => entry.balanceAfter < 0)).toEqual([]);
  }
}, 60_000);
