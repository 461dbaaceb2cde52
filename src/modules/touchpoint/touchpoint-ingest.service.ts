import type { EntityManager } from '@mikro-orm/postgresql';
import { boundRows } from '../../core/db/bound.js';
import { pgArray } from '../../core/db/named-sql.js';
import { tenantIdOf, type GraphQLContext } from '../../core/context.js';
import { fail, ok, userError, UserErrorCode, type Outcome } from '../../core/errors.js';
import { idOf } from '../../core/relay/global-id.js';
import { resolveMemberRefs, type RefFailure } from '../member/member-reference.js';
import { Store } from '../store/store.entity.js';
import { tenantSettings } from '../tenant/tenant-settings.js';
import { TouchpointCustomType } from './touchpoint.entity.js';
import { IngestRejectCode, IngestStatus, TouchpointType } from './touchpoint.enums.js';
import { MAX_EVENTS_PER_CALL, MAX_PROPERTIES_BYTES, type TouchpointEventInput } from './touchpoint.inputs.js';
import { TouchpointNode, type TouchpointRecordResult } from './touchpoint.type.js';
import { rescoreMembers } from '../churn/churn-rescore.js';
import { SCORED_TYPES } from '../churn/churn-score.sql.js';
import { kickChurnOutbox } from '../churn/churn-feed.js';
import { insertTouchpoints, storedTouchpoints, type TouchpointRow } from './touchpoint-writer.js';
import { retryTransient } from '../../core/db/retry.js';

const EARLIEST = Date.parse('1990-01-01T00:00:00Z'); // old enough for real back-filled history (e.g. CDNOW, 1997)
const REF_CODES: Record<RefFailure, IngestRejectCode> = {
  INVALID: IngestRejectCode.INVALID,
  UNKNOWN_MEMBER: IngestRejectCode.UNKNOWN_MEMBER,
  UNKNOWN_IDENTITY: IngestRejectCode.UNKNOWN_IDENTITY,
  MEMBER_ERASED: IngestRejectCode.MEMBER_ERASED,
};

type Rejection = { code: IngestRejectCode; reason: string };

function checkEvent(event: TouchpointEventInput): Rejection | undefined {
  const eventId = event.eventId.trim();
  if (!eventId || eventId.length > 200) return { code: IngestRejectCode.INVALID, reason: 'eventId must be 1 to 200 characters' };
  const at = event.occurredAt.getTime();
  if (Number.isNaN(at) || at < EARLIEST || at > Date.now() + 5 * 60_000) {
    return { code: IngestRejectCode.INVALID, reason: 'occurredAt must be between 1990-01-01 and now' };
  }
  if (event.type === TouchpointType.CUSTOM && !event.customType) {
    return { code: IngestRejectCode.UNKNOWN_TYPE, reason: 'type CUSTOM needs customType' };
  }
  if (event.type !== TouchpointType.CUSTOM && event.customType) {
    return { code: IngestRejectCode.INVALID, reason: 'customType goes with type CUSTOM only' };
  }
  if (event.storeId && event.storeCode) return { code: IngestRejectCode.INVALID, reason: 'give storeId or storeCode, not both' };
  if (event.source && event.source.length > 100) return { code: IngestRejectCode.INVALID, reason: 'source must be at most 100 characters' };
  if (event.properties !== undefined && event.properties !== null) {
    if (typeof event.properties !== 'object' || Array.isArray(event.properties)) {
      return { code: IngestRejectCode.INVALID, reason: 'properties must be a JSON object' };
    }
    if (Buffer.byteLength(JSON.stringify(event.properties)) > MAX_PROPERTIES_BYTES) {
      return { code: IngestRejectCode.PROPERTIES_TOO_LARGE, reason: `properties must be at most ${MAX_PROPERTIES_BYTES} bytes as JSON` };
    }
  }
  if (event.deliveryId != null) {
    if (!DELIVERY_TYPES.has(event.type)) return { code: IngestRejectCode.INVALID, reason: 'deliveryId goes with MESSAGE_SENT, MESSAGE_OPENED and MESSAGE_CLICKED only' };
    if (!idOf(event.deliveryId, 'CampaignDelivery')) return { code: IngestRejectCode.UNKNOWN_DELIVERY, reason: 'deliveryId is not a campaign delivery id' };
  }
  return undefined;
}

const DELIVERY_TYPES: ReadonlySet<TouchpointType> = new Set([TouchpointType.MESSAGE_SENT, TouchpointType.MESSAGE_OPENED, TouchpointType.MESSAGE_CLICKED]);

/** The member of each named campaign delivery of the tenant. */
async function deliveryMembers(em: EntityManager, tenantId: string, events: (TouchpointEventInput | undefined)[]): Promise<Map<string, string>> {
  const ids = [...new Set(events.map((event) => (event?.deliveryId ? idOf(event.deliveryId, 'CampaignDelivery') : undefined)).filter((id): id is string => !!id))];
  if (!ids.length) return new Map();
  const rows = await boundRows<{ id: string; member_id: string }>(em, 'select id, member_id from campaign_delivery where tenant_id = ? and id = any(?::uuid[])', [tenantId, pgArray(ids)]);
  return new Map(rows.map((row) => [row.id, row.member_id]));
}

export class TouchpointIngestService {
  constructor(private readonly ctx: GraphQLContext) {}

  /** Stores what it can; answers every event on its own, in the order sent. */
  async record(events: TouchpointEventInput[]): Promise<Outcome<TouchpointRecordResult[]>> {
    if (events.length > MAX_EVENTS_PER_CALL) {
      return fail(userError(['input', 'events'], `at most ${MAX_EVENTS_PER_CALL} events a call`, UserErrorCode.TOO_MANY));
    }
    const tenantId = tenantIdOf(this.ctx);
    const settings = await tenantSettings(this.ctx);
    const rejections: (Rejection | undefined)[] = events.map(checkEvent);
    const stores = await this.storeIds(events);
    const customTypes = await this.declaredCustomTypes(events);
    events.forEach((event, i) => {
      if (rejections[i]) return;
      if ((event.storeId || event.storeCode) && !stores.get(event.storeId ?? `code:${event.storeCode}`)) {
        rejections[i] = { code: IngestRejectCode.UNKNOWN_STORE, reason: 'no store has this id or code' };
      } else if (event.customType && !customTypes.has(event.customType)) {
        rejections[i] = { code: IngestRejectCode.UNKNOWN_TYPE, reason: `custom type "${event.customType}" is not declared` };
      }
    });

    const outcome = ok(
      await retryTransient(() => this.ctx.em.transactional(async (em) => {
        const pending = events.map((event, i) => (rejections[i] ? undefined : event));
        const refs = await resolveMemberRefs(em, { ...settings, tenantId }, pending.map((event) => ({ ref: event?.member, channel: event?.channel })));
        const deliveries = await deliveryMembers(em, tenantId, pending);
        const rows: TouchpointRow[] = [];
        const rowIndex = new Map<string, number>();
        pending.forEach((event, i) => {
          if (!event) return;
          const ref = refs[i]!;
          if ('failure' in ref) {
            rejections[i] = { code: REF_CODES[ref.failure], reason: ref.reason };
            return;
          }
          const deliveryId = event.deliveryId ? idOf(event.deliveryId, 'CampaignDelivery')! : null;
          if (deliveryId && deliveries.get(deliveryId) !== ref.memberId) {
            rejections[i] = { code: IngestRejectCode.UNKNOWN_DELIVERY, reason: 'no campaign delivery of this member has this id' };
            return;
          }
          const eventId = event.eventId.trim();
          if (rowIndex.has(eventId)) return; // the same event twice in one call: stored once
          rowIndex.set(eventId, i);
          rows.push({
            memberId: ref.memberId,
            type: event.type,
            customType: event.customType ?? null,
            channel: event.channel,
            storeId: stores.get(event.storeId ?? `code:${event.storeCode}`) ?? null,
            occurredAt: event.occurredAt,
            source: event.source?.trim() || null,
            properties: event.properties ?? null,
            eventId,
            deliveryId,
          });
        });
        const inserted = new Map((await insertTouchpoints(em, tenantId, rows)).map((tp) => [tp.eventId, tp]));
        // Engagement, refunds and complaints move churn scores: those members are rescored in this transaction.
        await rescoreMembers(em, tenantId, rows.filter((row) => inserted.has(row.eventId) && SCORED_TYPES.has(row.type)).map((row) => row.memberId));
        const earlier = await storedTouchpoints(em, rows.filter((row) => !inserted.has(row.eventId)).map((row) => row.eventId));
        return events.map((event, index): TouchpointRecordResult => {
          const eventId = event.eventId.trim();
          const rejection = rejections[index];
          if (rejection) return { index, eventId: event.eventId, status: IngestStatus.REJECTED, touchpoint: null, ...rejection };
          const fresh = rowIndex.get(eventId) === index ? inserted.get(eventId) : undefined;
          const stored = fresh ?? inserted.get(eventId) ?? earlier.get(eventId);
          return {
            index,
            eventId: event.eventId,
            status: fresh ? IngestStatus.ACCEPTED : IngestStatus.DUPLICATE,
            touchpoint: stored ? TouchpointNode.from(stored) : null,
            code: null,
            reason: null,
          };
        });
      })),
    );
    kickChurnOutbox();
    return outcome;
  }

  /** Store ids by "<global id>" or "code:<code>", for the stores the events name. */
  private async storeIds(events: TouchpointEventInput[]): Promise<Map<string, string>> {
    const ids = [...new Set(events.map((e) => e.storeId && idOf(e.storeId, 'Store')).filter((id): id is string => !!id))];
    const codes = [...new Set(events.map((e) => e.storeCode).filter((code): code is string => !!code))];
    if (!ids.length && !codes.length) return new Map();
    const stores = await this.ctx.em.find(Store, { $or: [{ id: { $in: ids } }, { code: { $in: codes } }] });
    const byKey = new Map<string, string>();
    for (const store of stores) {
      byKey.set(`code:${store.code}`, store.id);
    }
    for (const event of events) {
      const id = event.storeId && idOf(event.storeId, 'Store');
      if (id && stores.some((store) => store.id === id)) byKey.set(event.storeId!, id);
    }
    return byKey;
  }

  private async declaredCustomTypes(events: TouchpointEventInput[]): Promise<Set<string>> {
    const names = [...new Set(events.map((e) => e.customType).filter((name): name is string => !!name))];
    if (!names.length) return new Set();
    const found = await this.ctx.em.find(TouchpointCustomType, { name: { $in: names } });
    return new Set(found.map((type) => type.name));
  }
}
