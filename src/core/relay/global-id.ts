import { isUuid } from '../ids.js';

/** Opaque global ids: base64url("Type:uuid"). Clients must not parse them. */
export function toGlobalId(type: string, id: string): string {
  return Buffer.from(`${type}:${id}`, 'utf8').toString('base64url');
}

export interface DecodedGlobalId {
  type: string;
  id: string;
}

/** Returns undefined for anything that is not a well-formed global id. */
export function fromGlobalId(globalId: string): DecodedGlobalId | undefined {
  if (typeof globalId !== 'string' || globalId.length > 200 || !/^[A-Za-z0-9_-]+$/.test(globalId)) return undefined;
  const decoded = Buffer.from(globalId, 'base64url').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return undefined;
  const type = decoded.slice(0, colon);
  const id = decoded.slice(colon + 1);
  return isUuid(id) ? { type, id } : undefined;
}

/** The database id behind a global id of the expected type, or undefined. */
export function idOf(globalId: string, type: string): string | undefined {
  const decoded = fromGlobalId(globalId);
  return decoded && decoded.type === type ? decoded.id : undefined;
}
