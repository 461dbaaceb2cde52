import { masksPersonalData } from '../../core/auth/viewer.js';
import { tenantIdOf, type GraphQLContext } from '../../core/context.js';
import { boundRows } from '../../core/db/bound.js';
import { pageRequest, type Page, type PageArgs } from '../../core/relay/connection.js';
import { idOf } from '../../core/relay/global-id.js';
import { paginate } from '../../core/relay/paginate.js';
import { memberById } from '../member/member.loaders.js';
import type { Member } from '../member/member.entity.js';
import { tenantSettings } from '../tenant/tenant-settings.js';
import { compileSegmentQuery } from './query/compile.js';
import { queryUserErrors } from './query/query-errors.js';
import { OPERATORS_BY_TYPE, SEGMENT_FIELDS } from './query/registry.js';
import { Segment, SegmentMember, SegmentMovement, SegmentVersion } from './segment.entity.js';
import { SegmentKind } from './segment.enums.js';
import type { SegmentMovementsArgs, SegmentsArgs } from './segment.inputs.js';
import { segmentById, segmentIdsByMember } from './segment.loaders.js';
import { SegmentClauseNode, SegmentExplanationNode, SegmentFilterNode, SegmentPreviewNode, SegmentQueryValidationNode } from './segment.type.js';

const MAX_SAMPLE = 50;
const PERSONAL_FIELDS = new Set(['birthday', 'age']);

/** Reads of segments: lists, membership, history, and queries evaluated without saving. */
export class SegmentQueryService {
  constructor(private readonly ctx: GraphQLContext) {}

  list(args: SegmentsArgs): Promise<Page<Segment>> {
    return paginate(this.ctx.em, Segment, { deletedAt: null, ...(args.kind ? { kind: args.kind } : {}) }, pageRequest(args), { createdAt: 'desc', id: 'desc' });
  }

  byGlobalId(globalId: string): Promise<Segment | null> {
    const id = idOf(globalId, 'Segment');
    return id ? this.ctx.loaders.get(segmentById).load(id) : Promise.resolve(null);
  }

  async segmentsOf(memberId: string): Promise<Segment[]> {
    const ids = await this.ctx.loaders.get(segmentIdsByMember).load(memberId);
    const segments = await this.ctx.loaders.get(segmentById).loadMany(ids);
    return segments.filter((segment): segment is Segment => segment instanceof Segment);
  }

  /** The materialised members, by member id. */
  async members(segment: Segment, args: PageArgs): Promise<{ page: Page<SegmentMember>; members: Map<string, Member> }> {
    const page = await paginate(this.ctx.em, SegmentMember, { segmentId: segment.id }, pageRequest(args), { memberId: 'asc' });
    return { page, members: await this.load(page.nodes.map((row) => row.memberId)) };
  }

  movements(segment: Segment, args: SegmentMovementsArgs): Promise<Page<SegmentMovement>> {
    const createdAt = { ...(args.since ? { $gte: args.since } : {}), ...(args.until ? { $lt: args.until } : {}) };
    const where = { segmentId: segment.id, ...(args.kind ? { kind: args.kind } : {}), ...(args.since || args.until ? { createdAt } : {}) };
    return paginate(this.ctx.em, SegmentMovement, where, pageRequest(args), { createdAt: 'desc', id: 'desc' });
  }

  versions(segment: Segment, args: PageArgs): Promise<Page<SegmentVersion>> {
    return paginate(this.ctx.em, SegmentVersion, { segmentId: segment.id }, pageRequest(args), { version: 'desc' });
  }

  async load(memberIds: string[]): Promise<Map<string, Member>> {
    const members = await this.ctx.loaders.get(memberById).loadMany(memberIds);
    return new Map(members.filter((member): member is Member => !!member && !(member instanceof Error)).map((member) => [member.id, member]));
  }

  private async compile(query: string) {
    const { currency } = await tenantSettings(this.ctx);
    return compileSegmentQuery(query, { tenantId: tenantIdOf(this.ctx), now: new Date(), currency });
  }

  async validate(query: string): Promise<SegmentQueryValidationNode> {
    const compiled = await this.compile(query);
    return Object.assign(new SegmentQueryValidationNode(), {
      valid: compiled.ok,
      fields: compiled.ok ? compiled.query.fields : [],
      userErrors: compiled.ok ? [] : queryUserErrors(compiled.problems, ['query']),
    });
  }

  /** Count and a sample of what a query matches now: two statements, nothing written. */
  async preview(query: string, sampleSize: number): Promise<{ node: SegmentPreviewNode; members: Map<string, Member> }> {
    const node = new SegmentPreviewNode();
    const compiled = await this.compile(query);
    if (!compiled.ok) return { node: Object.assign(node, { count: null, sampleIds: [], userErrors: queryUserErrors(compiled.problems, ['query']) }), members: new Map() };
    const count = compiled.query.count();
    const [row] = await boundRows<{ count: number }>(this.ctx.em, count.sql, count.params);
    const size = Math.min(Math.max(sampleSize, 0), MAX_SAMPLE);
    const page = compiled.query.page(null, size);
    const ids = size ? (await boundRows<{ id: string }>(this.ctx.em, page.sql, page.params)).map((r) => r.id) : [];
    return { node: Object.assign(node, { count: row?.count ?? 0, sampleIds: ids, userErrors: [] }), members: await this.load(ids) };
  }

  /** Each clause of the segment's current query for one member, in one statement. */
  async explain(segment: Segment, memberGlobalId: string): Promise<SegmentExplanationNode | null> {
    const memberId = idOf(memberGlobalId, 'Member');
    const member = memberId ? await this.ctx.loaders.get(memberById).load(memberId) : null;
    if (!member) return null;
    const inSegment = (await this.ctx.em.count(SegmentMember, { segmentId: segment.id, memberId: member.id })) > 0;
    const explanation = Object.assign(new SegmentExplanationNode(), { memberDbId: member.id, inSegment, matches: inSegment, clauses: [] as SegmentClauseNode[] });
    if (segment.kind === SegmentKind.STATIC || !segment.query) return explanation;
    const compiled = await this.compile(segment.query);
    if (!compiled.ok) return explanation;
    const { sql, clauses } = compiled.query.explain(member.id);
    const [row] = await boundRows<Record<string, unknown>>(this.ctx.em, sql.sql, sql.params);
    explanation.matches = row?.matched === true;
    const masked = masksPersonalData(this.ctx.viewer);
    explanation.clauses = clauses.map((clause, index) =>
      Object.assign(new SegmentClauseNode(), {
        clause: clause.text,
        line: clause.line,
        column: clause.column,
        met: row?.[`c${index}`] === true,
        // ANALYST keys do not see birthdays on members, so not here either.
        value: masked && PERSONAL_FIELDS.has(clause.field) ? null : ((row?.[`v${index}`] as string | null | undefined) ?? null),
      }),
    );
    return explanation;
  }

  filters(): SegmentFilterNode[] {
    return SEGMENT_FIELDS.map((field) =>
      Object.assign(new SegmentFilterNode(), {
        name: field.name,
        type: field.type,
        operators: [...OPERATORS_BY_TYPE[field.type]],
        description: field.description,
        examples: field.examples,
        enumValues: field.enumValues ? [...field.enumValues, ...Object.keys(field.aliases ?? {})] : null,
        arguments: field.args?.map((arg) => ({ name: arg.name, type: arg.type, description: arg.description, enumValues: arg.enumValues ? [...arg.enumValues] : null })) ?? null,
      }),
    );
  }
}
