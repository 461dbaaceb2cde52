import { Channel } from '../../core/channel.js';
import { ConsentChannel, IdentityChannel } from '../member/member.enums.js';
import { StoreType } from '../store/store.entity.js';
import { CATEGORIES, EMAIL_DOMAINS, GIVEN_FEMALE, GIVEN_MALE, MOBILE_PREFIXES, PLACES, PLACE_WEIGHTS, SURNAMES } from './demo-catalog.js';
import { DAY, Rhythm, type DemoContext, type DemoMember, type StoreRef } from './demo-context.js';
import { IdKind, Random } from './demo-random.js';
import { iso } from './demo-rows.js';

/** [rhythm, share of members, mean days between orders (min, max), steadiness]. */
const RHYTHMS: readonly (readonly [Rhythm, number, number, number, number])[] = [
  [Rhythm.NONE, 0.08, 0, 0, 1],
  [Rhythm.ONE_TIME, 0.25, 0, 0, 1],
  [Rhythm.OCCASIONAL, 0.22, 90, 180, 2],
  [Rhythm.REGULAR, 0.26, 30, 60, 3],
  [Rhythm.LOYAL, 0.11, 10, 24, 4],
  [Rhythm.LAPSING, 0.06, 20, 50, 3],
  [Rhythm.BIG_SPENDER, 0.02, 18, 40, 3],
];
const RHYTHM_WEIGHTS = RHYTHMS.map((entry) => entry[1]);

/** Chance that a member of a new registration grants each channel. */
const CONSENT_RATE: Record<ConsentChannel, number> = { SMS: 0.6, EMAIL: 0.5, PUSH: 0.7, CHAT: 0.55 };

// A bijection of [0, 1e8): distinct members get distinct phone numbers, scattered like real ones.
const phoneDigits = (index: number, seed: number) => String((index * 48_271 + (seed % 1000) * 7_919) % 100_000_000).padStart(8, '0');

function homeStore(ctx: DemoContext, rng: Random, city: string): StoreRef {
  const offline = ctx.stores.find((store) => store.type === StoreType.OFFLINE_STORE && store.city === city);
  // Shares of members by their main place to buy: marketplaces lead, stores only where there is one.
  const choice = rng.weighted([0.34, 0.14, 0.14, 0.14, offline ? 0.3 : 0]);
  if (choice === 4) return offline!;
  return ctx.stores.filter((store) => store.type !== StoreType.OFFLINE_STORE)[choice]!;
}

/** Draws a member and writes their member, identity, consent and tag rows. */
export function createMember(ctx: DemoContext, index: number): DemoMember {
  const rng = new Random(ctx.seed, index + 1);
  const { ids, rows } = ctx;
  const [rhythm, , gapMin, gapMax, steadiness] = RHYTHMS[rng.weighted(RHYTHM_WEIGHTS)]!;
  const span = ctx.end - ctx.start;
  // Two in five joined before the window; the rest over it, so newcomers keep arriving.
  const joinedAt = Math.floor(rng.chance(0.4) ? ctx.start - rng.next() * span : ctx.start + rng.next() * span * 0.97);
  const [province, city] = PLACES[rng.weighted(PLACE_WEIGHTS)]!;
  const home = homeStore(ctx, rng, city);
  const onlineStores = ctx.stores.filter((store) => store.type !== StoreType.OFFLINE_STORE && store !== home);
  const online = onlineStores.filter(() => rng.chance(0.35));
  const member: DemoMember = {
    index,
    id: ids.id(IdKind.member, index),
    rng,
    joinedAt,
    rhythm,
    gapDays: rng.between(gapMin, gapMax),
    steadiness,
    promo: rng.between(0.05, rhythm === Rhythm.ONE_TIME ? 0.8 : 0.5),
    bigSpender: rhythm === Rhythm.BIG_SPENDER,
    city,
    home,
    online,
    categories: [rng.pick(CATEGORIES), rng.pick(CATEGORIES)],
    consents: {},
    activeUntil: ctx.end,
    seq: { touchpoint: 0, order: 0, item: 0, refund: 0 },
  };

  const female = rng.chance(0.62);
  const gender = rng.chance(0.05) ? 'UNKNOWN' : female ? 'FEMALE' : 'MALE';
  const surname = rng.pick(SURNAMES);
  const given = rng.pick(female ? GIVEN_FEMALE : GIVEN_MALE);
  const birthday = rng.chance(0.6) ? iso(Date.UTC(1965, 0, 1) + rng.int(0, 38 * 365) * DAY).slice(0, 10) : null;
  const phone = rng.chance(0.92) ? `+86${rng.pick(MOBILE_PREFIXES)}${phoneDigits(index, ctx.seed)}` : null;
  const email = rng.chance(0.35) ? `${given}.${surname}${index}@${rng.pick(EMAIL_DOMAINS)}`.toLowerCase() : null;
  const address = rng.chance(0.5) ? `No. ${rng.int(1, 999)} ${rng.pick(['Renmin', 'Jiefang', 'Zhongshan', 'Jianshe', 'Heping', 'Xinhua'])} Road` : null;
  const offline = home.type === StoreType.OFFLINE_STORE;
  const joined = iso(joinedAt);
  rows.add('member', member.id, joined, `${surname} ${given}`, gender, birthday, phone, email, province, city, address, home.id, home.channel, 'ACTIVE', joined);

  const identities: [IdentityChannel, string][] = [];
  if (phone) identities.push([IdentityChannel.PHONE, phone]);
  if (email) identities.push([IdentityChannel.EMAIL, email]);
  const stores = [home, ...online];
  if (stores.some((store) => store.channel === Channel.MARKETPLACE)) identities.push([IdentityChannel.MARKETPLACE_NICK, `${given}_${surname}_${index.toString(36)}`.toLowerCase()]);
  if (stores.some((store) => store.channel === Channel.APP)) identities.push([IdentityChannel.APP_USER, `app-${index}`]);
  if (stores.some((store) => store.channel === Channel.WEB)) identities.push([IdentityChannel.WEB_ACCOUNT, `web-${index}`]);
  if (offline) identities.push([IdentityChannel.MEMBER_CARD, `${home.code}-${String(index).padStart(8, '0')}`]);
  const wechat = rng.chance(0.6);
  if (wechat) identities.push([IdentityChannel.WECHAT_OPENID, `o${ctx.seed.toString(36)}x${index.toString(36)}${rng.int(1e5, 1e6 - 1).toString(36)}`]);
  identities.forEach(([channel, externalId], n) => rows.add('member_identity', ids.id(IdKind.identity, index, n), joined, member.id, channel, externalId));

  const reachable: Record<ConsentChannel, boolean> = { SMS: !!phone, EMAIL: !!email, PUSH: stores.some((store) => store.channel === Channel.APP), CHAT: wechat };
  let events = 0;
  Object.values(ConsentChannel).forEach((channel, n) => {
    if (!reachable[channel]) return;
    const granted = rng.chance(CONSENT_RATE[channel]);
    const source = offline ? 'store-registration' : 'checkout';
    rows.add('member_consent_event', ids.id(IdKind.consentEvent, index, events++), joined, member.id, channel, granted, source, joined);
    let current = { granted, source, at: joinedAt };
    if (granted) {
      // One in six later withdraws (an unsubscribe link, a STOP reply).
      const until = rng.chance(1 / 6) ? joinedAt + rng.next() * (ctx.end - Math.max(joinedAt, ctx.start)) : Infinity;
      member.consents[channel] = { from: joinedAt, until };
      if (until < ctx.end) {
        current = { granted: false, source: 'unsubscribe', at: Math.floor(until) };
        rows.add('member_consent_event', ids.id(IdKind.consentEvent, index, events++), iso(current.at), member.id, channel, false, current.source, iso(current.at));
      }
    }
    rows.add('member_consent', ids.id(IdKind.consent, index, n), iso(current.at), member.id, channel, current.granted, current.source, iso(current.at));
  });

  const tags: string[] = [];
  if (member.bigSpender || (rhythm === Rhythm.LOYAL && rng.chance(0.5))) tags.push('VIP');
  if (rng.chance(0.005)) tags.push('KOL');
  if (rng.chance(0.003)) tags.push('staff');
  tags.forEach((tag, n) => rows.add('member_tag', ids.id(IdKind.tag, index, n), joined, member.id, tag));
  return member;
}
