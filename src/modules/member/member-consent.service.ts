import { tenantIdOf, type GraphQLContext } from '../../core/context.js';
import { fail, rollbackAsFailure, userError, UserErrorCode, type Outcome } from '../../core/errors.js';
import type { Page, PageRequest } from '../../core/relay/connection.js';
import { paginate } from '../../core/relay/paginate.js';
import type { Member } from './member.entity.js';
import { MemberConsentEvent } from './member-consent.entity.js';
import type { MemberConsentSetInput } from './member.inputs.js';
import { activeMember, holdActive } from './member-lookup.js';

export class MemberConsentService {
  constructor(private readonly ctx: GraphQLContext) {}

  history(memberId: string, page: PageRequest): Promise<Page<MemberConsentEvent>> {
    return paginate(this.ctx.em, MemberConsentEvent, { memberId }, page, { occurredAt: 'desc', id: 'desc' });
  }

  /** Records the change in the history; the current state moves only if the change is the newest. */
  async set(input: MemberConsentSetInput): Promise<Outcome<Member>> {
    const source = input.source.trim();
    if (!source || source.length > 100) {
      return fail(userError(['input', 'source'], 'source must be 1 to 100 characters', UserErrorCode.INVALID));
    }
    const at = input.occurredAt ?? new Date();
    if (at.getTime() > Date.now() + 5 * 60_000) {
      return fail(userError(['input', 'occurredAt'], 'occurredAt must not be in the future', UserErrorCode.INVALID));
    }
    const found = await activeMember(this.ctx.em, input.memberId, ['input', 'memberId']);
    if (!found.ok) return found;
    const member = found.value;
    const tenantId = tenantIdOf(this.ctx);
    return rollbackAsFailure(() => this.ctx.em.transactional(async (em) => {
      await holdActive(em, member, ['input', 'memberId']);
      em.persist(new MemberConsentEvent(tenantId, member.id, input.channel, input.granted, source, at));
      // One atomic upsert: a late-arriving older change never overwrites a newer state.
      await em.execute(
        `insert into member_consent (id, tenant_id, created_at, member_id, channel, granted, source, changed_at)
         values (gen_random_uuid(), ?, now(), ?, ?, ?, ?, ?)
         on conflict (member_id, channel) do update
            set granted = excluded.granted, source = excluded.source, changed_at = excluded.changed_at
          where member_consent.changed_at <= excluded.changed_at`,
        [tenantId, member.id, input.channel, input.granted, source, at],
        'run',
      );
      member.updatedAt = new Date();
      return member;
    }));
  }
}
