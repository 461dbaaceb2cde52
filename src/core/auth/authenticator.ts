import type { MikroORM } from '@mikro-orm/postgresql';
import { randomBytes } from 'node:crypto';
import { ANONYMOUS, type Viewer } from './viewer.js';
import { Role } from './role.js';
import { readMemberToken, verifyMemberToken } from './member-token.js';
import { safeEqual, sha256 } from './secrets.js';
import { unauthenticated } from '../errors.js';

const KEY_PATTERN = /^ecrm_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;

/** A new access key: the secret string is returned once and only its hash is kept. */
export function generateAccessKey(): { key: string; prefix: string; hash: string } {
  const prefix = randomBytes(6).toString('hex');
  const key = `ecrm_${prefix}_${randomBytes(32).toString('base64url')}`;
  return { key, prefix, hash: sha256(key) };
}

interface CachedViewer {
  viewer: Viewer;
  expires: number;
}

/**
 * Turns an Authorization header into a Viewer. These look-ups are the only reads that cross
 * tenants: they find which tenant a credential belongs to. A short cache keeps the hot path at
 * zero queries; revocation in this process evicts at once, in another within `cacheMs`.
 */
export class Authenticator {
  private readonly cache = new Map<string, CachedViewer>();
  private readonly secrets = new Map<string, { secret: string; expires: number }>();

  constructor(
    private readonly orm: MikroORM,
    private readonly cacheMs = 5_000,
  ) {}

  async authenticate(header: string | undefined): Promise<Viewer> {
    if (header === undefined || header === '') return ANONYMOUS;
    const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
    if (!match) throw unauthenticated('The Authorization header must be "Bearer <key>".');
    const token = match[1]!;
    return token.startsWith('ecrm_mt.') ? this.memberViewer(token) : this.keyViewer(token);
  }

  /** Drops cached credentials of a key, after revocation. */
  forgetKey(keyId: string): void {
    for (const [token, entry] of this.cache) {
      if (entry.viewer.kind === 'key' && entry.viewer.keyId === keyId) this.cache.delete(token);
    }
  }

  /** Drops cached credentials of a tenant, after its settings changed (the country travels in the viewer). */
  forgetTenant(tenantId: string): void {
    for (const [token, entry] of this.cache) {
      if (entry.viewer.kind !== 'anonymous' && entry.viewer.tenantId === tenantId) this.cache.delete(token);
    }
  }

  async tenantSecret(tenantId: string): Promise<string | undefined> {
    const cached = this.secrets.get(tenantId);
    if (cached && cached.expires > Date.now()) return cached.secret;
    const rows = await this.orm.em.getConnection().execute<{ token_secret: string }[]>(
      'select token_secret from tenant where id = ?',
      [tenantId],
    );
    const secret = rows[0]?.token_secret;
    if (secret) this.secrets.set(tenantId, { secret, expires: Date.now() + 60_000 });
    return secret;
  }

  private async keyViewer(token: string): Promise<Viewer> {
    const hash = sha256(token);
    const cached = this.cache.get(hash);
    if (cached && cached.expires > Date.now()) return cached.viewer;
    const match = KEY_PATTERN.exec(token);
    if (!match) throw unauthenticated('The access key is invalid or revoked.');
    const rows = await this.orm.em.getConnection().execute<
      { id: string; tenant_id: string; role: Role; secret_hash: string; revoked_at: Date | null; country_code: string }[]
    >(
      `select k.id, k.tenant_id, k.role, k.secret_hash, k.revoked_at, t.country_code
         from access_key k join tenant t on t.id = k.tenant_id
        where k.prefix = ?`,
      [match[1]],
    );
    const row = rows[0];
    if (!row || row.revoked_at !== null || !safeEqual(row.secret_hash, hash)) {
      throw unauthenticated('The access key is invalid or revoked.');
    }
    const viewer: Viewer = { kind: 'key', tenantId: row.tenant_id, keyId: row.id, role: row.role, countryCode: row.country_code };
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(hash, { viewer, expires: Date.now() + this.cacheMs });
    return viewer;
  }

  private async memberViewer(token: string): Promise<Viewer> {
    const claims = readMemberToken(token);
    const secret = claims && (await this.tenantSecret(claims.tenantId));
    if (!claims || !secret || !verifyMemberToken(secret, claims)) {
      throw unauthenticated('The member token is invalid or expired.');
    }
    return { kind: 'member', tenantId: claims.tenantId, memberId: claims.memberId, expiresAt: claims.expiresAt };
  }
}
