import DataLoader from 'dataloader';
import type { LoaderFactory } from '../../core/context.js';
import { tenantRows } from '../../core/db/tenant-sql.js';
import { Segment } from './segment.entity.js';

/** Live segments by database id, one statement per batch. */
export const segmentById: LoaderFactory<string, Segment | null> = (ctx) =>
  new DataLoader(async (ids) => {
    const segments = await ctx.em.find(Segment, { id: { $in: [...ids] }, deletedAt: null });
    const byId = new Map(segments.map((segment) => [segment.id, segment]));
    return ids.map((id) => byId.get(id) ?? null);
  });

/** Ids of the live segments each member is in (materialised membership), by segment name. */
export const segmentIdsByMember: LoaderFactory<string, string[]> = (ctx) =>
  new DataLoader(async (memberIds) => {
    const rows = await tenantRows<{ member_id: string; segment_id: string }>(
      ctx,
      `select sm.member_id, sm.segment_id from segment_member sm join segment s on s.id = sm.segment_id and s.deleted_at is null
        where sm.tenant_id = ? and sm.member_id in (?) order by s.name, s.id`,
      [[...memberIds]],
    );
    const grouped = new Map<string, string[]>();
    for (const row of rows) grouped.set(row.member_id, [...(grouped.get(row.member_id) ?? []), row.segment_id]);
    return memberIds.map((id) => grouped.get(id) ?? []);
  });
