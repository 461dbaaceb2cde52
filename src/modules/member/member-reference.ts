import type { EntityManager } from '@mikro-orm/postgresql';
import { Field, ID, InputType } from 'type-graphql';
import type { Channel } from '../../core/channel.js';
import { uuidv7 } from '../../core/ids.js';
import { idOf } from '../../core/relay/global-id.js';
import { UnknownIdentityPolicy } from '../tenant/tenant.entity.js';
import { IdentityChannel, MemberStatus } from './member.enums.js';
import { MemberIdentityInput } from './member.inputs.js';
import { canonicalExternalId } from './member-identity.service.js';

@InputType({ description: 'Names a member: by id, or by an identity (channel and external id). Give exactly one.' })
export class MemberRefInput {
  @Field(() => ID, { nullable: true, description: 'The member id.' })
  id?: string | null;

  @Field(() => MemberIdentityInput, {
    nullable: true,
    description: "An identity; when no member has it, the tenant's unknownIdentityPolicy decides: create a member, or reject.",
  })
  identity?: MemberIdentityInput | null;
}

export type RefFailure = 'INVALID' | 'UNKNOWN_MEMBER' | 'UNKNOWN_IDENTITY' | 'MEMBER_ERASED';
export type RefResolution = { memberId: string; created: boolean } | { failure: RefFailure; reason: string };

export interface RefContext {
  tenantId: string;
  countryCode: string;
  policy: UnknownIdentityPolicy;
}

/** A reference, with the channel a member created from it registered through. */
export interface SourcedRef {
  ref: MemberRefInput | null | undefined;
  channel?: Channel;
}

interface MemberRow {
  id: string;
  status: MemberStatus;
  merged_into_id: string | null;
}

const identityKey = (channel: string, externalId: string) => `${channel}\u0000${externalId}`;

async function membersById(em: EntityManager, tenantId: string, ids: string[]): Promise<Map<string, MemberRow>> {
  if (!ids.length) return new Map();
  const rows = await em.execute<MemberRow[]>('select id, status, merged_into_id from member where tenant_id = ? and id in (?)', [tenantId, ids]);
  const found = new Map(rows.map((row) => [row.id, row]));
  // Merged ids resolve to their survivors (merges keep chains one hop long).
  const survivors = rows.filter((row) => row.merged_into_id && !found.has(row.merged_into_id)).map((row) => row.merged_into_id!);
  if (survivors.length) {
    for (const row of await em.execute<MemberRow[]>('select id, status, merged_into_id from member where tenant_id = ? and id in (?)', [tenantId, survivors])) {
      found.set(row.id, row);
    }
  }
  return found;
}

/**
 * Identities to member ids; unknown ones become new members when the policy says so. Safe under
 * concurrency: identity inserts race on the unique key and losers adopt the winner's member.
 */
async function membersByIdentity(em: EntityManager, ctx: RefContext, keys: { channel: IdentityChannel; externalId: string; via?: Channel }[]) {
  const result = new Map<string, { memberId: string; created: boolean }>();
  if (!keys.length) return result;
  const lookup = async (wanted: typeof keys) => {
    const rows = await em.execute<{ channel: string; external_id: string; member_id: string }[]>(
      `select i.channel, i.external_id, i.member_id from member_identity i
         join jsonb_to_recordset(?::jsonb) as k(channel text, external_id text) on k.channel = i.channel and k.external_id = i.external_id
        where i.tenant_id = ?`,
      [JSON.stringify(wanted.map((k) => ({ channel: k.channel, external_id: k.externalId }))), ctx.tenantId],
    );
    for (const row of rows) result.set(identityKey(row.channel, row.external_id), { memberId: row.member_id, created: false });
  };
  await lookup(keys);
  const unknown = keys.filter((k) => !result.has(identityKey(k.channel, k.externalId)));
  if (!unknown.length || ctx.policy === UnknownIdentityPolicy.REJECT) return result;
  const fresh = unknown.map((k) => ({ member_id: uuidv7(), channel: k.channel, external_id: k.externalId, via: k.via ?? null }));
  // A phone or e-mail identity is also the new member's phone or e-mail (both already canonical).
  // created_at in whole milliseconds, as the ORM writes it: list cursors carry it as a JS Date, and a
  // microsecond remainder made the members list repeat and skip rows across pages.
  await em.execute(
    `insert into member (id, tenant_id, created_at, updated_at, gender, status, registered_channel, phone, email)
     select member_id, ?, date_trunc('milliseconds', now()), date_trunc('milliseconds', now()), 'UNKNOWN', 'ACTIVE', via,
            case when channel = 'PHONE' then external_id end, case when channel = 'EMAIL' then external_id end
       from jsonb_to_recordset(?::jsonb) as f(member_id uuid, channel text, external_id text, via text)`,
    [ctx.tenantId, JSON.stringify(fresh)],
  );
  const won = await em.execute<{ member_id: string }[]>(
    `insert into member_identity (id, tenant_id, created_at, member_id, channel, external_id)
     select gen_random_uuid(), ?, now(), member_id, channel, external_id
       from jsonb_to_recordset(?::jsonb) as f(member_id uuid, channel text, external_id text)
      -- In key order: two batches creating the same identities lock them in one order, so one waits for the
      -- other instead of both deadlocking.
      order by f.channel, f.external_id
     on conflict (tenant_id, channel, external_id) do nothing
     returning member_id`,
    [ctx.tenantId, JSON.stringify(fresh)],
  );
  const winners = new Set(won.map((row) => row.member_id));
  const losers = fresh.filter((f) => !winners.has(f.member_id));
  for (const f of fresh) if (winners.has(f.member_id)) result.set(identityKey(f.channel, f.external_id), { memberId: f.member_id, created: true });
  if (losers.length) {
    await em.execute('delete from member where tenant_id = ? and id in (?)', [ctx.tenantId, losers.map((l) => l.member_id)]);
    await lookup(losers.map((l) => ({ channel: l.channel as IdentityChannel, externalId: l.external_id })));
  }
  return result;
}

/** Resolves many member references at once (a few statements, whatever their number). */
export async function resolveMemberRefs(em: EntityManager, ctx: RefContext, sourced: SourcedRef[]): Promise<RefResolution[]> {
  const refs = sourced.map((s) => s.ref);
  const dbIds = refs.map((ref) => (ref?.id ? idOf(ref.id, 'Member') : undefined));
  const keys = refs.map((ref, index) => {
    if (!ref?.identity || ref.id) return undefined;
    const externalId = canonicalExternalId(ref.identity.channel, ref.identity.externalId, ctx.countryCode);
    return externalId ? { channel: ref.identity.channel, externalId, via: sourced[index]!.channel } : undefined;
  });
  const byId = await membersById(em, ctx.tenantId, [...new Set(dbIds.filter((id): id is string => !!id))]);
  const uniqueKeys = [...new Map(keys.filter((k) => !!k).map((k) => [identityKey(k!.channel, k!.externalId), k!])).values()];
  const byIdentity = await membersByIdentity(em, ctx, uniqueKeys);
  return refs.map((ref, index): RefResolution => {
    if (!ref || (!ref.id && !ref.identity) || (ref.id && ref.identity)) {
      return { failure: 'INVALID', reason: 'name the member by id or by identity, exactly one' };
    }
    if (ref.id) {
      let row = dbIds[index] ? byId.get(dbIds[index]!) : undefined;
      if (row?.status === MemberStatus.MERGED && row.merged_into_id) row = byId.get(row.merged_into_id);
      if (!row) return { failure: 'UNKNOWN_MEMBER', reason: 'no member has this id' };
      if (row.status === MemberStatus.ERASED) return { failure: 'MEMBER_ERASED', reason: 'this member was erased' };
      return { memberId: row.id, created: false };
    }
    const key = keys[index];
    if (!key) return { failure: 'INVALID', reason: `identity.externalId is not a valid ${ref.identity!.channel} id` };
    const found = byIdentity.get(identityKey(key.channel, key.externalId));
    return found ?? { failure: 'UNKNOWN_IDENTITY', reason: 'no member has this identity, and this tenant rejects unknown identities' };
  });
}
