import { fresh, payloadSucceeded, READERS, WRITERS, type RootFieldRule } from '../role-rules';
import type { TestApp } from '../harness';

const gqlAdmin = async (t: TestApp, key: string, query: string, variables: Record<string, unknown> = {}) => {
  const response = await t.gql(query, variables, { key });
  if (response.body.errors?.length) throw new Error(JSON.stringify(response.body.errors));
  return response.body.data as any;
};

/** A DRAFT SMS campaign of the fixture's tenant; `state` moves it on (the SMS channel is wired to the outbox first). */
async function campaign(t: TestApp, key: string, state: 'DRAFT' | 'SCHEDULED' | 'PAUSED' = 'DRAFT'): Promise<string> {
  await gqlAdmin(t, key, 'mutation { messageChannelConfigure(input: { channel: SMS, adapter: OUTBOX }) { userErrors { code } } }');
  const input = { name: fresh('campaign'), goal: 'CARE', channel: 'SMS', schedule: 'AT', startsAt: new Date(Date.now() + 86_400_000).toISOString(), variants: [{ key: 'A', body: 'Hi {{name}}' }] };
  const id = (await gqlAdmin(t, key, 'mutation($input: CampaignCreateInput!) { campaignCreate(input: $input) { campaign { id } } }', { input })).campaignCreate.campaign.id;
  if (state !== 'DRAFT') await gqlAdmin(t, key, 'mutation($id: ID!) { campaignLaunch(input: { id: $id }) { userErrors { code } } }', { id });
  if (state === 'PAUSED') await gqlAdmin(t, key, 'mutation($id: ID!) { campaignPause(input: { id: $id }) { userErrors { code } } }', { id });
  return id;
}

const move = (mutation: string, from: 'DRAFT' | 'SCHEDULED' | 'PAUSED', status: string): RootFieldRule => ({
  field: `Mutation.${mutation}`,
  allowed: WRITERS,
  operation: `mutation($id: ID!) { ${mutation}(input: { id: $id }) { campaign { status } userErrors { code } } }`,
  prepare: async (t, fx) => ({ id: await campaign(t, fx.tenant.keys.ADMIN, from) }),
  check: (result) => {
    payloadSucceeded(result);
    expect(result.campaign.status).toBe(status);
  },
});

/** Who may read, write, launch and measure campaigns, and wire channels. */
export const CAMPAIGN_RULES: RootFieldRule[] = [
  {
    field: 'Query.campaign',
    allowed: READERS,
    operation: 'query($id: ID!) { campaign(id: $id) { id status } }',
    prepare: async (t, fx) => ({ id: await campaign(t, fx.tenant.keys.ADMIN) }),
    check: (result) => expect(result.status).toBe('DRAFT'),
  },
  {
    field: 'Query.campaigns',
    allowed: READERS,
    operation: '{ campaigns(first: 5) { totalCount } }',
    prepare: async (t, fx) => (await campaign(t, fx.tenant.keys.ADMIN), {}),
    check: (result) => expect(result.totalCount).toBeGreaterThanOrEqual(1),
  },
  {
    field: 'Query.campaignPreview',
    allowed: READERS,
    operation: 'query($id: ID!) { campaignPreview(id: $id) { audience sendable } }',
    prepare: async (t, fx) => ({ id: await campaign(t, fx.tenant.keys.ADMIN) }),
    check: (result) => expect(result.audience).toBeGreaterThanOrEqual(result.sendable),
  },
  {
    field: 'Query.campaignReports',
    allowed: READERS,
    operation: 'query($since: DateTime!, $until: DateTime!) { campaignReports(since: $since, until: $until, first: 5) { totalCount } }',
    variables: () => ({ since: new Date(Date.now() - 86_400_000).toISOString(), until: new Date(Date.now() + 60_000).toISOString() }),
    check: (result) => expect(result.totalCount).toBeGreaterThanOrEqual(0),
  },
  {
    field: 'Query.campaignSettings',
    allowed: READERS,
    operation: '{ campaignSettings { timezone capMessages } }',
    check: (result) => expect(result.capMessages).toBeGreaterThanOrEqual(1),
  },
  {
    field: 'Query.messageChannels',
    allowed: READERS,
    operation: '{ messageChannels { channel adapter } }',
    check: (result) => expect(Array.isArray(result)).toBe(true),
  },
  {
    field: 'Query.outboxMessages',
    allowed: WRITERS,
    operation: '{ outboxMessages(first: 5) { totalCount } }',
    check: (result) => expect(result.totalCount).toBeGreaterThanOrEqual(0),
  },
  {
    field: 'Mutation.campaignCreate',
    allowed: WRITERS,
    operation: 'mutation($input: CampaignCreateInput!) { campaignCreate(input: $input) { campaign { status } userErrors { code } } }',
    variables: () => ({ input: { name: fresh('campaign'), goal: 'REPURCHASE', channel: 'EMAIL' } }),
    check: (result) => {
      payloadSucceeded(result);
      expect(result.campaign.status).toBe('DRAFT');
    },
  },
  {
    field: 'Mutation.campaignUpdate',
    allowed: WRITERS,
    operation: 'mutation($id: ID!) { campaignUpdate(input: { id: $id, controlPercent: 10 }) { campaign { controlPercent } userErrors { code } } }',
    prepare: async (t, fx) => ({ id: await campaign(t, fx.tenant.keys.ADMIN) }),
    check: (result) => {
      payloadSucceeded(result);
      expect(result.campaign.controlPercent).toBe(10);
    },
  },
  move('campaignLaunch', 'DRAFT', 'SCHEDULED'),
  move('campaignPause', 'SCHEDULED', 'PAUSED'),
  move('campaignResume', 'PAUSED', 'SCHEDULED'),
  move('campaignCancel', 'DRAFT', 'CANCELLED'),
  {
    field: 'Mutation.campaignSettingsUpdate',
    allowed: WRITERS,
    operation: 'mutation { campaignSettingsUpdate(input: { capMessages: 3 }) { settings { capMessages } userErrors { code } } }',
    check: (result) => {
      payloadSucceeded(result);
      expect(result.settings.capMessages).toBe(3);
    },
  },
  {
    field: 'Mutation.messageChannelConfigure',
    allowed: WRITERS,
    operation: 'mutation { messageChannelConfigure(input: { channel: PUSH, adapter: WEBHOOK, url: "https://gateway.example.com/push", rotateSecret: true }) { channel { adapter } signingSecret userErrors { code } } }',
    check: (result) => {
      payloadSucceeded(result);
      expect(result.signingSecret).toMatch(/^\S{20,}$/);
    },
  },
];
