import type { EntityManager } from '@mikro-orm/postgresql';
import { tenantIdOf, type GraphQLContext } from '../../core/context.js';
import { rollbackAsFailure, type Outcome } from '../../core/errors.js';
import { idOf } from '../../core/relay/global-id.js';
import { actorOf } from '../points/points-request.js';
import { tenantSettings } from '../tenant/tenant-settings.js';
import { compileSegmentQuery } from './query/compile.js';
import { queryUserErrors, segmentError, SegmentErrorCode, segmentFailure, segmentRollback, type SegmentUserError } from './query/query-errors.js';
import { Segment, SegmentVersion } from './segment.entity.js';
import { SegmentKind, SegmentMovementCause } from './segment.enums.js';
import type { SegmentCreateInput, SegmentIdInput, SegmentUpdateInput } from './segment.inputs.js';
import { applyMembership, currentMembers, retagMembers, type MembershipChange } from './segment-membership.js';
import { lockSegment, refreshLocked } from './segment-refresh.js';

const TAG = /^[^\s,][^,]{0,63}$/;
const MAX_SEGMENTS = 500;

export const segmentNotFound = () => segmentError(['input', 'id'], 'no segment has this id', SegmentErrorCode.NOT_FOUND);

interface Definition {
  name: string;
  description: string | null;
  query: string | null;
  tag: string | null;
}

/** Serialises segment definition changes per tenant, so names stay unique among live segments. */
async function lockDefinitions(em: EntityManager, tenantId: string): Promise<void> {
  await em.execute('select pg_advisory_xact_lock(hashtextextended(?, 0))', [`segment-definitions:${tenantId}`]);
}

/** Segment definitions (versioned) and on-demand refresh. Membership SQL is in segment-membership.ts. */
export class SegmentService {
  constructor(private readonly ctx: GraphQLContext) {}

  /** Problems with a definition's fields; the query is compiled to check it. */
  private async check(kind: SegmentKind, definition: Definition): Promise<SegmentUserError[]> {
    const errors: SegmentUserError[] = [];
    if (!definition.name || definition.name.length > 200) errors.push(segmentError(['input', 'name'], 'name must be 1 to 200 characters', SegmentErrorCode.INVALID));
    if (definition.description && definition.description.length > 1000) errors.push(segmentError(['input', 'description'], 'description must be at most 1,000 characters', SegmentErrorCode.INVALID));
    if (definition.tag !== null && !TAG.test(definition.tag)) errors.push(segmentError(['input', 'tag'], 'tag must be 1 to 64 characters without commas', SegmentErrorCode.INVALID));
    if (kind === SegmentKind.STATIC && definition.query !== null) errors.push(segmentError(['input', 'query'], 'a STATIC segment has no query; its members are added', SegmentErrorCode.INVALID));
    if (kind === SegmentKind.DYNAMIC) {
      if (!definition.query?.trim()) errors.push(segmentError(['input', 'query'], 'a DYNAMIC segment needs a query', SegmentErrorCode.INVALID));
      else {
        const { currency } = await tenantSettings(this.ctx);
        const compiled = compileSegmentQuery(definition.query, { tenantId: tenantIdOf(this.ctx), now: new Date(), currency });
        if (!compiled.ok) errors.push(...queryUserErrors(compiled.problems, ['input', 'query']));
      }
    }
    return errors;
  }

  private async checkName(em: EntityManager, name: string, exceptId: string | null): Promise<void> {
    const taken = await em.count(Segment, { name, deletedAt: null, ...(exceptId ? { id: { $ne: exceptId } } : {}) });
    if (taken) throw segmentRollback(segmentError(['input', 'name'], `a segment named "${name}" already exists`, SegmentErrorCode.TAKEN));
  }

  private version(segment: Segment): SegmentVersion {
    return Object.assign(new SegmentVersion(), {
      tenantId: segment.tenantId,
      segmentId: segment.id,
      version: segment.version,
      name: segment.name,
      description: segment.description ?? null,
      query: segment.query ?? null,
      tag: segment.tag ?? null,
      actor: actorOf(this.ctx),
      createdAt: segment.updatedAt,
    });
  }

  async create(input: SegmentCreateInput): Promise<Outcome<Segment>> {
    const definition: Definition = {
      name: input.name.trim(),
      description: input.description?.trim() || null,
      query: input.query ?? null,
      tag: input.tag?.trim() ?? null,
    };
    const errors = await this.check(input.kind, definition);
    if (errors.length) return segmentFailure(...errors);
    const tenantId = tenantIdOf(this.ctx);
    return this.write(async (em) => {
      await lockDefinitions(em, tenantId);
      await this.checkName(em, definition.name, null);
      if ((await em.count(Segment, { deletedAt: null })) >= MAX_SEGMENTS) {
        throw segmentRollback(segmentError(['input'], `a tenant has at most ${MAX_SEGMENTS} segments; delete one first`, SegmentErrorCode.INVALID));
      }
      const now = new Date();
      const segment = Object.assign(new Segment(), { tenantId, kind: input.kind, ...definition, createdAt: now, updatedAt: now });
      if (input.kind === SegmentKind.STATIC) segment.lastRefreshedAt = now;
      em.persist(segment);
      em.persist(this.version(segment));
      await em.flush();
      if (input.kind === SegmentKind.DYNAMIC && input.refresh !== false) await refreshLocked(em, segment, now);
      return segment;
    });
  }

  async update(input: SegmentUpdateInput): Promise<Outcome<Segment>> {
    const id = idOf(input.id, 'Segment');
    if (!id) return segmentFailure(segmentNotFound());
    const tenantId = tenantIdOf(this.ctx);
    return this.write(async (em) => {
      await lockDefinitions(em, tenantId);
      const segment = await lockSegment(em, tenantId, id);
      if (!segment) throw segmentRollback(segmentNotFound());
      const next: Definition = {
        name: input.name === undefined || input.name === null ? segment.name : input.name.trim(),
        description: input.description === undefined ? (segment.description ?? null) : input.description?.trim() || null,
        query: input.query === undefined || input.query === null ? (segment.query ?? null) : input.query,
        tag: input.tag === undefined ? (segment.tag ?? null) : (input.tag?.trim() ?? null),
      };
      const errors = await this.check(segment.kind, next);
      if (errors.length) throw segmentRollback(...errors);
      const changed = next.name !== segment.name || next.description !== (segment.description ?? null) || next.query !== (segment.query ?? null) || next.tag !== (segment.tag ?? null);
      if (!changed) return segment;
      if (next.name !== segment.name) await this.checkName(em, next.name, segment.id);
      const now = new Date();
      await retagMembers(em, segment, segment.tag ?? null, next.tag, now);
      const queryChanged = next.query !== (segment.query ?? null);
      Object.assign(segment, next, { version: segment.version + 1, updatedAt: now });
      if (!queryChanged && segment.refreshedVersion === segment.version - 1) segment.refreshedVersion = segment.version;
      em.persist(this.version(segment));
      await em.flush();
      if (queryChanged && input.refresh !== false) await refreshLocked(em, segment, now);
      return segment;
    });
  }

  /** Deletes a segment: its members exit (SEGMENT_DELETED) and lose its tag; its versions and movements stay. */
  async delete(input: SegmentIdInput): Promise<Outcome<Segment>> {
    const id = idOf(input.id, 'Segment');
    if (!id) return segmentFailure(segmentNotFound());
    const tenantId = tenantIdOf(this.ctx);
    return this.write(async (em) => {
      const segment = await lockSegment(em, tenantId, id);
      if (!segment) throw segmentRollback(segmentNotFound());
      const now = new Date();
      await em.execute(`set local statement_timeout = '10min'`);
      await applyMembership(em, segment, currentMembers(segment), 'remove', SegmentMovementCause.SEGMENT_DELETED, now);
      segment.deletedAt = now;
      await em.flush();
      return segment;
    });
  }

  async refresh(input: SegmentIdInput): Promise<Outcome<{ segment: Segment; change: MembershipChange }>> {
    const id = idOf(input.id, 'Segment');
    if (!id) return segmentFailure(segmentNotFound());
    const tenantId = tenantIdOf(this.ctx);
    return rollbackAsFailure(() =>
      this.ctx.em.transactional(async (em) => {
        const segment = await lockSegment(em, tenantId, id);
        if (!segment) throw segmentRollback(segmentNotFound());
        if (segment.kind !== SegmentKind.DYNAMIC) {
          throw segmentRollback(segmentError(['input', 'id'], 'a STATIC segment changes only when members are added or removed', SegmentErrorCode.INVALID));
        }
        return { segment, change: await refreshLocked(em, segment, new Date()) };
      }),
    );
  }

  private write(work: (em: EntityManager) => Promise<Segment>): Promise<Outcome<Segment>> {
    return rollbackAsFailure(() => this.ctx.em.transactional(work));
  }
}

