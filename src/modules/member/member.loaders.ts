import DataLoader from 'dataloader';
import type { LoaderFactory } from '../../core/context.js';
import { tenantRows } from '../../core/db/tenant-sql.js';
import { Member } from './member.entity.js';
import type { ConsentChannel, IdentityChannel } from './member.enums.js';

/** Members by database id, one query per batch. */
export const memberById: LoaderFactory<string, Member | null> = (ctx) =>
  new DataLoader(async (ids) => {
    const members = await ctx.em.find(Member, { id: { $in: [...ids] } });
    const byId = new Map(members.map((member) => [member.id, member]));
    return ids.map((id) => byId.get(id) ?? null);
  });

export interface IdentityRow {
  memberId: string;
  channel: IdentityChannel;
  externalId: string;
  createdAt: Date;
}

export interface TagRow {
  memberId: string;
  tag: string;
}

export interface ConsentRow {
  memberId: string;
  channel: ConsentChannel;
  granted: boolean;
  source: string;
  changedAt: Date;
}

export interface MergeRow {
  survivorId: string;
  mergedId: string;
  actor: string;
  moved: Record<string, number>;
  createdAt: Date;
}

/**
 * Children of many members in one statement, grouped back per member. Plain rows, not entities:
 * these lists are read-only here and hydrating hundreds of entities per page dominated the cost.
 */
function childrenOf<R>(sql: string, owner: (row: R) => string, dates: (keyof R)[] = []): LoaderFactory<string, R[]> {
  return (ctx) =>
    new DataLoader<string, R[]>(async (ids) => {
      const rows = await tenantRows<R>(ctx, sql, [ids]);
      const grouped = new Map<string, R[]>();
      for (const row of rows) {
        // The ORM's driver hands timestamps over as text; the DateTime scalar wants Dates.
        for (const field of dates) (row as Record<keyof R, unknown>)[field] = new Date(row[field] as string);
        const key = owner(row);
        const list = grouped.get(key);
        if (list) list.push(row);
        else grouped.set(key, [row]);
      }
      return ids.map((id) => grouped.get(id) ?? []);
    });
}

export const identitiesByMember = childrenOf<IdentityRow>(
  `select member_id as "memberId", channel, external_id as "externalId", created_at as "createdAt"
     from member_identity where tenant_id = ? and member_id in (?) order by created_at, id`,
  (row) => row.memberId,
  ['createdAt'],
);
export const tagsByMember = childrenOf<TagRow>(
  `select member_id as "memberId", tag from member_tag where tenant_id = ? and member_id in (?) order by tag`,
  (row) => row.memberId,
);
export const consentsByMember = childrenOf<ConsentRow>(
  `select member_id as "memberId", channel, granted, source, changed_at as "changedAt"
     from member_consent where tenant_id = ? and member_id in (?) order by channel`,
  (row) => row.memberId,
  ['changedAt'],
);
export const mergesBySurvivor = childrenOf<MergeRow>(
  `select survivor_id as "survivorId", merged_id as "mergedId", actor, moved, created_at as "createdAt"
     from member_merge where tenant_id = ? and survivor_id in (?) order by created_at, id`,
  (row) => row.survivorId,
  ['createdAt'],
);
