import { LockMode } from '@mikro-orm/core';
import { tenantIdOf, type GraphQLContext } from '../../core/context.js';
import { fail, ok, userError, UserErrorCode, type Outcome } from '../../core/errors.js';
import { idOf } from '../../core/relay/global-id.js';
import { applySpec, launchProblems, type PrizeSpec } from './campaign-spec.js';
import { campaignRunnerOf } from './campaign-runner.js';
import { dropQueued, firstRun } from './campaign-schedule.js';
import { Campaign, CampaignPrize, CampaignStateError } from './campaign.entity.js';
import { MessageChannel } from './campaign-settings.entity.js';
import { CampaignOfferKind, CampaignSchedule, CampaignStatus, CampaignTriggerKind, ChannelAdapterKind } from './campaign.enums.js';
import { Tenant } from '../tenant/tenant.entity.js';
import type { CampaignCreateInput, CampaignIdInput, CampaignUpdateInput } from './campaign.inputs.js';
import type { EntityManager } from '@mikro-orm/postgresql';

const notFound = () => fail<Campaign>(userError(['input', 'id'], 'no campaign of yours has this id', UserErrorCode.NOT_FOUND));
const illegal = (error: CampaignStateError) => fail<Campaign>(userError(['input', 'id'], error.message, UserErrorCode.INVALID_TRANSITION));

/** Campaign use cases: write a draft, launch it, and move it through its states. */
export class CampaignService {
  constructor(private readonly ctx: GraphQLContext) {}

  async create(input: CampaignCreateInput): Promise<Outcome<Campaign>> {
    const tenantId = tenantIdOf(this.ctx);
    const campaign = Object.assign(new Campaign(), { tenantId, schedule: CampaignSchedule.NOW, variants: [], offer: { kind: CampaignOfferKind.NONE } });
    const errors = [];
    if (input.name == null) errors.push(userError(['input', 'name'], 'a campaign needs a name', UserErrorCode.INVALID));
    if (!input.goal) errors.push(userError(['input', 'goal'], 'a campaign needs a goal', UserErrorCode.INVALID));
    if (!input.channel) errors.push(userError(['input', 'channel'], 'a campaign needs a channel', UserErrorCode.INVALID));
    const checked = await applySpec(this.ctx.em, tenantId, campaign, input);
    errors.push(...checked.errors);
    if (errors.length) return fail(...errors);
    this.ctx.em.persist(campaign);
    await this.replacePrizes(this.ctx.em, campaign, checked.prizes);
    await this.ctx.em.flush();
    return ok(campaign);
  }

  async update(input: CampaignUpdateInput): Promise<Outcome<Campaign>> {
    return this.withCampaign(input.id, async (em, campaign) => {
      if (!campaign.editable) return fail(userError(['input', 'id'], `a ${campaign.status} campaign cannot be changed; only a DRAFT can`, UserErrorCode.INVALID_TRANSITION));
      const checked = await applySpec(em, campaign.tenantId, campaign, input);
      if (checked.errors.length) return fail(...checked.errors);
      campaign.updatedAt = new Date();
      await this.replacePrizes(em, campaign, checked.prizes);
      return ok(campaign);
    });
  }

  /** A DRAFT starts: RUNNING at once, or SCHEDULED until startsAt. */
  async launch(input: CampaignIdInput): Promise<Outcome<Campaign>> {
    const outcome = await this.withCampaign(input.id, async (em, campaign) => {
      const now = new Date();
      if (campaign.status !== CampaignStatus.DRAFT) return illegal(new CampaignStateError(campaign.status, CampaignStatus.RUNNING));
      const problems = launchProblems(campaign, now);
      const wiring = await em.findOne(MessageChannel, { tenantId: campaign.tenantId, channel: campaign.channel });
      if (!wiring) problems.push(userError(['input', 'id'], `the ${campaign.channel} channel is not configured: see messageChannelConfigure`, UserErrorCode.INVALID));
      else if (wiring.adapter === ChannelAdapterKind.WEBHOOK && !wiring.url) problems.push(userError(['input', 'id'], `the ${campaign.channel} webhook has no URL`, UserErrorCode.INVALID));
      const threshold = campaign.trigger?.kind === CampaignTriggerKind.CHURN_RISK_CROSSED ? campaign.trigger.threshold : null;
      if (threshold != null) {
        const { churnThresholds } = await em.findOneOrFail(Tenant, { id: campaign.tenantId });
        if (!churnThresholds.some((value) => Math.abs(value - threshold) < 1e-9)) {
          problems.push(userError(['input', 'id'], `crossings are recorded only for the churn thresholds ${churnThresholds.join(', ')}; ${threshold} is not one of them`, UserErrorCode.INVALID));
        }
      }
      if (problems.length) return fail(...problems);
      const { status, nextRunAt } = firstRun(campaign, now);
      campaign.moveTo(status, now);
      campaign.nextRunAt = nextRunAt;
      campaign.launchedAt = now;
      if (campaign.schedule === CampaignSchedule.TRIGGER) campaign.triggerCheckedUntil = campaign.startsAt && campaign.startsAt > now ? campaign.startsAt : now;
      return ok(campaign);
    });
    if (outcome.ok) campaignRunnerOf(this.ctx.app)?.kick();
    return outcome;
  }

  /** Stops planning and sending; a batch in progress finishes first (the row lock waits for it). */
  pause(input: CampaignIdInput): Promise<Outcome<Campaign>> {
    return this.move(input.id, () => CampaignStatus.PAUSED);
  }

  /** Goes on: RUNNING, or SCHEDULED when it has not started yet. */
  async resume(input: CampaignIdInput): Promise<Outcome<Campaign>> {
    const outcome = await this.move(input.id, async (em, campaign) => {
      if (campaign.status !== CampaignStatus.PAUSED) throw new CampaignStateError(campaign.status, CampaignStatus.RUNNING);
      const started = (await em.getConnection().execute<{ n: number }[]>('select count(*)::int as n from campaign_delivery where campaign_id = ?', [campaign.id]))[0]!.n > 0;
      return !started && campaign.nextRunAt && campaign.nextRunAt > new Date() ? CampaignStatus.SCHEDULED : CampaignStatus.RUNNING;
    });
    if (outcome.ok) campaignRunnerOf(this.ctx.app)?.kick();
    return outcome;
  }

  /** Ends it for good: deliveries still waiting are SUPPRESSED (CAMPAIGN_CANCELLED). */
  async cancel(input: CampaignIdInput): Promise<Outcome<Campaign>> {
    return this.move(input.id, () => CampaignStatus.CANCELLED, (em, campaign) => dropQueued(em, campaign).then(() => undefined));
  }

  private async move(
    globalId: string,
    target: (em: EntityManager, campaign: Campaign) => CampaignStatus | Promise<CampaignStatus>,
    after?: (em: EntityManager, campaign: Campaign) => Promise<void>,
  ): Promise<Outcome<Campaign>> {
    return this.withCampaign(globalId, async (em, campaign) => {
      try {
        campaign.moveTo(await target(em, campaign), new Date());
      } catch (error) {
        if (error instanceof CampaignStateError) return illegal(error);
        throw error;
      }
      await after?.(em, campaign);
      return ok(campaign);
    });
  }

  /** Runs work on the caller's campaign inside a transaction holding its row (waits for a send batch in progress). */
  private async withCampaign(globalId: string, work: (em: EntityManager, campaign: Campaign) => Promise<Outcome<Campaign>>): Promise<Outcome<Campaign>> {
    const id = idOf(globalId, 'Campaign');
    if (!id) return notFound();
    const outcome = await this.ctx.em.transactional(async (em) => {
      const campaign = await em.findOne(Campaign, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
      if (!campaign) return notFound();
      const result = await work(em, campaign);
      if (!result.ok) em.clear();
      return result;
    });
    return outcome;
  }

  private async replacePrizes(em: EntityManager, campaign: Campaign, prizes: PrizeSpec[] | undefined): Promise<void> {
    if (!prizes) return;
    await em.nativeDelete(CampaignPrize, { campaignId: campaign.id });
    for (const prize of prizes) em.persist(Object.assign(new CampaignPrize(), { ...prize, tenantId: campaign.tenantId, campaignId: campaign.id }));
  }
}
