import type { CampaignSettings } from './campaign-settings.entity.js';

/** Minutes after local midnight of an instant in a time zone. */
export function localMinute(at: Date, timezone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone: timezone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(at);
  const value = (type: string) => Number(parts.find((part) => part.type === type)?.value ?? 0);
  return value('hour') * 60 + value('minute');
}

/** Whether `at` falls in the tenant's quiet hours (start inclusive, end exclusive; a start after the end wraps midnight). */
export function quietNow(settings: Pick<CampaignSettings, 'quietStartMinute' | 'quietEndMinute' | 'timezone'>, at: Date): boolean {
  const { quietStartMinute: start, quietEndMinute: end } = settings;
  if (start == null || end == null || start === end) return false;
  const minute = localMinute(at, settings.timezone);
  return start < end ? minute >= start && minute < end : minute >= start || minute < end;
}

/** "HH:MM" to minutes after midnight, or null when it is not a time. */
export function parseClock(value: string): number | null {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(value);
  return match ? Number(match[1]) * 60 + Number(match[2]) : null;
}

export const formatClock = (minute: number) => `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
