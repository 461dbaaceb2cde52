import { raw, type FilterQuery } from '@mikro-orm/core';
import { badInput } from '../../core/errors.js';
import { IdentityChannel } from './member.enums.js';
import type { Member } from './member.entity.js';
import { normalizeEmail, normalizePhone } from './member.profile.js';
import { canonicalExternalId } from './member-identity.service.js';

const TOKEN = /(?:([A-Za-z]+):)?(?:"([^"]*)"|(\S+))/g;
const FIELDS = new Set(['tag', 'phone', 'email', 'name', 'identity']);

interface Term {
  field?: string;
  value: string;
}

export function parseMemberQuery(query: string): Term[] {
  if (query.length > 500) throw badInput('`query` must be at most 500 characters.', 'query');
  const terms: Term[] = [];
  for (const match of query.matchAll(TOKEN)) {
    const field = match[1]?.toLowerCase();
    const value = (match[2] ?? match[3] ?? '').trim();
    if (field && !FIELDS.has(field)) {
      throw badInput(`Unknown search field "${field}:"; use tag:, phone:, email:, name: or identity:.`, 'query');
    }
    if (value) terms.push({ field, value });
  }
  if (terms.length > 10) throw badInput('`query` may hold at most 10 terms.', 'query');
  return terms;
}

const likePattern = (value: string) => `%${value.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

// Sub-queries go in value position: a raw() key is consumed by the first query that reads it, so the
// page query would leave the totalCount query with a broken condition.
function hasTag(tenantId: string, tag: string): FilterQuery<Member> {
  return { id: { $in: raw('(select t.member_id from member_tag t where t.tenant_id = ? and t.tag = ?)', [tenantId, tag]) } };
}

function hasIdentity(tenantId: string, externalId: string, channel?: IdentityChannel): FilterQuery<Member> {
  const sub = channel
    ? raw('(select i.member_id from member_identity i where i.tenant_id = ? and i.channel = ? and i.external_id = ?)', [tenantId, channel, externalId])
    : raw('(select i.member_id from member_identity i where i.tenant_id = ? and i.external_id = ?)', [tenantId, externalId]);
  return { id: { $in: sub } };
}

function identityTerm(tenantId: string, value: string, countryCode: string): FilterQuery<Member> {
  const colon = value.indexOf(':');
  const prefix = colon > 0 ? value.slice(0, colon).toUpperCase() : '';
  if (!(prefix in IdentityChannel)) return hasIdentity(tenantId, value);
  const channel = prefix as IdentityChannel;
  // PHONE and EMAIL ids are stored canonical, so they are searched canonical too.
  const externalId = value.slice(colon + 1);
  return hasIdentity(tenantId, canonicalExternalId(channel, externalId, countryCode) ?? externalId, channel);
}

function termCondition(tenantId: string, term: Term, countryCode: string): FilterQuery<Member> {
  const phone = normalizePhone(term.value, countryCode);
  const email = normalizeEmail(term.value);
  switch (term.field) {
    case 'tag':
      return hasTag(tenantId, term.value);
    case 'phone':
      return { phone: phone ?? term.value };
    case 'email':
      return { email: email ?? term.value.toLowerCase() };
    case 'name':
      return { displayName: { $ilike: likePattern(term.value) } };
    case 'identity':
      return identityTerm(tenantId, term.value, countryCode);
    default: {
      const any: FilterQuery<Member>[] = [{ displayName: { $ilike: likePattern(term.value) } }, hasIdentity(tenantId, term.value)];
      if (phone) any.push({ phone });
      if (email) any.push({ email });
      return { $or: any };
    }
  }
}

/** Turns a search string into conditions on members; every term must match. */
export function memberSearchFilter(query: string | null | undefined, tenantId: string, countryCode: string): FilterQuery<Member>[] {
  if (!query) return [];
  return parseMemberQuery(query).map((term) => termCondition(tenantId, term, countryCode));
}
