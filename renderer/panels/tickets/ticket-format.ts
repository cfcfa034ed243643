/**
 * How the ticket desk words times and states: time left or overdue (“剩余 3小时12分”, “超期 2天”), a clock read
 * again as the seconds pass, and the domain's Chinese/English labels in the window's language. Pure: the words come
 * from the locale files through the `t` handed in.
 */
import type { TicketRow } from '../../../shared/contract';
import { OPEN_STATUSES } from '../../../shared/domain/tickets/lifecycle';

/** A translation function, as i18next's `t` is called here. */
export type Translate = (key: string, values?: Record<string, string | number>) => string;

export const MINUTE = 60;
export const HOUR = 3600;
export const DAY = 86_400;

/** Which words a span takes: whole days from two days up, days and hours from one, then hours and minutes. */
export type DurationWords =
  | { key: 'days'; days: number }
  | { key: 'dayHours'; days: number; hours: number }
  | { key: 'hourMinutes'; hours: number; minutes: number }
  | { key: 'hours'; hours: number }
  | { key: 'minutes'; minutes: number }
  | { key: 'underMinute' };

/** A span of seconds (its sign ignored) in the units an operator reads at a glance; rounds down. */
export function durationWords(seconds: number): DurationWords {
  const span = Math.floor(Math.abs(seconds));
  const days = Math.floor(span / DAY);
  const hours = Math.floor((span % DAY) / HOUR);
  const minutes = Math.floor((span % HOUR) / MINUTE);
  if (days >= 2) return { key: 'days', days };
  if (days === 1) return hours > 0 ? { key: 'dayHours', days, hours } : { key: 'days', days };
  if (hours > 0) return minutes > 0 ? { key: 'hourMinutes', hours, minutes } : { key: 'hours', hours };
  if (minutes > 0) return { key: 'minutes', minutes };
  return { key: 'underMinute' };
}

/** “3小时12分” / “3 h 12 min”. */
export function formatDuration(seconds: number, t: Translate): string {
  const words = durationWords(seconds);
  const { key, ...values } = words;
  return t(`tickets.duration.${key}`, values);
}

/** “剩余 3小时12分” before the deadline, “超期 2天” after it. */
export function formatTimeLeft(secondsLeft: number, t: Translate): string {
  return t(secondsLeft >= 0 ? 'tickets.time.left' : 'tickets.time.overdue', {
    duration: formatDuration(secondsLeft, t),
  });
}

/**
 * How a ticket's clock reads in words: time left or overdue while it is open; once closed, the clock stopped at the
 * closing, so whether it closed in time (“按期办结”) or how late (“超期 2天办结”).
 */
export function formatClock(status: TicketRow['status'], secondsLeft: number, t: Translate): string {
  if (OPEN_STATUSES.includes(status)) return formatTimeLeft(secondsLeft, t);
  return secondsLeft >= 0
    ? t('tickets.time.closedInTime')
    : t('tickets.time.closedLate', { duration: formatDuration(secondsLeft, t) });
}

/**
 * The seconds left on a row's clock at `nowSeconds`, from what the board read at `readAt`: an open ticket's clock
 * keeps running between refetches; a closed one's stopped at its closing.
 */
export function secondsLeftAt(
  row: Pick<TicketRow, 'secondsLeft' | 'status'>,
  readAt: number,
  nowSeconds: number,
): number {
  return OPEN_STATUSES.includes(row.status) ? row.secondsLeft - Math.max(0, nowSeconds - readAt) : row.secondsLeft;
}

/** A `{ zh, en }` label in the window's language. */
export const bilingual = (label: { zh: string; en: string }, language: string): string =>
  language === 'en' ? label.en : label.zh;

/** A category group (tickets.getFilters' `group`, 0-based) as its level-1 code: 0 → "01". */
export const groupCode = (group: number): string => String(group + 1).padStart(2, '0');
