import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Tenant } from '../tenant/tenant.entity.js';
import { compileSegmentQuery } from './query/compile.js';
import { Segment } from './segment.entity.js';
import { SegmentKind, SegmentMovementCause } from './segment.enums.js';
import { applyMembership, type MembershipChange } from './segment-membership.js';

export interface Refreshed {
  segment: Segment;
  change: MembershipChange;
}

/** The segment, locked for a membership change; null when missing, deleted or another tenant's. */
export function lockSegment(em: EntityManager, tenantId: string, id: string): Promise<Segment | null> {
  return em.findOne(Segment, { id, tenantId, deletedAt: null }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
}

/**
 * Recomputes a dynamic segment's membership from its current query, inside the caller's transaction: one
 * statement evaluates the query, writes entries and exits with their movements, and moves the tag.
 */
export async function refreshLocked(em: EntityManager, segment: Segment, now: Date): Promise<MembershipChange> {
  const tenant = await em.findOneOrFail(Tenant, { id: segment.tenantId });
  const compiled = compileSegmentQuery(segment.query ?? '', { tenantId: segment.tenantId, now, currency: tenant.currency });
  if (!compiled.ok) throw new Error(`segment ${segment.id} version ${segment.version} no longer compiles: ${compiled.problems.map((p) => p.message).join('; ')}`);
  // A million-member tenant takes longer than a request's statement timeout.
  await em.execute(`set local statement_timeout = '10min'`);
  const change = await applyMembership(em, segment, compiled.query.memberIds(), 'replace', SegmentMovementCause.REFRESH, now);
  segment.lastRefreshedAt = now;
  segment.refreshedVersion = segment.version;
  await em.flush();
  return change;
}

/** Refreshes one dynamic segment in its own transaction; null when it is not a live dynamic segment of the tenant. */
export function refreshSegment(em: EntityManager, tenantId: string, segmentId: string, now: Date): Promise<Refreshed | null> {
  return em.transactional(async (tx) => {
    const segment = await lockSegment(tx, tenantId, segmentId);
    if (!segment || segment.kind !== SegmentKind.DYNAMIC) return null;
    return { segment, change: await refreshLocked(tx, segment, now) };
  });
}

/** The SEGMENT_REFRESH job: every dynamic segment of the tenant, one transaction each. */
export async function refreshTenantSegments(em: EntityManager, tenantId: string, now: Date): Promise<Record<string, number>> {
  const segments = await em.find(Segment, { tenantId, kind: SegmentKind.DYNAMIC, deletedAt: null }, { fields: ['id'], orderBy: { id: 'asc' } });
  const totals = { segments: 0, entered: 0, exited: 0 };
  for (const { id } of segments) {
    const refreshed = await refreshSegment(em, tenantId, id, now);
    em.clear();
    if (!refreshed) continue;
    totals.segments++;
    totals.entered += refreshed.change.entered;
    totals.exited += refreshed.change.exited;
  }
  return totals;
}
