import { Role } from './role.js';

/** Who is calling. Resolved once per request (or per WebSocket connection) from the Authorization header. */
export type Viewer =
  | { kind: 'anonymous' }
  | { kind: 'key'; tenantId: string; keyId: string; role: Role; countryCode: string }
  | { kind: 'member'; tenantId: string; memberId: string; expiresAt: Date };

/** Pseudo-role of a member token, for `@Authorized`. */
export const MEMBER_ROLE = 'MEMBER';
export type AuthRole = Role | typeof MEMBER_ROLE;

export const ANONYMOUS: Viewer = { kind: 'anonymous' };

export function roleOf(viewer: Viewer): AuthRole | undefined {
  if (viewer.kind === 'key') return viewer.role;
  if (viewer.kind === 'member') return MEMBER_ROLE;
  return undefined;
}

export function tenantOf(viewer: Viewer): string | undefined {
  return viewer.kind === 'anonymous' ? undefined : viewer.tenantId;
}

/** Roles that read everything; ANALYST sees personal data masked. */
export const READERS = [Role.OWNER, Role.ADMIN, Role.ANALYST];
/** Roles that change members, stores and settings. */
export const WRITERS = [Role.OWNER, Role.ADMIN];

/** Whether personal data must be masked for this viewer. */
export function masksPersonalData(viewer: Viewer): boolean {
  return viewer.kind === 'key' && viewer.role === Role.ANALYST;
}
