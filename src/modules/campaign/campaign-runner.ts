import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { AppServices } from '../../core/context.js';
import { boundRows } from '../../core/db/bound.js';
import type { Logger } from '../../core/logger.js';
import { completeFinished, dropAbandoned, planDue } from './campaign-schedule.js';
import { sendBatch, settingsOf } from './campaign-send.js';
import { leaseRetries, postLeased, webhookWiring } from './campaign-webhook.js';
import { quietNow } from './campaign-quiet.js';
import { DeliveryState } from './campaign.enums.js';
import type { Campaign } from './campaign.entity.js';

export interface CampaignRunnerOptions {
  /** Time between passes when nothing wakes the runner. */
  tickMs: number;
  /** Deliveries per send transaction. */
  batchSize: number;
  /** How often a TRIGGER campaign looks for new events. */
  triggerEveryMs: number;
  /** Gateway posts in flight at once. */
  webhookConcurrency: number;
  /** A pass stops starting batches after this long, so plans and other campaigns get their turn. */
  passBudgetMs: number;
}

/**
 * Plans and sends campaigns in the background of every server process. Each pass: plan what is due
 * (a campaign row locked per plan, so instances share the work), send QUEUED deliveries in batches
 * (each batch one transaction: a process killed mid-send loses or doubles nothing), re-post gateway
 * retries, and complete campaigns with nothing left. Quiet hours hold a tenant's sends, not its plans.
 */
export class CampaignRunner {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  /** Per campaign, the last delivery id this process claimed: its next batch starts after it. */
  private readonly cursors = new Map<string, string>();
  /** Per campaign, when this process last gave it a turn. */
  private readonly served = new Map<string, number>();

  constructor(
    private readonly orm: MikroORM,
    private readonly logger: Logger,
    private readonly options: CampaignRunnerOptions,
  ) {}

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** Runs a pass soon (after a launch or resume in this process). */
  kick(): void {
    if (this.stopped) return;
    if (this.running) this.again = true;
    else this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.running = this.pass()
        .catch((error: unknown) => this.logger.error({ errorName: (error as Error).name, errorCode: (error as { code?: string }).code }, 'campaign pass failed'))
        .finally(() => {
          this.running = null;
          const again = this.again;
          this.again = false;
          this.schedule(again ? 0 : this.options.tickMs);
        });
    }, ms);
    this.timer.unref?.();
  }

  private em(): EntityManager {
    return this.orm.em.fork({ clear: true, useContext: false }) as EntityManager;
  }

  /** One pass over every tenant's campaigns; exported for tests and the CLI through `runOnce`. */
  async pass(now = new Date()): Promise<void> {
    const due = await boundRows<{ id: string }>(this.em(), `select id from campaign where status in ('SCHEDULED', 'RUNNING') and next_run_at <= ? order by next_run_at limit 200`, [now]);
    for (const { id } of due) {
      if (this.stopped) return;
      await this.isolated(id, 'campaign planning failed', () => planDue(this.em(), id, new Date(), this.options.triggerEveryMs));
    }
    const started = Date.now();
    const sendable = await boundRows<{ id: string; tenant_id: string }>(
      this.em(),
      `select c.id, c.tenant_id from campaign c
        where c.status = 'RUNNING'
          and exists (select 1 from campaign_delivery d where d.campaign_id = c.id and d.state in ('${DeliveryState.QUEUED}', '${DeliveryState.SENDING}')
                        and (d.next_attempt_at is null or d.next_attempt_at <= ?))
        order by c.created_at`,
      [new Date()],
    );
    const quiet = new Map<string, boolean>();
    // The campaign this process served longest ago goes first: a pass's budget does not always go to the same one.
    sendable.sort((a, b) => (this.served.get(a.id) ?? 0) - (this.served.get(b.id) ?? 0));
    for (const { id, tenant_id: tenantId } of sendable) {
      if (Date.now() - started >= this.options.passBudgetMs) {
        this.again = true;
        break;
      }
      if (!quiet.has(tenantId)) quiet.set(tenantId, quietNow(await settingsOf(this.em(), tenantId), new Date()));
      if (quiet.get(tenantId)) continue;
      this.served.set(id, Date.now());
      await this.isolated(id, 'campaign sending failed', () => this.sendCampaign(id, started));
    }
    // Campaigns with nothing to send leave the maps (they would otherwise grow with every campaign ever sent).
    const live = new Set(sendable.map((row) => row.id));
    for (const id of [...this.served.keys()]) if (!live.has(id)) this.served.delete(id);
    for (const id of [...this.cursors.keys()]) if (!live.has(id)) this.cursors.delete(id);
    await dropAbandoned(this.em(), new Date());
    await completeFinished(this.em(), new Date());
  }

  /** One campaign's failure is logged (kind only: driver messages may quote data) and does not hold up the others. */
  private async isolated(campaignId: string, message: string, work: () => Promise<unknown>): Promise<void> {
    try {
      await work();
    } catch (error) {
      this.logger.error({ campaignId, errorName: (error as Error).name, errorCode: (error as { code?: string }).code }, message);
    }
  }

  private async sendCampaign(id: string, started: number): Promise<void> {
    while (!this.stopped && Date.now() - started < this.options.passBudgetMs) {
      const retries = await leaseRetries(this.em(), id, this.options.batchSize, new Date());
      if (retries?.messages.length) await this.post(retries.campaign, retries.messages);
      const after = this.cursors.get(id) ?? null;
      const batch = await sendBatch(this.em(), id, this.options.batchSize, new Date(), after);
      if (batch?.lastId) this.cursors.set(id, batch.lastId);
      else this.cursors.delete(id);
      if (batch?.toPost.length) await this.post(batch.campaign, batch.toPost);
      // Nothing past the cursor: look once more from the start before calling the campaign done for this pass.
      if (!batch?.claimed && after && batch) continue;
      if (!batch?.claimed && !retries?.messages.length) return;
    }
    this.again = true;
  }

  private async post(campaign: Campaign, messages: { id: string; payload: Record<string, unknown>; attempts: number }[]): Promise<void> {
    const em = this.em();
    const wiring = await webhookWiring(em, campaign.tenantId, campaign.channel);
    if (!wiring) return;
    const counts = await postLeased(em, campaign, wiring, messages, this.options.webhookConcurrency);
    this.logger.info({ campaignId: campaign.id, ...counts }, 'campaign webhook batch');
  }
}

const runners = new WeakMap<AppServices, CampaignRunner>();

export function attachCampaignRunner(app: AppServices, runner: CampaignRunner): void {
  runners.set(app, runner);
}

/** This process's runner, if it runs one (it does unless campaigns are switched off in the config). */
export function campaignRunnerOf(app: AppServices): CampaignRunner | undefined {
  return runners.get(app);
}
