import type { EntityManager } from '@mikro-orm/postgresql';
import { tenantIdOf, type GraphQLContext } from '../../core/context.js';
import { fail, ok, userError, UserErrorCode, type Outcome } from '../../core/errors.js';
import { Member, MemberStateError } from './member.entity.js';
import { MemberStatus, Gender } from './member.enums.js';
import { MemberMerge } from './member-merge.entity.js';
import type { MemberMergeInput } from './member.inputs.js';
import { activeMember } from './member-lookup.js';
import { runEraseSteps, runMergeSteps } from './member-merge.steps.js';

const FILLABLE = ['displayName', 'birthday', 'phone', 'email', 'province', 'city', 'address', 'registeredStoreId', 'registeredChannel'] as const;

/** Locks members in id order (no deadlocks between opposite merges) and returns their current status. */
async function lockMembers(em: EntityManager, tenantId: string, ids: string[]): Promise<Map<string, MemberStatus>> {
  const rows = await em.execute<{ id: string; status: MemberStatus }[]>(
    `select id, status from member where tenant_id = ? and id in (?) order by id for update`,
    [tenantId, ids],
  );
  return new Map(rows.map((row) => [row.id, row.status]));
}

function stateError(error: unknown, field: string[]) {
  if (error instanceof MemberStateError) return fail(userError(field, error.message, UserErrorCode[error.code]));
  throw error;
}

export class MemberMergeService {
  constructor(private readonly ctx: GraphQLContext) {}

  private get actor(): string {
    const viewer = this.ctx.viewer;
    return viewer.kind === 'key' ? `key:${viewer.keyId}` : viewer.kind;
  }

  async merge(input: MemberMergeInput): Promise<Outcome<Member>> {
    const survivor = await activeMember(this.ctx.em, input.survivorId, ['input', 'survivorId']);
    if (!survivor.ok) return survivor;
    const merged = await activeMember(this.ctx.em, input.mergedId, ['input', 'mergedId']);
    if (!merged.ok) return merged;
    const tenantId = tenantIdOf(this.ctx);
    const [keep, drop] = [survivor.value, merged.value];
    if (keep.id === drop.id) return fail(userError(['input', 'mergedId'], 'a member cannot be merged with itself', UserErrorCode.SAME_MEMBER));
    try {
      await this.ctx.em.transactional(async (em) => {
        const statuses = await lockMembers(em, tenantId, [keep.id, drop.id]);
        // Another request may have merged or erased one of them since we read it.
        keep.status = statuses.get(keep.id) ?? keep.status;
        drop.status = statuses.get(drop.id) ?? drop.status;
        drop.mergeInto(keep);
        const moved = await runMergeSteps(em, tenantId, drop.id, keep.id);
        for (const field of FILLABLE) {
          if ((keep[field] === null || keep[field] === undefined) && drop[field] != null) (keep as unknown as Record<string, unknown>)[field] = drop[field];
        }
        if (keep.gender === Gender.UNKNOWN) keep.gender = drop.gender;
        keep.updatedAt = new Date();
        em.persist(new MemberMerge(tenantId, keep.id, drop.id, this.actor, moved));
      });
    } catch (error) {
      return stateError(error, ['input', 'mergedId']);
    }
    return ok(keep);
  }

  async erase(id: string): Promise<Outcome<Member>> {
    const found = await activeMember(this.ctx.em, id, ['input', 'id']);
    if (!found.ok) return found;
    const member = found.value;
    const tenantId = tenantIdOf(this.ctx);
    try {
      await this.ctx.em.transactional(async (em) => {
        const statuses = await lockMembers(em, tenantId, [member.id]);
        member.status = statuses.get(member.id) ?? member.status;
        member.erase();
        await runEraseSteps(em, tenantId, member.id);
      });
    } catch (error) {
      return stateError(error, ['input', 'id']);
    }
    return ok(member);
  }
}
