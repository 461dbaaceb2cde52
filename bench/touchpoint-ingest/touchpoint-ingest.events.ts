import { toGlobalId } from '../../src/core/relay/global-id.js';
import type { IngestTenant } from './touchpoint-ingest.seed.js';

export const BATCH = 1_000;

/** The mutation under test: counts only, so the response is small and the cost is the write. */
export const RECORD_MUTATION = `mutation($e:[TouchpointEventInput!]!){ touchpointsRecord(input:{events:$e}){ accepted duplicates rejected } }`;

/** One stored row as the server resolves it (member id, store id): what COPY writes again. */
export interface SentRow {
  memberId: string;
  type: string;
  channel: string;
  storeId: string | null;
  occurredAt: string;
  source: string;
  properties: string;
}

interface Kind {
  type: string;
  channel: string;
  source: string;
  weight: number;
  props(r: () => number): Record<string, unknown>;
  store?: boolean;
}

const sku = (r: () => number) => `SKU-${10_000 + Math.floor(r() * 5_000)}`;
const KINDS: Kind[] = [
  { type: 'PAGE_VIEW', channel: 'WEB', source: 'web-tracker', weight: 30, props: (r) => ({ path: `/c/${Math.floor(r() * 200)}`, referrer: 'search' }) },
  { type: 'PRODUCT_VIEW', channel: 'APP', source: 'app-sdk', weight: 25, props: (r) => ({ sku: sku(r), price: 1000 + Math.floor(r() * 90_000) }) },
  { type: 'SEARCH', channel: 'WEB', source: 'web-tracker', weight: 10, props: (r) => ({ q: `query ${Math.floor(r() * 1_000)}`, results: Math.floor(r() * 80) }) },
  { type: 'CART_ADD', channel: 'APP', source: 'app-sdk', weight: 8, props: (r) => ({ sku: sku(r), quantity: 1 + Math.floor(r() * 3) }) },
  { type: 'FAVORITE', channel: 'MARKETPLACE', source: 'tmall-connector', weight: 5, props: (r) => ({ sku: sku(r) }) },
  { type: 'MESSAGE_OPENED', channel: 'EMAIL', source: 'esp', weight: 7, props: (r) => ({ campaign: `c-${Math.floor(r() * 40)}` }) },
  { type: 'MESSAGE_CLICKED', channel: 'SMS', source: 'sms-gateway', weight: 3, props: (r) => ({ campaign: `c-${Math.floor(r() * 40)}`, link: 'offer' }) },
  { type: 'INQUIRY', channel: 'CHAT', source: 'wecom', weight: 4, props: (r) => ({ topic: r() < 0.5 ? 'size' : 'delivery' }) },
  { type: 'PARCEL_DELIVERED', channel: 'PARCEL', source: 'courier', weight: 3, props: (r) => ({ carrier: r() < 0.5 ? 'SF' : 'JD' }) },
  { type: 'STORE_VISIT', channel: 'STORE', source: 'pos', weight: 5, store: true, props: (r) => ({ minutes: 5 + Math.floor(r() * 60) }) },
];
const TOTAL_WEIGHT = KINDS.reduce((sum, kind) => sum + kind.weight, 0);

/** mulberry32: small, fast, deterministic per client. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * Batches of realistic events for one client: half the members named by APP_USER identity, half by id;
 * unique event ids; occurred in the last 30 days. Keeps the rows it sent, resolved, for COPY later.
 */
export class EventSource {
  private readonly r: () => number;
  private seq = 0;
  private readonly storeCodes: string[];
  private readonly globalIds: string[];

  constructor(
    private readonly tenant: IngestTenant,
    private readonly runTag: string,
    private readonly client: number,
    private readonly sent: SentRow[],
  ) {
    this.r = random(client + 1);
    this.storeCodes = [...tenant.stores.keys()];
    this.globalIds = tenant.memberIds.map((id) => toGlobalId('Member', id));
  }

  /** The variables of one touchpointsRecord call. */
  nextBatch(): { e: Record<string, unknown>[] } {
    const now = Date.now();
    const events: Record<string, unknown>[] = [];
    for (let i = 0; i < BATCH; i++) {
      const n = Math.floor(this.r() * this.tenant.memberIds.length);
      let pick = this.r() * TOTAL_WEIGHT;
      const kind = KINDS.find((k) => (pick -= k.weight) < 0) ?? KINDS[0]!;
      const storeCode = kind.store ? this.storeCodes[Math.floor(this.r() * this.storeCodes.length)]! : undefined;
      const occurredAt = new Date(now - Math.floor(this.r() * 30 * 86_400_000)).toISOString();
      const properties = kind.props(this.r);
      const byIdentity = this.r() < 0.5;
      events.push({
        eventId: `${this.runTag}-c${this.client}-${this.seq++}`,
        member: byIdentity ? { identity: { channel: 'APP_USER', externalId: this.tenant.appUsers[n] } } : { id: this.globalIds[n] },
        type: kind.type,
        channel: kind.channel,
        occurredAt,
        ...(storeCode ? { storeCode } : {}),
        source: kind.source,
        properties,
      });
      this.sent.push({
        memberId: this.tenant.memberIds[n]!,
        type: kind.type,
        channel: kind.channel,
        storeId: storeCode ? this.tenant.stores.get(storeCode)! : null,
        occurredAt,
        source: kind.source,
        properties: JSON.stringify(properties),
      });
    }
    return { e: events };
  }
}
