import { signMemberToken } from '../../core/auth/member-token.js';
import { tenantIdOf, type GraphQLContext } from '../../core/context.js';
import { fail, ok, userError, UserErrorCode, type Outcome } from '../../core/errors.js';
import type { Member } from '../member/member.entity.js';
import { MemberStatus } from '../member/member.enums.js';
import { activeMember, findMember } from '../member/member-lookup.js';

export interface IssuedMemberToken {
  token: string;
  expiresAt: Date;
  member: Member;
}

export class ViewerService {
  constructor(private readonly ctx: GraphQLContext) {}

  /** The member a member token names; merges are followed, erased members are gone. */
  async member(): Promise<Member | null> {
    const viewer = this.ctx.viewer;
    if (viewer.kind !== 'member') return null;
    const member = await findMember(this.ctx.em, viewer.memberId);
    return member && member.status === MemberStatus.ACTIVE ? member : null;
  }

  async issueToken(memberId: string, ttlSeconds: number | null | undefined): Promise<Outcome<IssuedMemberToken>> {
    const maxTtl = this.ctx.app.config.memberTokenTtlSeconds;
    const ttl = ttlSeconds ?? maxTtl;
    if (!Number.isInteger(ttl) || ttl < 60 || ttl > maxTtl) {
      return fail(userError(['input', 'ttlSeconds'], `ttlSeconds must be between 60 and ${maxTtl}`, UserErrorCode.INVALID));
    }
    const found = await activeMember(this.ctx.em, memberId, ['input', 'memberId']);
    if (!found.ok) return found;
    const tenantId = tenantIdOf(this.ctx);
    const secret = await this.ctx.app.authenticator.tenantSecret(tenantId);
    if (!secret) throw new Error('tenant has no token secret');
    const expiresAt = new Date(Date.now() + ttl * 1000);
    const token = signMemberToken(secret, { tenantId, memberId: found.value.id, expiresAt });
    return ok({ token, expiresAt, member: found.value });
  }
}
