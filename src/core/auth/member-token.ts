import { hmac, safeEqual } from './secrets.js';
import { isUuid } from '../ids.js';

/**
 * Short-lived member tokens for mobile apps: "ecrm_mt.<payload>.<signature>", HMAC-SHA256 with the
 * tenant's secret. The payload names the tenant (to find the secret), the member and the expiry.
 */
export const MEMBER_TOKEN_PREFIX = 'ecrm_mt.';

export interface MemberTokenClaims {
  tenantId: string;
  memberId: string;
  expiresAt: Date;
}

export function signMemberToken(secret: string, claims: MemberTokenClaims): string {
  const payload = Buffer.from(
    JSON.stringify({ v: 1, t: claims.tenantId, m: claims.memberId, exp: Math.floor(claims.expiresAt.getTime() / 1000) }),
  ).toString('base64url');
  const body = `${MEMBER_TOKEN_PREFIX}${payload}`;
  return `${body}.${hmac(secret, body)}`;
}

/** Reads the claims without trusting them: the caller must verify with the tenant's secret. */
export function readMemberToken(token: string): (MemberTokenClaims & { body: string; signature: string }) | undefined {
  if (!token.startsWith(MEMBER_TOKEN_PREFIX) || token.length > 1000) return undefined;
  const dot = token.lastIndexOf('.');
  const body = token.slice(0, dot);
  const signature = token.slice(dot + 1);
  try {
    const claims = JSON.parse(Buffer.from(body.slice(MEMBER_TOKEN_PREFIX.length), 'base64url').toString('utf8'));
    if (claims.v !== 1 || !isUuid(claims.t) || !isUuid(claims.m) || !Number.isInteger(claims.exp)) return undefined;
    return { tenantId: claims.t, memberId: claims.m, expiresAt: new Date(claims.exp * 1000), body, signature };
  } catch {
    return undefined;
  }
}

export function verifyMemberToken(secret: string, token: NonNullable<ReturnType<typeof readMemberToken>>, now = new Date()): boolean {
  return safeEqual(hmac(secret, token.body), token.signature) && token.expiresAt.getTime() > now.getTime();
}
