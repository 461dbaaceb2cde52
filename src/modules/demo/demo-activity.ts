import { Channel } from '../../core/channel.js';
import { ConsentChannel } from '../member/member.enums.js';
import { StoreType } from '../store/store.entity.js';
import { TouchpointType } from '../touchpoint/touchpoint.enums.js';
import { CATEGORIES, PRODUCTS } from './demo-catalog.js';
import { DAY, HOUR, MINUTE, Rhythm, type DemoContext, type DemoMember, type StoreRef } from './demo-context.js';
import { IdKind } from './demo-random.js';
import { iso } from './demo-rows.js';
import { atShoppingHour } from './demo-rhythm.js';

interface TouchOptions {
  store?: StoreRef;
  orderId?: string;
  source?: string;
}

/** Writes one touchpoint; event ids not given are the member's own sequence, as a sender's would be. */
export function touch(ctx: DemoContext, member: DemoMember, type: TouchpointType, channel: Channel, at: number, properties: string | null, eventId: string | null, options: TouchOptions = {}): void {
  if (!ctx.activity) return;
  const seq = member.seq.touchpoint++;
  const when = iso(at);
  ctx.rows.add('touchpoint', ctx.ids.id(IdKind.touchpoint, member.index, seq), when, member.id, type, null, channel, options.store?.id ?? null, when, options.source ?? 'demo', properties, eventId ?? `demo-${member.index}-${seq}`, options.orderId ?? null);
}

/** Browsing sessions over two years, by how engaged a member is. */
const SESSIONS: Record<Rhythm, number> = {
  NONE: 2, ONE_TIME: 2, OCCASIONAL: 2, REGULAR: 3, LOYAL: 4, LAPSING: 3, BIG_SPENDER: 4,
};
const TOPICS = ['delivery time', 'product advice', 'invoice', 'membership points', 'stock in store', 'return policy'];
/** [opened, clicked] rates by channel: SMS opens are not tracked, only its link clicks. */
const VIA: Record<ConsentChannel, Channel> = { SMS: Channel.SMS, EMAIL: Channel.EMAIL, PUSH: Channel.PUSH, CHAT: Channel.CHAT };
const ENGAGEMENT: Record<ConsentChannel, readonly [number, number]> = { SMS: [0, 0.04], EMAIL: [0.22, 0.2], PUSH: [0.12, 0.25], CHAT: [0.45, 0.2] };

/** Touchpoints that are not about an order: browsing, inquiries, card binding and marketing messages. */
export function writeActivity(ctx: DemoContext, member: DemoMember): void {
  const { rng } = member;
  const from = Math.max(ctx.start, member.joinedAt);
  // Lapsing members drift away: a few more visits after their last order, then silence.
  const until = Math.min(ctx.end, member.activeUntil + 60 * DAY);
  const share = Math.max(0, until - from) / (ctx.end - ctx.start);
  const webStores = [member.home, ...member.online].filter((store) => store.type !== StoreType.OFFLINE_STORE);
  if (!webStores.length) webStores.push(ctx.stores.find((store) => store.type === StoreType.WEB_MALL)!);

  for (let s = rng.poisson(SESSIONS[member.rhythm] * share); s > 0; s--) {
    const store = rng.pick(webStores);
    let at = Math.min(atShoppingHour(rng, from + rng.next() * (until - from)), ctx.end - HOUR);
    touch(ctx, member, TouchpointType.PAGE_VIEW, store.channel, at, null, null, { store });
    if (rng.chance(0.4)) touch(ctx, member, TouchpointType.SEARCH, store.channel, (at += MINUTE), `{"query": "${rng.pick(CATEGORIES).toLowerCase()}"}`, null, { store });
    for (let v = rng.int(1, 2); v > 0; v--) touch(ctx, member, TouchpointType.PRODUCT_VIEW, store.channel, (at += rng.int(1, 5) * MINUTE), `{"sku": "${rng.pick(PRODUCTS).sku}"}`, null, { store });
    if (rng.chance(0.1)) touch(ctx, member, TouchpointType.FAVORITE, store.channel, (at += MINUTE), `{"sku": "${rng.pick(PRODUCTS).sku}"}`, null, { store });
  }
  for (let q = rng.poisson(0.3 * share); q > 0; q--) {
    touch(ctx, member, TouchpointType.INQUIRY, Channel.CHAT, Math.min(atShoppingHour(rng, from + rng.next() * (until - from)), ctx.end - HOUR), `{"topic": "${rng.pick(TOPICS)}"}`, null, { source: 'customer-service' });
  }
  if (member.home.type === StoreType.OFFLINE_STORE) touch(ctx, member, TouchpointType.CARD_BOUND, Channel.STORE, member.joinedAt, null, null, { store: member.home, source: 'pos' });

  for (const campaign of ctx.campaigns) {
    for (const channel of Object.values(ConsentChannel)) {
      const consent = member.consents[channel];
      // Messages go only to members who had granted that channel at the time.
      if (!consent || campaign.at < consent.from || campaign.at >= consent.until || !rng.chance(0.25)) continue;
      const sentAt = campaign.at + rng.int(0, 90) * MINUTE;
      const properties = `{"campaign": "${campaign.name}"}`;
      const via = VIA[channel];
      touch(ctx, member, TouchpointType.MESSAGE_SENT, via, sentAt, properties, null, { source: 'campaigns' });
      const [opened, clicked] = ENGAGEMENT[channel];
      const open = rng.chance(opened);
      if (open) touch(ctx, member, TouchpointType.MESSAGE_OPENED, via, sentAt + rng.int(1, 600) * MINUTE, properties, null, { source: 'campaigns' });
      if ((open || channel === ConsentChannel.SMS) && rng.chance(clicked)) touch(ctx, member, TouchpointType.MESSAGE_CLICKED, via, sentAt + rng.int(601, 900) * MINUTE, properties, null, { source: 'campaigns' });
    }
  }
}
