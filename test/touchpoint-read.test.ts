import {
  ActivityNodeDocument,
  MemberEraseDocument,
  MemberMergeDocument,
  MemberTouchpointCountsDocument,
  MemberTouchpointsDocument,
  TenantTouchpointsDocument,
  TouchpointTypeCreateDocument,
} from './generated/graphql';
import { dataOf, errorCodes, startTestApp, type TestApp, type TestTenant } from './support/harness';
import { createMember, missingId } from './support/access-fixtures';
import { event, recordEvents } from './support/activity-fixtures';

/** Reading touchpoints: per member and across the tenant, newest first with paging and filters; counts; node. */
let t: TestApp;
let tenant: TestTenant;
let ann: string;
let ben: string;
const hour = (h: number) => new Date(Date.UTC(2025, 0, 10, h)).toISOString();

// Ann: 12 events, one per hour from 00:00, types and channels in a fixed rotation.
const TYPES = ['PAGE_VIEW', 'PRODUCT_VIEW', 'CART_ADD'] as const;
const CHANNELS = ['WEB', 'APP'] as const;
const annEvents = Array.from({ length: 12 }, (_, h) => ({ h, type: TYPES[h % 3]!, channel: CHANNELS[h % 2]! }));

beforeAll(async () => {
  t = await startTestApp();
  tenant = await t.tenant();
  ann = await createMember(t, tenant.keys.ADMIN, { displayName: 'Ann' });
  ben = await createMember(t, tenant.keys.ADMIN, { displayName: 'Ben' });
  dataOf(await t.gql(TouchpointTypeCreateDocument, { input: { name: 'coupon-claim' } }, { key: tenant.keys.ADMIN }));
  // Sent shuffled: the order of reading must come from occurredAt, not from the order of arrival.
  const shuffled = [5, 0, 11, 3, 8, 1, 10, 2, 7, 4, 9, 6].map((h) => annEvents[h]!);
  const payload = await recordEvents(
    t,
    tenant.keys.INGEST,
    [
      ...shuffled.map((e) => event(ann, { eventId: `ann-${e.h}`, type: e.type, channel: e.channel, occurredAt: hour(e.h) })),
      event(ann, { eventId: 'ann-custom', type: 'CUSTOM', customType: 'coupon-claim', channel: 'APP', occurredAt: hour(12) }),
      event(ben, { eventId: 'ben-0', type: 'SEARCH', channel: 'WEB', occurredAt: hour(1) }),
      event(ben, { eventId: 'ben-1', type: 'SEARCH', channel: 'WEB', occurredAt: hour(13) }),
    ],
  );
  expect(payload.accepted).toBe(15);
});
afterAll(async () => {
  await t.close();
});

const memberPage = async (vars: Record<string, unknown>) => dataOf(await t.gql(MemberTouchpointsDocument, { id: ann, ...vars } as never, { key: tenant.keys.ANALYST })).member!.touchpoints;

describe('member.touchpoints', () => {
  test('newest first, paged with first/after until the end', async () => {
    const seen: string[] = [];
    let after: string | null | undefined;
    let pages = 0;
    for (;;) {
      const page = await memberPage({ first: 5, after });
      expect(page.totalCount).toBe(13);
      seen.push(...page.nodes.map((n) => n.eventId));
      pages++;
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(pages).toBe(3);
    expect(seen).toEqual(['ann-custom', ...Array.from({ length: 12 }, (_, i) => `ann-${11 - i}`)]);
  });

  test('filters by types, channels, customTypes and a time window (since inclusive, until exclusive)', async () => {
    const ids = async (vars: Record<string, unknown>) => (await memberPage({ first: 50, ...vars })).nodes.map((n) => n.eventId);
    expect(await ids({ types: ['CART_ADD'] })).toEqual(['ann-11', 'ann-8', 'ann-5', 'ann-2']);
    expect(await ids({ channels: ['APP'], types: ['PAGE_VIEW', 'PRODUCT_VIEW'] })).toEqual(['ann-9', 'ann-7', 'ann-3', 'ann-1']);
    expect(await ids({ since: hour(3), until: hour(6) })).toEqual(['ann-5', 'ann-4', 'ann-3']);
    expect(await ids({ customTypes: ['coupon-claim'] })).toEqual(['ann-custom']);
    expect(await ids({ types: ['REVIEW'] })).toEqual([]);
    const filtered = await memberPage({ first: 2, types: ['CART_ADD'] });
    expect(filtered.totalCount).toBe(4);
    expect(filtered.pageInfo.hasNextPage).toBe(true);
    const rest = await memberPage({ first: 10, types: ['CART_ADD'], after: filtered.pageInfo.endCursor });
    expect(rest.nodes.map((n) => n.eventId)).toEqual(['ann-5', 'ann-2']);
  });

  test('since not before until is a bad input', async () => {
    const response = await t.gql(MemberTouchpointsDocument, { id: ann, since: hour(5), until: hour(5) }, { key: tenant.keys.ANALYST });
    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
  });

  test('a member without touchpoints has an empty connection', async () => {
    const quiet = await createMember(t, tenant.keys.ADMIN);
    const page = dataOf(await t.gql(MemberTouchpointsDocument, { id: quiet, first: 5 }, { key: tenant.keys.ANALYST })).member!.touchpoints;
    expect(page).toEqual({ totalCount: 0, pageInfo: { hasNextPage: false, endCursor: null }, nodes: [] });
  });
});

describe('touchpoints across the tenant', () => {
  test('every member, newest first, with the same filters and paging', async () => {
    const all = dataOf(await t.gql(TenantTouchpointsDocument, { first: 3 }, { key: tenant.keys.ANALYST })).touchpoints;
    expect(all.totalCount).toBe(15);
    expect(all.nodes.map((n) => n.eventId)).toEqual(['ben-1', 'ann-custom', 'ann-11']);
    const next = dataOf(await t.gql(TenantTouchpointsDocument, { first: 3, after: all.pageInfo.endCursor }, { key: tenant.keys.ANALYST })).touchpoints;
    expect(next.nodes.map((n) => n.eventId)).toEqual(['ann-10', 'ann-9', 'ann-8']);
    const searches = dataOf(await t.gql(TenantTouchpointsDocument, { types: ['SEARCH'], until: hour(12) }, { key: tenant.keys.ANALYST })).touchpoints;
    expect(searches.nodes.map((n) => [n.eventId, n.member!.id])).toEqual([['ben-0', ben]]);
    expect(searches.totalCount).toBe(1);
  });
});

describe('member.touchpointCounts', () => {
  test('counts by type and channel, in a time window too', async () => {
    const counts = async (since?: string, until?: string) =>
      dataOf(await t.gql(MemberTouchpointCountsDocument, { id: ann, since, until }, { key: tenant.keys.ANALYST })).member!.touchpointCounts;
    const expected = (from: number, to: number) => {
      const tally = new Map<string, number>();
      for (const e of annEvents.filter((e) => e.h >= from && e.h < to)) tally.set(`${e.type}|${e.channel}`, (tally.get(`${e.type}|${e.channel}`) ?? 0) + 1);
      return [...tally].map(([k, count]) => ({ type: k.split('|')[0]!, customType: null, channel: k.split('|')[1]!, count }));
    };
    const sortKey = (c: { type: string; channel: string; customType?: string | null }) => `${c.type}|${c.customType ?? ''}|${c.channel}`;
    const sorted = <T extends { type: string; channel: string }>(list: T[]) => [...list].sort((a, b) => sortKey(a).localeCompare(sortKey(b)));
    expect(sorted(await counts())).toEqual(sorted([...expected(0, 12), { type: 'CUSTOM', customType: 'coupon-claim', channel: 'APP', count: 1 }]));
    expect(sorted(await counts(hour(2), hour(8)))).toEqual(sorted(expected(2, 8)));
    expect(await counts(hour(20))).toEqual([]);
  });
});

describe('node', () => {
  test('a touchpoint by global id; a missing one is null', async () => {
    const first = (await memberPage({ first: 1 })).nodes[0]!;
    const node = dataOf(await t.gql(ActivityNodeDocument, { id: first.id }, { key: tenant.keys.ANALYST })).node;
    expect(node).toEqual({ __typename: 'Touchpoint', id: first.id, eventId: 'ann-custom', type: 'CUSTOM' });
    expect(dataOf(await t.gql(ActivityNodeDocument, { id: missingId('Touchpoint') }, { key: tenant.keys.ANALYST })).node).toBeNull();
  });
});

describe('merge and erase', () => {
  test('a merge moves the touchpoints to the survivor; an erase nulls their properties and keeps them', async () => {
    const survivor = await createMember(t, tenant.keys.ADMIN);
    const merged = await createMember(t, tenant.keys.ADMIN);
    await recordEvents(t, tenant.keys.INGEST, [
      event(survivor, { eventId: 'keep-1', occurredAt: hour(1), properties: { page: '/a' }, source: 'web' }),
      event(merged, { eventId: 'move-1', occurredAt: hour(2), properties: { page: '/b' }, source: 'web' }),
      event(merged, { eventId: 'move-2', occurredAt: hour(3), type: 'SEARCH' }),
    ]);
    const merge = dataOf(await t.gql(MemberMergeDocument, { input: { survivorId: survivor, mergedId: merged } }, { key: tenant.keys.ADMIN })).memberMerge;
    expect(merge.userErrors).toEqual([]);
    const page = dataOf(await t.gql(MemberTouchpointsDocument, { id: survivor, first: 10 }, { key: tenant.keys.ANALYST })).member!.touchpoints;
    expect(page.nodes.map((n) => [n.eventId, n.member!.id])).toEqual([
      ['move-2', survivor],
      ['move-1', survivor],
      ['keep-1', survivor],
    ]);
    const counts = dataOf(await t.gql(MemberTouchpointCountsDocument, { id: survivor }, { key: tenant.keys.ANALYST })).member!.touchpointCounts;
    expect(counts.reduce((sum, c) => sum + c.count, 0)).toBe(3);

    const erase = dataOf(await t.gql(MemberEraseDocument, { input: { id: survivor } }, { key: tenant.keys.ADMIN })).memberErase;
    expect(erase.userErrors).toEqual([]);
    const erased = dataOf(await t.gql(MemberTouchpointsDocument, { id: survivor, first: 10 }, { key: tenant.keys.ANALYST })).member!.touchpoints;
    expect(erased.nodes.map((n) => [n.eventId, n.type, n.properties, n.source])).toEqual([
      ['move-2', 'SEARCH', null, null],
      ['move-1', 'PAGE_VIEW', null, null],
      ['keep-1', 'PAGE_VIEW', null, null],
    ]);
  });
});
