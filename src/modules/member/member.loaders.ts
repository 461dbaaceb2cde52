import DataLoader from 'dataloader';
import type { EntityName } from '@mikro-orm/core';
import type { GraphQLContext, LoaderFactory } from '../../core/context.js';
import { Member } from './member.entity.js';
import { MemberIdentity } from './member-identity.entity.js';
import { MemberTag } from './member-tag.entity.js';
import { MemberConsent } from './member-consent.entity.js';
import { MemberMerge } from './member-merge.entity.js';

/** Members by database id, one query per batch. */
export const memberById: LoaderFactory<string, Member | null> = (ctx) =>
  new DataLoader(async (ids) => {
    const members = await ctx.em.find(Member, { id: { $in: [...ids] } });
    const byId = new Map(members.map((member) => [member.id, member]));
    return ids.map((id) => byId.get(id) ?? null);
  });

/** Children of many members in one query, grouped back per member. */
function childrenOf<T extends object>(entity: EntityName<T>, orderBy: Record<string, 'asc' | 'desc'>, key: keyof T & string = 'memberId' as keyof T & string) {
  return (ctx: GraphQLContext) =>
    new DataLoader<string, T[]>(async (memberIds) => {
      const rows = await ctx.em.find(entity, { [key]: { $in: [...memberIds] } } as never, { orderBy: orderBy as never });
      const byMember = new Map<string, T[]>();
      for (const row of rows) {
        const owner = row[key] as string;
        const list = byMember.get(owner);
        if (list) list.push(row);
        else byMember.set(owner, [row]);
      }
      return memberIds.map((id) => byMember.get(id) ?? []);
    });
}

export const identitiesByMember: LoaderFactory<string, MemberIdentity[]> = childrenOf(MemberIdentity, { createdAt: 'asc', id: 'asc' });
export const tagsByMember: LoaderFactory<string, MemberTag[]> = childrenOf(MemberTag, { tag: 'asc' });
export const consentsByMember: LoaderFactory<string, MemberConsent[]> = childrenOf(MemberConsent, { channel: 'asc' });
export const mergesBySurvivor: LoaderFactory<string, MemberMerge[]> = childrenOf(MemberMerge, { createdAt: 'asc', id: 'asc' }, 'survivorId');
