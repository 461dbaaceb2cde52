import { loadConfig } from '../src/app/config';
import { boundRows } from '../src/core/db/bound';
import { namedSql } from '../src/core/db/named-sql';
import { localDate, triggerSource } from '../src/modules/campaign/campaign-triggers';
import { CampaignTriggerKind } from '../src/modules/campaign/campaign.enums';
import { dataOf, dbIdOf, startTestApp, type TestApp, type TestTenant } from './support/harness';
import { ago, event, orderInput, recordEvents, recordOrder, shiftOrders } from './support/activity-fixtures';
import { earnPoints } from './support/points-fixtures';
import { campaignOf, configureChannel, createCampaign, deliveriesOf, eventually, fastCampaigns, launch, smsMember, updateSettings, waitForStatus } from './support/campaign-fixtures';

/** TRIGGER campaigns end to end: each trigger kind plans one delivery per event, after launch only, and never twice. */

let t: TestApp;
const DAY = 86_400_000;

beforeAll(async () => {
  t = await startTestApp({ campaigns: fastCampaigns(loadConfig({}).campaigns) });
});
afterAll(async () => {
  await t.close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const sql = <T>(text: string, params: unknown[] = []) => boundRows<T>(t.orm.em.fork(), text, params);

/** A tenant sending SMS through the outbox, with a cap high enough for repeat triggers. */
async function smsTenant(timezone = 'UTC'): Promise<TestTenant> {
  const tenant = await t.tenant();
  await configureChannel(t, tenant);
  expect((await updateSettings(t, tenant, { capMessages: 100, capDays: 1, timezone })).userErrors).toEqual([]);
  return tenant;
}

async function launchTrigger(tenant: TestTenant, trigger: Record<string, unknown>, input: Record<string, unknown> = {}) {
  const campaign = await createCampaign(t, tenant, { name: `On ${trigger.kind} ${Math.random()}`, schedule: 'TRIGGER', trigger, ...input });
  expect((await launch(t, tenant, campaign.id)).status).toBe('RUNNING');
  return campaign.id as string;
}

/** member id -> occurrences of its SENT deliveries (sorted), after every other state is ruled out. */
async function sentOf(tenant: TestTenant, campaignId: string): Promise<Map<string, string[]>> {
  const deliveries = await deliveriesOf(t, tenant, campaignId);
  expect(deliveries.filter((delivery) => delivery.state !== 'SENT' && delivery.state !== 'QUEUED' && delivery.state !== 'SENDING')).toEqual([]);
  const sent = new Map<string, string[]>();
  for (const delivery of deliveries.filter((d) => d.state === 'SENT')) sent.set(delivery.member.id, [...(sent.get(delivery.member.id) ?? []), delivery.occurrence].sort());
  return sent;
}

/** Waits until `count` deliveries are SENT in all and nothing waits. */
async function sentCount(tenant: TestTenant, campaignId: string, count: number) {
  await eventually(async () => {
    const progress = (await campaignOf(t, tenant, campaignId)).progress;
    return progress.sent >= count && !progress.queued && !progress.sending;
  }, 10_000, `${count} sent`);
  return sentOf(tenant, campaignId);
}

/** Waits until the campaign's trigger was checked up to a time after `since` (ms). */
async function checkedAfter(campaignId: string, since: number) {
  await eventually(async () => {
    const [row] = await sql<{ until: string }>('select trigger_checked_until as until from campaign where id = ?', [dbIdOf(campaignId)]);
    return row && new Date(row.until).getTime() > since;
  }, 10_000, 'a trigger pass');
}

/** Waits for a few more passes of an event trigger (one every 100 ms, each moving the watermark). */
const morePasses = (campaignId: string, passes = 4) => checkedAfter(campaignId, Date.now() + passes * 100);

/** Moves a date trigger's watermark a day back, as if the next local day had come, and waits for its check. */
async function nextDay(campaignId: string) {
  const since = Date.now();
  await sql("update campaign set trigger_checked_until = trigger_checked_until - interval '1 day' where id = ? returning id", [dbIdOf(campaignId)]);
  await checkedAfter(campaignId, since);
  await sleep(300);
}

/** A tenant time zone whose local date is not UTC's when possible, and not near local midnight (a day change mid-test). */
function zoneForToday(): string {
  const now = new Date();
  const hour = (zone: string) => Number(new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', hourCycle: 'h23' }).format(now));
  const safe = ['Pacific/Kiritimati', 'Pacific/Pago_Pago', 'Asia/Shanghai', 'America/New_York', 'UTC', 'Asia/Kolkata'].filter((zone) => hour(zone) >= 1 && hour(zone) <= 22);
  return safe.find((zone) => localDate(now, zone) !== localDate(now, 'UTC')) ?? safe[0]!;
}

const plusDays = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);

test('SEGMENT_ENTERED: a member added after launch gets one message per entry; one added before launch gets none', async () => {
  const tenant = await smsTenant();
  const [early, joiner, outsider] = [await smsMember(t, tenant), await smsMember(t, tenant), await smsMember(t, tenant)];
  const gql = async (query: string, input: Record<string, unknown>) => dataOf(await t.gql(query, { input }, { key: tenant.keys.ADMIN }));
  const segment = (await gql('mutation($input: SegmentCreateInput!) { segmentCreate(input: $input) { segment { id } userErrors { code } } }', { name: 'Welcome list', kind: 'STATIC' })).segmentCreate.segment;
  const members = (action: 'Add' | 'Remove', ids: string[]) =>
    gql(`mutation($input: SegmentMembersInput!) { segmentMembers${action}(input: $input) { changed userErrors { code } } }`, { id: segment.id, memberIds: ids });
  await members('Add', [early]); // seconds before launch: inside the watermark's overlap, and still not counted

  const campaign = await launchTrigger(tenant, { kind: 'SEGMENT_ENTERED', segmentId: segment.id });
  await members('Add', [joiner]);
  let sent = await sentCount(tenant, campaign, 1);
  expect(sent.get(joiner)).toEqual([expect.stringMatching(/^segment:[0-9a-f-]{36}$/)]);
  expect(sent.has(early)).toBe(false);
  expect(sent.has(outsider)).toBe(false);

  // Leaving and entering again is a second entry.
  await members('Remove', [joiner]);
  await members('Add', [joiner]);
  sent = await sentCount(tenant, campaign, 2);
  expect(sent.get(joiner)).toHaveLength(2);
  expect(new Set(sent.get(joiner)).size).toBe(2);

  await morePasses(campaign);
  expect([...(await sentOf(tenant, campaign)).entries()]).toEqual([[joiner, sent.get(joiner)]]);
});

test('LIFECYCLE_ENTERED: an order that makes a member ACTIVE after launch sends once per move into ACTIVE', async () => {
  const tenant = await smsTenant();
  const buy = (member: string, daysAgo: number) => recordOrder(t, tenant.keys.INGEST, orderInput(member, { placedAt: ago(daysAgo) }));
  const [wasActive, becomes, staysNew] = [await smsMember(t, tenant), await smsMember(t, tenant), await smsMember(t, tenant)];
  await buy(wasActive, 40);
  await buy(wasActive, 30);
  await buy(becomes, 31);

  const campaign = await launchTrigger(tenant, { kind: 'LIFECYCLE_ENTERED', stage: 'ACTIVE' });
  await buy(becomes, 21);
  await buy(staysNew, 5);
  let sent = await sentCount(tenant, campaign, 1);
  expect([...sent.keys()]).toEqual([becomes]);
  expect(sent.get(becomes)).toEqual([expect.stringMatching(/^lifecycle:[0-9a-f-]{36}$/)]);

  // ACTIVE → AT_RISK → REACTIVATED → ACTIVE (see the lifecycle tests): a second move into ACTIVE.
  await buy(becomes, 11);
  await buy(becomes, 0.01);
  await buy(becomes, 0.005);
  sent = await sentCount(tenant, campaign, 2);
  expect(new Set(sent.get(becomes)).size).toBe(2);

  await morePasses(campaign);
  expect([...(await sentOf(tenant, campaign)).entries()]).toEqual([[becomes, sent.get(becomes)]]);
});

test('CHURN_RISK_CROSSED: an upward crossing of the threshold after launch sends once per crossing', async () => {
  const tenant = await smsTenant();
  const runScoring = async () => {
    const payload = dataOf(await t.gql('mutation { jobRun(input: { job: CHURN_SCORE, wait: true }) { jobRun { state } } }', {}, { key: tenant.keys.ADMIN })).jobRun;
    expect(payload.jobRun.state).toBe('COMPLETED');
  };
  const [crossedBefore, crosses, calm] = [await smsMember(t, tenant), await smsMember(t, tenant), await smsMember(t, tenant)];
  for (const member of [crossedBefore, crosses]) await recordOrder(t, tenant.keys.INGEST, orderInput(member, { placedAt: ago(80) })); // 0.41, no crossing on a first score
  await recordOrder(t, tenant.keys.INGEST, orderInput(calm, { placedAt: ago(10) }));
  await shiftOrders(t, [crossedBefore], 17);
  await runScoring(); // crossedBefore: 0.41 → 0.56, UP through 0.5 before launch

  const campaign = await launchTrigger(tenant, { kind: 'CHURN_RISK_CROSSED', threshold: 0.5 });
  await shiftOrders(t, [crosses, calm], 17);
  await runScoring();
  let sent = await sentCount(tenant, campaign, 1);
  expect([...sent.keys()]).toEqual([crosses]);
  expect(sent.get(crosses)).toEqual([expect.stringMatching(/^churn:[0-9a-f-]{36}$/)]);

  // Two recent views bring it down past the hysteresis margin (a DOWN crossing: nothing), 20 more days up again.
  await recordEvents(t, tenant.keys.INGEST, [event(crosses, { occurredAt: ago(1) }), event(crosses, { occurredAt: ago(2) })]);
  await runScoring();
  await morePasses(campaign);
  expect((await sentOf(tenant, campaign)).get(crosses)).toHaveLength(1);
  await shiftOrders(t, [crosses], 20);
  await runScoring();
  sent = await sentCount(tenant, campaign, 2);
  expect(new Set(sent.get(crosses)).size).toBe(2);

  await morePasses(campaign);
  expect([...(await sentOf(tenant, campaign)).entries()]).toEqual([[crosses, sent.get(crosses)]]);
});

test('ORDER_PAID: days 0 sends right after payment, once per order; days 3 waits three days after payment', async () => {
  const tenant = await smsTenant();
  const [buyer, lateImport, nonBuyer] = [await smsMember(t, tenant), await smsMember(t, tenant), await smsMember(t, tenant)];
  await recordOrder(t, tenant.keys.INGEST, orderInput(buyer, { placedAt: ago(0, 1) })); // paid a minute before launch
  const care = await launchTrigger(tenant, { kind: 'ORDER_PAID', days: 0 });
  const later = await launchTrigger(tenant, { kind: 'ORDER_PAID', days: 3 });

  const first = await recordOrder(t, tenant.keys.INGEST, orderInput(buyer, { placedAt: ago(0) }));
  await recordOrder(t, tenant.keys.INGEST, orderInput(lateImport, { placedAt: ago(10) })); // paid long before launch
  let sent = await sentCount(tenant, care, 1);
  expect([...sent.entries()]).toEqual([[buyer, [`order:${dbIdOf(first.id)}`]]]);

  const second = await recordOrder(t, tenant.keys.INGEST, orderInput(buyer, { placedAt: ago(0) }));
  sent = await sentCount(tenant, care, 2);
  expect(sent.get(buyer)).toEqual([`order:${dbIdOf(first.id)}`, `order:${dbIdOf(second.id)}`].sort());
  await morePasses(care);
  expect([...(await sentOf(tenant, care)).entries()]).toEqual([[buyer, sent.get(buyer)]]);

  // Days 3: an order paid three days ago (recorded now) is due now; those paid just now are not due yet,
  // and one whose three days were up an hour before launch was due before the campaign began.
  const due = await recordOrder(t, tenant.keys.INGEST, orderInput(nonBuyer, { placedAt: ago(3) }));
  await recordOrder(t, tenant.keys.INGEST, orderInput(lateImport, { placedAt: ago(3, 60) }));
  await sentCount(tenant, later, 1);
  await morePasses(later);
  expect([...(await sentOf(tenant, later)).entries()]).toEqual([[nonBuyer, [`order:${dbIdOf(due.id)}`]]]);
});

test('ORDER_PAID: an order recorded late (a store syncing in batches) is followed up when recorded, up to two days late', async () => {
  const tenant = await smsTenant();
  const [synced, yesterday, history] = [await smsMember(t, tenant), await smsMember(t, tenant), await smsMember(t, tenant)];
  const care = await launchTrigger(tenant, { kind: 'ORDER_PAID', days: 0 });
  const nextDay = await launchTrigger(tenant, { kind: 'ORDER_PAID', days: 1 });
  // Both have been running for five days.
  await sql(`update campaign set launched_at = launched_at - interval '5 days' where id in (?, ?)`, [dbIdOf(care), dbIdOf(nextDay)]);

  const three = await recordOrder(t, tenant.keys.INGEST, orderInput(synced, { placedAt: ago(0, 180) })); // paid 3 h ago
  const thirty = await recordOrder(t, tenant.keys.INGEST, orderInput(yesterday, { placedAt: ago(1, 360) })); // paid 30 h ago
  await recordOrder(t, tenant.keys.INGEST, orderInput(history, { placedAt: ago(3, 120) })); // more than two days late for both

  await sentCount(tenant, care, 2);
  await sentCount(tenant, nextDay, 1);
  await morePasses(care);
  await morePasses(nextDay);
  expect([...(await sentOf(tenant, care)).entries()].sort()).toEqual(
    [
      [synced, [`order:${dbIdOf(three.id)}`]],
      [yesterday, [`order:${dbIdOf(thirty.id)}`]],
    ].sort(),
  );
  // A day after payment: the 30-hour-old order was due 6 hours ago; the 3-hour-old one is not due yet.
  expect([...(await sentOf(tenant, nextDay)).entries()]).toEqual([[yesterday, [`order:${dbIdOf(thirty.id)}`]]]);
});

test('ORDER_PAID: an order paid before paid_recorded_at existed (null) counts as recorded on time', async () => {
  const tenant = await smsTenant();
  const buyer = await smsMember(t, tenant);
  const nextDay = await launchTrigger(tenant, { kind: 'ORDER_PAID', days: 1 });
  await sql(`update campaign set launched_at = launched_at - interval '5 days' where id = ?`, [dbIdOf(nextDay)]);
  // Due in 3 s; the migration left older rows null, as this one is made before it is due.
  const order = await recordOrder(t, tenant.keys.INGEST, orderInput(buyer, { placedAt: new Date(Date.now() - DAY + 3_000).toISOString() }));
  await sql('update orders set paid_recorded_at = null where id = ?', [dbIdOf(order.id)]);
  expect([...(await sentCount(tenant, nextDay, 1)).entries()]).toEqual([[buyer, [`order:${dbIdOf(order.id)}`]]]);
});

test("BIRTHDAY: birthdays up to N days ahead in the tenant time zone, once a year; a member added after the day's check hears the next day", async () => {
  const zone = zoneForToday();
  const tenant = await smsTenant(zone);
  const today = localDate(new Date(), zone);
  const target = plusDays(today, 3);
  const birthday = (date: string) => `${date.slice(5) === '02-29' ? 1992 : 1990}-${date.slice(5)}`;
  const inThree = await smsMember(t, tenant, { birthday: birthday(target) });
  const onTheDay = await smsMember(t, tenant, { birthday: birthday(today) });
  await smsMember(t, tenant, { birthday: birthday(plusDays(target, 1)) });
  await smsMember(t, tenant);

  const campaign = await launchTrigger(tenant, { kind: 'BIRTHDAY', days: 3 });
  const year = (date: string) => `birthday:${date.slice(0, 4)}`;
  const sent = await sentCount(tenant, campaign, 2);
  expect(new Map(sent)).toEqual(
    new Map([
      [inThree, [year(target)]],
      [onTheDay, [year(today)]],
    ]),
  );

  // Joined after today's check: tomorrow's check finds the birthday (now a day away), and greets nobody twice.
  const joiner = await smsMember(t, tenant, { birthday: birthday(plusDays(today, 1)) });
  await nextDay(campaign);
  expect(new Map(await sentOf(tenant, campaign))).toEqual(
    new Map([
      [inThree, [year(target)]],
      [onTheDay, [year(today)]],
      [joiner, [year(plusDays(today, 1))]],
    ]),
  );
});

test('BIRTHDAY SQL: 29 February is celebrated on 28 February in other years, on the day in leap years, and a window across new year names each year', async () => {
  const tenant = await t.tenant();
  const leapling = await smsMember(t, tenant, { birthday: '2000-02-29' });
  const march = await smsMember(t, tenant, { birthday: '1990-03-01' });
  const newYear = await smsMember(t, tenant, { birthday: '1990-01-02' });
  const rows = async (from: string, to: string, days: number) => {
    const source = triggerSource({ kind: CampaignTriggerKind.BIRTHDAY, days }, { from: new Date(from), to: new Date(to), timezone: 'Asia/Shanghai' })!;
    const { sql: text, params } = namedSql(source.sql, { ...source.params, tenantId: tenant.id });
    return (await sql<{ member_id: string; occurrence: string }>(text, params)).map((row) => [row.member_id, row.occurrence]).sort();
  };
  // Local 2027-02-28 (not a leap year) and 2028-02-28 / 2028-02-29 (a leap year), in Shanghai.
  expect(await rows('2027-02-27T16:30:00Z', '2027-02-27T17:00:00Z', 0)).toEqual([[dbIdOf(leapling), 'birthday:2027']]);
  expect(await rows('2028-02-27T16:30:00Z', '2028-02-27T17:00:00Z', 0)).toEqual([]);
  expect(await rows('2028-02-28T16:30:00Z', '2028-02-28T17:00:00Z', 0)).toEqual([[dbIdOf(leapling), 'birthday:2028']]);
  expect(await rows('2027-02-28T16:30:00Z', '2027-02-28T17:00:00Z', 0)).toEqual([[dbIdOf(march), 'birthday:2027']]);
  // Local 2027-02-26 with 3 days: every birthday up to 1 March, the leapling's on 28 February.
  expect(await rows('2027-02-25T16:30:00Z', '2027-02-25T17:00:00Z', 3)).toEqual([[dbIdOf(leapling), 'birthday:2027'], [dbIdOf(march), 'birthday:2027']].sort());
  // 30 and 31 December, 3 days ahead: the 2 January birthday belongs to the new year.
  expect(await rows('2026-12-29T17:00:00Z', '2026-12-30T17:00:00Z', 3)).toEqual([[dbIdOf(newYear), 'birthday:2027']]);
});

test('POINTS_EXPIRING: points expiring within the days send once, named by the expiry date; later expiries do not', async () => {
  const zone = zoneForToday();
  const tenant = await smsTenant(zone);
  const [soon, far, spent] = [await smsMember(t, tenant), await smsMember(t, tenant), await smsMember(t, tenant)];
  for (const member of [soon, far, spent]) await earnPoints(t, tenant.keys.ADMIN, member, 100);
  const expireIn = async (member: string, days: number, remaining?: number) => {
    const [row] = await sql<{ expires_at: string }>(
      `update points_lot set expires_at = now() + interval '${days} days'${remaining === undefined ? '' : `, remaining = ${remaining}`} where member_id = ? returning expires_at`,
      [dbIdOf(member)],
    );
    return new Date(row!.expires_at);
  };
  const soonAt = await expireIn(soon, 10);
  await expireIn(far, 60);
  await expireIn(spent, 5, 0);

  const campaign = await launchTrigger(tenant, { kind: 'POINTS_EXPIRING', days: 30 });
  const sent = await sentCount(tenant, campaign, 1);
  expect([...sent.entries()]).toEqual([[soon, [`expiry:${localDate(soonAt, zone)}`]]]);

  await nextDay(campaign);
  expect([...(await sentOf(tenant, campaign)).entries()]).toEqual([[soon, [`expiry:${localDate(soonAt, zone)}`]]]);
});

test("HOLIDAY: on a listed date (the tenant's) the whole audience gets one message; another date sends nothing", async () => {
  const zone = zoneForToday();
  const tenant = await smsTenant(zone);
  const members = [await smsMember(t, tenant), await smsMember(t, tenant), await smsMember(t, tenant)];
  const today = localDate(new Date(), zone);
  const festive = await launchTrigger(tenant, { kind: 'HOLIDAY', dates: [plusDays(today, -7), today, plusDays(today, 30)] });
  const tomorrow = await launchTrigger(tenant, { kind: 'HOLIDAY', dates: [plusDays(today, 1)] });
  const launched = Date.now();

  const sent = await sentCount(tenant, festive, 3);
  expect(new Set(sent.keys())).toEqual(new Set(members));
  for (const member of members) expect(sent.get(member)).toEqual([`holiday:${today}`]);

  await nextDay(festive);
  await checkedAfter(tomorrow, launched);
  expect([...(await sentOf(tenant, festive)).values()].flat()).toHaveLength(3);
  expect(await deliveriesOf(t, tenant, tomorrow)).toEqual([]);
});

test('a trigger campaign completes at endsAt, and events after that plan nothing', async () => {
  const tenant = await smsTenant();
  const buyer = await smsMember(t, tenant);
  const endsAt = new Date(Date.now() + 2_500);
  const campaign = await launchTrigger(tenant, { kind: 'ORDER_PAID', days: 0 }, { endsAt: endsAt.toISOString() });
  const during = await recordOrder(t, tenant.keys.INGEST, orderInput(buyer, { placedAt: ago(0) }));
  expect([...(await sentCount(tenant, campaign, 1)).entries()]).toEqual([[buyer, [`order:${dbIdOf(during.id)}`]]]);
  expect((await campaignOf(t, tenant, campaign)).status).toBe('RUNNING');

  // A timer may fire a millisecond early, and an order paid exactly at endsAt still counts: this one is clearly after.
  const after = new Date(endsAt.getTime() + 100);
  await sleep(Math.max(0, after.getTime() - Date.now() + 5));
  await recordOrder(t, tenant.keys.INGEST, orderInput(buyer, { placedAt: after.toISOString() }));
  const done = await waitForStatus(t, tenant, campaign, ['COMPLETED'], 10_000);
  expect(done.finishedAt).not.toBeNull();
  await sleep(400);
  expect((await deliveriesOf(t, tenant, campaign)).map((delivery) => delivery.occurrence)).toEqual([`order:${dbIdOf(during.id)}`]);
});
