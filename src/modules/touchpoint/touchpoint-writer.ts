import type { EntityManager } from '@mikro-orm/postgresql';
import type { Channel } from '../../core/channel.js';
import { uuidv7 } from '../../core/ids.js';
import { Touchpoint } from './touchpoint.entity.js';
import type { TouchpointFields } from './touchpoint.type.js';
import type { TouchpointType } from './touchpoint.enums.js';

export interface TouchpointRow {
  memberId: string;
  type: TouchpointType;
  customType?: string | null;
  channel: Channel;
  storeId?: string | null;
  occurredAt: Date;
  source?: string | null;
  properties?: Record<string, unknown> | null;
  eventId: string;
  orderId?: string | null;
  deliveryId?: string | null;
}

/**
 * Inserts touchpoints in one statement; an event id already stored is skipped, never doubled.
 * Returns the stored rows of the events that were new.
 */
export async function insertTouchpoints(em: EntityManager, tenantId: string, rows: TouchpointRow[]): Promise<TouchpointFields[]> {
  if (!rows.length) return [];
  const now = new Date();
  const withIds = rows.map((row) => ({ ...row, id: uuidv7(), properties: row.properties ?? null }));
  const inserted = await em.execute<{ event_id: string }[]>(
    `insert into touchpoint (id, tenant_id, created_at, member_id, type, custom_type, channel, store_id, occurred_at, source, properties, event_id, order_id, delivery_id)
     select r.id, ?, ?, r."memberId", r.type, r."customType", r.channel, r."storeId", r."occurredAt", r.source, r.properties, r."eventId", r."orderId", r."deliveryId"
       from jsonb_to_recordset(?::jsonb) as r(id uuid, "memberId" uuid, type text, "customType" text, channel text, "storeId" uuid,
                                              "occurredAt" timestamptz, source text, properties jsonb, "eventId" text, "orderId" uuid,
                                              "deliveryId" uuid)
      -- In event id order: concurrent batches sharing event ids (a client's retry racing the original) lock them
      -- in one order, so one waits for the other instead of both deadlocking.
      order by r."eventId"
     on conflict (tenant_id, event_id) do nothing
     returning event_id`,
    [tenantId, now, JSON.stringify(withIds)],
  );
  const fresh = new Set(inserted.map((row) => row.event_id));
  return withIds
    .filter((row) => fresh.has(row.eventId))
    .map((row) => ({ ...row, createdAt: now }));
}

/** Touchpoints already stored under these event ids. */
export async function storedTouchpoints(em: EntityManager, eventIds: string[]): Promise<Map<string, Touchpoint>> {
  if (!eventIds.length) return new Map();
  const rows = await em.find(Touchpoint, { eventId: { $in: eventIds } });
  return new Map(rows.map((row) => [row.eventId, row]));
}
