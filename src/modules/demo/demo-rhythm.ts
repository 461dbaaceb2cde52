import { DAY, HOUR, MINUTE, Rhythm, type DemoContext, type DemoMember } from './demo-context.js';
import type { Peak } from './demo-catalog.js';
import type { Random } from './demo-random.js';

/** Relative order volume by local hour (China, UTC+8): evenings busiest, nights quiet. */
const HOUR_WEIGHTS = [3, 1.5, 0.6, 0.3, 0.2, 0.3, 0.8, 1.8, 3, 4, 5, 5.5, 6, 5.5, 5, 5, 5.5, 6, 6, 7, 8.5, 9, 8, 5.5];
const CHINA_OFFSET = 8 * HOUR;

/** A time on the day of `at`, at an hour drawn from the daily curve. */
export function atShoppingHour(rng: Random, at: number): number {
  const localDay = Math.floor((at + CHINA_OFFSET) / DAY) * DAY - CHINA_OFFSET;
  return localDay + rng.weighted(HOUR_WEIGHTS) * HOUR + rng.int(0, 59) * MINUTE + rng.int(0, 59) * 1000;
}

/** The peak whose deals start within `days` after t, if any. */
function peakAhead(peaks: Peak[], t: number, days: number): Peak | undefined {
  for (const peak of peaks) if (peak.from > t && peak.from <= t + days * DAY) return peak;
  return undefined;
}

/** A moment in a peak, mostly on or just before the day itself. */
function inPeak(rng: Random, peak: Peak): number {
  const before = Math.min(rng.exponential(2.5) * DAY, peak.day - peak.from);
  return peak.day - Math.floor(before / DAY) * DAY;
}

/**
 * When a member orders. Gaps are drawn around the member's own mean, steadier for loyal regulars;
 * a purchase due shortly before a sales peak is often held back for it, and promotion-minded members
 * add peak orders on top. Lapsing members stop part-way through.
 */
export function orderTimes(ctx: DemoContext, member: DemoMember): number[] {
  const { rng } = member;
  if (member.rhythm === Rhythm.NONE) return [];
  const from = Math.max(ctx.start, member.joinedAt);
  const times: number[] = [];
  if (member.rhythm === Rhythm.ONE_TIME) {
    times.push(from + rng.next() * (ctx.end - from));
  } else {
    if (member.rhythm === Rhythm.LAPSING) member.activeUntil = from + rng.between(0.2, 0.6) * (ctx.end - from);
    const gap = member.gapDays * DAY;
    // Those who joined before the window are mid-rhythm at its start; newcomers buy soon after joining.
    let t = member.joinedAt >= ctx.start ? member.joinedAt + rng.exponential(2 * DAY) : ctx.start + rng.next() * gap;
    while (t < member.activeUntil) {
      times.push(t);
      t += Math.max(DAY / 2, rng.gamma(member.steadiness, gap));
    }
  }
  const last = times.length ? times[times.length - 1]! : from;
  for (let i = 0; i < times.length; i++) {
    const peak = peakAhead(ctx.peaks, times[i]!, 25);
    if (peak && rng.chance(member.promo)) times[i] = inPeak(rng, peak);
  }
  for (const peak of ctx.peaks) {
    if (peak.day >= from && peak.day <= last + member.gapDays * DAY && rng.chance(member.promo * 0.6)) times.push(inPeak(rng, peak));
  }
  return times
    .map((t) => Math.max(atShoppingHour(rng, t), member.joinedAt + 5 * MINUTE, ctx.start))
    .filter((t) => t < ctx.end)
    .sort((a, b) => a - b);
}
