import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../src/app/config';
import { verifyWebhookSignature } from '../src/modules/campaign/webhook-client';
import { startTestApp, type GqlResponse, type TestApp } from './support/harness';
import { configureChannel, createCampaign, eventually, launch, waitForStatus } from './support/campaign-fixtures';
import { killServerProcesses, startServerProcess, type ServerProcess } from './support/server-process';

/**
 * A campaign sent by a real server process that is SIGKILLed mid-run and started again: OUTBOX sends are
 * exactly once (each batch is one transaction), and WEBHOOK sends are at least once to the gateway (a post
 * in flight at the kill is posted again, with the same idempotency key) but exactly once in our records.
 */

// The runner passes often and sends small batches here, so that a few thousand members take many batches
// and the kill lands between and inside them.
const FAST_SENDER = { ECRM_CAMPAIGN_TICK_MS: '50', ECRM_CAMPAIGN_BATCH: '50', ECRM_CAMPAIGN_WEBHOOK_CONCURRENCY: '50' };

let t: TestApp;
const servers: Server[] = [];

beforeAll(async () => {
  // Only the child processes send: this process serves reads.
  t = await startTestApp({ campaigns: { ...loadConfig({}).campaigns, enabled: false } });
});
afterAll(async () => {
  await killServerProcesses();
  for (const server of servers) {
    server.closeAllConnections();
    server.close();
  }
  await t.close();
});

const rawId = (globalId: string) => Buffer.from(globalId, 'base64url').toString('utf8').split(':')[1]!;

async function sql<T = Record<string, any>>(text: string, params: unknown[] = []): Promise<T[]> {
  return t.orm.em.fork().getConnection().execute(text, params as any[]);
}

/** The test app, but with its operations sent to the child process. */
function against(server: ServerProcess): TestApp {
  const gql: TestApp['gql'] = async (document, variables, options = {}) => {
    const headers: Record<string, string> = { 'content-type': 'application/json', ...options.headers };
    if (options.key) headers.authorization = `Bearer ${options.key}`;
    const response = await fetch(server.url, { method: 'POST', headers, body: JSON.stringify({ query: document, variables }) });
    return { status: response.status, headers: response.headers, body: (await response.json()) as GqlResponse<any>['body'] };
  };
  return { ...t, url: server.url, gql };
}

/** `consenting` members with a phone and SMS consent, and `refusing` ones with a phone and no consent. */
async function seedMembers(tenantId: string, consenting: number, refusing: number): Promise<void> {
  await sql(
    `with src as (select gen_random_uuid() as id, i from generate_series(1, ?) i),
     m as (
       insert into member (id, tenant_id, created_at, display_name, phone, updated_at)
       select src.id, ?, now(), 'Member ' || src.i, '+86139' || lpad(src.i::text, 8, '0'), now() from src
     )
     insert into member_consent (id, tenant_id, created_at, member_id, channel, granted, source, changed_at)
     select gen_random_uuid(), ?, now(), src.id, 'SMS', src.i <= ?, 'seed', now() from src`,
    [consenting + refusing, tenantId, tenantId, consenting],
  );
}

/** What the database holds for the campaign; every `bad*` count must be 0 at any moment, even right after a kill. */
type Ledger = Record<'outbox' | 'outbox_deliveries' | 'outbox_members' | 'sent' | 'sending' | 'queued' | 'touchpoints' | 'bad_touchpoints' | 'bad_unsent_touchpoints' | 'bad_unsent_outbox', number>;

async function ledger(campaignId: string): Promise<Ledger> {
  const text = `select
       (select count(*)::int from outbox_message where campaign_id = :id) as outbox,
       (select count(distinct delivery_id)::int from outbox_message where campaign_id = :id) as outbox_deliveries,
       (select count(distinct member_id)::int from outbox_message where campaign_id = :id) as outbox_members,
       (select count(*)::int from campaign_delivery where campaign_id = :id and state = 'SENT') as sent,
       (select count(*)::int from campaign_delivery where campaign_id = :id and state = 'SENDING') as sending,
       (select count(*)::int from campaign_delivery where campaign_id = :id and state = 'QUEUED') as queued,
       (select count(*)::int from touchpoint tp join campaign_delivery d on d.id = tp.delivery_id
         where d.campaign_id = :id and tp.type = 'MESSAGE_SENT') as touchpoints,
       (select count(*)::int from campaign_delivery d where d.campaign_id = :id and d.state = 'SENT'
           and (select count(*) from touchpoint tp where tp.delivery_id = d.id and tp.type = 'MESSAGE_SENT') <> 1) as bad_touchpoints,
       (select count(*)::int from touchpoint tp join campaign_delivery d on d.id = tp.delivery_id
         where d.campaign_id = :id and tp.type = 'MESSAGE_SENT' and d.state <> 'SENT') as bad_unsent_touchpoints,
       (select count(*)::int from outbox_message o join campaign_delivery d on d.id = o.delivery_id
         where o.campaign_id = :id and d.state <> 'SENT') as bad_unsent_outbox`;
  const [row] = await sql<Ledger>(text.replace(/:id/g, '?::uuid'), text.match(/:id/g)!.map(() => campaignId));
  return row!;
}

async function until(condition: () => Promise<boolean> | boolean, what: string, timeoutMs = 30_000): Promise<void> {
  await eventually(async () => (await condition()) || null, timeoutMs, what);
}

test('an OUTBOX campaign killed mid-run sends each eligible member exactly one message once restarted', async () => {
  const tenant = await t.tenant();
  await seedMembers(tenant.id, 3_000, 20);
  let server = await startServerProcess(t.databaseUrl, 20_000, FAST_SENDER);
  const child = against(server);
  await configureChannel(child, tenant);
  const campaign = await createCampaign(child, tenant);
  const id = rawId(campaign.id);
  await launch(child, tenant, campaign.id);

  await until(async () => (await ledger(id)).outbox >= 200, 'a few batches');
  await server.kill();
  const killed = await ledger(id);
  expect(killed.outbox).toBeLessThan(3_000);
  expect(killed).toMatchObject({ bad_touchpoints: 0, bad_unsent_touchpoints: 0, bad_unsent_outbox: 0, sending: 0 });
  expect(killed.outbox_deliveries).toBe(killed.outbox);
  expect(killed.sent).toBe(killed.outbox);
  expect(killed.touchpoints).toBe(killed.outbox);

  server = await startServerProcess(t.databaseUrl, 20_000, FAST_SENDER);
  const done = await waitForStatus(t, tenant, campaign.id, ['COMPLETED'], 40_000);
  expect(done.progress).toMatchObject({ queued: 0, sending: 0, sent: 3_000, failed: 0, suppressed: 20 });
  const final = await ledger(id);
  expect(final).toMatchObject({ outbox: 3_000, outbox_deliveries: 3_000, outbox_members: 3_000, sent: 3_000, touchpoints: 3_000, queued: 0, sending: 0 });
  expect(final).toMatchObject({ bad_touchpoints: 0, bad_unsent_touchpoints: 0, bad_unsent_outbox: 0 });
  const [missed] = await sql<{ n: number }>(
    `select count(*)::int as n from member m join member_consent mc on mc.member_id = m.id and mc.channel = 'SMS' and mc.granted
      where m.tenant_id = ? and not exists (select 1 from outbox_message o where o.campaign_id = ? and o.member_id = m.id)`,
    [tenant.id, id],
  );
  expect(missed!.n).toBe(0);
  await server.kill();
});

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

test('a WEBHOOK campaign killed while posting re-posts what was in flight with the same key and records each send once', async () => {
  const members = 500;
  const requests: Received[] = [];
  let inFlight = 0;
  const receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      requests.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      inFlight++;
      setTimeout(() => {
        inFlight--;
        res.writeHead(200).end();
      }, 200);
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  servers.push(receiver);

  const tenant = await t.tenant();
  await seedMembers(tenant.id, members, 0);
  let server = await startServerProcess(t.databaseUrl, 20_000, FAST_SENDER);
  const child = against(server);
  const { signingSecret } = await configureChannel(child, tenant, { adapter: 'WEBHOOK', url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/sms` });
  const campaign = await createCampaign(child, tenant);
  const id = rawId(campaign.id);
  await launch(child, tenant, campaign.id);

  // Killed while posts are unanswered: those deliveries are SENDING, posted, and not recorded.
  await until(() => requests.length >= 120 && inFlight > 0, 'posts in flight after a few batches');
  await server.kill();
  const killed = await ledger(id);
  expect(killed.sending).toBeGreaterThan(0);
  expect(killed.sent).toBeLessThan(members);
  expect(killed).toMatchObject({ bad_touchpoints: 0, bad_unsent_touchpoints: 0, touchpoints: killed.sent });
  const postedBeforeKill = requests.length;

  // The leases would run out after two minutes; make them run out now.
  await sql(`update campaign_delivery set next_attempt_at = now() where campaign_id = ? and state = 'SENDING'`, [id]);
  server = await startServerProcess(t.databaseUrl, 20_000, FAST_SENDER);
  const done = await waitForStatus(t, tenant, campaign.id, ['COMPLETED'], 40_000);
  expect(done.progress).toMatchObject({ queued: 0, sending: 0, sent: members, failed: 0 });
  const final = await ledger(id);
  expect(final).toMatchObject({ sent: members, touchpoints: members, bad_touchpoints: 0, bad_unsent_touchpoints: 0 });

  // At least once to the gateway, exactly once in our records: deduped by idempotency key, one per member.
  const byKey = new Map<string, Received[]>();
  for (const request of requests) {
    expect(verifyWebhookSignature(signingSecret!, request.headers['x-ecrm-signature'] as string, request.body)).toBe(true);
    const key = request.headers['idempotency-key'] as string;
    byKey.set(key, [...(byKey.get(key) ?? []), request]);
  }
  const deliveryIds = (await sql<{ id: string }>(`select id from campaign_delivery where campaign_id = ?`, [id])).map((row) => row.id);
  expect(new Set(byKey.keys())).toEqual(new Set(deliveryIds));
  const reposted = [...byKey.values()].filter((posts) => posts.length > 1);
  expect(reposted.length).toBeGreaterThan(0);
  expect(reposted.length).toBeLessThanOrEqual(killed.sending);
  for (const posts of reposted) {
    expect(posts.map((post) => post.headers['x-ecrm-attempt'])).toEqual(['1', '2']);
    expect(posts[1]!.body).toBe(posts[0]!.body);
  }
  expect(requests.length).toBeGreaterThan(postedBeforeKill);
  await server.kill();
});
