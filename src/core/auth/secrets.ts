import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Access keys carry 256 random bits, so a single SHA-256 is a sound one-way hash: there is nothing
 * for a slow password hash to protect against, and it keeps authentication cheap on every request.
 */
export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

export function randomSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

export function hmac(secret: string, payload: string): string {
  return createHmac('sha256', secret).update(payload).digest('base64url');
}
