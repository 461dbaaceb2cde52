import { tenantIdOf, type GraphQLContext } from '../../core/context.js';
import { fail, ok, userError, UserErrorCode, type Outcome, type UserError } from '../../core/errors.js';
import { randomSecret } from '../../core/auth/secrets.js';
import { settingsOf } from './campaign-send.js';
import { parseClock } from './campaign-quiet.js';
import { CampaignSettings, MessageChannel } from './campaign-settings.entity.js';
import { ChannelAdapterKind } from './campaign.enums.js';
import type { CampaignSettingsUpdateInput, MessageChannelConfigureInput } from './campaign.inputs.js';
import { validateWebhookUrl } from './webhook-client.js';

const validZone = (zone: string) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};

const intIn = (errors: UserError[], field: string, value: number | null | undefined, min: number, max: number) => {
  if (value != null && (!Number.isInteger(value) || value < min || value > max)) errors.push(userError(['input', field], `${field} must be a whole number from ${min} to ${max}`, UserErrorCode.INVALID));
};

/** The tenant's sending rules and channel wiring. */
export class CampaignSettingsService {
  constructor(private readonly ctx: GraphQLContext) {}

  settings(): Promise<CampaignSettings> {
    return settingsOf(this.ctx.em, tenantIdOf(this.ctx));
  }

  async update(input: CampaignSettingsUpdateInput): Promise<Outcome<CampaignSettings>> {
    const tenantId = tenantIdOf(this.ctx);
    const errors: UserError[] = [];
    if (input.timezone != null && !validZone(input.timezone)) errors.push(userError(['input', 'timezone'], `"${input.timezone}" is not an IANA time zone`, UserErrorCode.INVALID));
    const start = input.quietHoursStart == null ? undefined : parseClock(input.quietHoursStart);
    const end = input.quietHoursEnd == null ? undefined : parseClock(input.quietHoursEnd);
    if (start === null) errors.push(userError(['input', 'quietHoursStart'], 'quietHoursStart must be HH:MM', UserErrorCode.INVALID));
    if (end === null) errors.push(userError(['input', 'quietHoursEnd'], 'quietHoursEnd must be HH:MM', UserErrorCode.INVALID));
    if ((start === undefined) !== (end === undefined)) errors.push(userError(['input', 'quietHoursEnd'], 'give quietHoursStart and quietHoursEnd together', UserErrorCode.INVALID));
    if (start != null && start === end) errors.push(userError(['input', 'quietHoursEnd'], 'quiet hours must not start and end at the same time', UserErrorCode.INVALID));
    if (input.clearQuietHours && start !== undefined) errors.push(userError(['input', 'clearQuietHours'], 'clearQuietHours cannot be combined with new quiet hours', UserErrorCode.INVALID));
    intIn(errors, 'capMessages', input.capMessages, 1, 100);
    intIn(errors, 'capDays', input.capDays, 1, 365);
    intIn(errors, 'deepDiscountPercent', input.deepDiscountPercent, 1, 100);
    if (errors.length) return fail(...errors);
    const settings = (await this.ctx.em.findOne(CampaignSettings, { tenantId })) ?? this.ctx.em.create(CampaignSettings, { tenantId } as CampaignSettings);
    if (input.timezone != null) settings.timezone = input.timezone;
    if (start != null && end != null) Object.assign(settings, { quietStartMinute: start, quietEndMinute: end });
    if (input.clearQuietHours) Object.assign(settings, { quietStartMinute: null, quietEndMinute: null });
    if (input.capMessages != null) settings.capMessages = input.capMessages;
    if (input.capDays != null) settings.capDays = input.capDays;
    if (input.deepDiscountPercent != null) settings.deepDiscountPercent = input.deepDiscountPercent;
    settings.updatedAt = new Date();
    await this.ctx.em.persist(settings).flush();
    return ok(settings);
  }

  channels(): Promise<MessageChannel[]> {
    return this.ctx.em.find(MessageChannel, {}, { orderBy: { channel: 'asc' } });
  }

  /** Wires a channel; a new WEBHOOK channel (or rotateSecret) returns its signing secret, this once. */
  async configure(input: MessageChannelConfigureInput): Promise<Outcome<{ wiring: MessageChannel; signingSecret: string | null }>> {
    const tenantId = tenantIdOf(this.ctx);
    const errors: UserError[] = [];
    if (input.adapter === ChannelAdapterKind.WEBHOOK) {
      const problem = input.url == null ? 'a WEBHOOK channel needs a url' : validateWebhookUrl(input.url);
      if (problem) errors.push(userError(['input', 'url'], problem, UserErrorCode.INVALID));
    } else if (input.url != null) errors.push(userError(['input', 'url'], 'only a WEBHOOK channel has a url', UserErrorCode.INVALID));
    intIn(errors, 'costPerMessage', input.costPerMessage, 0, 1_000_000);
    intIn(errors, 'maxAttempts', input.maxAttempts, 1, 20);
    if (errors.length) return fail(...errors);
    const existing = await this.ctx.em.findOne(MessageChannel, { tenantId, channel: input.channel });
    const wiring = existing ?? this.ctx.em.create(MessageChannel, { tenantId, channel: input.channel, adapter: input.adapter } as MessageChannel);
    let signingSecret: string | null = null;
    if (!existing || input.rotateSecret || (existing.adapter !== ChannelAdapterKind.WEBHOOK && input.adapter === ChannelAdapterKind.WEBHOOK)) {
      wiring.signingSecret = randomSecret();
      signingSecret = input.adapter === ChannelAdapterKind.WEBHOOK ? wiring.signingSecret : null;
    }
    wiring.adapter = input.adapter;
    wiring.url = input.adapter === ChannelAdapterKind.WEBHOOK ? input.url! : null;
    if (input.costPerMessage != null) wiring.costPerMessage = input.costPerMessage;
    if (input.maxAttempts != null) wiring.maxAttempts = input.maxAttempts;
    wiring.updatedAt = new Date();
    await this.ctx.em.persist(wiring).flush();
    return ok({ wiring, signingSecret });
  }
}
