import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { countryOf, tenantIdOf, type GraphQLContext } from '../../core/context.js';
import { fail, ok, rollbackAsFailure, userError, UserErrorCode, type Outcome, type UserError } from '../../core/errors.js';
import { IdentityChannel } from './member.enums.js';
import type { Member } from './member.entity.js';
import { MemberIdentity } from './member-identity.entity.js';
import type { MemberIdentityBindInput, MemberIdentityInput } from './member.inputs.js';
import { activeMember, findMember, holdActive } from './member-lookup.js';
import { normalizeEmail, normalizePhone } from './member.profile.js';

export interface IdentityKey {
  channel: IdentityChannel;
  externalId: string;
}

/** Canonical form of an external id, or undefined when it cannot be one. */
export function canonicalExternalId(channel: IdentityChannel, externalId: string, countryCode: string): string | undefined {
  const trimmed = externalId.trim();
  if (!trimmed || trimmed.length > 200) return undefined;
  if (channel === IdentityChannel.PHONE) return normalizePhone(trimmed, countryCode);
  if (channel === IdentityChannel.EMAIL) return normalizeEmail(trimmed);
  return trimmed;
}

export function readIdentity(errors: UserError[], field: string[], input: MemberIdentityInput, countryCode: string): IdentityKey {
  const externalId = canonicalExternalId(input.channel, input.externalId, countryCode);
  if (externalId === undefined) {
    const code =
      input.channel === IdentityChannel.PHONE ? UserErrorCode.INVALID_PHONE : input.channel === IdentityChannel.EMAIL ? UserErrorCode.INVALID_EMAIL : UserErrorCode.INVALID;
    errors.push(userError(field, `externalId is not a valid ${input.channel} id (1 to 200 characters)`, code));
  }
  return { channel: input.channel, externalId: externalId ?? '' };
}

/** userErrors for identities already bound to a member other than `ownerId`. */
export async function takenIdentities(em: EntityManager, keys: IdentityKey[], ownerId?: string): Promise<UserError[]> {
  if (!keys.length) return [];
  const found = await em.find(MemberIdentity, { $or: keys.map((key) => ({ channel: key.channel, externalId: key.externalId })) });
  return found
    .filter((identity) => identity.memberId !== ownerId)
    .map((identity) =>
      userError(['input', 'externalId'], `${identity.channel} ${identity.externalId} is already bound to another member`, UserErrorCode.TAKEN),
    );
}

export class MemberIdentityService {
  constructor(private readonly ctx: GraphQLContext) {}

  /** The member an identity names, or null. */
  async memberByIdentity(channel: IdentityChannel, externalId: string): Promise<Member | null> {
    const canonical = canonicalExternalId(channel, externalId, countryOf(this.ctx));
    if (!canonical) return null;
    const identity = await this.ctx.em.findOne(MemberIdentity, { channel, externalId: canonical });
    return identity ? findMember(this.ctx.em, identity.memberId) : null;
  }

  async bind(input: MemberIdentityBindInput): Promise<Outcome<Member>> {
    const errors: UserError[] = [];
    const key = readIdentity(errors, ['input', 'externalId'], input, countryOf(this.ctx));
    if (errors.length) return fail(...errors);
    const found = await activeMember(this.ctx.em, input.memberId, ['input', 'memberId']);
    if (!found.ok) return found;
    const member = found.value;
    const taken = await takenIdentities(this.ctx.em, [key], member.id);
    if (taken.length) return fail(...taken);
    const existing = await this.ctx.em.findOne(MemberIdentity, { memberId: member.id, ...key });
    if (existing) return ok(member); // binding what is already bound is a no-op
    try {
      return await rollbackAsFailure(() =>
        this.ctx.em.transactional(async (em) => {
          await holdActive(em, member, ['input', 'memberId']);
          em.persist(new MemberIdentity(tenantIdOf(this.ctx), member.id, key.channel, key.externalId));
          member.updatedAt = new Date();
          return member;
        }),
      );
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) {
        return fail(userError(['input', 'externalId'], `${key.channel} ${key.externalId} is already bound to another member`, UserErrorCode.TAKEN));
      }
      throw error;
    }
  }

  async unbind(input: MemberIdentityBindInput): Promise<Outcome<Member>> {
    const found = await activeMember(this.ctx.em, input.memberId, ['input', 'memberId']);
    if (!found.ok) return found;
    const externalId = canonicalExternalId(input.channel, input.externalId, countryOf(this.ctx));
    const identity = externalId && (await this.ctx.em.findOne(MemberIdentity, { memberId: found.value.id, channel: input.channel, externalId }));
    if (!identity) return fail(userError(['input', 'externalId'], 'this identity is not bound to this member', UserErrorCode.NOT_FOUND));
    return rollbackAsFailure(() =>
      this.ctx.em.transactional(async (em) => {
        await holdActive(em, found.value, ['input', 'memberId']);
        em.remove(identity);
        found.value.updatedAt = new Date();
        return found.value;
      }),
    );
  }
}
