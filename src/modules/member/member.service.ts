import { UniqueConstraintViolationException, type FilterQuery, type QueryOrderMap } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { countryOf, tenantIdOf, type GraphQLContext } from '../../core/context.js';
import { fail, ok, rollbackAsFailure, userError, UserErrorCode, type Outcome, type UserError } from '../../core/errors.js';
import type { Page, PageRequest } from '../../core/relay/connection.js';
import { idOf } from '../../core/relay/global-id.js';
import { paginate } from '../../core/relay/paginate.js';
import { Store } from '../store/store.entity.js';
import { Member } from './member.entity.js';
import { MemberIdentity } from './member-identity.entity.js';
import { Gender, MemberStatus } from './member.enums.js';
import { MemberSortKey, type MemberCreateInput, type MemberProfileInput, type MemberUpdateInput, type MembersArgs } from './member.inputs.js';
import { activeMember, holdActive } from './member-lookup.js';
import { readProfile, readTags, type Profile } from './member.profile.js';
import { memberSearchFilter } from './member-search.js';
import { readIdentity, takenIdentities } from './member-identity.service.js';

const SORT_COLUMNS: Record<MemberSortKey, keyof Member> = {
  [MemberSortKey.CREATED_AT]: 'createdAt',
  [MemberSortKey.UPDATED_AT]: 'updatedAt',
  [MemberSortKey.ID]: 'id',
};

/** The fields to write: omitted ones stay, null clears (gender falls back to UNKNOWN). */
function profileChanges(profile: Profile, storeId: string | null | undefined): Record<string, unknown> {
  const changes: Record<string, unknown> = Object.fromEntries(Object.entries(profile).filter(([, value]) => value !== undefined));
  if (changes.gender === null) changes.gender = Gender.UNKNOWN;
  if (storeId !== undefined) changes.registeredStoreId = storeId;
  return changes;
}

/** Inserts tags that the member does not have yet; returns how many were added. */
export async function addTags(em: EntityManager, tenantId: string, memberId: string, tags: string[]): Promise<number> {
  if (!tags.length) return 0;
  const result = await em.execute<{ affectedRows: number }>(
    `insert into member_tag (id, tenant_id, created_at, member_id, tag)
     select gen_random_uuid(), ?, now(), ?, tag from jsonb_array_elements_text(?::jsonb) as tag
     on conflict (member_id, tag) do nothing`,
    [tenantId, memberId, JSON.stringify(tags)],
    'run',
  );
  return result.affectedRows;
}

export class MemberService {
  constructor(private readonly ctx: GraphQLContext) {}

  list(args: MembersArgs, page: PageRequest): Promise<Page<Member>> {
    const statuses = (args.statuses?.length ? args.statuses : [MemberStatus.ACTIVE]).filter((s) => s !== MemberStatus.MERGED);
    const where: FilterQuery<Member> = {
      $and: [{ status: { $in: statuses } }, ...memberSearchFilter(args.query, tenantIdOf(this.ctx), countryOf(this.ctx))],
    };
    const direction = args.reverse ? 'desc' : 'asc';
    const column = SORT_COLUMNS[args.sortKey ?? MemberSortKey.CREATED_AT];
    const orderBy = (column === 'id' ? { id: direction } : { [column]: direction, id: direction }) as QueryOrderMap<Member>;
    return paginate(this.ctx.em, Member, where, page, orderBy);
  }

  async create(input: MemberCreateInput): Promise<Outcome<Member>> {
    const errors: UserError[] = [];
    const tenantId = tenantIdOf(this.ctx);
    const profile = readProfile(input, countryOf(this.ctx), errors);
    const tags = readTags(errors, ['input', 'tags'], input.tags ?? []);
    const read = (input.identities ?? []).map((identity, index) =>
      readIdentity(errors, ['input', 'identities', String(index), 'externalId'], identity, countryOf(this.ctx)),
    );
    // Two spellings of one phone or e-mail are one identity.
    const identities = [...new Map(read.map((identity) => [`${identity.channel}:${identity.externalId}`, identity])).values()];
    const storeId = await this.storeId(input, errors);
    if (errors.length) return fail(...errors);
    const taken = await takenIdentities(this.ctx.em, identities);
    if (taken.length) return fail(...taken);
    try {
      return ok(
        await this.ctx.em.transactional(async (em) => {
          const member = new Member(tenantId);
          em.assign(member, profileChanges(profile, storeId));
          em.persist(member);
          for (const identity of identities) em.persist(new MemberIdentity(tenantId, member.id, identity.channel, identity.externalId));
          await em.flush();
          await addTags(em, tenantId, member.id, tags);
          return member;
        }),
      );
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) {
        return fail(userError(['input', 'identities'], 'an identity was bound to another member meanwhile', UserErrorCode.TAKEN));
      }
      throw error;
    }
  }

  async update(input: MemberUpdateInput): Promise<Outcome<Member>> {
    const found = await activeMember(this.ctx.em, input.id, ['input', 'id']);
    if (!found.ok) return found;
    const errors: UserError[] = [];
    const profile = readProfile(input, countryOf(this.ctx), errors);
    const storeId = await this.storeId(input, errors);
    if (errors.length) return fail(...errors);
    return rollbackAsFailure(() =>
      this.ctx.em.transactional(async (em) => {
        await holdActive(em, found.value, ['input', 'id']);
        em.assign(found.value, profileChanges(profile, storeId));
        return found.value;
      }),
    );
  }

  async tagsAdd(id: string, rawTags: string[]): Promise<Outcome<Member>> {
    return this.changeTags(id, rawTags, async (em, member, tags) => {
      await addTags(em, member.tenantId, member.id, tags);
    });
  }

  async tagsRemove(id: string, rawTags: string[]): Promise<Outcome<Member>> {
    return this.changeTags(id, rawTags, async (em, member, tags) => {
      await em.nativeDelete('MemberTag', { memberId: member.id, tag: { $in: tags } });
    });
  }

  private async changeTags(
    id: string,
    rawTags: string[],
    change: (em: EntityManager, member: Member, tags: string[]) => Promise<void>,
  ): Promise<Outcome<Member>> {
    const errors: UserError[] = [];
    const tags = readTags(errors, ['input', 'tags'], rawTags);
    if (!tags.length && !errors.length) errors.push(userError(['input', 'tags'], 'give at least one tag', UserErrorCode.INVALID));
    if (errors.length) return fail(...errors);
    const found = await activeMember(this.ctx.em, id, ['input', 'id']);
    if (!found.ok) return found;
    return rollbackAsFailure(() =>
      this.ctx.em.transactional(async (em) => {
        await holdActive(em, found.value, ['input', 'id']);
        await change(em, found.value, tags);
        found.value.updatedAt = new Date();
        return found.value;
      }),
    );
  }

  /** The registered store's database id: undefined leaves it, null clears it. */
  private async storeId(input: MemberProfileInput, errors: UserError[]): Promise<string | null | undefined> {
    if (input.registeredStoreId === undefined || input.registeredStoreId === null) return input.registeredStoreId;
    const id = idOf(input.registeredStoreId, 'Store');
    const store = id ? await this.ctx.em.findOne(Store, { id }) : null;
    if (!store) errors.push(userError(['input', 'registeredStoreId'], 'no store has this id', UserErrorCode.NOT_FOUND));
    return store?.id;
  }
}
