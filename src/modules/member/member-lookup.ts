import type { EntityManager } from '@mikro-orm/postgresql';
import { fail, ok, RollbackWith, userError, UserErrorCode, type Outcome } from '../../core/errors.js';
import { idOf } from '../../core/relay/global-id.js';
import { Member } from './member.entity.js';
import { MemberStatus } from './member.enums.js';

/** A member by database id; a merged id resolves to its survivor (merges keep chains one hop long). */
export async function findMember(em: EntityManager, id: string): Promise<Member | null> {
  const member = await em.findOne(Member, { id });
  if (member?.status === MemberStatus.MERGED && member.mergedIntoId) return em.findOne(Member, { id: member.mergedIntoId });
  return member;
}

/** A member by global id, for reads: null when missing, foreign or malformed alike. */
export async function findMemberByGlobalId(em: EntityManager, globalId: string): Promise<Member | null> {
  const id = idOf(globalId, 'Member');
  return id ? findMember(em, id) : null;
}

/** A member a mutation may change: it must exist in the tenant and not be erased. */
export async function activeMember(em: EntityManager, globalId: string, field: string[]): Promise<Outcome<Member>> {
  const member = await findMemberByGlobalId(em, globalId);
  if (!member) return fail(userError(field, 'no member has this id', UserErrorCode.NOT_FOUND));
  if (member.status === MemberStatus.ERASED) return fail(userError(field, 'this member was erased', UserErrorCode.MEMBER_ERASED));
  return ok(member);
}

/**
 * Inside a write transaction: locks the member row, and rolls back with a userError when a
 * concurrent merge or erasure got there first, so nothing is attached to a record that is gone.
 * `key share` is enough to hold off merges and erasures (they lock FOR UPDATE) without serialising
 * writers that only attach rows, such as points.
 */
export async function holdActive(em: EntityManager, member: Member, field: string[], lock: 'update' | 'key share' = 'update'): Promise<void> {
  const [row] = await em.execute<{ status: MemberStatus }[]>(`select status from member where tenant_id = ? and id = ? for ${lock}`, [member.tenantId, member.id]);
  if (row?.status === MemberStatus.MERGED) {
    throw new RollbackWith(userError(field, 'this member was merged into another member meanwhile; send it again', UserErrorCode.MEMBER_MERGED));
  }
  if (row?.status !== MemberStatus.ACTIVE) throw new RollbackWith(userError(field, 'this member was erased', UserErrorCode.MEMBER_ERASED));
}
