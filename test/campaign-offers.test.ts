import { loadConfig } from '../src/app/config';
import { dataOf, startTestApp, type TestApp, type TestTenant } from './support/harness';
import { event, orderInput, recordEvents, recordOrder } from './support/activity-fixtures';
import { pointsOf } from './support/points-fixtures';
import { configureChannel, createCampaign, deliveriesOf, fastCampaigns, launch, outboxOf, smsMember, tryCreateCampaign, updateSettings, waitForStatus } from './support/campaign-fixtures';

/** Offers (coupons, points, lotteries, multipliers), the deep-discount rule, and opens and clicks naming a delivery. */

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({ campaigns: fastCampaigns(loadConfig({}).campaigns) });
});
afterAll(async () => {
  await t.close();
});

async function template(tenant: TestTenant, input: Record<string, unknown>): Promise<string> {
  const payload = dataOf(
    await t.gql(`mutation($input: CouponTemplateCreateInput!) { couponTemplateCreate(input: $input) { couponTemplate { id } userErrors { field message } } }`, { input: { name: 'offer', ...input } }, { key: tenant.keys.ADMIN }),
  ).couponTemplateCreate;
  if (payload.userErrors.length) throw new Error(JSON.stringify(payload.userErrors));
  return payload.couponTemplate.id;
}

async function couponsOf(tenant: TestTenant, memberId: string) {
  return dataOf(await t.gql(`query($id: ID!) { member(id: $id) { coupons(first: 10) { nodes { id code source status } } } }`, { id: memberId }, { key: tenant.keys.ADMIN })).member.coupons.nodes as any[];
}

async function run(tenant: TestTenant, input: Record<string, unknown>) {
  const campaign = await createCampaign(t, tenant, input);
  await launch(t, tenant, campaign.id);
  await waitForStatus(t, tenant, campaign.id);
  return { id: campaign.id, deliveries: await deliveriesOf(t, tenant, campaign.id), outbox: await outboxOf(t, tenant, campaign.id) };
}

async function freshTenant() {
  const tenant = await t.tenant();
  await configureChannel(t, tenant);
  await updateSettings(t, tenant, { capMessages: 100 });
  return tenant;
}

test('a coupon offer issues one coupon per message, its code in the text, while stock lasts', async () => {
  const tenant = await freshTenant();
  const members = [await smsMember(t, tenant), await smsMember(t, tenant), await smsMember(t, tenant)];
  const templateId = await template(tenant, { kind: 'AMOUNT_OFF', amountOff: { amount: 500, currency: 'CNY' }, minSpend: { amount: 5000, currency: 'CNY' }, totalStock: 2 });
  const { deliveries, outbox } = await run(tenant, { offer: { kind: 'COUPON', couponTemplateId: templateId }, variants: [{ key: 'A', body: 'Your code: {{coupon_code}}' }] });
  const sent = deliveries.filter((delivery) => delivery.state === 'SENT');
  expect(sent).toHaveLength(2);
  expect(deliveries.filter((delivery) => delivery.reason === 'OFFER_UNAVAILABLE')).toHaveLength(1);
  for (const delivery of sent) {
    const [coupon] = await couponsOf(tenant, delivery.member.id);
    expect(coupon).toMatchObject({ id: delivery.couponId, source: 'CAMPAIGN', status: 'AVAILABLE' });
    expect(outbox.find((message) => message.memberId === delivery.member.id)!.body).toBe(`Your code: ${coupon.code}`);
  }
  const unlucky = deliveries.find((delivery) => delivery.reason === 'OFFER_UNAVAILABLE')!;
  expect(await couponsOf(tenant, unlucky.member.id)).toEqual([]);
  expect(members).toContain(unlucky.member.id);
  const stock = dataOf(await t.gql(`query($id: ID!) { node(id: $id) { ... on CouponTemplate { issuedCount remainingStock } } }`, { id: templateId }, { key: tenant.keys.ADMIN })).node;
  expect(stock).toEqual({ issuedCount: 2, remainingStock: 0 });
});

test('a deep discount skips members inside their repurchase cycle unless the campaign opts in', async () => {
  const tenant = await freshTenant();
  const recentBuyer = await smsMember(t, tenant);
  await recordOrder(t, tenant.keys.INGEST, orderInput(recentBuyer, { placedAt: new Date(Date.now() - 5 * 86_400_000).toISOString() }));
  const prospect = await smsMember(t, tenant);
  const deep = await template(tenant, { kind: 'PERCENT_OFF', percentOff: 50, perMemberLimit: 5 });
  const shallow = await template(tenant, { kind: 'PERCENT_OFF', percentOff: 5 });
  const body = [{ key: 'A', body: '{{coupon_code}}' }];

  const skipped = await run(tenant, { offer: { kind: 'COUPON', couponTemplateId: deep }, variants: body });
  const byMember = new Map(skipped.deliveries.map((delivery) => [delivery.member.id, delivery]));
  expect(byMember.get(recentBuyer)).toMatchObject({ state: 'SUPPRESSED', reason: 'IN_REPURCHASE_CYCLE' });
  expect(byMember.get(prospect)).toMatchObject({ state: 'SENT' });

  const optedIn = await run(tenant, { offer: { kind: 'COUPON', couponTemplateId: deep }, variants: body, includeInCycle: true });
  expect(optedIn.deliveries.every((delivery) => delivery.state === 'SENT')).toBe(true);
  const notDeep = await run(tenant, { offer: { kind: 'COUPON', couponTemplateId: shallow }, variants: body });
  expect(notDeep.deliveries.every((delivery) => delivery.state === 'SENT')).toBe(true);

  const preview = dataOf(await t.gql(`query($id: ID!) { campaignPreview(id: $id) { deepDiscount } }`, { id: (await createCampaign(t, tenant, { offer: { kind: 'COUPON', couponTemplateId: deep }, variants: body })).id }, { key: tenant.keys.ANALYST })).campaignPreview;
  expect(preview.deepDiscount).toBe(true);
});

test('a points bonus is credited once per message and shown in the text', async () => {
  const tenant = await freshTenant();
  const member = await smsMember(t, tenant);
  const { deliveries, outbox } = await run(tenant, { offer: { kind: 'POINTS_BONUS', points: 50 }, variants: [{ key: 'A', body: 'You now have {{points}} points' }] });
  expect(deliveries[0]).toMatchObject({ state: 'SENT', rewardPoints: 50 });
  expect(outbox[0].body).toBe('You now have 50 points');
  const points = await pointsOf(t, tenant.keys.ADMIN, member);
  expect(points.account?.balance).toBe(50);
  expect(points.entries.map((entry) => [entry.kind, entry.amount])).toEqual([['ADJUST', 50]]);
});

test('a lottery draws from its pool by weight and never beyond a prize’s stock', async () => {
  const tenant = await freshTenant();
  for (let i = 0; i < 8; i++) await smsMember(t, tenant);
  const templateId = await template(tenant, { kind: 'FREE_SHIPPING' });
  const { id, deliveries, outbox } = await run(tenant, {
    offer: {
      kind: 'LOTTERY',
      prizes: [
        { key: 'points10', points: 10, weight: 5, stock: 2 },
        { key: 'shipping', couponTemplateId: templateId, weight: 5, stock: 3 },
      ],
    },
    variants: [{ key: 'A', body: 'prize={{prize}} code={{coupon_code}}' }],
  });
  expect(deliveries.every((delivery) => delivery.state === 'SENT')).toBe(true);
  const won = deliveries.filter((delivery) => delivery.prize);
  expect(won.filter((delivery) => delivery.prize === 'points10')).toHaveLength(2);
  expect(won.filter((delivery) => delivery.prize === 'shipping')).toHaveLength(3);
  for (const delivery of won.filter((d) => d.prize === 'points10')) expect(delivery.rewardPoints).toBe(10);
  for (const delivery of won.filter((d) => d.prize === 'shipping')) expect(delivery.couponId).not.toBeNull();
  const blanks = outbox.filter((message) => message.body === 'prize= code=');
  expect(blanks).toHaveLength(3);
  const prizes = dataOf(await t.gql(`query($id: ID!) { campaign(id: $id) { prizes { key stock awarded } } }`, { id }, { key: tenant.keys.ANALYST })).campaign.prizes;
  expect(prizes).toEqual([
    { key: 'points10', stock: 2, awarded: 2 },
    { key: 'shipping', stock: 3, awarded: 3 },
  ]);
});

test('a lottery for old customers only: the audience is a segment of members who have ordered', async () => {
  const tenant = await freshTenant();
  const buyer = await smsMember(t, tenant);
  await recordOrder(t, tenant.keys.INGEST, orderInput(buyer, { placedAt: new Date(Date.now() - 200 * 86_400_000).toISOString() }));
  await smsMember(t, tenant);
  const segment = dataOf(
    await t.gql(`mutation { segmentCreate(input: { name: "old customers", kind: DYNAMIC, query: "order_count >= 1" }) { segment { id count } userErrors { message } } }`, {}, { key: tenant.keys.ADMIN }),
  ).segmentCreate.segment;
  expect(segment.count).toBe(1);
  const { deliveries } = await run(tenant, { includeSegmentIds: [segment.id], offer: { kind: 'LOTTERY', prizes: [{ key: 'p', points: 5, weight: 1, stock: 10 }] } });
  expect(deliveries.map((delivery) => [delivery.member.id, delivery.state, delivery.prize])).toEqual([[buyer, 'SENT', 'p']]);
});

test('a points multiplier doubles what orders earn within its days, and counts as reward', async () => {
  const tenant = await freshTenant();
  const member = await smsMember(t, tenant);
  const other = await smsMember(t, tenant, { consent: false });
  const { deliveries } = await run(tenant, { offer: { kind: 'POINTS_MULTIPLIER', multiplierPercent: 200, validDays: 3 } });
  const sent = deliveries.find((delivery) => delivery.member.id === member)!;
  await recordOrder(t, tenant.keys.INGEST, orderInput(member, { placedAt: new Date().toISOString() }));
  await recordOrder(t, tenant.keys.INGEST, orderInput(other, { placedAt: new Date().toISOString() }));
  expect((await pointsOf(t, tenant.keys.ADMIN, member)).account?.balance).toBe(50);
  expect((await pointsOf(t, tenant.keys.ADMIN, other)).account?.balance).toBe(25);
  const after = (await deliveriesOf(t, tenant, (await dataOf(await t.gql('{ campaigns(first: 1) { nodes { id } } }', {}, { key: tenant.keys.ANALYST })).campaigns.nodes[0].id))).find((d) => d.id === sent.id);
  expect(after.rewardPoints).toBe(25);
});

test('opens and clicks name their delivery; another member’s delivery is refused', async () => {
  const tenant = await freshTenant();
  const member = await smsMember(t, tenant);
  const stranger = await smsMember(t, tenant);
  const { id, deliveries } = await run(tenant, {});
  const mine = deliveries.find((delivery) => delivery.member.id === member)!;
  const result = await recordEvents(t, tenant.keys.INGEST, [
    event(member, { type: 'MESSAGE_OPENED', channel: 'SMS', occurredAt: new Date().toISOString(), deliveryId: mine.id }),
    event(member, { type: 'MESSAGE_CLICKED', channel: 'SMS', occurredAt: new Date().toISOString(), deliveryId: mine.id }),
    event(stranger, { type: 'MESSAGE_OPENED', channel: 'SMS', occurredAt: new Date().toISOString(), deliveryId: mine.id }),
    event(member, { type: 'PAGE_VIEW', deliveryId: mine.id }),
  ]);
  expect(result.results.map((row: any) => row.code ?? row.status)).toEqual(['ACCEPTED', 'ACCEPTED', 'UNKNOWN_DELIVERY', 'INVALID']);
  const report = dataOf(await t.gql(`query($id: ID!) { campaign(id: $id) { report { treatment { units reached openRate clickRate } } } }`, { id }, { key: tenant.keys.ANALYST })).campaign.report;
  expect(report.treatment).toEqual({ units: 2, reached: 2, openRate: 0.5, clickRate: 0.5 });
});

test('offers are checked when written', async () => {
  const tenant = await freshTenant();
  const payload = await tryCreateCampaign(t, tenant, {
    name: 'bad offers',
    goal: 'CARE',
    channel: 'SMS',
    offer: { kind: 'LOTTERY', prizes: [{ key: 'x', weight: 0 }, { key: 'x', points: 5, couponTemplateId: 'nope', weight: 1 }] },
  });
  expect(payload.userErrors.map((error: any) => error.field.join('.'))).toEqual(
    expect.arrayContaining(['input.offer.prizes.0', 'input.offer.prizes.0.weight', 'input.offer.prizes.1.key', 'input.offer.prizes.1', 'input.offer.couponTemplateId.0']),
  );
  const multiplier = await tryCreateCampaign(t, tenant, { name: 'm', goal: 'CARE', channel: 'SMS', offer: { kind: 'POINTS_MULTIPLIER', multiplierPercent: 50 } });
  expect(multiplier.userErrors.map((error: any) => error.field.join('.'))).toEqual(['input.offer.multiplierPercent']);
  const coupon = await createCampaign(t, tenant, { variants: [{ key: 'A', body: 'code {{coupon_code}}' }] });
  const launched = dataOf(await t.gql(`mutation($id: ID!) { campaignLaunch(input: { id: $id }) { userErrors { field message } } }`, { id: coupon.id }, { key: tenant.keys.ADMIN })).campaignLaunch;
  expect(launched.userErrors[0].message).toContain('{{coupon_code}}');
});
