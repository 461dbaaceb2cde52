import type { EntityManager } from '@mikro-orm/postgresql';
import {
  LoyaltyProgramUpdateDocument,
  MemberMergeDocument,
  MemberTokenCreateDocument,
  MembersTiersDocument,
  MemberTierDocument,
  TierCreateDocument,
  TierRetireDocument,
  TiersDocument,
  TierUpdateDocument,
  type TierCreateInput,
  type TierUpdateInput,
} from './generated/graphql';
import { TENANT_FILTER } from '../src/core/db/mikro-orm.config';
import { reviewTiers } from '../src/modules/tier/tier-review';
import { dataOf, dbIdOf, errorCodes, startTestApp, type TestApp, type TestTenant } from './support/harness';
import { createMember, missingId } from './support/access-fixtures';
import { nextId, orderInput, recordOrder, refundOrder } from './support/activity-fixtures';
import { earnPoints, pointsOf, tryRedeem } from './support/points-fixtures';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

const DAY = 86_400_000;
const sql = (statement: string, params: unknown[]) => t.orm.em.getConnection().execute(statement, params);

async function tryCreate(key: string, input: Partial<TierCreateInput>) {
  return dataOf(await t.gql(TierCreateDocument, { input: { code: nextId('T'), name: 'Tier', threshold: 1, ...input } as TierCreateInput }, { key })).tierCreate;
}

async function createTier(key: string, input: Partial<TierCreateInput>) {
  const payload = await tryCreate(key, input);
  expect(payload.userErrors).toEqual([]);
  return payload.tier!;
}

const tryUpdate = async (key: string, input: TierUpdateInput) => dataOf(await t.gql(TierUpdateDocument, { input }, { key })).tierUpdate;
const tryRetire = async (key: string, id: string) => dataOf(await t.gql(TierRetireDocument, { input: { id } }, { key })).tierRetire;
const tiersOf = async (key: string, includeRetired = false) => dataOf(await t.gql(TiersDocument, { includeRetired, first: 250 }, { key })).tiers;
const memberTier = async (key: string, memberId: string) => dataOf(await t.gql(MemberTierDocument, { id: memberId, first: 50 }, { key })).member!;

/** A tenant with Silver (500.00), Gold (1,000.00, 1.5x points) and Platinum (5,000.00) by 12-month net spend. */
async function tieredTenant() {
  const own = await t.tenant();
  const silver = await createTier(own.keys.ADMIN, { code: 'SILVER', name: 'Silver', threshold: 50_000 });
  const gold = await createTier(own.keys.ADMIN, {
    code: 'GOLD',
    name: 'Gold',
    threshold: 100_000,
    earnMultiplierPercent: 150,
    discountPercent: 5,
    benefits: [{ name: 'Free shipping' }, { name: 'Birthday gift', description: 'A gift in your birthday month' }],
  });
  const platinum = await createTier(own.keys.ADMIN, { code: 'PLATINUM', name: 'Platinum', threshold: 500_000, earnMultiplierPercent: 200 });
  return { own, silver, gold, platinum };
}

/** A paid order of `amount` minor units, placed `daysAgo` days ago. */
async function buy(own: TestTenant, memberId: string, amount: number, daysAgo = 1) {
  return recordOrder(
    t,
    own.keys.INGEST,
    orderInput(memberId, { placedAt: new Date(Date.now() - daysAgo * DAY).toISOString(), items: [{ sku: 'SKU-T', name: 'Thing', quantity: 1, unitPrice: amount }] }),
  );
}

/** The scheduled review, run now through the API; its output says what it did. */
async function review(own: TestTenant) {
  const run = 'mutation($input: JobRunInput!) { jobRun(input: $input) { jobRun { job state output } userErrors { code } } }';
  const payload = dataOf(await t.gql(run, { input: { job: 'TIER_REVIEW' } }, { key: own.keys.ADMIN })).jobRun;
  expect(payload.userErrors).toEqual([]);
  expect(payload.jobRun).toMatchObject({ job: 'TIER_REVIEW', state: 'COMPLETED' });
  return payload.jobRun!.output;
}

/** The review's body as the job calls it (a fork bound to the tenant), with a small batch size to cross batch boundaries. */
async function reviewInBatches(own: TestTenant, batchSize: number) {
  const em = t.orm.em.fork({ clear: true, useContext: false }) as EntityManager;
  em.setFilterParams(TENANT_FILTER, { tenantId: own.id });
  return reviewTiers(em, own.id, new Date(), { batchSize });
}

/** Time travel: the member's period ended yesterday. */
const periodEnded = (memberId: string) => sql('update member_tier set review_at = ? where member_id = ?', [new Date(Date.now() - DAY), dbIdOf(memberId)]);
/** Time travel: the member's orders so far were placed 13 months ago, outside a 12-month window. */
const ordersAged = (memberId: string) => sql(`update orders set placed_at = placed_at - interval '13 months' where member_id = ?`, [dbIdOf(memberId)]);

/** Whether an ISO time is a year (12 months) from now, give or take the length of a month. */
function expectInAYear(at: string | null | undefined) {
  const time = new Date(at ?? 0).getTime();
  expect(time).toBeGreaterThan(Date.now() + 364 * DAY);
  expect(time).toBeLessThan(Date.now() + 367 * DAY);
}

describe('tier definitions', () => {
  test('tierCreate keeps benefits as data; tiers lists active ones by threshold, retired ones on request', async () => {
    const { own, silver, gold, platinum } = await tieredTenant();
    expect(gold).toEqual({
      id: expect.any(String),
      code: 'GOLD',
      name: 'Gold',
      threshold: 100_000,
      earnMultiplierPercent: 150,
      discountPercent: 5,
      benefits: [
        { name: 'Free shipping', description: null },
        { name: 'Birthday gift', description: 'A gift in your birthday month' },
      ],
      retiredAt: null,
    });
    expect(silver).toMatchObject({ earnMultiplierPercent: 100, discountPercent: 0, benefits: [] });
    const bronze = await createTier(own.keys.OWNER, { code: 'BRONZE', name: 'Bronze', threshold: 10_000 });
    expect((await tiersOf(own.keys.ANALYST)).nodes.map((tier) => tier.code)).toEqual(['BRONZE', 'SILVER', 'GOLD', 'PLATINUM']);
    expect((await tryRetire(own.keys.ADMIN, bronze.id)).tier!.retiredAt).toEqual(expect.any(String));
    const active = await tiersOf(own.keys.ADMIN);
    expect(active.nodes.map((tier) => tier.id)).toEqual([silver.id, gold.id, platinum.id]);
    expect(active.totalCount).toBe(3);
    expect(active.nodes.map((tier) => tier.memberCount)).toEqual([0, 0, 0]);
    expect((await tiersOf(own.keys.ADMIN, true)).nodes.map((tier) => [tier.code, !!tier.retiredAt])).toEqual([
      ['BRONZE', true],
      ['SILVER', false],
      ['GOLD', false],
      ['PLATINUM', false],
    ]);
    // A retired tier's threshold is free again; its code is not.
    await createTier(own.keys.ADMIN, { code: 'BRONZE2', name: 'Bronze', threshold: 10_000 });
    expect((await tryCreate(own.keys.ADMIN, { code: 'BRONZE', threshold: 20_000 })).userErrors).toEqual([expect.objectContaining({ field: ['input', 'code'], code: 'TAKEN' })]);
  });

  test('bad input is refused with clear userErrors and writes nothing', async () => {
    const own = await t.tenant();
    const cases: [Partial<TierCreateInput>, string[], string][] = [
      [{ code: ' ' }, ['input', 'code'], 'INVALID'],
      [{ code: 'GOLD TIER' }, ['input', 'code'], 'INVALID'],
      [{ code: 'G'.repeat(51) }, ['input', 'code'], 'INVALID'],
      [{ name: '  ' }, ['input', 'name'], 'INVALID'],
      [{ name: 'n'.repeat(101) }, ['input', 'name'], 'TOO_LONG'],
      [{ threshold: 0 }, ['input', 'threshold'], 'INVALID'],
      [{ threshold: -100 }, ['input', 'threshold'], 'INVALID'],
      [{ threshold: 10.5 }, ['input', 'threshold'], 'INVALID'],
      [{ threshold: 1e16 }, ['input', 'threshold'], 'INVALID'],
      [{ earnMultiplierPercent: -1 }, ['input', 'earnMultiplierPercent'], 'INVALID'],
      [{ earnMultiplierPercent: 10_001 }, ['input', 'earnMultiplierPercent'], 'INVALID'],
      [{ discountPercent: 101 }, ['input', 'discountPercent'], 'INVALID'],
      [{ benefits: [{ name: '' }] }, ['input', 'benefits', '0', 'name'], 'INVALID'],
      [{ benefits: [{ name: 'ok', description: 'd'.repeat(501) }] }, ['input', 'benefits', '0', 'description'], 'TOO_LONG'],
      [{ benefits: Array.from({ length: 21 }, (_, i) => ({ name: `b${i}` })) }, ['input', 'benefits'], 'TOO_MANY'],
    ];
    for (const [override, field, code] of cases) {
      const payload = await tryCreate(own.keys.ADMIN, override);
      expect({ override, tier: payload.tier, errors: payload.userErrors.map((error) => [error.field, error.code]) }).toEqual({ override, tier: null, errors: [[field, code]] });
      expect(payload.userErrors[0]!.message.length).toBeGreaterThan(10);
    }
    expect((await tiersOf(own.keys.ADMIN, true)).totalCount).toBe(0);

    const gold = await createTier(own.keys.ADMIN, { code: 'GOLD', threshold: 100_000 });
    const silver = await createTier(own.keys.ADMIN, { code: 'SILVER', threshold: 50_000 });
    expect((await tryCreate(own.keys.ADMIN, { code: 'GOLD', threshold: 1 })).userErrors).toEqual([
      { field: ['input', 'code'], message: 'a tier with code "GOLD" already exists (retired tiers keep their codes)', code: 'TAKEN' },
    ]);
    expect((await tryCreate(own.keys.ADMIN, { threshold: 100_000 })).userErrors).toEqual([
      { field: ['input', 'threshold'], message: 'tier "GOLD" already has threshold 100000; active tiers need different thresholds', code: 'TAKEN' },
    ]);
    const updates: [TierUpdateInput, string[], string][] = [
      [{ id: silver.id, threshold: 100_000 }, ['input', 'threshold'], 'TAKEN'],
      [{ id: silver.id, code: 'GOLD' }, ['input', 'code'], 'TAKEN'],
      [{ id: silver.id, discountPercent: 200 }, ['input', 'discountPercent'], 'INVALID'],
      [{ id: silver.id, name: '' }, ['input', 'name'], 'INVALID'],
      [{ id: missingId('Tier'), name: 'x' }, ['input', 'id'], 'NOT_FOUND'],
      [{ id: 'not-an-id', name: 'x' }, ['input', 'id'], 'NOT_FOUND'],
    ];
    for (const [input, field, code] of updates) {
      const payload = await tryUpdate(own.keys.ADMIN, input);
      expect({ input, tier: payload.tier, errors: payload.userErrors.map((error) => [error.field, error.code]) }).toEqual({ input, tier: null, errors: [[field, code]] });
    }
    // Keeping its own code and threshold is no clash.
    expect((await tryUpdate(own.keys.ADMIN, { id: gold.id, code: 'GOLD', threshold: 100_000, name: 'Gold' })).userErrors).toEqual([]);
    expect((await tiersOf(own.keys.ADMIN)).nodes.map((tier) => [tier.code, tier.threshold])).toEqual([
      ['SILVER', 50_000],
      ['GOLD', 100_000],
    ]);

    expect((await tryRetire(own.keys.ADMIN, gold.id)).userErrors).toEqual([]);
    expect((await tryRetire(own.keys.ADMIN, gold.id)).userErrors).toEqual([expect.objectContaining({ field: ['input', 'id'], code: 'INACTIVE' })]);
    expect((await tryUpdate(own.keys.ADMIN, { id: gold.id, name: 'Old gold' })).userErrors).toEqual([expect.objectContaining({ code: 'INACTIVE' })]);
    expect((await tryRetire(own.keys.ADMIN, missingId('Tier'))).userErrors).toEqual([expect.objectContaining({ field: ['input', 'id'], code: 'NOT_FOUND' })]);
  });

  test('thresholds stay unique among active tiers under concurrent creation', async () => {
    const own = await t.tenant();
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => tryCreate(own.keys.ADMIN, { code: `RACE${i}`, threshold: 77_000 })));
    expect(results.filter((payload) => payload.tier).length).toBe(1);
    expect(results.filter((payload) => payload.userErrors[0]?.code === 'TAKEN').length).toBe(7);
    expect((await tiersOf(own.keys.ADMIN)).totalCount).toBe(1);
  });

  test('another tenant’s tier answers exactly like a missing one and stays as it was', async () => {
    const a = await t.tenant();
    const b = await t.tenant();
    const theirs = await createTier(b.keys.ADMIN, { code: 'GOLD', threshold: 100_000 });
    // Codes and thresholds are per tenant.
    const mine = await createTier(a.keys.ADMIN, { code: 'GOLD', threshold: 100_000 });
    expect(mine.id).not.toBe(theirs.id);
    for (const key of [a.keys.OWNER, a.keys.ADMIN]) {
      const update = (id: string) => t.gql(TierUpdateDocument, { input: { id, name: 'Stolen', threshold: 1 } }, { key });
      const retire = (id: string) => t.gql(TierRetireDocument, { input: { id } }, { key });
      const missing = missingId('Tier');
      expect((await update(theirs.id)).body).toEqual((await update(missing)).body);
      expect((await retire(theirs.id)).body).toEqual((await retire(missing)).body);
      expect(dataOf(await update(theirs.id)).tierUpdate.userErrors).toEqual([expect.objectContaining({ code: 'NOT_FOUND' })]);
    }
    const node = (id: string, key: string) => t.gql('query($id: ID!) { node(id: $id) { __typename ... on Tier { code } } }', { id }, { key });
    expect(dataOf(await node(theirs.id, b.keys.ANALYST)).node).toEqual({ __typename: 'Tier', code: 'GOLD' });
    expect(dataOf(await node(theirs.id, a.keys.OWNER)).node).toBeNull();
    expect((await tiersOf(b.keys.ADMIN, true)).nodes).toEqual([{ ...theirs, memberCount: 0 }]);
    expect((await tiersOf(a.keys.ADMIN, true)).nodes).toEqual([{ ...mine, memberCount: 0 }]);
  });
});

describe('tier up', () => {
  test('a paid order that crosses a threshold moves the member up at once; progress and history say so', async () => {
    const { own } = await tieredTenant();
    const memberId = await createMember(t, own.keys.ADMIN);
    const before = await memberTier(own.keys.ADMIN, memberId);
    expect(before.tier).toBeNull();
    expect(before.tierProgress).toEqual({ current: 0, next: { code: 'SILVER' }, remaining: 50_000, basis: 'NET_SPEND', since: null, reviewAt: null });

    await buy(own, memberId, 100_000); // 1,000.00
    const gold = await memberTier(own.keys.ANALYST, memberId);
    expect(gold.tier).toEqual({ code: 'GOLD', name: 'Gold', earnMultiplierPercent: 150 });
    expect(gold.tierProgress).toEqual({
      current: 100_000,
      next: { code: 'PLATINUM' },
      remaining: 400_000,
      basis: 'NET_SPEND',
      since: expect.any(String),
      reviewAt: expect.any(String),
    });
    expectInAYear(gold.tierProgress.reviewAt);
    expect(gold.tierHistory.nodes).toEqual([
      { id: expect.any(String), reason: 'THRESHOLD', growthValue: 100_000, at: gold.tierProgress.since, from: null, to: { code: 'GOLD', retiredAt: null } },
    ]);

    // The next order earns at Gold's multiplier (1.5x): 2,000.00 -> 3,000 points.
    await buy(own, memberId, 200_000);
    expect((await pointsOf(t, own.keys.ADMIN, memberId)).entries[0]).toMatchObject({ amount: 3000, breakdown: { tier: 'GOLD', tierMultiplierPercent: 150 } });
    await buy(own, memberId, 200_000);
    const platinum = await memberTier(own.keys.ADMIN, memberId);
    expect(platinum.tier!.code).toBe('PLATINUM');
    expect(platinum.tierProgress).toMatchObject({ current: 500_000, next: null, remaining: null });
    expect(platinum.tierHistory.nodes.map((change) => [change.reason, change.from?.code ?? null, change.to?.code ?? null, change.growthValue])).toEqual([
      ['THRESHOLD', 'GOLD', 'PLATINUM', 500_000],
      ['THRESHOLD', null, 'GOLD', 100_000],
    ]);
    expect((await tiersOf(own.keys.ADMIN)).nodes.map((tier) => [tier.code, tier.memberCount])).toEqual([
      ['SILVER', 0],
      ['GOLD', 0],
      ['PLATINUM', 1],
    ]);
  });

  test('concurrent purchases move a member up through an unbroken chain of changes, never twice into one tier', async () => {
    const { own } = await tieredTenant();
    const memberId = await createMember(t, own.keys.ADMIN);
    await Promise.all(
      Array.from({ length: 12 }, async () => {
        await buy(own, memberId, 50_000);
      }),
    );
    const after = await memberTier(own.keys.ADMIN, memberId);
    expect(after.tier!.code).toBe('PLATINUM');
    expect(after.tierProgress.current).toBe(600_000);
    const chain = [...after.tierHistory.nodes].reverse();
    expect(chain.every((change) => change.reason === 'THRESHOLD')).toBe(true);
    expect(chain[0]!.from).toBeNull();
    chain.slice(1).forEach((change, index) => expect(change.from!.code).toBe(chain[index]!.to!.code));
    expect(new Set(chain.map((change) => change.to!.code)).size).toBe(chain.length);
    expect(chain[chain.length - 1]!.to!.code).toBe('PLATINUM');
  });

  test('orders outside the window, unpaid or cancelled orders and refunds do not count; a refund never lowers the tier at once', async () => {
    const { own } = await tieredTenant();
    const memberId = await createMember(t, own.keys.ADMIN);
    await buy(own, memberId, 90_000, 400); // placed 400 days ago: outside the 12-month window
    await recordOrder(t, own.keys.INGEST, orderInput(memberId, { status: 'PLACED', items: [{ sku: 'X', name: 'X', quantity: 1, unitPrice: 90_000 }] }));
    await recordOrder(t, own.keys.INGEST, orderInput(memberId, { status: 'CANCELLED', items: [{ sku: 'X', name: 'X', quantity: 1, unitPrice: 90_000 }] }));
    expect((await memberTier(own.keys.ADMIN, memberId)).tierProgress).toMatchObject({ current: 0, remaining: 50_000 });

    const order = await buy(own, memberId, 120_000);
    expect((await memberTier(own.keys.ADMIN, memberId)).tier!.code).toBe('GOLD');
    await refundOrder(t, own.keys.INGEST, { orderId: order.id, refundId: nextId('refund'), amount: 80_000 });
    const after = await memberTier(own.keys.ADMIN, memberId);
    // Downgrades wait for the review: still Gold, with 400.00 of growth left.
    expect(after.tier!.code).toBe('GOLD');
    expect(after.tierProgress).toMatchObject({ current: 40_000, next: { code: 'PLATINUM' }, remaining: 460_000 });
    expect(after.tierHistory.totalCount).toBe(1);
  });

  test('a new tier, or a threshold moved below members’ growth, moves them up at once; a raised threshold waits for the review', async () => {
    const own = await t.tenant();
    const platinum = await createTier(own.keys.ADMIN, { code: 'PLATINUM', threshold: 500_000 });
    const memberId = await createMember(t, own.keys.ADMIN);
    const idle = await createMember(t, own.keys.ADMIN);
    await buy(own, memberId, 70_000);
    expect((await memberTier(own.keys.ADMIN, memberId)).tier).toBeNull();

    const silver = await createTier(own.keys.ADMIN, { code: 'SILVER', threshold: 50_000 });
    expect((await memberTier(own.keys.ADMIN, memberId)).tier!.code).toBe('SILVER');
    const gold = await createTier(own.keys.ADMIN, { code: 'GOLD', threshold: 100_000 });
    expect((await memberTier(own.keys.ADMIN, memberId)).tier!.code).toBe('SILVER');
    expect((await tryUpdate(own.keys.ADMIN, { id: gold.id, threshold: 60_000 })).userErrors).toEqual([]);
    expect((await memberTier(own.keys.ADMIN, memberId)).tier!.code).toBe('GOLD');
    // Raised again: the member keeps Gold until the review.
    expect((await tryUpdate(own.keys.ADMIN, { id: gold.id, threshold: 100_000 })).userErrors).toEqual([]);
    const kept = await memberTier(own.keys.ADMIN, memberId);
    expect(kept.tier!.code).toBe('GOLD');
    expect(kept.tierProgress).toMatchObject({ current: 70_000, next: { code: 'PLATINUM' }, remaining: 430_000 });
    expect(kept.tierHistory.nodes.map((change) => [change.reason, change.from?.code ?? null, change.to?.code ?? null])).toEqual([
      ['PROGRAM_CHANGE', 'SILVER', 'GOLD'],
      ['PROGRAM_CHANGE', null, 'SILVER'],
    ]);
    expect((await memberTier(own.keys.ADMIN, idle)).tier).toBeNull();
    expect((await tiersOf(own.keys.ADMIN)).nodes.map((tier) => [tier.id, tier.memberCount])).toEqual([
      [silver.id, 0],
      [gold.id, 1],
      [platinum.id, 0],
    ]);
  });

  test('retiring a tier re-places its members at once by growth value; history still names it', async () => {
    const { own, gold } = await tieredTenant();
    const memberId = await createMember(t, own.keys.ADMIN);
    const other = await createMember(t, own.keys.ADMIN);
    await buy(own, memberId, 120_000);
    await buy(own, other, 510_000);
    expect((await tryRetire(own.keys.ADMIN, gold.id)).userErrors).toEqual([]);
    const after = await memberTier(own.keys.ADMIN, memberId);
    expect(after.tier!.code).toBe('SILVER');
    expect(after.tierProgress).toMatchObject({ current: 120_000, next: { code: 'PLATINUM' }, remaining: 380_000 });
    expect(after.tierHistory.nodes.map((change) => [change.reason, change.from, change.to])).toEqual([
      ['PROGRAM_CHANGE', { code: 'GOLD', retiredAt: expect.any(String) }, { code: 'SILVER', retiredAt: null }],
      ['THRESHOLD', null, { code: 'GOLD', retiredAt: expect.any(String) }],
    ]);
    expect((await memberTier(own.keys.ADMIN, other)).tier!.code).toBe('PLATINUM');
    // The member earns at Silver's rate now (1x): 10.00 -> 10 points.
    await buy(own, memberId, 1000);
    expect((await pointsOf(t, own.keys.ADMIN, memberId)).entries[0]).toMatchObject({ amount: 10, breakdown: { tier: 'SILVER', tierMultiplierPercent: 100 } });
  });
});

describe('tier down', () => {
  test('the review lowers members whose growth no longer holds their tier, keeps the others, and starts a new period', async () => {
    const { own } = await tieredTenant();
    const [lapsed, halved, loyal, notDue] = (await Promise.all([1, 2, 3, 4].map(() => createMember(t, own.keys.ADMIN)))) as [string, string, string, string];
    await buy(own, lapsed, 100_000);
    await buy(own, halved, 60_000);
    await buy(own, halved, 60_000);
    await buy(own, loyal, 100_000);
    await buy(own, notDue, 100_000);
    for (const member of [lapsed, halved, loyal, notDue]) expect((await memberTier(own.keys.ADMIN, member)).tier!.code).toBe('GOLD');
    const loyalBefore = await memberTier(own.keys.ADMIN, loyal);

    // A year on: lapsed bought nothing since, halved bought 600.01 since, loyal still holds Gold's worth.
    await Promise.all([lapsed, halved, notDue].map(ordersAged));
    await buy(own, halved, 60_001);
    await Promise.all([lapsed, halved, loyal].map(periodEnded));

    expect(await review(own)).toEqual({ reviewed: 3, downgraded: 2, upgraded: 0 });

    const down = await memberTier(own.keys.ADMIN, lapsed);
    expect(down.tier).toBeNull();
    expect(down.tierProgress).toEqual({ current: 0, next: { code: 'SILVER' }, remaining: 50_000, basis: 'NET_SPEND', since: null, reviewAt: null });
    expect(down.tierHistory.nodes.map((change) => [change.reason, change.from?.code ?? null, change.to?.code ?? null, change.growthValue])).toEqual([
      ['REVIEW', 'GOLD', null, 0],
      ['THRESHOLD', null, 'GOLD', 100_000],
    ]);
    const silver = await memberTier(own.keys.ADMIN, halved);
    expect(silver.tier!.code).toBe('SILVER');
    expect(silver.tierProgress).toMatchObject({ current: 60_001, next: { code: 'GOLD' }, remaining: 39_999 });
    expectInAYear(silver.tierProgress.reviewAt);
    expect(silver.tierHistory.nodes[0]).toMatchObject({ reason: 'REVIEW', growthValue: 60_001, from: { code: 'GOLD' }, to: { code: 'SILVER' } });
    // Still Gold: no change recorded, the tier held since it was reached, a new period from today.
    const kept = await memberTier(own.keys.ADMIN, loyal);
    expect(kept.tier!.code).toBe('GOLD');
    expect(kept.tierHistory.totalCount).toBe(1);
    expect(kept.tierProgress.since).toBe(loyalBefore.tierProgress.since);
    expectInAYear(kept.tierProgress.reviewAt);
    // Not due yet: Gold until its own period ends, whatever its growth value.
    const waiting = await memberTier(own.keys.ADMIN, notDue);
    expect(waiting.tier!.code).toBe('GOLD');
    expect(waiting.tierProgress.current).toBe(0);

    // Nothing is due any more.
    expect(await review(own)).toEqual({ reviewed: 0, downgraded: 0, upgraded: 0 });
    // A lowered member who buys again moves up again at once.
    await buy(own, lapsed, 100_000);
    expect((await memberTier(own.keys.ADMIN, lapsed)).tierHistory.nodes[0]).toMatchObject({ reason: 'THRESHOLD', from: null, to: { code: 'GOLD' } });
  });

  test('the review works through the due members batch by batch, placing each by its own growth value', async () => {
    const own = await t.tenant();
    await createTier(own.keys.ADMIN, { code: 'SILVER', threshold: 50_000 });
    const gold = await createTier(own.keys.ADMIN, { code: 'GOLD', threshold: 100_000 });
    const members: string[] = [];
    for (let i = 0; i < 12; i++) {
      const memberId = await createMember(t, own.keys.ADMIN);
      await buy(own, memberId, 100_000);
      members.push(memberId);
    }
    expect((await tiersOf(own.keys.ADMIN)).nodes.find((tier) => tier.id === gold.id)!.memberCount).toBe(12);
    // A year on, half of them bought 600.00 since; the others nothing.
    await Promise.all(members.map(ordersAged));
    for (const memberId of members.slice(6)) await buy(own, memberId, 60_000);
    await Promise.all(members.map(periodEnded));
    expect(await reviewInBatches(own, 5)).toEqual({ reviewed: 12, downgraded: 12, upgraded: 0 });
    const tiers = await Promise.all(members.map(async (memberId) => (await memberTier(own.keys.ADMIN, memberId)).tier?.code ?? null));
    expect(tiers).toEqual([...Array(6).fill(null), ...Array(6).fill('SILVER')]);
    expect(await reviewInBatches(own, 5)).toEqual({ reviewed: 0, downgraded: 0, upgraded: 0 });
  });

  test('the review also moves up members whose growth reaches a higher tier without their having moved up', async () => {
    const { own } = await tieredTenant();
    const memberId = await createMember(t, own.keys.ADMIN);
    const recent = await createMember(t, own.keys.ADMIN);
    await buy(own, memberId, 120_000, 400); // outside the 12-month window
    await buy(own, recent, 60_000);
    expect((await memberTier(own.keys.ADMIN, memberId)).tier).toBeNull();
    // A longer window makes the old purchase count; the programme change itself moves nobody.
    expect(dataOf(await t.gql(LoyaltyProgramUpdateDocument, { input: { tierWindowMonths: 24 } }, { key: own.keys.ADMIN })).loyaltyProgramUpdate.userErrors).toEqual([]);
    // Progress shows the next tier as reached (remaining 0) until the member is placed.
    expect((await memberTier(own.keys.ADMIN, memberId)).tierProgress).toMatchObject({ current: 120_000, next: { code: 'SILVER' }, remaining: 0 });
    expect(await review(own)).toEqual({ reviewed: 0, downgraded: 0, upgraded: 1 });
    const after = await memberTier(own.keys.ADMIN, memberId);
    expect(after.tier!.code).toBe('GOLD');
    expect(after.tierHistory.nodes).toEqual([expect.objectContaining({ reason: 'THRESHOLD', growthValue: 120_000, from: null, to: { code: 'GOLD', retiredAt: null } })]);
    expectInAYear(after.tierProgress.reviewAt);
    expect((await memberTier(own.keys.ADMIN, recent)).tier!.code).toBe('SILVER');
  });

  test('POINTS_EARNED: growth is points earned minus points reversed in the window, never the spendable balance', async () => {
    const own = await t.tenant();
    const program = dataOf(await t.gql(LoyaltyProgramUpdateDocument, { input: { tierBasis: 'POINTS_EARNED' } }, { key: own.keys.ADMIN })).loyaltyProgramUpdate;
    expect(program.userErrors).toEqual([]);
    await createTier(own.keys.ADMIN, { code: 'FAN', threshold: 100 });
    await createTier(own.keys.ADMIN, { code: 'SUPERFAN', threshold: 1000 });
    const memberId = await createMember(t, own.keys.ADMIN);
    await earnPoints(t, own.keys.INGEST, memberId, 150);
    expect((await tryRedeem(t, own.keys.INGEST, { memberId, points: 150 })).userErrors).toEqual([]);
    const fan = await memberTier(own.keys.ADMIN, memberId);
    expect(fan.tier!.code).toBe('FAN');
    expect(fan.tierProgress).toMatchObject({ current: 150, next: { code: 'SUPERFAN' }, remaining: 850, basis: 'POINTS_EARNED' });
    // An order earns 25 points; refunding it reverses them, and growth follows.
    const order = await recordOrder(t, own.keys.INGEST, orderInput(memberId));
    expect((await memberTier(own.keys.ADMIN, memberId)).tierProgress.current).toBe(175);
    await refundOrder(t, own.keys.INGEST, { orderId: order.id, refundId: nextId('refund'), full: true });
    expect((await memberTier(own.keys.ADMIN, memberId)).tierProgress.current).toBe(150);
    // Points earned more than the window ago do not count at the review.
    await sql(`update points_entry set created_at = created_at - interval '13 months' where member_id = ?`, [dbIdOf(memberId)]);
    await periodEnded(memberId);
    expect(await review(own)).toEqual({ reviewed: 1, downgraded: 1, upgraded: 0 });
    expect((await memberTier(own.keys.ADMIN, memberId)).tier).toBeNull();
  });
});

describe('merges', () => {
  test('the survivor keeps the better tier, its growth counts both members, and the merged history follows', async () => {
    const { own } = await tieredTenant();
    const survivor = await createMember(t, own.keys.ADMIN);
    const merged = await createMember(t, own.keys.ADMIN);
    await buy(own, survivor, 60_000);
    await buy(own, merged, 100_000);
    // The merged member's Gold stands on purchases now outside the window: held until its review.
    await ordersAged(merged);
    const heldUntil = (await memberTier(own.keys.ADMIN, merged)).tierProgress.reviewAt;
    const payload = dataOf(await t.gql(MemberMergeDocument, { input: { survivorId: survivor, mergedId: merged } }, { key: own.keys.ADMIN })).memberMerge;
    expect(payload.userErrors).toEqual([]);
    const after = await memberTier(own.keys.ADMIN, survivor);
    expect(after.tier!.code).toBe('GOLD');
    expect(after.tierProgress).toMatchObject({ current: 60_000, reviewAt: heldUntil });
    const history = after.tierHistory.nodes.map((change) => [change.reason, change.from?.code ?? null, change.to?.code ?? null].join(' '));
    expect(history[0]).toBe('MERGE SILVER GOLD');
    expect(history.slice(1).sort()).toEqual(['THRESHOLD  GOLD', 'THRESHOLD  SILVER']);
    // The merged id resolves to the survivor.
    expect((await memberTier(own.keys.ADMIN, merged)).tier!.code).toBe('GOLD');

    const big = await createMember(t, own.keys.ADMIN);
    await buy(own, big, 450_000);
    expect(dataOf(await t.gql(MemberMergeDocument, { input: { survivorId: big, mergedId: survivor } }, { key: own.keys.ADMIN })).memberMerge.userErrors).toEqual([]);
    const top = await memberTier(own.keys.ADMIN, big);
    // 4,500.00 + 600.00 together reach Platinum.
    expect(top.tier!.code).toBe('PLATINUM');
    expect(top.tierProgress).toMatchObject({ current: 510_000, next: null, remaining: null });
    expectInAYear(top.tierProgress.reviewAt);
    expect(top.tierHistory.nodes[0]).toMatchObject({ reason: 'MERGE', growthValue: 510_000, from: { code: 'GOLD' }, to: { code: 'PLATINUM' } });
    expect(top.tierHistory.totalCount).toBe(5);
  });
});

describe('reading', () => {
  test('a member token reads its own tier and progress, but not how many members a tier has', async () => {
    const { own } = await tieredTenant();
    const memberId = await createMember(t, own.keys.ADMIN);
    await buy(own, memberId, 100_000);
    const issued = dataOf(await t.gql(MemberTokenCreateDocument, { input: { memberId } }, { key: own.keys.ADMIN })).memberTokenCreate;
    const key = issued.token!;
    // The member's own record through its token (today's `viewer` is the member itself).
    const mine = dataOf(await t.gql('{ viewer { member { id tier { code benefits { name } } tierProgress { current next { code } remaining } } } }', {}, { key })).viewer.member;
    expect(mine).toEqual({
      id: memberId,
      tier: { code: 'GOLD', benefits: [{ name: 'Free shipping' }, { name: 'Birthday gift' }] },
      tierProgress: { current: 100_000, next: { code: 'PLATINUM' }, remaining: 400_000 },
    });
    const counted = await t.gql('{ viewer { member { tier { code memberCount } } } }', {}, { key });
    expect(errorCodes(counted)).toEqual(['FORBIDDEN']);
  });

  test('tier history pages with cursors', async () => {
    const own = await t.tenant();
    const codes = ['T1', 'T2', 'T3', 'T4', 'T5'];
    for (const [i, code] of codes.entries()) await createTier(own.keys.ADMIN, { code, threshold: (i + 1) * 10_000 });
    const memberId = await createMember(t, own.keys.ADMIN);
    for (let i = 0; i < 5; i++) {
      await buy(own, memberId, 10_000);
    }
    const seen: string[] = [];
    let after: string | null | undefined;
    do {
      const page = dataOf(await t.gql(MemberTierDocument, { id: memberId, first: 2, after }, { key: own.keys.ADMIN })).member!.tierHistory;
      expect(page.totalCount).toBe(5);
      seen.push(...page.nodes.map((change) => change.to!.code));
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    } while (after);
    expect(seen).toEqual(['T5', 'T4', 'T3', 'T2', 'T1']);
  });

  test('tiers of a page of members cost the same number of SQL statements for 5 and for 40 members', async () => {
    const own = await t.tenant();
    await createTier(own.keys.ADMIN, { code: 'SILVER', threshold: 50_000 });
    await createTier(own.keys.ADMIN, { code: 'GOLD', threshold: 100_000 });
    const members: string[] = [];
    for (let i = 0; i < 45; i++) {
      const memberId = await createMember(t, own.keys.ADMIN);
      members.push(memberId);
      if (i % 3 === 2) continue;
      await buy(own, memberId, i % 2 ? 60_000 : 100_000);
    }
    const key = own.keys.ANALYST;
    await t.gql(MembersTiersDocument, { first: 1 }, { key });
    const small = await t.countSql(() => t.gql(MembersTiersDocument, { first: 5 }, { key }));
    const large = await t.countSql(() => t.gql(MembersTiersDocument, { first: 40 }, { key }));
    const nodes = dataOf(large.result).members.nodes;
    expect(dataOf(small.result).members.nodes).toHaveLength(5);
    expect(nodes).toHaveLength(40);
    // The data really was loaded, so the count covers every field.
    expect(new Set(nodes.map((node) => node.tier?.code ?? null))).toEqual(new Set(['GOLD', 'SILVER', null]));
    expect(nodes.filter((node) => node.tier).every((node) => node.tierHistory.totalCount === 1 && node.tierHistory.nodes[0]!.to!.code === node.tier!.code)).toBe(true);
    expect(nodes.filter((node) => node.tier?.code === 'SILVER').every((node) => node.tierProgress.current === 60_000 && node.tierProgress.remaining === 40_000)).toBe(true);
    expect(large.statements).toBe(small.statements);
    // members + member tiers + growth + programme + tiers + history pages + history counts.
    expect(large.statements).toBeLessThanOrEqual(7);
  });
});
