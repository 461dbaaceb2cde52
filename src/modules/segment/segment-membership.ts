import type { EntityManager } from '@mikro-orm/postgresql';
import { boundRows } from '../../core/db/bound.js';
import { named } from '../../core/db/prepared.js';
import type { Sql } from './query/compile.js';
import { SegmentMovementCause } from './segment.enums.js';
import type { Segment } from './segment.entity.js';

/** How a member set changes a segment's membership. */
export type MembershipMode =
  /** The set becomes the membership: new members enter, members outside it exit (a dynamic refresh). */
  | 'replace'
  /** The set's members enter (a static add or import). */
  | 'add'
  /** The set's members exit (a static remove, or everyone when a segment is deleted). */
  | 'remove';

export interface MembershipChange {
  entered: number;
  exited: number;
}

const NONE = 'select null::uuid as member_id where false';

function changeSql(mode: MembershipMode): string {
  const entered =
    mode === 'remove'
      ? NONE
      : // Members already in are skipped by the primary key (RETURNING names only new rows). An anti-join here
        // was planned against the table's statistics, as a scan per target row of a table growing under it.
        `insert into segment_member (segment_id, member_id, tenant_id, entered_at)
         select :segment::uuid, t.id, :tenant::uuid, :now::timestamptz from target t
         on conflict do nothing
         returning member_id`;
  const exited =
    mode === 'add'
      ? NONE
      : `delete from segment_member sm
          where sm.segment_id = :segment and sm.tenant_id = :tenant
            and ${mode === 'replace' ? 'not exists' : 'exists'} (select 1 from target t where t.id = sm.member_id)
         returning member_id`;
  return `, entered as (${entered}),
    exited as (${exited}),
    moved as (
      insert into segment_movement (id, tenant_id, created_at, segment_id, member_id, kind, cause, version)
      select gen_random_uuid(), :tenant::uuid, :now::timestamptz, :segment::uuid, member_id, 'ENTERED', :cause::text, :version::int from entered
      union all
      select gen_random_uuid(), :tenant::uuid, :now::timestamptz, :segment::uuid, member_id, 'EXITED', :cause::text, :version::int from exited
    ),
    tagged as (
      insert into member_tag (id, tenant_id, created_at, member_id, tag)
      select gen_random_uuid(), :tenant::uuid, :now::timestamptz, member_id, :tag::text from entered where :tag::text is not null
      on conflict (member_id, tag) do nothing
    ),
    untagged as (
      delete from member_tag g where g.tenant_id = :tenant and g.tag = :tag::text and g.member_id in (select member_id from exited)
    )
    select (select count(*) from entered)::int as entered, (select count(*) from exited)::int as exited`;
}

/**
 * Applies a member set to a segment in one statement: membership rows in and out, a movement per entry and
 * exit, the segment's tag stamped and removed. `target` selects column `id`. The caller holds the segment's
 * row lock, so memberCount (kept here) stays exact.
 */
export async function applyMembership(
  em: EntityManager,
  segment: Segment,
  target: Sql,
  mode: MembershipMode,
  cause: SegmentMovementCause,
  now: Date,
): Promise<MembershipChange> {
  const statement = membershipStatement(segment, target, mode, cause, now);
  const [row] = await boundRows<{ entered: number; exited: number }>(em, statement.sql, statement.params);
  const change = { entered: row?.entered ?? 0, exited: row?.exited ?? 0 };
  segment.memberCount += change.entered - change.exited;
  segment.updatedAt = now;
  return change;
}

/** The statement applyMembership sends (benchmarks explain it). */
export function membershipStatement(
  segment: Pick<Segment, 'id' | 'tenantId' | 'version' | 'tag'>,
  target: Sql,
  mode: MembershipMode,
  cause: SegmentMovementCause,
  now: Date,
): Sql {
  const [text, params] = named(changeSql(mode), { segment: segment.id, tenant: segment.tenantId, now, cause, version: segment.version, tag: segment.tag ?? null });
  // The target's own placeholders all come first in the text.
  return { sql: `with target as materialized (${target.sql})${text}`, params: [...target.params, ...params] };
}

/** Active members of the tenant among `ids` (database ids). */
export function activeMembersAmong(tenantId: string, ids: string[]): Sql {
  return {
    sql: `select m.id from member m where m.tenant_id = ? and m.status = 'ACTIVE' and m.id in (select value::uuid from jsonb_array_elements_text(?::jsonb))`,
    params: [tenantId, JSON.stringify(ids)],
  };
}

/** Everyone in the segment now (to empty it). */
export function currentMembers(segment: Segment): Sql {
  return { sql: 'select sm.member_id as id from segment_member sm where sm.segment_id = ? and sm.tenant_id = ?', params: [segment.id, segment.tenantId] };
}

/** Moves a segment's tag from its members to a new tag (or none), in one statement per side. */
export async function retagMembers(em: EntityManager, segment: Segment, oldTag: string | null, newTag: string | null, now: Date): Promise<void> {
  if (oldTag === newTag) return;
  if (oldTag) {
    await em.execute(
      'delete from member_tag g using segment_member sm where g.tenant_id = ? and g.tag = ? and sm.segment_id = ? and sm.member_id = g.member_id',
      [segment.tenantId, oldTag, segment.id],
    );
  }
  if (newTag) {
    await em.execute(
      `insert into member_tag (id, tenant_id, created_at, member_id, tag)
       select gen_random_uuid(), ?, ?, sm.member_id, ? from segment_member sm where sm.segment_id = ? and sm.tenant_id = ?
       on conflict (member_id, tag) do nothing`,
      [segment.tenantId, now, newTag, segment.id, segment.tenantId],
    );
  }
}

