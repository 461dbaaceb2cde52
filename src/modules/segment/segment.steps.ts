import type { EntityManager } from '@mikro-orm/postgresql';
import { affected, registerEraseStep, registerMergeStep } from '../member/member-merge.steps.js';

/**
 * The member leaves every segment (EXITED, MEMBER_GONE), losing the segments' tags with it. On a merge the
 * survivor first joins the static segments the merged member was in (ENTERED, MEMBER_GONE, with the tag);
 * dynamic segments pick the survivor up at their next refresh.
 */
async function leaveSegments(em: EntityManager, tenantId: string, memberId: string): Promise<number> {
  await em.execute(
    `with gone as (
       delete from segment_member sm using segment s
        where sm.tenant_id = ? and sm.member_id = ? and s.id = sm.segment_id
       returning sm.segment_id, s.version, s.tag
     ), moved as (
       insert into segment_movement (id, tenant_id, created_at, segment_id, member_id, kind, cause, version)
       select gen_random_uuid(), ?, now(), segment_id, ?, 'EXITED', 'MEMBER_GONE', version from gone
     ), counted as (
       update segment s set member_count = member_count - 1 from gone where s.id = gone.segment_id
     )
     delete from member_tag g using gone where g.tenant_id = ? and g.member_id = ? and g.tag = gone.tag`,
    [tenantId, memberId, tenantId, memberId, tenantId, memberId],
  );
  return 1;
}

async function joinStaticSegments(em: EntityManager, tenantId: string, mergedId: string, survivorId: string): Promise<number> {
  return affected(
    em,
    `with joined as (
       insert into segment_member (segment_id, member_id, tenant_id, entered_at)
       select sm.segment_id, ?, ?, now() from segment_member sm join segment s on s.id = sm.segment_id and s.kind = 'STATIC' and s.deleted_at is null
        where sm.tenant_id = ? and sm.member_id = ?
       on conflict do nothing
       returning segment_id
     ), moved as (
       insert into segment_movement (id, tenant_id, created_at, segment_id, member_id, kind, cause, version)
       select gen_random_uuid(), ?, now(), j.segment_id, ?, 'ENTERED', 'MEMBER_GONE', s.version from joined j join segment s on s.id = j.segment_id
     ), tagged as (
       insert into member_tag (id, tenant_id, created_at, member_id, tag)
       select gen_random_uuid(), ?, now(), ?, s.tag from joined j join segment s on s.id = j.segment_id where s.tag is not null
       on conflict (member_id, tag) do nothing
     )
     update segment s set member_count = member_count + 1 from joined where s.id = joined.segment_id`,
    [survivorId, tenantId, tenantId, mergedId, tenantId, survivorId, tenantId, survivorId],
  );
}

/** A merged or erased member leaves RFM scores and segments at once; the survivor is rescored at the next refresh. */
export function registerSegmentSteps(): void {
  registerMergeStep({
    name: 'rfm',
    run: (em, tenantId, mergedId) => affected(em, 'delete from member_rfm where tenant_id = ? and member_id = ?', [tenantId, mergedId]),
  });
  registerMergeStep({
    name: 'segments',
    run: async (em, tenantId, mergedId, survivorId) => {
      const joined = await joinStaticSegments(em, tenantId, mergedId, survivorId);
      await leaveSegments(em, tenantId, mergedId);
      return joined;
    },
  });
  registerEraseStep({
    name: 'rfm',
    run: (em, tenantId, memberId) => affected(em, 'delete from member_rfm where tenant_id = ? and member_id = ?', [tenantId, memberId]),
  });
  registerEraseStep({ name: 'segments', run: (em, tenantId, memberId) => leaveSegments(em, tenantId, memberId) });
}
