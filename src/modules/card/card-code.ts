import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The barcode a member's phone shows: `E1.<card number>.<expiry, base 36 seconds>.<signature>`; with a
 * generated card number it is upper case, digits and dots only (QR alphanumeric mode). Signed with a key
 * derived from the tenant's token secret under its own domain string, so a card code is never a member
 * token and the other way round.
 */
const VERSION = 'E1';
const DOMAIN = 'ecrm membership card code v1';
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function base32(bytes: Buffer): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out;
}

function signature(tenantSecret: string, body: string): string {
  const key = createHmac('sha256', tenantSecret).update(DOMAIN).digest();
  // 80 bits: forging one inside a two-minute window is out of reach.
  return base32(createHmac('sha256', key).update(body).digest().subarray(0, 10));
}

export function signCardCode(tenantSecret: string, cardNumber: string, expiresAt: Date): string {
  const body = `${VERSION}.${cardNumber}.${Math.floor(expiresAt.getTime() / 1000).toString(36).toUpperCase()}`;
  return `${body}.${signature(tenantSecret, body)}`;
}

export type CardCodeCheck = { status: 'VALID' | 'EXPIRED'; cardNumber: string; expiresAt: Date } | { status: 'INVALID' };

/**
 * Checks a scanned code: its signature first (nothing is read from a forged code), then its expiry. The
 * card number is taken as bound (a physical card's may hold letters, dashes or dots), so it is everything
 * between the first dot and the last two; the rest may come back upper-cased from a scanner.
 */
export function checkCardCode(tenantSecret: string, code: string, now = new Date()): CardCodeCheck {
  const trimmed = code.trim();
  const last = trimmed.lastIndexOf('.');
  const middle = trimmed.lastIndexOf('.', last - 1);
  const first = trimmed.indexOf('.');
  if (trimmed.length > 300 || first < 1 || middle <= first + 1) return { status: 'INVALID' };
  const cardNumber = trimmed.slice(first + 1, middle);
  const expiry = trimmed.slice(middle + 1, last).toUpperCase();
  if (trimmed.slice(0, first).toUpperCase() !== VERSION || !/^[0-9A-Z]{1,10}$/.test(expiry)) return { status: 'INVALID' };
  const expected = Buffer.from(signature(tenantSecret, `${VERSION}.${cardNumber}.${expiry}`));
  const given = Buffer.from(trimmed.slice(last + 1).toUpperCase());
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { status: 'INVALID' };
  const expiresAt = new Date(parseInt(expiry, 36) * 1000);
  return { status: expiresAt > now ? 'VALID' : 'EXPIRED', cardNumber, expiresAt };
}
