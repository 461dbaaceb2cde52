/**
 * HTTP side of the WEBHOOK channel adapter: one signed POST per rendered message to a tenant's gateway.
 *
 * Signature scheme (Stripe-style), for gateway implementers:
 *   x-ecrm-signature: t=<unix seconds>,v1=<hex HMAC-SHA256(signing secret, "<t>.<raw request body>")>
 * To verify: split the header on ",", take `t` and every `v1`, compute the HMAC over the exact bytes
 * received (before any JSON parsing) prefixed with "<t>.", compare in constant time against each `v1`,
 * and reject when `t` is more than a few minutes away from your clock (replay protection).
 * `idempotency-key` (= `x-ecrm-delivery`) is the same on every retry of one delivery, so a gateway can
 * drop duplicates; `x-ecrm-attempt` counts from 1.
 */
import { createHmac } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import { safeEqual } from '../../core/auth/secrets.js';

export const WEBHOOK_TIMEOUT_MS = 10_000;

export interface WebhookRequest {
  url: string;
  secret: string;
  deliveryId: string;
  /** JSON text, sent as is and signed byte for byte. */
  body: string;
  /** 1 for the first try. */
  attempt: number;
  /** Covers the whole exchange: connect, request, response headers and the discarded body. */
  timeoutMs: number;
  /** Milliseconds since the epoch; for the signature timestamp and HTTP-date Retry-After. */
  now?: () => number;
}

/**
 * `error` is safe to store and log: a status code with its standard reason phrase, or an error
 * code — never a body, a header, the URL or the secret. At most 200 characters.
 */
export type WebhookOutcome =
  | { kind: 'SENT'; status: number }
  | { kind: 'RETRY'; status?: number; error: string; retryAfterMs?: number }
  // status is absent only when the request could not be built (bad URL or header value).
  | { kind: 'FAILED'; status?: number; error: string };

const MAX_URL_LENGTH = 2_000;
const MAX_ERROR_LENGTH = 200;
const MAX_DRAINED_BYTES = 64 * 1024;
const MAX_RETRY_AFTER_MS = 60 * 60 * 1000;
const BACKOFF_BASE_MS = 2_000;
const BACKOFF_CAP_MS = 15 * 60 * 1000;
const RETRYABLE_STATUSES = new Set([408, 425, 429]);

export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `t=${timestamp},v1=${hexHmac(secret, `${timestamp}.${body}`)}`;
}

export function verifyWebhookSignature(
  secret: string,
  header: string,
  body: string,
  toleranceSeconds = 300,
  now: number = Date.now(),
): boolean {
  if (typeof header !== 'string' || header.length > 2_000) return false;
  let timestamp: number | undefined;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) return false;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't') {
      if (timestamp !== undefined || !/^\d{1,12}$/.test(value)) return false;
      timestamp = Number(value);
    } else if (key === 'v1') {
      if (!/^[0-9a-f]{64}$/.test(value)) return false;
      signatures.push(value);
    }
    // Unknown schemes (a future v2) are ignored, as Stripe does.
  }
  if (timestamp === undefined || signatures.length === 0) return false;
  if (Math.abs(now / 1000 - timestamp) > toleranceSeconds) return false;
  const expected = hexHmac(secret, `${timestamp}.${body}`);
  // Several v1 values let a secret be rotated: the old and the new key can both sign for a while.
  let matched = false;
  for (const signature of signatures) matched = safeEqual(signature, expected) || matched;
  return matched;
}

/** Backoff before retry number `attempt` (1 = the first retry): 2 s doubling, capped at 15 min, jittered to 50–100%. */
export function retryDelayMs(attempt: number, random: () => number = Math.random): number {
  const exponent = Math.max(0, Math.min(Number.isFinite(attempt) ? Math.floor(attempt) - 1 : 0, 30));
  const ceiling = Math.min(BACKOFF_BASE_MS * 2 ** exponent, BACKOFF_CAP_MS);
  const jitter = Math.min(Math.max(random(), 0), 1);
  return Math.round(ceiling * (0.5 + 0.5 * jitter));
}

/** An error message for a gateway URL a tenant may not configure, or null when it is acceptable. */
export function validateWebhookUrl(raw: string): string | null {
  if (raw.length > MAX_URL_LENGTH) return `URL must be at most ${MAX_URL_LENGTH} characters`;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'URL is not valid';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'URL must use http or https';
  if (url.username !== '' || url.password !== '') return 'URL must not contain credentials';
  return null;
}

/** Sends one delivery attempt. Never throws: every failure is classified as RETRY or FAILED. */
export async function postWebhook(request: WebhookRequest): Promise<WebhookOutcome> {
  const invalidUrl = validateWebhookUrl(request.url);
  if (invalidUrl) return { kind: 'FAILED', error: invalidUrl };
  const now = request.now ?? Date.now;
  let headers: Headers;
  try {
    headers = new Headers({
      'content-type': 'application/json',
      'user-agent': 'ecrm-webhook/1',
      'x-ecrm-signature': signWebhook(request.secret, Math.floor(now() / 1000), request.body),
      'x-ecrm-delivery': request.deliveryId,
      'idempotency-key': request.deliveryId,
      'x-ecrm-attempt': String(request.attempt),
    });
  } catch {
    return { kind: 'FAILED', error: 'invalid request header value' };
  }

  // AbortSignal.timeout throws on a negative or non-finite delay; postWebhook must not.
  const timeoutMs = Number.isFinite(request.timeoutMs) && request.timeoutMs > 0 ? Math.ceil(request.timeoutMs) : WEBHOOK_TIMEOUT_MS;
  const signal = AbortSignal.timeout(timeoutMs);
  let response: Response;
  try {
    response = await fetch(request.url, { method: 'POST', headers, body: request.body, redirect: 'manual', signal });
  } catch (error) {
    return { kind: 'RETRY', error: describeFailure(error, timeoutMs) };
  }
  // The status is what counts; a slow or endless body after it only costs the rest of the timeout.
  await drain(response);

  const { status } = response;
  if (status >= 200 && status < 300) return { kind: 'SENT', status };
  const error = describeStatus(status);
  if (RETRYABLE_STATUSES.has(status) || status >= 500) {
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), now());
    return retryAfterMs === undefined ? { kind: 'RETRY', status, error } : { kind: 'RETRY', status, error, retryAfterMs };
  }
  return { kind: 'FAILED', status, error };
}

function hexHmac(secret: string, payload: string): string {
  // Not core/auth's hmac(): that one emits base64url, and gateways expect the hex of the Stripe scheme.
  return createHmac('sha256', secret).update(payload).digest('hex');
}

/** Reads and discards up to 64 KB so the connection can be reused; gives up on errors and aborts. */
async function drain(response: Response): Promise<void> {
  const body = response.body;
  if (!body) return;
  const reader = body.getReader();
  let received = 0;
  try {
    while (received < MAX_DRAINED_BYTES) {
      const chunk = await reader.read();
      if (chunk.done) return;
      received += chunk.value.byteLength;
    }
  } catch {
    return;
  }
  await reader.cancel().catch(() => undefined);
}

// The standard reason phrase, not the server's: a gateway's own text is not ours to store.
function describeStatus(status: number): string {
  return truncate(`HTTP ${status}${STATUS_CODES[status] ? ` ${STATUS_CODES[status]}` : ''}`);
}

// Only names and codes, never messages: undici's messages can carry the URL and its query string.
// Duck-typed: the DOMException from AbortSignal.timeout is not always `instanceof Error` (other realms).
function describeFailure(error: unknown, timeoutMs: number): string {
  const name = readString(error, 'name');
  if (name === 'TimeoutError') return `timeout after ${timeoutMs} ms`;
  if (name === 'AbortError') return 'aborted';
  const code = errorCode(error);
  return truncate(code ?? `${name && /^\w{1,64}$/.test(name) ? name : 'Error'}: network error`);
}

function readString(value: unknown, key: string): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const field = (value as Record<string, unknown>)[key];
  return typeof field === 'string' ? field : undefined;
}

/** The first system error code (ECONNREFUSED, UND_ERR_SOCKET, ...) down the `cause` chain. */
function errorCode(value: unknown, depth = 0): string | undefined {
  if (typeof value !== 'object' || value === null || depth > 5) return undefined;
  const code = readString(value, 'code');
  if (code && /^[A-Z0-9_]{1,64}$/.test(code)) return code;
  return errorCode((value as { cause?: unknown }).cause, depth + 1);
}

/** Retry-After as delay-seconds or an HTTP-date, in milliseconds from `now`, capped at one hour. */
function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  let delayMs: number;
  if (/^\d+$/.test(trimmed)) {
    delayMs = Number(trimmed) * 1000;
  } else {
    // Date.parse is lenient ("7.5" is a date to it); an HTTP-date always spells its day and month.
    if (!/[a-z]/i.test(trimmed)) return undefined;
    const at = Date.parse(trimmed);
    if (Number.isNaN(at)) return undefined;
    delayMs = at - now;
  }
  return Math.min(Math.max(delayMs, 0), MAX_RETRY_AFTER_MS);
}

function truncate(text: string): string {
  return text.length > MAX_ERROR_LENGTH ? text.slice(0, MAX_ERROR_LENGTH) : text;
}
