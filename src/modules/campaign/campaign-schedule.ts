import type { EntityManager } from '@mikro-orm/postgresql';
import { boundRows } from '../../core/db/bound.js';
import { deepOffer } from './campaign-offers.js';
import { planDeliveries, type PlanCounts, type PlanSource } from './campaign-plan.js';
import { settingsOf } from './campaign-send.js';
import { AUDIENCE_SQL, BACKGROUND_STATEMENT_TIMEOUT } from './campaign-audience.sql.js';
import { DAILY_TRIGGERS, localDate, TRIGGER_OVERLAP_MS, triggerSource } from './campaign-triggers.js';
import { Campaign } from './campaign.entity.js';
import { CampaignSchedule, CampaignStatus, DeliveryState, SuppressionReason } from './campaign.enums.js';

const DAY = 86_400_000;

/** When a newly launched (or resumed) campaign first plans, and in which status it waits. */
export function firstRun(campaign: Campaign, now: Date): { status: CampaignStatus; nextRunAt: Date | null } {
  const startsAt = campaign.schedule === CampaignSchedule.NOW ? now : (campaign.startsAt ?? now);
  return { status: startsAt > now ? CampaignStatus.SCHEDULED : CampaignStatus.RUNNING, nextRunAt: startsAt > now ? startsAt : now };
}

/**
 * Plans what is due for one campaign, in one transaction holding its row (another instance skips it):
 * a SCHEDULED campaign whose time came starts RUNNING; NOW and AT plan the audience once; RECURRING plans
 * one occurrence per run (named by its time) and moves to the next; TRIGGER turns the events since its
 * watermark into deliveries (date triggers once per local day). Returns null when nothing was due.
 */
export async function planDue(em: EntityManager, campaignId: string, now: Date, triggerEveryMs: number): Promise<PlanCounts | null> {
  return em.transactional(async (tx) => {
    const [locked] = await boundRows<{ id: string }>(tx, `select id from campaign where id = ? and status in ('SCHEDULED', 'RUNNING') and next_run_at <= ? for update skip locked`, [campaignId, now]);
    if (!locked) return null;
    // Planning a million members takes longer than a request may: the background work has its own limit.
    await tx.execute(`set local statement_timeout = '${BACKGROUND_STATEMENT_TIMEOUT}'`);
    const campaign = await tx.findOneOrFail(Campaign, { id: campaignId }, { filters: false, refresh: true });
    if (campaign.status === CampaignStatus.SCHEDULED) campaign.moveTo(CampaignStatus.RUNNING, now);
    const settings = await settingsOf(tx, campaign.tenantId);
    // Whether the offer is a deep discount is read only when something is planned (a trigger's pass often plans nothing).
    const plan = async (source: PlanSource) => planDeliveries(tx, { campaign, settings, deep: await deepOffer(tx, campaign, settings), now }, source);
    let counts: PlanCounts | null = null;
    const due = campaign.nextRunAt ?? now;
    const ended = !!campaign.endsAt && campaign.endsAt <= now;
    switch (campaign.schedule) {
      case CampaignSchedule.NOW:
      case CampaignSchedule.AT:
        counts = await plan({ sql: AUDIENCE_SQL, params: { occurrence: '-' } });
        campaign.nextRunAt = null;
        break;
      case CampaignSchedule.RECURRING: {
        if (!ended) counts = await plan({ sql: AUDIENCE_SQL, params: { occurrence: due.toISOString() } });
        let next = due.getTime() + campaign.everyDays! * DAY;
        while (next <= now.getTime()) next += campaign.everyDays! * DAY;
        campaign.nextRunAt = ended || (campaign.endsAt && next >= campaign.endsAt.getTime()) ? null : new Date(next);
        break;
      }
      case CampaignSchedule.TRIGGER: {
        const trigger = campaign.trigger!;
        // Events count from the launch, or from startsAt when that is later: the overlap never reaches before it.
        const start = campaign.launchedAt && campaign.startsAt && campaign.startsAt > campaign.launchedAt ? campaign.startsAt : (campaign.launchedAt ?? now);
        const checked = campaign.triggerCheckedUntil ?? start;
        const daily = DAILY_TRIGGERS.has(trigger.kind);
        // A date trigger checks its first day on its first pass, then once per local day.
        const sameDay = daily && checked > start && localDate(checked, settings.timezone) === localDate(now, settings.timezone);
        const to = ended ? campaign.endsAt! : now;
        if (!sameDay) {
          const from = daily ? checked : new Date(Math.max(checked.getTime() - TRIGGER_OVERLAP_MS, start.getTime()));
          const source = triggerSource(trigger, { from, to, timezone: settings.timezone, start });
          if (source) counts = await plan(source);
          campaign.triggerCheckedUntil = to;
        }
        campaign.nextRunAt = ended ? null : new Date(now.getTime() + triggerEveryMs);
        break;
      }
    }
    campaign.updatedAt = now;
    await tx.flush();
    return counts ?? { queued: 0, suppressed: {} };
  });
}

/**
 * Campaigns with nothing left to plan and nothing waiting to be sent become COMPLETED. Each is locked and
 * checked again in a later statement (a fresh snapshot), so deliveries a concurrent planning pass just
 * committed are seen.
 */
export async function completeFinished(em: EntityManager, now: Date): Promise<number> {
  const waiting = `exists (select 1 from campaign_delivery d where d.campaign_id = c.id and d.state in ('${DeliveryState.QUEUED}', '${DeliveryState.SENDING}'))`;
  const candidates = await boundRows<{ id: string }>(em, `select c.id from campaign c where c.status = 'RUNNING' and c.next_run_at is null and not ${waiting}`, []);
  let completed = 0;
  for (const { id } of candidates) {
    completed += await em.transactional(async (tx) => {
      const [row] = await boundRows<{ id: string }>(tx, `select id from campaign where id = ? and status = 'RUNNING' and next_run_at is null for update skip locked`, [id]);
      if (!row) return 0;
      const done = await boundRows<{ id: string }>(tx, `update campaign c set status = 'COMPLETED', finished_at = ?, updated_at = ? where c.id = ? and not ${waiting} returning c.id`, [now, now, id]);
      return done.length;
    });
  }
  return completed;
}

/** A cancelled campaign's waiting deliveries are SUPPRESSED (CAMPAIGN_CANCELLED); in-flight gateway posts finish. */
export async function dropQueued(em: EntityManager, campaign: Campaign): Promise<number> {
  const rows = await boundRows<{ id: string }>(
    em,
    `update campaign_delivery set state = '${DeliveryState.SUPPRESSED}', reason = '${SuppressionReason.CAMPAIGN_CANCELLED}', next_attempt_at = null
      where tenant_id = ? and campaign_id = ? and state = '${DeliveryState.QUEUED}' returning id`,
    [campaign.tenantId, campaign.id],
  );
  return rows.length;
}

/**
 * Gateway posts of a cancelled campaign whose sender died (lease ended, no answer recorded) are SUPPRESSED
 * (CAMPAIGN_CANCELLED): nothing sends for a cancelled campaign, so they would otherwise wait for ever.
 */
export async function dropAbandoned(em: EntityManager, now: Date): Promise<number> {
  const rows = await boundRows<{ id: string }>(
    em,
    `update campaign_delivery d set state = '${DeliveryState.SUPPRESSED}', reason = '${SuppressionReason.CAMPAIGN_CANCELLED}', next_attempt_at = null
       from campaign c
      where c.id = d.campaign_id and c.tenant_id = d.tenant_id and c.status = 'CANCELLED'
        and d.state = '${DeliveryState.SENDING}' and d.next_attempt_at <= ?
      returning d.id`,
    [now],
  );
  return rows.length;
}
