import { CrossingDirection } from '../churn/churn.enums.js';
import { PURCHASE_STATUSES } from '../order/order.enums.js';
import { pgArray } from '../../core/db/named-sql.js';
import { SegmentMovementKind } from '../segment/segment.enums.js';
import { AUDIENCE_SQL } from './campaign-audience.sql.js';
import type { PlanSource } from './campaign-plan.js';
import { CampaignTriggerKind } from './campaign.enums.js';
import type { CampaignTrigger } from './campaign.entity.js';

const DAY = 86_400_000;
/**
 * Event triggers look back this far before their watermark on every pass: an event committed late (a long
 * transaction) is still found, and one found twice is planned once (its occurrence key is the event's id).
 */
export const TRIGGER_OVERLAP_MS = 10 * 60_000;

/**
 * An order recorded after its post-purchase message was due is still followed up when it is at most this
 * late; older ones (imports of history) are not.
 */
export const ORDER_PAID_GRACE_MS = 2 * DAY;

/** Local calendar date (YYYY-MM-DD) of an instant in a time zone. */
export function localDate(at: Date, timezone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

/** Dates from `first` to `last` inclusive (YYYY-MM-DD), at most `max` (the newest). */
export function datesBetween(first: string, last: string, max = 31): string[] {
  const dates: string[] = [];
  for (let day = Date.parse(`${last}T00:00:00Z`); day >= Date.parse(`${first}T00:00:00Z`) && dates.length < max; day -= DAY) {
    dates.unshift(new Date(day).toISOString().slice(0, 10));
  }
  return dates;
}

/** Triggers that look at dates rather than events: evaluated once per local day. */
export const DAILY_TRIGGERS: ReadonlySet<CampaignTriggerKind> = new Set([CampaignTriggerKind.BIRTHDAY, CampaignTriggerKind.POINTS_EXPIRING, CampaignTriggerKind.HOLIDAY]);

export interface TriggerWindow {
  /** Events after this (already including the overlap). */
  from: Date;
  to: Date;
  timezone: string;
  /** When the campaign began (launch, or a later startsAt): nothing due before it is followed up. */
  start?: Date;
}

/**
 * The (member_id, occurrence) rows a trigger yields for a window, as SQL with named parameters
 * (:tenantId is bound by the planner). Occurrences name the event, so a pass that sees it again plans nothing.
 */
export function triggerSource(trigger: CampaignTrigger, window: TriggerWindow): PlanSource | null {
  const { from, to } = window;
  switch (trigger.kind) {
    case CampaignTriggerKind.SEGMENT_ENTERED:
      return {
        sql: `select member_id, 'segment:' || id as occurrence from segment_movement
               where tenant_id = :tenantId and segment_id = :segmentId and kind = '${SegmentMovementKind.ENTERED}' and created_at > :from and created_at <= :to`,
        params: { segmentId: trigger.segmentId, from, to },
      };
    case CampaignTriggerKind.LIFECYCLE_ENTERED:
      return {
        sql: `select member_id, 'lifecycle:' || id as occurrence from lifecycle_transition
               where tenant_id = :tenantId and to_stage = :stage and created_at > :from and created_at <= :to`,
        params: { stage: trigger.stage, from, to },
      };
    case CampaignTriggerKind.CHURN_RISK_CROSSED:
      return {
        sql: `select member_id, 'churn:' || id as occurrence from churn_crossing
               where tenant_id = :tenantId and direction = '${CrossingDirection.UP}' and abs(threshold - :threshold) < 1e-9 and created_at > :from and created_at <= :to`,
        params: { threshold: trigger.threshold, from, to },
      };
    case CampaignTriggerKind.ORDER_PAID: {
      // An order is due `days` after it was paid. One recorded after that (a store or marketplace syncing in
      // batches) is due when it is recorded, unless it is more than ORDER_PAID_GRACE_MS late (history being
      // back-filled, not a purchase to follow up) or was due before the campaign began.
      const lag = (trigger.days ?? 0) * DAY;
      const begun = window.start ?? from;
      return {
        sql: `select member_id, 'order:' || id as occurrence from orders
               where tenant_id = :tenantId and status = any(:paid::text[])
                 and ((paid_at > :dueFrom and paid_at <= :dueTo and (paid_recorded_at is null or paid_recorded_at <= :to))
                   or (paid_recorded_at > :from and paid_recorded_at <= :to and paid_at <= :dueTo and paid_at > :dueBegun
                       and paid_at > paid_recorded_at - make_interval(secs => :lateSeconds)))`,
        params: {
          paid: pgArray(PURCHASE_STATUSES),
          from,
          to,
          dueFrom: new Date(from.getTime() - lag),
          dueTo: new Date(to.getTime() - lag),
          dueBegun: new Date(begun.getTime() - lag),
          lateSeconds: (lag + ORDER_PAID_GRACE_MS) / 1000,
        },
      };
    }
    case CampaignTriggerKind.BIRTHDAY: {
      // Birthdays from each checked day to `days` after it: a member who joins (or gives a birthday) after the
      // day's check still hears before the birthday, with less notice. Once a year: the occurrence names the year.
      const dates = new Set<string>();
      for (const date of datesBetween(localDate(from, window.timezone), localDate(to, window.timezone))) {
        for (let ahead = 0; ahead <= (trigger.days ?? 0); ahead++) dates.add(new Date(Date.parse(`${date}T00:00:00Z`) + ahead * DAY).toISOString().slice(0, 10));
      }
      // A 29 February birthday is celebrated on 28 February in other years.
      return {
        sql: `select m.id as member_id, 'birthday:' || substr(t.day, 1, 4) as occurrence
                from unnest(:days::text[]) as t(day)
                join member m on m.tenant_id = :tenantId and m.birthday is not null
                 and (to_char(m.birthday, 'MM-DD') = substr(t.day, 6)
                      or (to_char(m.birthday, 'MM-DD') = '02-29' and substr(t.day, 6) = '02-28'
                          and extract(day from (substr(t.day, 1, 4) || '-03-01')::date - interval '1 day') = 28))`,
        params: { days: pgArray([...dates]) },
      };
    }
    case CampaignTriggerKind.POINTS_EXPIRING:
      return {
        sql: `select l.member_id, 'expiry:' || to_char(min(l.expires_at) at time zone :timezone, 'YYYY-MM-DD') as occurrence
                from points_lot l
               where l.tenant_id = :tenantId and l.remaining > 0 and l.expires_at > :to and l.expires_at <= :horizon
               group by l.member_id`,
        params: { to, horizon: new Date(to.getTime() + (trigger.days ?? 0) * DAY), timezone: window.timezone },
      };
    case CampaignTriggerKind.HOLIDAY: {
      const today = datesBetween(localDate(from, window.timezone), localDate(to, window.timezone));
      const due = (trigger.dates ?? []).filter((date) => today.includes(date));
      if (!due.length) return null;
      // The newest holiday date of the window: a pass that was down over two holidays sends once, not twice.
      return { sql: AUDIENCE_SQL, params: { occurrence: `holiday:${due[due.length - 1]}` } };
    }
  }
}
