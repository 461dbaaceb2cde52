import { createHash } from 'node:crypto';
import { loadConfig } from '../src/app/config';
import { dataOf, startTestApp, type TestApp, type TestTenant } from './support/harness';
import { createMember, grantConsent } from './support/access-fixtures';
import {
  campaignMove,
  campaignOf,
  configureChannel,
  createCampaign,
  deliveriesOf,
  fastCampaigns,
  launch,
  outboxOf,
  smsMember,
  tryCreateCampaign,
  updateSettings,
  waitForStatus,
} from './support/campaign-fixtures';
import { tryEarn } from './support/points-fixtures';
import { campaignRunnerOf } from '../src/modules/campaign/campaign-runner';

/** Campaigns end to end through the OUTBOX adapter: the state machine, consent, caps, quiet hours, control groups, A/B, preview. */

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({ campaigns: fastCampaigns(loadConfig({}).campaigns) });
});
afterAll(async () => {
  await t.close();
});

const rawId = (globalId: string) => Buffer.from(globalId, 'base64url').toString('utf8').split(':')[1]!;
const bucket = (campaignId: string, memberId: string, salt = '') => parseInt(createHash('md5').update(`${rawId(campaignId)}${salt}${rawId(memberId)}`).digest('hex').slice(0, 8), 16) % 10_000;

describe('a one-off SMS campaign through the outbox', () => {
  let tenant: TestTenant;
  let ok: string[];
  let noConsent: string;
  let noPhone: string;

  beforeAll(async () => {
    tenant = await t.tenant();
    await configureChannel(t, tenant, { costPerMessage: 5 });
    ok = [await smsMember(t, tenant, { name: 'Li Lei' }), await smsMember(t, tenant, { name: 'Han Meimei' })];
    noConsent = await smsMember(t, tenant, { consent: false });
    noPhone = await smsMember(t, tenant, { phone: false });
    await tryEarn(t, tenant.keys.ADMIN, ok[0]!, 120);
  });

  test('renders per member, records every send once, and completes', async () => {
    const created = await createCampaign(t, tenant, { variants: [{ key: 'A', body: 'Hi {{ name }}, you have {{points}} points.' }] });
    expect(created.status).toBe('DRAFT');
    expect(created.variants[0].body).toBe('Hi {{name}}, you have {{points}} points.');
    const launched = await launch(t, tenant, created.id);
    expect(['RUNNING', 'COMPLETED']).toContain(launched.status);
    const done = await waitForStatus(t, tenant, created.id);
    expect(done.progress).toMatchObject({ queued: 0, sending: 0, sent: 2, failed: 0, suppressed: 2 });
    expect(Object.fromEntries(done.progress.suppressedBy.map((row: any) => [row.reason, row.count]))).toEqual({ NO_CONSENT: 1, NO_ADDRESS: 1 });
    expect(done.finishedAt).not.toBeNull();

    const outbox = await outboxOf(t, tenant, created.id);
    expect(outbox.map((message) => message.body).sort()).toEqual(['Hi Han Meimei, you have 0 points.', 'Hi Li Lei, you have 120 points.']);
    expect(new Set(outbox.map((message) => message.memberId))).toEqual(new Set(ok));
    expect(outbox.every((message) => /^\+86138\d{8}$/.test(message.recipient))).toBe(true);

    const deliveries = await deliveriesOf(t, tenant, created.id);
    const byMember = new Map(deliveries.map((delivery) => [delivery.member.id, delivery]));
    expect(byMember.get(noConsent)).toMatchObject({ state: 'SUPPRESSED', reason: 'NO_CONSENT', variant: null });
    expect(byMember.get(noPhone)).toMatchObject({ state: 'SUPPRESSED', reason: 'NO_ADDRESS' });
    expect(byMember.get(ok[0]!)).toMatchObject({ state: 'SENT', variant: 'A', attempts: 1, cost: 5 });

    const touchpoints = dataOf(
      await t.gql(`query($id: ID!) { member(id: $id) { touchpoints(first: 10, types: [MESSAGE_SENT]) { nodes { type channel properties } } } }`, { id: ok[0] }, { key: tenant.keys.ANALYST }),
    ).member.touchpoints.nodes;
    expect(touchpoints).toHaveLength(1);
    expect(touchpoints[0]).toMatchObject({ type: 'MESSAGE_SENT', channel: 'SMS', properties: { campaignId: rawId(created.id), variant: 'A' } });
  });

  test('the state machine refuses illegal moves with a userError', async () => {
    const campaign = await createCampaign(t, tenant);
    for (const mutation of ['campaignPause', 'campaignResume'] as const) {
      const payload = await campaignMove(t, tenant, mutation, campaign.id);
      expect(payload.userErrors.map((error) => error.code)).toEqual(['INVALID_TRANSITION']);
      expect(payload.campaign).toBeNull();
    }
    expect((await campaignMove(t, tenant, 'campaignCancel', campaign.id)).campaign.status).toBe('CANCELLED');
    for (const mutation of ['campaignLaunch', 'campaignPause', 'campaignResume', 'campaignCancel'] as const) {
      expect((await campaignMove(t, tenant, mutation, campaign.id)).userErrors.map((error) => error.code)).toEqual(['INVALID_TRANSITION']);
    }
    expect((await campaignOf(t, tenant, campaign.id)).status).toBe('CANCELLED');
    const update = dataOf(
      await t.gql(`mutation($id: ID!) { campaignUpdate(input: { id: $id, name: "x" }) { campaign { id } userErrors { code } } }`, { id: campaign.id }, { key: tenant.keys.ADMIN }),
    ).campaignUpdate;
    expect(update.userErrors.map((error: any) => error.code)).toEqual(['INVALID_TRANSITION']);
  });

  test('a scheduled campaign waits, pauses, resumes and sends', async () => {
    // Long enough that create, launch and pause are done before it on a loaded machine.
    const startsAt = new Date(Date.now() + 3_000).toISOString();
    const campaign = await createCampaign(t, tenant, { schedule: 'AT', startsAt });
    const launched = await launch(t, tenant, campaign.id);
    expect(launched.status).toBe('SCHEDULED');
    expect((await campaignMove(t, tenant, 'campaignPause', campaign.id)).campaign.status).toBe('PAUSED');
    await new Promise((resolve) => setTimeout(resolve, Date.parse(startsAt) - Date.now() + 300));
    expect((await campaignOf(t, tenant, campaign.id)).progress.sent).toBe(0);
    expect((await campaignMove(t, tenant, 'campaignResume', campaign.id)).campaign.status).toBe('RUNNING');
    expect((await waitForStatus(t, tenant, campaign.id)).progress.sent).toBe(2);
  });

  test('bad input is refused field by field and nothing is saved', async () => {
    const before = dataOf(await t.gql('{ campaigns(first: 1) { totalCount } }', {}, { key: tenant.keys.ADMIN })).campaigns.totalCount;
    const payload = await tryCreateCampaign(t, tenant, {
      name: ' ',
      goal: 'CARE',
      channel: 'SMS',
      controlPercent: 95,
      variants: [
        { key: 'A', body: 'Hello {{nmae}}' },
        { key: 'A', body: 'x', weight: 0 },
      ],
      offer: { kind: 'COUPON' },
      includeSegmentIds: ['bm9wZQ'],
    });
    expect(payload.campaign).toBeNull();
    const fields = payload.userErrors.map((error: any) => error.field.join('.'));
    expect(fields).toEqual(
      expect.arrayContaining(['input.name', 'input.controlPercent', 'input.variants.0.body', 'input.variants.1.key', 'input.variants.1.weight', 'input.offer.couponTemplateId', 'input.includeSegmentIds.0']),
    );
    expect(payload.userErrors.find((error: any) => error.field.join('.') === 'input.variants.0.body').message).toContain('{{nmae}}');
    expect(dataOf(await t.gql('{ campaigns(first: 1) { totalCount } }', {}, { key: tenant.keys.ADMIN })).campaigns.totalCount).toBe(before);
  });

  test('launch needs a configured channel and a complete campaign', async () => {
    const email = await createCampaign(t, tenant, { channel: 'EMAIL' });
    const refused = await campaignMove(t, tenant, 'campaignLaunch', email.id);
    expect(refused.userErrors.map((error) => error.message).join()).toContain('EMAIL channel is not configured');
    const at = await createCampaign(t, tenant, { schedule: 'AT' });
    expect((await campaignMove(t, tenant, 'campaignLaunch', at.id)).userErrors.map((error) => error.field.join('.'))).toEqual(['input.startsAt']);
    expect((await campaignOf(t, tenant, at.id)).status).toBe('DRAFT');
  });
});

describe('eligibility at send time', () => {
  test('the frequency cap counts sends of every campaign on the channel', async () => {
    const tenant = await t.tenant();
    await configureChannel(t, tenant);
    await updateSettings(t, tenant, { capMessages: 2, capDays: 7 });
    const member = await smsMember(t, tenant);
    const states: string[] = [];
    for (let i = 0; i < 3; i++) {
      const campaign = await createCampaign(t, tenant, { name: `wave ${i}` });
      await launch(t, tenant, campaign.id);
      await waitForStatus(t, tenant, campaign.id);
      const [delivery] = await deliveriesOf(t, tenant, campaign.id);
      states.push(delivery.reason ?? delivery.state);
    }
    expect(states).toEqual(['SENT', 'SENT', 'FREQUENCY_CAP']);
    expect(await outboxOf(t, tenant)).toHaveLength(2);
    void member;
  });

  test('quiet hours hold sends; consent withdrawn meanwhile suppresses at send time', async () => {
    const tenant = await t.tenant();
    await configureChannel(t, tenant);
    const now = new Date();
    const minute = now.getUTCHours() * 60 + now.getUTCMinutes();
    const clock = (m: number) => `${String(Math.floor(((m + 1440) % 1440) / 60)).padStart(2, '0')}:${String((m + 1440) % 60).padStart(2, '0')}`;
    expect((await updateSettings(t, tenant, { timezone: 'UTC', quietHoursStart: clock(minute - 30), quietHoursEnd: clock(minute + 30) })).userErrors).toEqual([]);
    const stays = await smsMember(t, tenant);
    const withdraws = await smsMember(t, tenant);
    const campaign = await createCampaign(t, tenant);
    await launch(t, tenant, campaign.id);
    await new Promise((resolve) => setTimeout(resolve, 700));
    const held = await campaignOf(t, tenant, campaign.id);
    expect(held).toMatchObject({ status: 'RUNNING', progress: { queued: 2, sent: 0 } });
    await grantConsent(t, tenant.keys.ADMIN, withdraws, 'SMS', false);
    expect((await updateSettings(t, tenant, { clearQuietHours: true })).settings.quietHoursStart).toBeNull();
    await waitForStatus(t, tenant, campaign.id);
    const byMember = new Map((await deliveriesOf(t, tenant, campaign.id)).map((delivery) => [delivery.member.id, delivery]));
    expect(byMember.get(stays)).toMatchObject({ state: 'SENT' });
    expect(byMember.get(withdraws)).toMatchObject({ state: 'SUPPRESSED', reason: 'NO_CONSENT', variant: 'A' });
  });

  test('settings are checked', async () => {
    const tenant = await t.tenant();
    const payload = await updateSettings(t, tenant, { timezone: 'Mars/Olympus', quietHoursStart: '25:00', capMessages: 0 });
    expect(payload.userErrors.map((error: any) => error.field.join('.')).sort()).toEqual(['input.capMessages', 'input.quietHoursEnd', 'input.quietHoursStart', 'input.timezone']);
    expect(dataOf(await t.gql('{ campaignSettings { timezone capMessages capDays quietHoursStart } }', {}, { key: tenant.keys.ANALYST })).campaignSettings).toEqual({
      timezone: 'UTC',
      capMessages: 2,
      capDays: 7,
      quietHoursStart: null,
    });
  });
});

describe('control group and A/B variants', () => {
  test('the control share is held out by a stable hash, variants split by weight, and preview matches the launch', async () => {
    const tenant = await t.tenant();
    await configureChannel(t, tenant, { costPerMessage: 3 });
    await updateSettings(t, tenant, { capMessages: 100 });
    const members: string[] = [];
    for (let i = 0; i < 60; i++) members.push(await smsMember(t, tenant));
    const campaign = await createCampaign(t, tenant, {
      controlPercent: 30,
      variants: [
        { key: 'A', weight: 1, body: 'A: {{name}}' },
        { key: 'B', weight: 3, body: 'B: {{name}}' },
      ],
    });
    const control = new Set(members.filter((member) => bucket(campaign.id, member) < 3_000));
    const variantOf = (member: string) => (bucket(campaign.id, member, '/v/') < 2_500 ? 'A' : 'B');

    const preview = dataOf(
      await t.gql(
        `query($id: ID!) { campaignPreview(id: $id) { audience sendable control estimatedSendCost suppressedBy { reason count } samples { memberId variant recipient body } } }`,
        { id: campaign.id },
        { key: tenant.keys.ANALYST },
      ),
    ).campaignPreview;
    expect(preview).toMatchObject({ audience: 60, sendable: 60 - control.size, control: control.size, estimatedSendCost: 3 * (60 - control.size) });
    expect(preview.samples.length).toBeGreaterThan(0);
    for (const sample of preview.samples) expect(sample.body.startsWith(`${sample.variant}: Member`)).toBe(true);
    expect(await deliveriesOf(t, tenant, campaign.id)).toHaveLength(0);

    await launch(t, tenant, campaign.id);
    await waitForStatus(t, tenant, campaign.id);
    const deliveries = await deliveriesOf(t, tenant, campaign.id);
    expect(deliveries).toHaveLength(60);
    for (const delivery of deliveries) {
      if (control.has(delivery.member.id)) expect(delivery).toMatchObject({ state: 'SUPPRESSED', reason: 'CONTROL_GROUP', variant: null });
      else expect(delivery).toMatchObject({ state: 'SENT', variant: variantOf(delivery.member.id) });
    }
    const outbox = await outboxOf(t, tenant, campaign.id);
    expect(outbox).toHaveLength(60 - control.size);
    for (const message of outbox) expect(message.body.startsWith(`${variantOf(message.memberId)}: `)).toBe(true);
  });

  test('a recurring campaign keeps every member on the same side run after run', async () => {
    const tenant = await t.tenant();
    await configureChannel(t, tenant);
    await updateSettings(t, tenant, { capMessages: 100 });
    const members: string[] = [];
    for (let i = 0; i < 20; i++) members.push(await smsMember(t, tenant));
    const campaign = await createCampaign(t, tenant, { schedule: 'RECURRING', startsAt: new Date(Date.now() - 3 * 86_400_000).toISOString(), everyDays: 1, controlPercent: 50 });
    await launch(t, tenant, campaign.id);
    // Move the next run to now twice: two occurrences.
    const { orm } = t;
    for (let run = 0; run < 2; run++) {
      await new Promise((resolve) => setTimeout(resolve, 400));
      await orm.em.fork().getConnection().execute(`update campaign set next_run_at = now() where id = ?`, [rawId(campaign.id)]);
      await new Promise((resolve) => setTimeout(resolve, 400));
    }
    const deliveries = await deliveriesOf(t, tenant, campaign.id);
    const occurrences = new Set(deliveries.map((delivery) => delivery.occurrence));
    expect(occurrences.size).toBeGreaterThanOrEqual(2);
    const side = new Map<string, Set<boolean>>();
    for (const delivery of deliveries) side.set(delivery.member.id, (side.get(delivery.member.id) ?? new Set()).add(delivery.reason === 'CONTROL_GROUP'));
    for (const [member, sides] of side) {
      expect(sides.size).toBe(1);
      expect([...sides][0]).toBe(bucket(campaign.id, member) < 5_000);
    }
    expect((await campaignMove(t, tenant, 'campaignCancel', campaign.id)).campaign.status).toBe('CANCELLED');
  });
});

describe('tenancy and statement counts', () => {
  test('another tenant’s campaigns answer like missing ones, and its segments and coupon templates cannot be used', async () => {
    const a = await t.tenant();
    const b = await t.tenant();
    await configureChannel(t, a);
    await configureChannel(t, b);
    await smsMember(t, a);
    const mine = await createCampaign(t, a);
    await launch(t, a, mine.id);
    await waitForStatus(t, a, mine.id);
    const draft = await createCampaign(t, a);
    expect(dataOf(await t.gql(`query($id: ID!) { campaign(id: $id) { id } campaignPreview(id: $id) { audience } }`, { id: draft.id }, { key: b.keys.ADMIN }))).toEqual({
      campaign: null,
      campaignPreview: null,
    });
    for (const mutation of ['campaignLaunch', 'campaignPause', 'campaignResume', 'campaignCancel'] as const) {
      expect((await campaignMove(t, b, mutation, draft.id)).userErrors.map((error) => error.code)).toEqual(['NOT_FOUND']);
    }
    const update = dataOf(await t.gql(`mutation($id: ID!) { campaignUpdate(input: { id: $id, name: "taken" }) { userErrors { code } } }`, { id: draft.id }, { key: b.keys.ADMIN })).campaignUpdate;
    expect(update.userErrors.map((error: any) => error.code)).toEqual(['NOT_FOUND']);
    const segment = dataOf(
      await t.gql(`mutation { segmentCreate(input: { name: "mine", kind: STATIC }) { segment { id } } }`, {}, { key: a.keys.ADMIN }),
    ).segmentCreate.segment.id;
    const template = dataOf(
      await t.gql(`mutation { couponTemplateCreate(input: { name: "ten off", kind: AMOUNT_OFF, amountOff: { amount: 1000, currency: "CNY" } }) { couponTemplate { id } userErrors { message } } }`, {}, { key: a.keys.ADMIN }),
    ).couponTemplateCreate.couponTemplate.id;
    const foreign = await tryCreateCampaign(t, b, {
      name: 'x',
      goal: 'CARE',
      channel: 'SMS',
      includeSegmentIds: [segment],
      offer: { kind: 'COUPON', couponTemplateId: template },
      schedule: 'TRIGGER',
      trigger: { kind: 'SEGMENT_ENTERED', segmentId: segment },
    });
    expect(foreign.userErrors.map((error: any) => `${error.field.join('.')}:${error.code}`).sort()).toEqual([
      'input.includeSegmentIds.0:NOT_FOUND',
      'input.offer.couponTemplateId.0:NOT_FOUND',
      'input.trigger.segmentId.0:NOT_FOUND',
    ]);
    expect(await outboxOf(t, b)).toEqual([]);
    expect((await outboxOf(t, a)).length).toBe(1);
    expect(dataOf(await t.gql('{ campaigns(first: 10) { totalCount } }', {}, { key: b.keys.ANALYST })).campaigns.totalCount).toBe(0);
    const since = new Date(Date.now() - 3_600_000).toISOString();
    const until = new Date(Date.now() + 60_000).toISOString();
    const reports = (key: string) => t.gql(`query($since: DateTime!, $until: DateTime!) { campaignReports(since: $since, until: $until, first: 10) { totalCount nodes { campaign { id } treatment { units reached } } } }`, { since, until }, { key });
    expect(dataOf(await reports(b.keys.ANALYST)).campaignReports.totalCount).toBe(0);
    expect(dataOf(await reports(a.keys.ANALYST)).campaignReports.nodes).toEqual([{ campaign: { id: mine.id }, treatment: { units: 1, reached: 1 } }]);
  });

  test('a page of campaigns with progress, segments, prizes, reports and deliveries costs the same statements for 2 and for 6', async () => {
    const tenant = await t.tenant();
    await configureChannel(t, tenant);
    await updateSettings(t, tenant, { capMessages: 100 });
    for (let i = 0; i < 3; i++) await smsMember(t, tenant);
    const segment = dataOf(await t.gql(`mutation { segmentCreate(input: { name: "all", kind: DYNAMIC, query: "order_count >= 0" }) { segment { id } userErrors { message } } }`, {}, { key: tenant.keys.ADMIN }))
      .segmentCreate.segment.id;
    for (let i = 0; i < 6; i++) {
      const campaign = await createCampaign(t, tenant, { name: `c${i}`, includeSegmentIds: [segment], offer: { kind: 'LOTTERY', prizes: [{ key: 'p', points: 10, weight: 1, stock: 5 }] } });
      await launch(t, tenant, campaign.id);
      await waitForStatus(t, tenant, campaign.id);
    }
    // The runner's own polling would be counted too: it stops for the count.
    await campaignRunnerOf(t.app.services)!.stop();
    const query = `query($first: Int!) { campaigns(first: $first) { nodes { id progress { sent } includeSegments { id } prizes { key awarded } report { treatment { units conversions } } deliveries(first: 3) { nodes { state member { id } } } } } }`;
    await t.gql(query, { first: 1 }, { key: tenant.keys.ANALYST });
    const small = await t.countSql(() => t.gql(query, { first: 2 }, { key: tenant.keys.ANALYST }));
    const large = await t.countSql(() => t.gql(query, { first: 6 }, { key: tenant.keys.ANALYST }));
    const nodes = dataOf(large.result).campaigns.nodes;
    expect(nodes).toHaveLength(6);
    expect(nodes.every((node: any) => node.progress.sent === 3 && node.includeSegments.length === 1 && node.prizes[0].awarded === 3 && node.report.treatment.units === 3)).toBe(true);
    expect(nodes.every((node: any) => node.deliveries.nodes.length === 3 && node.deliveries.nodes.every((d: any) => d.member.id))).toBe(true);
    expect(large.statements).toBe(small.statements);
    // campaigns, progress, segments, prizes, delivery pages, members, and the report (begin, timeout, statement, commit).
    expect(large.statements).toBeLessThanOrEqual(10);
    campaignRunnerOf(t.app.services)!.start();
  });
});

describe('channels and addresses', () => {
  test('EMAIL renders a subject and goes to the e-mail; PUSH goes to the newest app user id', async () => {
    const tenant = await t.tenant();
    await configureChannel(t, tenant, { channel: 'EMAIL' });
    await configureChannel(t, tenant, { channel: 'PUSH' });
    const mailed = await createMember(t, tenant.keys.ADMIN, { displayName: 'Wei', email: 'wei@example.cn', identities: [{ channel: 'APP_USER', externalId: 'app-wei' }] });
    await grantConsent(t, tenant.keys.ADMIN, mailed, 'EMAIL');
    await grantConsent(t, tenant.keys.ADMIN, mailed, 'PUSH');
    const noApp = await createMember(t, tenant.keys.ADMIN, { displayName: 'Lan', email: 'lan@example.cn' });
    await grantConsent(t, tenant.keys.ADMIN, noApp, 'PUSH');
    const email = await createCampaign(t, tenant, { channel: 'EMAIL', variants: [{ key: 'A', subject: 'For {{name}}', body: 'Dear {{name}}' }] });
    await launch(t, tenant, email.id);
    await waitForStatus(t, tenant, email.id);
    expect((await outboxOf(t, tenant, email.id)).map(({ channel, recipient, subject, body }) => ({ channel, recipient, subject, body }))).toEqual([
      { channel: 'EMAIL', recipient: 'wei@example.cn', subject: 'For Wei', body: 'Dear Wei' },
    ]);
    const push = await createCampaign(t, tenant, { channel: 'PUSH', variants: [{ key: 'A', subject: 'Hi', body: 'New arrivals' }] });
    await launch(t, tenant, push.id);
    await waitForStatus(t, tenant, push.id);
    expect((await outboxOf(t, tenant, push.id)).map((message) => message.recipient)).toEqual(['app-wei']);
    expect((await deliveriesOf(t, tenant, push.id)).find((delivery) => delivery.member.id === noApp)).toMatchObject({ state: 'SUPPRESSED', reason: 'NO_ADDRESS' });
  });
});
