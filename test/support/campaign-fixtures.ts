import type { Config } from '../../src/app/config';
import { dataOf, type TestApp, type TestTenant } from './harness';
import { createMember, grantConsent } from './access-fixtures';

/** A runner that passes every 100 ms, so tests wait for sends in fractions of a second. */
export function fastCampaigns(base: Config['campaigns'], overrides: Partial<Config['campaigns']> = {}): Config['campaigns'] {
  return { ...base, tickMs: 100, triggerEveryMs: 100, ...overrides };
}

export const CAMPAIGN_FIELDS = `id name status schedule channel controlPercent nextRunAt launchedAt finishedAt
  variants { key weight subject body } offer { kind couponTemplateId points }
  progress { queued sending sent failed suppressed suppressedBy { reason count } }`;

export async function configureChannel(t: TestApp, tenant: TestTenant, input: Record<string, unknown> = {}) {
  const payload = dataOf(
    await t.gql(
      'mutation($input: MessageChannelConfigureInput!) { messageChannelConfigure(input: $input) { channel { channel adapter url costPerMessage maxAttempts } signingSecret userErrors { field code message } } }',
      { input: { channel: 'SMS', adapter: 'OUTBOX', ...input } },
      { key: tenant.keys.ADMIN },
    ),
  ).messageChannelConfigure;
  if (payload.userErrors.length) throw new Error(`messageChannelConfigure failed: ${JSON.stringify(payload.userErrors)}`);
  return payload as { channel: Record<string, unknown>; signingSecret: string | null };
}

export async function tryCreateCampaign(t: TestApp, tenant: TestTenant, input: Record<string, unknown>) {
  return dataOf(
    await t.gql(`mutation($input: CampaignCreateInput!) { campaignCreate(input: $input) { campaign { ${CAMPAIGN_FIELDS} } userErrors { field code message } } }`, { input }, { key: tenant.keys.ADMIN }),
  ).campaignCreate;
}

export async function createCampaign(t: TestApp, tenant: TestTenant, input: Record<string, unknown> = {}) {
  const payload = await tryCreateCampaign(t, tenant, {
    name: 'Spring repurchase',
    goal: 'REPURCHASE',
    channel: 'SMS',
    variants: [{ key: 'A', body: 'Hi {{name}}, you have {{points}} points.' }],
    ...input,
  });
  if (payload.userErrors.length) throw new Error(`campaignCreate failed: ${JSON.stringify(payload.userErrors)}`);
  return payload.campaign as { id: string; [key: string]: any };
}

export async function campaignMove(t: TestApp, tenant: TestTenant, mutation: 'campaignLaunch' | 'campaignPause' | 'campaignResume' | 'campaignCancel', id: string) {
  return dataOf(await t.gql(`mutation($id: ID!) { ${mutation}(input: { id: $id }) { campaign { ${CAMPAIGN_FIELDS} } userErrors { field code message } } }`, { id }, { key: tenant.keys.ADMIN }))[mutation] as {
    campaign: any;
    userErrors: { field: string[]; code: string; message: string }[];
  };
}

export async function launch(t: TestApp, tenant: TestTenant, id: string) {
  const payload = await campaignMove(t, tenant, 'campaignLaunch', id);
  if (payload.userErrors.length) throw new Error(`campaignLaunch failed: ${JSON.stringify(payload.userErrors)}`);
  return payload.campaign;
}

export async function campaignOf(t: TestApp, tenant: TestTenant, id: string) {
  return dataOf(await t.gql(`query($id: ID!) { campaign(id: $id) { ${CAMPAIGN_FIELDS} } }`, { id }, { key: tenant.keys.ANALYST })).campaign as any;
}

/** Polls until the campaign reaches one of the statuses (and nothing is queued or sending). */
export async function waitForStatus(t: TestApp, tenant: TestTenant, id: string, statuses: string[] = ['COMPLETED'], timeoutMs = 20_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const campaign = await campaignOf(t, tenant, id);
    if (statuses.includes(campaign.status) && !campaign.progress.queued && !campaign.progress.sending) return campaign;
    if (Date.now() > until) throw new Error(`campaign stayed ${campaign.status} with ${JSON.stringify(campaign.progress)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Polls fn until it returns a truthy value. */
export async function eventually<T>(fn: () => Promise<T>, timeoutMs = 20_000, what = 'condition'): Promise<NonNullable<T>> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value as NonNullable<T>;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export async function deliveriesOf(t: TestApp, tenant: TestTenant, id: string) {
  const nodes: any[] = [];
  let after: string | null = null;
  for (;;) {
    const page: any = dataOf(
      await t.gql(
        `query($id: ID!, $after: String) { campaign(id: $id) { deliveries(first: 250, after: $after) { pageInfo { hasNextPage endCursor } nodes { id occurrence variant state reason sentAt attempts lastError couponId rewardPoints prize cost member { id } } } } }`,
        { id, after },
        { key: tenant.keys.ANALYST },
      ),
    ).campaign.deliveries;
    nodes.push(...page.nodes);
    if (!page.pageInfo.hasNextPage) return nodes;
    after = page.pageInfo.endCursor;
  }
}

export async function outboxOf(t: TestApp, tenant: TestTenant, campaignId?: string) {
  const nodes: any[] = [];
  let after: string | null = null;
  for (;;) {
    const page: any = dataOf(
      await t.gql(
        `query($campaignId: ID, $after: String) { outboxMessages(campaignId: $campaignId, first: 250, after: $after) { pageInfo { hasNextPage endCursor } nodes { id deliveryId memberId channel recipient subject body } } }`,
        { campaignId, after },
        { key: tenant.keys.ADMIN },
      ),
    ).outboxMessages;
    nodes.push(...page.nodes);
    if (!page.pageInfo.hasNextPage) return nodes;
    after = page.pageInfo.endCursor;
  }
}

let phones = 0;
/** A member with a phone and SMS consent (unless told otherwise). */
export async function smsMember(t: TestApp, tenant: TestTenant, options: { consent?: boolean; phone?: boolean; name?: string; birthday?: string } = {}): Promise<string> {
  phones++;
  const phone = `+86138${String(process.pid % 1000).padStart(3, '0')}${String(phones).padStart(5, '0')}`;
  const id = await createMember(t, tenant.keys.ADMIN, {
    displayName: options.name ?? `Member ${phones}`,
    ...(options.phone === false ? {} : { phone }),
    ...(options.birthday ? { birthday: options.birthday } : {}),
  });
  if (options.consent !== false) await grantConsent(t, tenant.keys.ADMIN, id, 'SMS');
  return id;
}

export async function updateSettings(t: TestApp, tenant: TestTenant, input: Record<string, unknown>) {
  return dataOf(
    await t.gql(
      'mutation($input: CampaignSettingsUpdateInput!) { campaignSettingsUpdate(input: $input) { settings { timezone quietHoursStart quietHoursEnd capMessages capDays deepDiscountPercent } userErrors { field code message } } }',
      { input },
      { key: tenant.keys.ADMIN },
    ),
  ).campaignSettingsUpdate;
}
