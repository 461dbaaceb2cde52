import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  postWebhook,
  retryDelayMs,
  signWebhook,
  validateWebhookUrl,
  verifyWebhookSignature,
  WEBHOOK_TIMEOUT_MS,
  type WebhookRequest,
} from '../src/modules/campaign/webhook-client';

// A real gateway stand-in: the path picks the behaviour, every request is recorded.
interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  verified: boolean;
}

const SECRET = 'whsec_4f1c8a7d2e';
const MARKER = 'PERSONAL-jane.doe@example.com';
const received: Received[] = [];
let server: Server;
let base: string;

function respond(req: IncomingMessage, res: ServerResponse, body: string): void {
  const url = new URL(req.url ?? '/', 'http://receiver');
  const [, kind, arg] = url.pathname.split('/');
  const status = Number(arg);
  switch (kind) {
    case 'status': {
      const retryAfter = url.searchParams.get('retry-after');
      res.writeHead(status, retryAfter === null ? {} : { 'retry-after': retryAfter });
      res.end('ok');
      return;
    }
    case 'echo':
      // A gateway that repeats personal data in its reason phrase and body.
      res.writeHead(status, `Rejected ${body}`, { 'content-type': 'application/json' });
      res.end(body);
      return;
    case 'redirect':
      res.writeHead(302, { location: '/status/200' });
      res.end();
      return;
    case 'hang':
      return;
    case 'endless':
    case 'trickle': {
      res.writeHead(200, { 'content-type': 'text/plain' });
      // endless: far past the 64 KB read limit; trickle: stays under it but never finishes.
      const chunk = kind === 'endless' ? 'x'.repeat(16 * 1024) : 'x';
      const timer = setInterval(() => res.write(chunk), kind === 'endless' ? 5 : 20);
      res.on('close', () => clearInterval(timer));
      return;
    }
    default:
      res.writeHead(404);
      res.end();
  }
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const signature = req.headers['x-ecrm-signature'];
      const verified = typeof signature === 'string' && verifyWebhookSignature(SECRET, signature, body);
      received.push({ path: req.url ?? '', headers: req.headers, body, verified });
      respond(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  received.length = 0;
});

const BODY = JSON.stringify({ to: '+15551234567', text: `Hi ${MARKER}, 20% off today` });

function send(path: string, overrides: Partial<WebhookRequest> = {}) {
  return postWebhook({
    url: `${base}${path}`,
    secret: SECRET,
    deliveryId: 'dlv_01HZX3',
    body: BODY,
    attempt: 1,
    timeoutMs: 5_000,
    ...overrides,
  });
}

async function closedPortUrl(): Promise<string> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return `http://127.0.0.1:${port}/status/200`;
}

describe('signature', () => {
  const nowMs = 1_700_000_000_000;

  it('follows the documented t=<seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>"> scheme', () => {
    // Computed independently: printf '1700000000.{"a":1}' | openssl dgst -sha256 -hmac whsec_test
    expect(signWebhook('whsec_test', 1_700_000_000, '{"a":1}')).toBe(
      't=1700000000,v1=38877139021993b830af32feea6e18a8da83eb2f6e49ee50bd9e4cf4ca4d3789',
    );
  });

  it('is verified by the receiver with the shared secret', async () => {
    expect(await send('/status/200')).toEqual({ kind: 'SENT', status: 200 });
    expect(received).toHaveLength(1);
    expect(received[0]!.body).toBe(BODY);
    expect(received[0]!.verified).toBe(true);
  });

  it('fails for a tampered body or the wrong secret', async () => {
    await send('/status/200');
    const header = received[0]!.headers['x-ecrm-signature'] as string;
    expect(verifyWebhookSignature(SECRET, header, BODY)).toBe(true);
    expect(verifyWebhookSignature(SECRET, header, BODY.replace('20%', '90%'))).toBe(false);
    expect(verifyWebhookSignature('whsec_other', header, BODY)).toBe(false);
  });

  it('fails for a stale or far-future timestamp', async () => {
    await send('/status/200', { now: () => Date.now() - 10 * 60 * 1000 });
    expect(received[0]!.verified).toBe(false);

    const header = signWebhook(SECRET, nowMs / 1000, BODY);
    expect(verifyWebhookSignature(SECRET, header, BODY, 300, nowMs + 299_000)).toBe(true);
    expect(verifyWebhookSignature(SECRET, header, BODY, 300, nowMs + 301_000)).toBe(false);
    expect(verifyWebhookSignature(SECRET, header, BODY, 300, nowMs - 301_000)).toBe(false);
    expect(verifyWebhookSignature(SECRET, header, BODY, 600, nowMs + 599_000)).toBe(true);
  });

  it('accepts any matching v1 (secret rotation) and ignores unknown schemes', () => {
    const good = signWebhook(SECRET, nowMs / 1000, BODY);
    const old = signWebhook('whsec_old', nowMs / 1000, BODY).split(',')[1];
    expect(verifyWebhookSignature(SECRET, `${good},${old},v0=abc`, BODY, 300, nowMs)).toBe(true);
    expect(verifyWebhookSignature(SECRET, `t=${nowMs / 1000},${old}`, BODY, 300, nowMs)).toBe(false);
  });

  it('returns false for malformed headers without throwing', () => {
    const t = nowMs / 1000;
    const hex = signWebhook(SECRET, t, BODY).split('v1=')[1]!;
    const malformed = [
      '',
      'garbage',
      ',,,',
      '=',
      `v1=${hex}`,
      `t=${t}`,
      `t=abc,v1=${hex}`,
      `t=-${t},v1=${hex}`,
      `t=${t}.5,v1=${hex}`,
      `t=${t},t=${t},v1=${hex}`,
      `t=${t},v1=${hex.toUpperCase()}`,
      `t=${t},v1=${hex.slice(1)}`,
      `t=${t},v1=${hex}00`,
      `t=${t},v1=`,
      `t=${t},v1=${'z'.repeat(64)}`,
      `t=${t};v1=${hex}`,
      'x'.repeat(100_000),
      undefined as unknown as string,
    ];
    for (const header of malformed) {
      expect(verifyWebhookSignature(SECRET, header, BODY, 300, nowMs)).toBe(false);
    }
    // Sanity: the same parts, well formed, pass.
    expect(verifyWebhookSignature(SECRET, `t=${t},v1=${hex}`, BODY, 300, nowMs)).toBe(true);
  });
});

describe('postWebhook', () => {
  it('sends the delivery id as idempotency key and the attempt number', async () => {
    await send('/status/200', { attempt: 3 });
    const [first] = received;
    expect(first!.headers['idempotency-key']).toBe('dlv_01HZX3');
    expect(first!.headers['x-ecrm-delivery']).toBe('dlv_01HZX3');
    expect(first!.headers['x-ecrm-attempt']).toBe('3');
    expect(first!.headers['content-type']).toBe('application/json');
    expect(first!.headers['user-agent']).toBe('ecrm-webhook/1');

    await send('/status/200', { attempt: 4 });
    expect(received[1]!.headers['idempotency-key']).toBe('dlv_01HZX3');
    expect(received[1]!.headers['x-ecrm-attempt']).toBe('4');
  });

  it('classifies 2xx as SENT', async () => {
    expect(await send('/status/200')).toEqual({ kind: 'SENT', status: 200 });
    expect(await send('/status/204')).toEqual({ kind: 'SENT', status: 204 });
  });

  it('classifies 5xx, 408, 425 and 429 as RETRY', async () => {
    expect(await send('/status/503')).toEqual({ kind: 'RETRY', status: 503, error: 'HTTP 503 Service Unavailable' });
    for (const status of [500, 408, 425, 429]) {
      expect(await send(`/status/${status}`)).toMatchObject({ kind: 'RETRY', status });
    }
  });

  it('honours Retry-After in seconds or as an HTTP-date, capped at an hour', async () => {
    expect(await send('/status/429?retry-after=7')).toEqual({
      kind: 'RETRY',
      status: 429,
      error: 'HTTP 429 Too Many Requests',
      retryAfterMs: 7000,
    });
    const now = Date.UTC(2030, 0, 1, 12, 0, 0);
    const at = encodeURIComponent(new Date(now + 120_000).toUTCString());
    expect(await send(`/status/503?retry-after=${at}`, { now: () => now })).toMatchObject({ retryAfterMs: 120_000 });
    const past = encodeURIComponent(new Date(now - 120_000).toUTCString());
    expect(await send(`/status/503?retry-after=${past}`, { now: () => now })).toMatchObject({ retryAfterMs: 0 });
    expect(await send('/status/503?retry-after=86400')).toMatchObject({ retryAfterMs: 3_600_000 });
    const unparsable = await send('/status/503?retry-after=7.5');
    expect(unparsable.kind).toBe('RETRY');
    expect(unparsable).not.toHaveProperty('retryAfterMs');
  });

  it('classifies other 4xx as FAILED', async () => {
    expect(await send('/status/400')).toEqual({ kind: 'FAILED', status: 400, error: 'HTTP 400 Bad Request' });
    expect(await send('/status/401')).toMatchObject({ kind: 'FAILED', status: 401 });
    expect(await send('/status/404')).toMatchObject({ kind: 'FAILED', status: 404 });
  });

  it('does not follow redirects and treats them as FAILED', async () => {
    expect(await send('/redirect')).toEqual({ kind: 'FAILED', status: 302, error: 'HTTP 302 Found' });
    expect(received.map((r) => r.path)).toEqual(['/redirect']);
  });

  it('gives up on a receiver that never answers within about timeoutMs', async () => {
    const started = Date.now();
    const outcome = await send('/hang', { timeoutMs: 300 });
    const elapsed = Date.now() - started;
    expect(outcome).toEqual({ kind: 'RETRY', error: 'timeout after 300 ms' });
    expect(elapsed).toBeGreaterThanOrEqual(250);
    expect(elapsed).toBeLessThan(1_500);
  });

  it('does not hang on a huge or never-ending response body', async () => {
    let started = Date.now();
    expect(await send('/endless', { timeoutMs: 5_000 })).toEqual({ kind: 'SENT', status: 200 });
    expect(Date.now() - started).toBeLessThan(1_500);

    // The timeout covers reading the body too; the gateway already answered 200, so it counts as SENT.
    started = Date.now();
    expect(await send('/trickle', { timeoutMs: 300 })).toEqual({ kind: 'SENT', status: 200 });
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(250);
    expect(elapsed).toBeLessThan(1_500);
  });

  it('classifies a refused connection as RETRY', async () => {
    const outcome = await postWebhook({
      url: await closedPortUrl(),
      secret: SECRET,
      deliveryId: 'dlv_1',
      body: BODY,
      attempt: 1,
      timeoutMs: 2_000,
    });
    expect(outcome).toEqual({ kind: 'RETRY', error: 'ECONNREFUSED' });
  });

  it('keeps the body, the secret and the gateway text out of the error', async () => {
    const outcomes = [
      await send('/echo/400'),
      await send('/echo/503'),
      await send('/hang', { timeoutMs: 200 }),
      await postWebhook({ url: await closedPortUrl(), secret: SECRET, deliveryId: 'd', body: BODY, attempt: 1, timeoutMs: 2_000 }),
    ];
    expect(outcomes.map((o) => o.kind)).toEqual(['FAILED', 'RETRY', 'RETRY', 'RETRY']);
    for (const outcome of outcomes) {
      const { error } = outcome as { error: string };
      expect(error).not.toContain(MARKER);
      expect(error).not.toContain(SECRET);
      expect(error).not.toContain('Rejected');
      expect(error.length).toBeGreaterThan(0);
      expect(error.length).toBeLessThanOrEqual(200);
    }
  });

  it('fails without sending when the URL or a header value is unusable', async () => {
    expect(await postWebhook({ url: 'ftp://example.com/x', secret: SECRET, deliveryId: 'd', body: BODY, attempt: 1, timeoutMs: 1_000 })).toEqual({
      kind: 'FAILED',
      error: 'URL must use http or https',
    });
    expect(await send('/status/200', { deliveryId: 'bad\r\nx-injected: 1' })).toEqual({ kind: 'FAILED', error: 'invalid request header value' });
    expect(received).toHaveLength(0);
  });
});

describe('retryDelayMs', () => {
  it('doubles from 2 s, stays between 50% and 100% of the step, and caps at 15 minutes', () => {
    expect(WEBHOOK_TIMEOUT_MS).toBe(10_000);
    expect(retryDelayMs(1, () => 0)).toBe(1_000);
    expect(retryDelayMs(1, () => 1)).toBe(2_000);
    expect(retryDelayMs(2, () => 1)).toBe(4_000);
    expect(retryDelayMs(3, () => 0.5)).toBe(6_000);

    const mid = () => 0.5;
    const delays = Array.from({ length: 15 }, (_, i) => retryDelayMs(i + 1, mid));
    for (let i = 1; i < delays.length; i++) expect(delays[i]!).toBeGreaterThanOrEqual(delays[i - 1]!);
    expect(delays[0]!).toBeLessThan(delays[5]!);

    const cap = 15 * 60 * 1000;
    for (const attempt of [1, 2, 5, 9, 10, 11, 20, 100, 10_000]) {
      const ceiling = Math.min(2_000 * 2 ** (attempt - 1), cap);
      expect(retryDelayMs(attempt, () => 0)).toBe(ceiling / 2);
      expect(retryDelayMs(attempt, () => 0.999999)).toBeLessThanOrEqual(ceiling);
    }
    expect(retryDelayMs(100, () => 1)).toBe(cap);
    expect(retryDelayMs(0, () => 1)).toBe(2_000);
  });
});

describe('validateWebhookUrl', () => {
  const cases: Array<[string, string | null]> = [
    ['https://gateway.example.com/hooks/sms', null],
    ['http://10.0.0.5:8080/push?channel=ecrm', null],
    ['not a url', 'URL is not valid'],
    ['', 'URL is not valid'],
    ['/relative/path', 'URL is not valid'],
    ['ftp://example.com/drop', 'URL must use http or https'],
    ['javascript:alert(1)', 'URL must use http or https'],
    ['file:///etc/passwd', 'URL must use http or https'],
    ['https://user:pass@gateway.example.com/', 'URL must not contain credentials'],
    ['https://token@gateway.example.com/', 'URL must not contain credentials'],
    [`https://gateway.example.com/${'a'.repeat(1_972)}`, null],
    [`https://gateway.example.com/${'a'.repeat(1_973)}`, 'URL must be at most 2000 characters'],
  ];
  const titled = cases.map(([raw, expected]) => [raw.length > 60 ? `${raw.length}-character URL` : JSON.stringify(raw), raw, expected] as const);
  it.each(titled)('%s', (_title, raw, expected) => {
    expect(validateWebhookUrl(raw)).toBe(expected);
  });
});
