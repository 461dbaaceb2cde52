import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../src/app/config';
import { verifyWebhookSignature } from '../src/modules/campaign/webhook-client';
import { dataOf, startTestApp, type TestApp, type TestTenant } from './support/harness';
import { grantConsent } from './support/access-fixtures';
import { campaignMove, configureChannel, createCampaign, deliveriesOf, eventually, fastCampaigns, launch, smsMember, waitForStatus } from './support/campaign-fixtures';

/**
 * The WEBHOOK adapter against a real HTTP gateway on 127.0.0.1: signatures and secret rotation, retries with
 * backoff and the same idempotency key, refusals, exhausted attempts, and consent or a cancel landing while a
 * delivery waits for its retry.
 */

let t: TestApp;
const servers: Server[] = [];

beforeAll(async () => {
  t = await startTestApp({ campaigns: fastCampaigns(loadConfig({}).campaigns) });
});
afterAll(async () => {
  await t.close();
  for (const server of servers) {
    server.closeAllConnections();
    server.close();
  }
});

interface Received {
  headers: IncomingHttpHeaders;
  raw: Buffer;
  body: string;
  /** When the answer went out (0 while it is held). */
  answeredAt: number;
}

interface Answer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
  /** The answer waits for this. */
  hold?: Promise<void>;
}

/** A gateway; `answer` gets each request and how many times its idempotency key has been seen, this one included. */
async function startReceiver(answer: (request: Received, seen: number) => Answer = () => ({ status: 200 })) {
  const requests: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      const raw = Buffer.concat(chunks);
      const request: Received = { headers: req.headers, raw, body: raw.toString('utf8'), answeredAt: 0 };
      requests.push(request);
      const reply = answer(request, requests.filter((other) => other.headers['idempotency-key'] === req.headers['idempotency-key']).length);
      await reply.hold;
      request.answeredAt = Date.now();
      res.writeHead(reply.status, reply.headers).end(reply.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/sms/send?account=shop-1`, requests };
}

const rawId = (globalId: string) => Buffer.from(globalId, 'base64url').toString('utf8').split(':')[1]!;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function sql<T = Record<string, any>>(text: string, params: unknown[] = []): Promise<T[]> {
  return t.orm.em.fork().getConnection().execute(text, params as any[]);
}

/** The campaign's deliveries as stored, with the retry time the API does not show. */
const storedDeliveries = (campaignId: string) =>
  sql<{ id: string; state: string; reason: string | null; attempts: number; next_attempt_at: string | Date | null; last_error: string | null }>(
    'select id, state, reason, attempts, next_attempt_at, last_error from campaign_delivery where campaign_id = ? order by id',
    [rawId(campaignId)],
  );

/** Makes the campaign's waiting retries due now, instead of after their backoff. */
const retryNow = (campaignId: string) =>
  sql(`update campaign_delivery set next_attempt_at = now() where campaign_id = ? and state = 'QUEUED' and payload is not null`, [rawId(campaignId)]);

/** Waits until every delivery of the campaign waits for a retry after `attempts` attempts. */
const waitingAfter = (campaignId: string, attempts: number, count = 1) =>
  eventually(async () => {
    const rows = await storedDeliveries(campaignId);
    const waiting = rows.length === count && rows.every((row) => row.state === 'QUEUED' && row.attempts === attempts && row.next_attempt_at);
    return waiting ? rows : null;
  }, 20_000, `${count} deliveries waiting after attempt ${attempts}`);

async function sentTouchpoints(tenant: TestTenant, memberId: string) {
  return dataOf(
    await t.gql(`query($id: ID!) { member(id: $id) { touchpoints(first: 10, types: [MESSAGE_SENT]) { nodes { type channel properties } } } }`, { id: memberId }, { key: tenant.keys.ANALYST }),
  ).member.touchpoints.nodes as any[];
}

async function phoneOf(tenant: TestTenant, memberId: string): Promise<string> {
  return dataOf(await t.gql(`query($id: ID!) { member(id: $id) { phone } } `, { id: memberId }, { key: tenant.keys.ADMIN })).member.phone;
}

/** A tenant with a WEBHOOK SMS channel at the receiver, and its members (phone and SMS consent). */
async function webhookTenant(url: string, members: string[], channel: Record<string, unknown> = {}) {
  const tenant = await t.tenant();
  const { signingSecret } = await configureChannel(t, tenant, { adapter: 'WEBHOOK', url, ...channel });
  const ids: string[] = [];
  for (const name of members) ids.push(await smsMember(t, tenant, { name }));
  return { tenant, secret: signingSecret!, members: ids };
}

test('every post is signed with the channel secret and carries the rendered message; a rotated secret signs the next ones', async () => {
  const receiver = await startReceiver();
  const { tenant, secret, members } = await webhookTenant(receiver.url, ['Li Lei', 'Han Meimei']);
  expect(secret).toMatch(/.{32,}/);
  const campaign = await createCampaign(t, tenant, { variants: [{ key: 'A', body: 'Hi {{name}}, you have {{points}} points.' }] });
  await launch(t, tenant, campaign.id);
  expect((await waitForStatus(t, tenant, campaign.id)).progress).toMatchObject({ sent: 2, failed: 0, suppressed: 0 });

  const deliveries = await deliveriesOf(t, tenant, campaign.id);
  const memberOf = new Map(deliveries.map((delivery) => [rawId(delivery.id), delivery.member.id as string]));
  expect(receiver.requests).toHaveLength(2);
  for (const request of receiver.requests) {
    expect(verifyWebhookSignature(secret, request.headers['x-ecrm-signature'] as string, request.body)).toBe(true);
    const message = JSON.parse(request.body);
    expect(memberOf.has(message.deliveryId)).toBe(true);
    expect(request.headers).toMatchObject({ 'idempotency-key': message.deliveryId, 'x-ecrm-delivery': message.deliveryId, 'x-ecrm-attempt': '1', 'content-type': 'application/json' });
    expect(message).toMatchObject({ channel: 'SMS', variant: 'A', campaignId: rawId(campaign.id), to: await phoneOf(tenant, memberOf.get(message.deliveryId)!) });
  }
  expect(receiver.requests.map((request) => JSON.parse(request.body).body).sort()).toEqual(['Hi Han Meimei, you have 0 points.', 'Hi Li Lei, you have 0 points.']);
  for (const member of members) expect(await sentTouchpoints(tenant, member)).toHaveLength(1);
  expect(deliveries.every((delivery) => delivery.state === 'SENT' && delivery.attempts === 1 && delivery.lastError === null)).toBe(true);

  const rotated = (await configureChannel(t, tenant, { adapter: 'WEBHOOK', url: receiver.url, rotateSecret: true })).signingSecret!;
  expect(rotated).not.toBe(secret);
  const next = await createCampaign(t, tenant, { name: 'After rotation' });
  await launch(t, tenant, next.id);
  expect((await waitForStatus(t, tenant, next.id)).progress.sent).toBe(2);
  const later = receiver.requests.slice(2);
  expect(later).toHaveLength(2);
  for (const request of later) {
    expect(verifyWebhookSignature(rotated, request.headers['x-ecrm-signature'] as string, request.body)).toBe(true);
    expect(verifyWebhookSignature(secret, request.headers['x-ecrm-signature'] as string, request.body)).toBe(false);
  }
});

test('a gateway failing twice gets the same message three times, backing off, and it is recorded sent once', async () => {
  const receiver = await startReceiver((_request, seen) => (seen <= 2 ? { status: 503 } : { status: 200 }));
  const { tenant, secret, members } = await webhookTenant(receiver.url, ['Li Lei']);
  const campaign = await createCampaign(t, tenant);
  await launch(t, tenant, campaign.id);

  // Backoff before retry n is 2^n s jittered to 50–100%; the test then makes each retry due at once.
  const [first] = await waitingAfter(campaign.id, 1);
  const firstWait = new Date(first!.next_attempt_at!).getTime() - receiver.requests[0]!.answeredAt;
  expect(firstWait).toBeGreaterThanOrEqual(1_000);
  expect(firstWait).toBeLessThan(3_000);
  expect(first!.last_error).toBe('HTTP 503 Service Unavailable');
  await retryNow(campaign.id);
  const [second] = await waitingAfter(campaign.id, 2);
  const secondWait = new Date(second!.next_attempt_at!).getTime() - receiver.requests[1]!.answeredAt;
  expect(secondWait).toBeGreaterThanOrEqual(2_000);
  expect(secondWait).toBeLessThan(5_000);
  await retryNow(campaign.id);

  await waitForStatus(t, tenant, campaign.id);
  const [delivery] = await deliveriesOf(t, tenant, campaign.id);
  expect(delivery).toMatchObject({ state: 'SENT', attempts: 3, lastError: null });
  expect(await sentTouchpoints(tenant, members[0]!)).toHaveLength(1);
  expect(receiver.requests.map((request) => request.headers['x-ecrm-attempt'])).toEqual(['1', '2', '3']);
  expect(new Set(receiver.requests.map((request) => request.headers['idempotency-key']))).toEqual(new Set([rawId(delivery.id)]));
  expect(receiver.requests.every((request) => request.raw.equals(receiver.requests[0]!.raw))).toBe(true);
  expect(receiver.requests.every((request) => verifyWebhookSignature(secret, request.headers['x-ecrm-signature'] as string, request.body))).toBe(true);
});

test("Retry-After lengthens the backoff but cannot shorten it below the sender's own", async () => {
  const receiver = await startReceiver((request, seen) => {
    if (seen > 1) return { status: 200 };
    return { status: JSON.parse(request.body).body.includes('Soon') ? 429 : 503, headers: { 'retry-after': JSON.parse(request.body).body.includes('Soon') ? '0' : '120' } };
  });
  const { tenant } = await webhookTenant(receiver.url, ['Soon', 'Later']);
  const campaign = await createCampaign(t, tenant, { variants: [{ key: 'A', body: 'Hi {{name}}' }] });
  await launch(t, tenant, campaign.id);
  const rows = await waitingAfter(campaign.id, 1, 2);
  const waited = (name: string) => {
    const request = receiver.requests.find((candidate) => JSON.parse(candidate.body).body === `Hi ${name}`)!;
    return new Date(rows.find((row) => row.id === request.headers['idempotency-key'])!.next_attempt_at!).getTime() - request.answeredAt;
  };
  expect(waited('Soon')).toBeGreaterThanOrEqual(1_000);
  expect(waited('Later')).toBeGreaterThanOrEqual(119_000);
  expect(waited('Later')).toBeLessThan(123_000);
  expect(rows.map((row) => row.last_error).sort()).toEqual(['HTTP 429 Too Many Requests', 'HTTP 503 Service Unavailable']);
  await retryNow(campaign.id);
  expect((await waitForStatus(t, tenant, campaign.id)).progress.sent).toBe(2);
});

test('a refusal fails at once and exhausted retries fail after maxAttempts, with no touchpoint and no message text in lastError', async () => {
  // The gateway echoes the message in its status line, a header and the body: none of it may be stored.
  const echo = (status: number) => (request: Received) => {
    const text = JSON.parse(request.body).body as string;
    return { status, headers: { 'x-detail': encodeURIComponent(text) }, body: `rejected: ${text} to ${JSON.parse(request.body).to}` };
  };
  const refusing = await startReceiver(echo(400));
  const refused = await webhookTenant(refusing.url, ['Secret Sale Person']);
  const first = await createCampaign(t, refused.tenant, { variants: [{ key: 'A', body: 'Private offer for {{name}}' }] });
  await launch(t, refused.tenant, first.id);
  expect((await waitForStatus(t, refused.tenant, first.id)).progress).toMatchObject({ sent: 0, failed: 1 });
  const [failed] = await deliveriesOf(t, refused.tenant, first.id);
  expect(failed).toMatchObject({ state: 'FAILED', attempts: 1, lastError: 'HTTP 400 Bad Request', sentAt: null });
  expect(refusing.requests).toHaveLength(1);
  expect(await sentTouchpoints(refused.tenant, refused.members[0]!)).toHaveLength(0);

  const unavailable = await startReceiver(echo(503));
  const exhausted = await webhookTenant(unavailable.url, ['Secret Sale Person'], { maxAttempts: 2 });
  const second = await createCampaign(t, exhausted.tenant, { variants: [{ key: 'A', body: 'Private offer for {{name}}' }] });
  await launch(t, exhausted.tenant, second.id);
  await waitingAfter(second.id, 1);
  await retryNow(second.id);
  expect((await waitForStatus(t, exhausted.tenant, second.id)).progress).toMatchObject({ sent: 0, failed: 1 });
  const [gaveUp] = await deliveriesOf(t, exhausted.tenant, second.id);
  expect(gaveUp).toMatchObject({ state: 'FAILED', attempts: 2, lastError: 'HTTP 503 Service Unavailable (after 2 attempts)' });
  expect(unavailable.requests.map((request) => request.headers['x-ecrm-attempt'])).toEqual(['1', '2']);
  expect(await sentTouchpoints(exhausted.tenant, exhausted.members[0]!)).toHaveLength(0);

  for (const error of [failed.lastError, gaveUp.lastError]) expect(error).not.toMatch(/Private|Secret|offer|\+86|rejected|shop-1/);
});

test('consent withdrawn while a delivery waits for its retry suppresses it without another post', async () => {
  const receiver = await startReceiver(() => ({ status: 503, headers: { 'retry-after': '3600' } }));
  const { tenant, members } = await webhookTenant(receiver.url, ['Li Lei']);
  const campaign = await createCampaign(t, tenant);
  await launch(t, tenant, campaign.id);
  await waitingAfter(campaign.id, 1);
  await grantConsent(t, tenant.keys.ADMIN, members[0]!, 'SMS', false);
  await retryNow(campaign.id);

  expect((await waitForStatus(t, tenant, campaign.id)).progress).toMatchObject({ sent: 0, failed: 0, suppressed: 1 });
  const [delivery] = await deliveriesOf(t, tenant, campaign.id);
  expect(delivery).toMatchObject({ state: 'SUPPRESSED', reason: 'NO_CONSENT', attempts: 1 });
  expect(receiver.requests).toHaveLength(1);
  expect(await sentTouchpoints(tenant, members[0]!)).toHaveLength(0);
});

test('a cancel suppresses deliveries waiting for a retry, and the gateway hears nothing more', async () => {
  const receiver = await startReceiver(() => ({ status: 503, headers: { 'retry-after': '3600' } }));
  const { tenant } = await webhookTenant(receiver.url, ['A', 'B', 'C']);
  const campaign = await createCampaign(t, tenant);
  await launch(t, tenant, campaign.id);
  await waitingAfter(campaign.id, 1, 3);
  expect((await campaignMove(t, tenant, 'campaignCancel', campaign.id)).campaign.status).toBe('CANCELLED');

  // Due now, had the cancel not caught them.
  await sql(`update campaign_delivery set next_attempt_at = now() where campaign_id = ?`, [rawId(campaign.id)]);
  await sleep(600);
  expect((await waitForStatus(t, tenant, campaign.id, ['CANCELLED'])).progress).toMatchObject({ sent: 0, failed: 0, suppressed: 3 });
  expect((await deliveriesOf(t, tenant, campaign.id)).map((delivery) => [delivery.state, delivery.reason])).toEqual(Array(3).fill(['SUPPRESSED', 'CAMPAIGN_CANCELLED']));
  expect(receiver.requests).toHaveLength(3);
});

test('a retry asked for by a post in flight when the campaign is cancelled is suppressed, not left queued', async () => {
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  const receiver = await startReceiver(() => ({ status: 503, hold: held }));
  const { tenant } = await webhookTenant(receiver.url, ['Li Lei']);
  const campaign = await createCampaign(t, tenant);
  await launch(t, tenant, campaign.id);
  await eventually(async () => receiver.requests.length === 1, 10_000, 'the first post');
  expect((await campaignMove(t, tenant, 'campaignCancel', campaign.id)).campaign.status).toBe('CANCELLED');
  release();

  const done = await waitForStatus(t, tenant, campaign.id, ['CANCELLED'], 5_000);
  expect(done.progress).toMatchObject({ queued: 0, sending: 0, sent: 0, suppressed: 1 });
  const [delivery] = await deliveriesOf(t, tenant, campaign.id);
  expect(delivery).toMatchObject({ state: 'SUPPRESSED', reason: 'CAMPAIGN_CANCELLED', attempts: 1, lastError: 'HTTP 503 Service Unavailable' });
  expect(receiver.requests).toHaveLength(1);
});

test('a lease that runs out after the member was erased ends MEMBER_GONE, neither posted again nor left SENDING', async () => {
  const receiver = await startReceiver(() => ({ status: 503, headers: { 'retry-after': '3600' } }));
  const { tenant, members } = await webhookTenant(receiver.url, ['Li Lei']);
  const campaign = await createCampaign(t, tenant);
  await launch(t, tenant, campaign.id);
  await waitingAfter(campaign.id, 1);
  // As if a sender had leased the retry and died: SENDING, its lease still running.
  await sql(`update campaign_delivery set state = 'SENDING', next_attempt_at = now() + interval '1 hour' where campaign_id = ?`, [rawId(campaign.id)]);
  const erased = dataOf(await t.gql('mutation($id: ID!) { memberErase(input: { id: $id }) { userErrors { code } } }', { id: members[0] }, { key: tenant.keys.ADMIN })).memberErase;
  expect(erased.userErrors).toEqual([]);
  await sql(`update campaign_delivery set next_attempt_at = now() where campaign_id = ? and state = 'SENDING'`, [rawId(campaign.id)]);

  expect((await waitForStatus(t, tenant, campaign.id, ['COMPLETED'], 5_000)).progress).toMatchObject({ sent: 0, suppressed: 1 });
  const [delivery] = await deliveriesOf(t, tenant, campaign.id);
  expect(delivery).toMatchObject({ state: 'SUPPRESSED', reason: 'MEMBER_GONE' });
  expect(receiver.requests).toHaveLength(1);
});
