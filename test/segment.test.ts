import { dataOf, errorCodes, startTestApp, type TestApp, type TestTenant } from './support/harness';
import { createMember, missingId, snapshot } from './support/access-fixtures';
import { ago, orderInput, recordOrder } from './support/activity-fixtures';

/** Saved segments: versions, materialised membership with movements and tags, explain, static lists, deletion. */

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

const SEGMENT_FIELDS = 'id name description kind query tag version count lastRefreshedAt stale';
const CREATE = `mutation($input: SegmentCreateInput!) { segmentCreate(input: $input) { segment { ${SEGMENT_FIELDS} } userErrors { field code message line column suggestion } } }`;
const UPDATE = `mutation($input: SegmentUpdateInput!) { segmentUpdate(input: $input) { segment { ${SEGMENT_FIELDS} } userErrors { field code message line column suggestion } } }`;
const DELETE = `mutation($input: SegmentIdInput!) { segmentDelete(input: $input) { segment { id count } userErrors { code } } }`;
const REFRESH = `mutation($input: SegmentIdInput!) { segmentRefresh(input: $input) { segment { ${SEGMENT_FIELDS} } entered exited userErrors { code message } } }`;
const ADD = 'mutation($input: SegmentMembersInput!) { segmentMembersAdd(input: $input) { segment { count } changed userErrors { code field message } } }';
const REMOVE = 'mutation($input: SegmentMembersInput!) { segmentMembersRemove(input: $input) { segment { count } changed userErrors { code field } } }';
const IMPORT = `mutation($input: SegmentMembersImportInput!) { segmentMembersImport(input: $input) {
  segment { count } matched added alreadyMembers unmatchedCount unmatched { line channel externalId } userErrors { code message } } }`;
const READ = `query($id: ID!) { segment(id: $id) { ${SEGMENT_FIELDS}
  members(first: 100) { totalCount nodes { id } }
  movements(first: 100) { totalCount nodes { kind cause version occurredAt member { id } } }
  versions(first: 10) { nodes { version name query tag actor } } } }`;
const TAGS = 'query($id: ID!) { member(id: $id) { tags segments { id name } } }';

async function gql(tenant: TestTenant, query: string, variables: Record<string, unknown>, key = tenant.keys.ADMIN) {
  return dataOf(await t.gql(query, variables, { key })) as Record<string, any>;
}

async function create(tenant: TestTenant, input: Record<string, unknown>) {
  const payload = (await gql(tenant, CREATE, { input })).segmentCreate;
  expect(payload.userErrors).toEqual([]);
  return payload.segment;
}

const ids = (nodes: { id: string }[]) => nodes.map((node) => node.id).sort();

test('a dynamic segment materialises its members, records entries and exits with time and version, and stamps its tag', async () => {
  const tenant = await t.tenant();
  const [a, b, c] = [await createMember(t, tenant.keys.ADMIN, { tags: ['vip'] }), await createMember(t, tenant.keys.ADMIN, { tags: ['vip'] }), await createMember(t, tenant.keys.ADMIN)];
  const before = new Date();
  const segment = await create(tenant, { name: 'VIPs', kind: 'DYNAMIC', query: "tags CONTAINS 'vip'", tag: 'high value', description: 'Tagged vip' });
  expect(segment).toMatchObject({ version: 1, count: 2, stale: false, tag: 'high value', kind: 'DYNAMIC' });
  expect(new Date(segment.lastRefreshedAt).getTime()).toBeGreaterThanOrEqual(before.getTime());
  expect((await gql(tenant, TAGS, { id: a })).member).toEqual({ tags: ['high value', 'vip'], segments: [{ id: segment.id, name: 'VIPs' }] });

  // c becomes a vip, b stops being one; nothing moves until a refresh.
  await gql(tenant, 'mutation($id: ID!) { memberTagsAdd(input: { id: $id, tags: ["vip"] }) { userErrors { code } } }', { id: c });
  await gql(tenant, 'mutation($id: ID!) { memberTagsRemove(input: { id: $id, tags: ["vip"] }) { userErrors { code } } }', { id: b });
  expect((await gql(tenant, READ, { id: segment.id })).segment.count).toBe(2);
  const refreshed = (await gql(tenant, REFRESH, { input: { id: segment.id } })).segmentRefresh;
  expect(refreshed).toMatchObject({ entered: 1, exited: 1, userErrors: [], segment: { count: 2 } });
  const read = (await gql(tenant, READ, { id: segment.id })).segment;
  expect(ids(read.members.nodes)).toEqual([a, c].sort());
  expect(read.members.totalCount).toBe(2);
  const moves = read.movements.nodes.map((m: any) => [m.kind, m.cause, m.version, m.member.id]);
  expect(moves).toEqual(expect.arrayContaining([['ENTERED', 'REFRESH', 1, a], ['ENTERED', 'REFRESH', 1, b], ['ENTERED', 'REFRESH', 1, c], ['EXITED', 'REFRESH', 1, b]]));
  expect(read.movements.totalCount).toBe(4);
  expect(new Date(read.movements.nodes[0].occurredAt).getTime()).toBeGreaterThanOrEqual(new Date(segment.lastRefreshedAt).getTime());
  expect((await gql(tenant, TAGS, { id: b })).member).toEqual({ tags: [], segments: [] });
  expect((await gql(tenant, TAGS, { id: c })).member.tags).toEqual(['high value', 'vip']);

  // A refresh with no change moves nobody.
  expect((await gql(tenant, REFRESH, { input: { id: segment.id } })).segmentRefresh).toMatchObject({ entered: 0, exited: 0 });
  // Only entries, filtered by kind and time.
  const entries = await gql(tenant, 'query($id: ID!, $since: DateTime) { segment(id: $id) { movements(kind: ENTERED, since: $since) { totalCount } } }', { id: segment.id, since: before.toISOString() });
  expect(entries.segment.movements.totalCount).toBe(3);
});

test('updates are new versions; earlier definitions stay readable; a query change refreshes, a tag change retags', async () => {
  const tenant = await t.tenant();
  const buyer = await createMember(t, tenant.keys.ADMIN);
  const other = await createMember(t, tenant.keys.ADMIN);
  await recordOrder(t, tenant.keys.INGEST, orderInput(buyer, { placedAt: ago(3) }));
  const segment = await create(tenant, { name: 'Buyers', kind: 'DYNAMIC', query: 'order_count >= 1', tag: 'buyer' });
  expect(segment.count).toBe(1);

  const renamed = (await gql(tenant, UPDATE, { input: { id: segment.id, name: 'Recent buyers', tag: 'recent buyer' } })).segmentUpdate;
  expect(renamed.segment).toMatchObject({ version: 2, name: 'Recent buyers', stale: false, count: 1 });
  expect((await gql(tenant, TAGS, { id: buyer })).member.tags).toEqual(['recent buyer']);

  const widened = (await gql(tenant, UPDATE, { input: { id: segment.id, query: 'order_count >= 0' } })).segmentUpdate;
  expect(widened.segment).toMatchObject({ version: 3, count: 2, stale: false, query: 'order_count >= 0' });
  const deferred = (await gql(tenant, UPDATE, { input: { id: segment.id, query: 'order_count >= 1', refresh: false } })).segmentUpdate;
  expect(deferred.segment).toMatchObject({ version: 4, count: 2, stale: true });
  const unchanged = (await gql(tenant, UPDATE, { input: { id: segment.id, name: 'Recent buyers' } })).segmentUpdate;
  expect(unchanged.segment.version).toBe(4);

  const read = (await gql(tenant, READ, { id: segment.id })).segment;
  expect(read.versions.nodes.map((v: any) => [v.version, v.name, v.query, v.tag])).toEqual([
    [4, 'Recent buyers', 'order_count >= 1', 'recent buyer'],
    [3, 'Recent buyers', 'order_count >= 0', 'recent buyer'],
    [2, 'Recent buyers', 'order_count >= 1', 'recent buyer'],
    [1, 'Buyers', 'order_count >= 1', 'buyer'],
  ]);
  expect(read.versions.nodes.every((v: any) => v.actor.startsWith('key:'))).toBe(true);
  const entered = read.movements.nodes.filter((m: any) => m.member.id === other).map((m: any) => [m.kind, m.version]);
  expect(entered).toEqual([['ENTERED', 3]]);
  const refreshed = (await gql(tenant, REFRESH, { input: { id: segment.id } })).segmentRefresh;
  expect(refreshed).toMatchObject({ entered: 0, exited: 1, segment: { stale: false, count: 1 } });
});

test('bad definitions are refused with positions and nothing is written', async () => {
  const tenant = await t.tenant();
  await create(tenant, { name: 'Taken', kind: 'STATIC' });
  const tries: [Record<string, unknown>, string, string[]][] = [
    [{ name: 'x', kind: 'DYNAMIC', query: 'net_spend > 5' }, 'UNKNOWN_FIELD', ['input', 'query']],
    [{ name: 'x', kind: 'DYNAMIC' }, 'INVALID', ['input', 'query']],
    [{ name: 'x', kind: 'STATIC', query: 'order_count > 1' }, 'INVALID', ['input', 'query']],
    [{ name: '  ', kind: 'STATIC' }, 'INVALID', ['input', 'name']],
    [{ name: 'x', kind: 'STATIC', tag: 'a,b' }, 'INVALID', ['input', 'tag']],
    [{ name: 'Taken', kind: 'STATIC' }, 'TAKEN', ['input', 'name']],
  ];
  for (const [input, code, field] of tries) {
    const payload = (await gql(tenant, CREATE, { input })).segmentCreate;
    expect({ input, codes: payload.userErrors.map((e: any) => e.code), field: payload.userErrors[0]?.field, segment: payload.segment }).toEqual({ input, codes: [code], field, segment: null });
  }
  const positioned = (await gql(tenant, CREATE, { input: { name: 'x', kind: 'DYNAMIC', query: 'order_count >= 1\nAND net_spend > 5' } })).segmentCreate.userErrors[0];
  expect(positioned).toMatchObject({ line: 2, column: 5, suggestion: 'did you mean "net_spent"?' });
  expect((await gql(tenant, '{ segments(first: 10) { totalCount } }', {})).segments.totalCount).toBe(1);
});

test('explain shows which clauses a member meets, with its values', async () => {
  const tenant = await t.tenant();
  const member = await createMember(t, tenant.keys.ADMIN, { tags: ['vip'], province: 'Zhejiang' });
  await recordOrder(t, tenant.keys.INGEST, orderInput(member, { placedAt: ago(90), items: [{ sku: 'S', name: 'S', category: 'skincare', quantity: 1, unitPrice: 45000 }] }));
  const segment = await create(tenant, {
    name: 'Explained',
    kind: 'DYNAMIC',
    query: "tags CONTAINS 'vip' AND (net_spent >= 500.00 OR region.province = 'Zhejiang') AND NOT last_order_date < -60d",
  });
  const explain = (await gql(tenant, 'query($id: ID!, $m: ID!) { segment(id: $id) { explain(memberId: $m) { matches inSegment member { id } clauses { clause line column met value } } } }', { id: segment.id, m: member }, tenant.keys.ANALYST)).segment.explain;
  expect(explain).toEqual({
    matches: false,
    inSegment: false,
    member: { id: member },
    clauses: [
      { clause: "tags CONTAINS 'vip'", line: 1, column: 1, met: true, value: 'vip' },
      { clause: 'net_spent >= 500.00', line: 1, column: 26, met: false, value: '450.00' },
      { clause: "region.province = 'Zhejiang'", line: 1, column: 49, met: true, value: 'Zhejiang' },
      { clause: 'last_order_date < -60d', line: 1, column: 87, met: true, value: new Date(Date.now() - 90 * 86_400_000).toISOString().slice(0, 10) },
    ],
  });
  // Birthdays are personal data: ADMIN sees the value, ANALYST only whether the clause is met.
  const birthdays = await create(tenant, { name: 'Birthdays', kind: 'DYNAMIC', query: "birthday IS NOT NULL OR age > 20" });
  await gql(tenant, 'mutation($id: ID!) { memberUpdate(input: { id: $id, birthday: "1990-05-17" }) { userErrors { code } } }', { id: member });
  const explainAs = async (key: string) =>
    (await gql(tenant, 'query($id: ID!, $m: ID!) { segment(id: $id) { explain(memberId: $m) { clauses { met value } } } }', { id: birthdays.id, m: member }, key)).segment.explain.clauses;
  expect((await explainAs(tenant.keys.ADMIN))[0]).toEqual({ met: true, value: '1990-05-17' });
  expect(await explainAs(tenant.keys.ANALYST)).toEqual([{ met: true, value: null }, { met: true, value: null }]);
  const missing = await gql(tenant, 'query($id: ID!, $m: ID!) { segment(id: $id) { explain(memberId: $m) { matches } } }', { id: segment.id, m: missingId('Member') });
  expect(missing.segment.explain).toBeNull();
});

test('static segments: add, remove and import by identities, with movements and tags', async () => {
  const tenant = await t.tenant();
  const a = await createMember(t, tenant.keys.ADMIN, { identities: [{ channel: 'APP_USER', externalId: 'app-a' }] });
  const b = await createMember(t, tenant.keys.ADMIN, { identities: [{ channel: 'PHONE', externalId: '+8613800138000' }] });
  const c = await createMember(t, tenant.keys.ADMIN);
  const segment = await create(tenant, { name: 'Trial panel', kind: 'STATIC', tag: 'new-product trier' });
  expect(segment).toMatchObject({ count: 0, stale: false });

  expect((await gql(tenant, ADD, { input: { id: segment.id, memberIds: [c, c] } })).segmentMembersAdd).toMatchObject({ changed: 1, segment: { count: 1 } });
  const bad = (await gql(tenant, ADD, { input: { id: segment.id, memberIds: [a, missingId('Member')] } })).segmentMembersAdd;
  expect(bad).toMatchObject({ segment: null, changed: 0 });
  expect(bad.userErrors).toEqual([expect.objectContaining({ code: 'NOT_FOUND', field: ['input', 'memberIds', '1'] })]);

  const csv = 'channel,external_id\nAPP_USER,app-a\nPHONE,13800138000\nAPP_USER,nobody\nAPP_USER,app-a\n';
  const imported = (await gql(tenant, IMPORT, { input: { id: segment.id, csv } })).segmentMembersImport;
  expect(imported).toEqual({
    segment: { count: 3 },
    matched: 3,
    added: 2,
    alreadyMembers: 1,
    unmatchedCount: 1,
    unmatched: [{ line: 4, channel: 'APP_USER', externalId: 'nobody' }],
    userErrors: [],
  });
  for (const csvBad of ['id\nx', 'channel,external_id\nFAX,1\n', 'channel,external_id\nAPP_USER\n']) {
    const refused = (await gql(tenant, IMPORT, { input: { id: segment.id, csv: csvBad } })).segmentMembersImport;
    expect({ csvBad, codes: refused.userErrors.map((e: any) => e.code) }).toEqual({ csvBad, codes: ['INVALID'] });
  }
  expect((await gql(tenant, TAGS, { id: b })).member.tags).toEqual(['new-product trier']);
  expect((await gql(tenant, REMOVE, { input: { id: segment.id, memberIds: [b] } })).segmentMembersRemove).toMatchObject({ changed: 1, segment: { count: 2 } });
  expect((await gql(tenant, TAGS, { id: b })).member.tags).toEqual([]);
  const read = (await gql(tenant, READ, { id: segment.id })).segment;
  expect(ids(read.members.nodes)).toEqual([a, c].sort());
  expect(read.movements.nodes.map((m: any) => [m.kind, m.cause]).sort()).toEqual(
    [['ENTERED', 'MANUAL'], ['ENTERED', 'IMPORT'], ['ENTERED', 'IMPORT'], ['EXITED', 'MANUAL']].sort(),
  );
  // A static segment is not refreshed, and a dynamic one takes no hand-picked members.
  expect((await gql(tenant, REFRESH, { input: { id: segment.id } })).segmentRefresh.userErrors[0].code).toBe('INVALID');
  const dynamic = await create(tenant, { name: 'Dyn', kind: 'DYNAMIC', query: 'order_count = 0' });
  expect((await gql(tenant, ADD, { input: { id: dynamic.id, memberIds: [a] } })).segmentMembersAdd.userErrors[0].code).toBe('INVALID');
});

test('merge and erase take members out of segments; deleting a segment empties it and hides it', async () => {
  const tenant = await t.tenant();
  const survivor = await createMember(t, tenant.keys.ADMIN);
  const merged = await createMember(t, tenant.keys.ADMIN);
  const erased = await createMember(t, tenant.keys.ADMIN, { tags: ['gone'] });
  const list = await create(tenant, { name: 'List', kind: 'STATIC', tag: 'listed' });
  await gql(tenant, ADD, { input: { id: list.id, memberIds: [merged, erased] } });
  const dynamic = await create(tenant, { name: 'Everyone', kind: 'DYNAMIC', query: 'order_count = 0' });
  expect(dynamic.count).toBe(3);

  await gql(tenant, 'mutation($s: ID!, $m: ID!) { memberMerge(input: { survivorId: $s, mergedId: $m }) { userErrors { code } } }', { s: survivor, m: merged });
  await gql(tenant, 'mutation($id: ID!) { memberErase(input: { id: $id }) { userErrors { code } } }', { id: erased });
  const listAfter = (await gql(tenant, READ, { id: list.id })).segment;
  expect(ids(listAfter.members.nodes)).toEqual([survivor]);
  expect(listAfter.count).toBe(1);
  expect((await gql(tenant, TAGS, { id: survivor })).member.tags).toEqual(['listed']);
  const dynamicAfter = (await gql(tenant, READ, { id: dynamic.id })).segment;
  expect(ids(dynamicAfter.members.nodes)).toEqual([survivor]);
  expect(dynamicAfter.movements.nodes.filter((m: any) => m.cause === 'MEMBER_GONE')).toHaveLength(2);

  const deleted = (await gql(tenant, DELETE, { input: { id: list.id } })).segmentDelete;
  expect(deleted).toMatchObject({ userErrors: [], segment: { id: list.id, count: 0 } });
  expect((await gql(tenant, READ, { id: list.id })).segment).toBeNull();
  expect((await gql(tenant, TAGS, { id: survivor })).member).toEqual({ tags: [], segments: [{ id: dynamic.id, name: 'Everyone' }] });
  expect((await gql(tenant, DELETE, { input: { id: list.id } })).segmentDelete.userErrors[0].code).toBe('NOT_FOUND');
  // The name is free again.
  expect((await create(tenant, { name: 'List', kind: 'STATIC' })).version).toBe(1);
});

test('ANALYST reads segments but cannot change them', async () => {
  const tenant = await t.tenant();
  const segment = await create(tenant, { name: 'Read only', kind: 'DYNAMIC', query: 'order_count = 0' });
  expect((await gql(tenant, READ, { id: segment.id }, tenant.keys.ANALYST)).segment.name).toBe('Read only');
  const refused = await t.gql(REFRESH, { input: { id: segment.id } }, { key: tenant.keys.ANALYST });
  expect(errorCodes(refused)).toEqual(['FORBIDDEN']);
});

test('member.segments costs the same statements for 5 members as for 40', async () => {
  const tenant = await t.tenant();
  for (let i = 0; i < 40; i++) await createMember(t, tenant.keys.ADMIN, { tags: i % 2 ? ['odd'] : [] });
  await create(tenant, { name: 'Odd', kind: 'DYNAMIC', query: "tags CONTAINS 'odd'" });
  await create(tenant, { name: 'All', kind: 'DYNAMIC', query: 'order_count = 0' });
  const query = 'query($n: Int!) { members(first: $n) { nodes { id segments { name count } } } }';
  const small = await t.countSql(() => gql(tenant, query, { n: 5 }));
  const large = await t.countSql(() => gql(tenant, query, { n: 40 }));
  expect(large.result.members.nodes.filter((m: any) => m.segments.length === 2)).toHaveLength(20);
  expect(large.statements).toBe(small.statements);
});

test('another tenant’s segment answers like a missing one and nothing changes', async () => {
  const own = await t.tenant();
  const foreign = await t.tenant();
  const theirs = await create(foreign, { name: 'Theirs', kind: 'STATIC' });
  const theirMember = await createMember(t, foreign.keys.ADMIN);
  await gql(foreign, ADD, { input: { id: theirs.id, memberIds: [theirMember] } });
  const ownMember = await createMember(t, own.keys.ADMIN);
  const ownStatic = await create(own, { name: 'Mine', kind: 'STATIC' });
  const before = await snapshot(t, foreign);
  const calls: [string, Record<string, unknown>, string][] = [
    [UPDATE, { input: { id: theirs.id, name: 'Hijacked' } }, 'segmentUpdate'],
    [DELETE, { input: { id: theirs.id } }, 'segmentDelete'],
    [REFRESH, { input: { id: theirs.id } }, 'segmentRefresh'],
    [ADD, { input: { id: theirs.id, memberIds: [ownMember] } }, 'segmentMembersAdd'],
    [REMOVE, { input: { id: theirs.id, memberIds: [theirMember] } }, 'segmentMembersRemove'],
    [IMPORT, { input: { id: theirs.id, csv: 'channel,external_id\n' } }, 'segmentMembersImport'],
  ];
  for (const [query, variables, name] of calls) {
    const foreignAnswer = (await gql(own, query, variables))[name];
    const missingAnswer = (await gql(own, query, { input: { ...(variables.input as object), id: missingId('Segment') } }))[name];
    expect({ name, errors: foreignAnswer.userErrors }).toEqual({ name, errors: missingAnswer.userErrors });
    expect(foreignAnswer.userErrors[0].code).toBe('NOT_FOUND');
  }
  // A foreign member cannot be put into one's own static segment either.
  const crossed = (await gql(own, ADD, { input: { id: ownStatic.id, memberIds: [theirMember] } })).segmentMembersAdd;
  expect(crossed.userErrors[0].code).toBe('NOT_FOUND');
  expect((await gql(own, READ, { id: theirs.id })).segment).toBeNull();
  expect((await gql(own, 'query($q: String!) { segmentPreview(query: $q, sampleSize: 50) { count } }', { q: 'order_count = 0' })).segmentPreview.count).toBe(1);
  expect((await gql(own, '{ segments(first: 10) { nodes { name } } }', {})).segments.nodes).toEqual([{ name: 'Mine' }]);
  expect(await snapshot(t, foreign)).toEqual(before);
  expect((await gql(foreign, READ, { id: theirs.id })).segment).toMatchObject({ name: 'Theirs', version: 1, count: 1 });
});
