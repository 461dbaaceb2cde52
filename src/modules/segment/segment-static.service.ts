import { parse } from 'csv-parse/sync';
import { tenantIdOf, type GraphQLContext } from '../../core/context.js';
import { boundRows } from '../../core/db/bound.js';
import { rollbackAsFailure, type Outcome } from '../../core/errors.js';
import { idOf } from '../../core/relay/global-id.js';
import { IdentityChannel } from '../member/member.enums.js';
import { canonicalExternalId } from '../member/member-identity.service.js';
import { tenantSettings } from '../tenant/tenant-settings.js';
import { segmentError, SegmentErrorCode, segmentFailure, segmentRollback, type SegmentUserError } from './query/query-errors.js';
import type { Segment } from './segment.entity.js';
import { SegmentKind, SegmentMovementCause } from './segment.enums.js';
import type { SegmentMembersImportInput, SegmentMembersInput } from './segment.inputs.js';
import { activeMembersAmong, applyMembership } from './segment-membership.js';
import { lockSegment } from './segment-refresh.js';
import { segmentNotFound } from './segment.service.js';

const MAX_IDS = 1000;
const MAX_ROWS = 100_000;
const MAX_CSV_BYTES = 10 * 1024 * 1024;
const UNMATCHED_SHOWN = 100;

export interface ImportResult {
  segment: Segment;
  matched: number;
  added: number;
  alreadyMembers: number;
  unmatchedCount: number;
  unmatched: { line: number; channel: string; externalId: string }[];
}

interface Row {
  line: number;
  channel: string;
  externalId: string;
  canonical: string | null;
}

/** Members of STATIC segments: added and removed by id, or imported by identities. */
export class SegmentStaticService {
  constructor(private readonly ctx: GraphQLContext) {}

  add(input: SegmentMembersInput): Promise<Outcome<{ segment: Segment; changed: number }>> {
    return this.change(input, 'add');
  }

  remove(input: SegmentMembersInput): Promise<Outcome<{ segment: Segment; changed: number }>> {
    return this.change(input, 'remove');
  }

  private async change(input: SegmentMembersInput, mode: 'add' | 'remove'): Promise<Outcome<{ segment: Segment; changed: number }>> {
    const errors: SegmentUserError[] = [];
    if (!input.memberIds.length || input.memberIds.length > MAX_IDS) {
      errors.push(segmentError(['input', 'memberIds'], `give 1 to ${MAX_IDS} member ids`, SegmentErrorCode.INVALID));
    }
    const ids = input.memberIds.map((globalId, index) => {
      const id = idOf(globalId, 'Member');
      if (!id) errors.push(segmentError(['input', 'memberIds', String(index)], `no member has the id ${globalId}`, SegmentErrorCode.NOT_FOUND));
      return id;
    });
    if (errors.length) return segmentFailure(...errors);
    const tenantId = tenantIdOf(this.ctx);
    const unique = [...new Set(ids as string[])];
    return rollbackAsFailure(() =>
      this.ctx.em.transactional(async (em) => {
        const segment = await this.lockStatic(em, input.id);
        if (mode === 'add') {
          const rows = await em.execute<{ id: string; status: string }[]>(
            `select id, status from member where tenant_id = ? and id in (select value::uuid from jsonb_array_elements_text(?::jsonb))`,
            [tenantId, JSON.stringify(unique)],
          );
          const status = new Map(rows.map((row) => [row.id, row.status]));
          const missing = input.memberIds
            .map((globalId, index) => ({ globalId, index, state: status.get(ids[index]!) }))
            .filter((entry) => entry.state !== 'ACTIVE')
            .map((entry) =>
              segmentError(['input', 'memberIds', String(entry.index)], entry.state ? `member ${entry.globalId} was ${entry.state.toLowerCase()}` : `no member has the id ${entry.globalId}`, SegmentErrorCode.NOT_FOUND),
            );
          if (missing.length) throw segmentRollback(...missing);
        }
        const change = await applyMembership(em, segment, activeMembersAmong(tenantId, unique), mode, SegmentMovementCause.MANUAL, new Date());
        segment.lastRefreshedAt = segment.updatedAt;
        await em.flush();
        return { segment, changed: mode === 'add' ? change.entered : change.exited };
      }),
    );
  }

  private async lockStatic(em: Parameters<typeof lockSegment>[0], globalId: string): Promise<Segment> {
    const id = idOf(globalId, 'Segment');
    const segment = id ? await lockSegment(em, tenantIdOf(this.ctx), id) : null;
    if (!segment) throw segmentRollback(segmentNotFound());
    if (segment.kind !== SegmentKind.STATIC) {
      throw segmentRollback(segmentError(['input', 'id'], 'members are added to STATIC segments only; a DYNAMIC one follows its query', SegmentErrorCode.INVALID));
    }
    return segment;
  }

  /** Reads `channel,external_id` rows; every problem is reported with its line, and then nothing is imported. */
  private async rows(csv: string): Promise<{ rows: Row[] } | { errors: SegmentUserError[] }> {
    const field = ['input', 'csv'];
    if (Buffer.byteLength(csv, 'utf8') > MAX_CSV_BYTES) return { errors: [segmentError(field, 'the CSV is larger than 10 MB', SegmentErrorCode.INVALID)] };
    let records: string[][];
    try {
      records = parse(csv, { skip_empty_lines: true, trim: true, relax_column_count: true }) as string[][];
    } catch (error) {
      return { errors: [segmentError(field, `the CSV cannot be read: ${(error as Error).message}`, SegmentErrorCode.INVALID)] };
    }
    const header = records[0]?.map((cell) => cell.toLowerCase());
    if (!header || header.length !== 2 || header[0] !== 'channel' || header[1] !== 'external_id') {
      return { errors: [segmentError(field, 'the first line must be the header channel,external_id', SegmentErrorCode.INVALID)] };
    }
    if (records.length - 1 > MAX_ROWS) return { errors: [segmentError(field, `at most ${MAX_ROWS} rows`, SegmentErrorCode.INVALID)] };
    const { countryCode } = await tenantSettings(this.ctx);
    const errors: SegmentUserError[] = [];
    const rows: Row[] = [];
    records.slice(1).forEach((record, index) => {
      const line = index + 2;
      const [channel = '', externalId = ''] = record;
      if (record.length !== 2) errors.push(segmentError(field, `line ${line}: expected 2 columns, found ${record.length}`, SegmentErrorCode.INVALID));
      else if (!(channel in IdentityChannel)) errors.push(segmentError(field, `line ${line}: "${channel}" is not an identity channel`, SegmentErrorCode.INVALID));
      else rows.push({ line, channel, externalId, canonical: canonicalExternalId(channel as IdentityChannel, externalId, countryCode) ?? null });
    });
    return errors.length ? { errors: errors.slice(0, 100) } : { rows };
  }

  async import(input: SegmentMembersImportInput): Promise<Outcome<ImportResult>> {
    const read = await this.rows(input.csv);
    if ('errors' in read) return segmentFailure(...read.errors);
    const parsed = read.rows;
    const tenantId = tenantIdOf(this.ctx);
    return rollbackAsFailure(() =>
      this.ctx.em.transactional(async (em) => {
        const segment = await this.lockStatic(em, input.id);
        // One statement resolves every row; merged members' identities moved to their survivors.
        const found = await boundRows<{ line: number; member_id: string | null }>(
          em,
          `select v.line, m.id as member_id
             from jsonb_to_recordset(?::jsonb) as v(line int, channel text, external_id text)
             left join member_identity i on i.tenant_id = ? and i.channel = v.channel and i.external_id = v.external_id
             left join member m on m.id = i.member_id and m.tenant_id = i.tenant_id and m.status = 'ACTIVE'`,
          [JSON.stringify(parsed.map((row) => ({ line: row.line, channel: row.channel, external_id: row.canonical }))), tenantId],
        );
        const byLine = new Map(found.map((row) => [row.line, row.member_id]));
        const memberIds = parsed.map((row) => byLine.get(row.line) ?? null);
        const matchedIds = memberIds.filter((id): id is string => id !== null);
        const unmatched = parsed.filter((_row, index) => memberIds[index] === null);
        const change = matchedIds.length
          ? await applyMembership(em, segment, activeMembersAmong(tenantId, [...new Set(matchedIds)]), 'add', SegmentMovementCause.IMPORT, new Date())
          : { entered: 0, exited: 0 };
        segment.lastRefreshedAt = segment.updatedAt;
        await em.flush();
        return {
          segment,
          matched: matchedIds.length,
          added: change.entered,
          alreadyMembers: matchedIds.length - change.entered,
          unmatchedCount: unmatched.length,
          unmatched: unmatched.slice(0, UNMATCHED_SHOWN).map(({ line, channel, externalId }) => ({ line, channel, externalId })),
        };
      }),
    );
  }
}
