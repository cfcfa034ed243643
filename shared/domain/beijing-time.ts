/**
 * Calendar days and months in Beijing time (UTC+8 all year, no daylight saving), over epoch seconds: what "today",
 * "this month" and a range of dates mean on the console, wherever the machine's own clock zone is set.
 */

export const BEIJING_OFFSET_S = 8 * 3600;
export const DAY_S = 86_400;

/** 00:00 Beijing time of the day that holds `epochSeconds`. */
export function beijingDayStart(epochSeconds: number): number {
  return Math.floor((epochSeconds + BEIJING_OFFSET_S) / DAY_S) * DAY_S - BEIJING_OFFSET_S;
}

/** 00:00 Beijing time on the first of the month that holds `epochSeconds`. */
export function beijingMonthStart(epochSeconds: number): number {
  const local = new Date((epochSeconds + BEIJING_OFFSET_S) * 1000);
  return Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), 1) / 1000 - BEIJING_OFFSET_S;
}

/** 00:00 Beijing time on the first of the next month. */
export function beijingNextMonthStart(epochSeconds: number): number {
  const local = new Date((epochSeconds + BEIJING_OFFSET_S) * 1000);
  return Date.UTC(local.getUTCFullYear(), local.getUTCMonth() + 1, 1) / 1000 - BEIJING_OFFSET_S;
}

/** 00:00 Beijing time of a calendar date; `month` is 1–12. */
export function beijingDate(year: number, month: number, day: number): number {
  return Date.UTC(year, month - 1, day) / 1000 - BEIJING_OFFSET_S;
}

/** `YYYY-MM-DD` → 00:00 Beijing time of that date; throws on anything else. */
export function parseBeijingDate(text: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) throw new RangeError(`not a date (YYYY-MM-DD): ${text}`);
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const start = beijingDate(year, month, day);
  if (formatBeijingDate(start) !== text) throw new RangeError(`no such date: ${text}`);
  return start;
}

/** The Beijing calendar date of an instant, `YYYY-MM-DD`. */
export function formatBeijingDate(epochSeconds: number): string {
  return new Date((epochSeconds + BEIJING_OFFSET_S) * 1000).toISOString().slice(0, 10);
}

/** A half-open window of epoch seconds: `from` inclusive, `to` exclusive. */
export interface TimeWindow {
  from: number;
  to: number;
}

export const TIME_PRESETS = ['today', 'month'] as const;
/** The dashboard's fixed ranges: today (the Beijing calendar day) and this month (the Beijing calendar month). */
export type TimePreset = (typeof TIME_PRESETS)[number];

/** The whole calendar day or month that holds `now` (the part after `now` holds nothing yet). */
export function presetWindow(preset: TimePreset, now: number): TimeWindow {
  if (preset === 'today') {
    const from = beijingDayStart(now);
    return { from, to: from + DAY_S };
  }
  return { from: beijingMonthStart(now), to: beijingNextMonthStart(now) };
}

/** A custom range of whole dates, both ends included: `2026-10-01`…`2026-10-07` is seven days. */
export function dateRangeWindow(firstDate: string, lastDate: string): TimeWindow {
  const from = parseBeijingDate(firstDate);
  const to = parseBeijingDate(lastDate) + DAY_S;
  if (to <= from) throw new RangeError(`the range ends before it starts: ${firstDate} … ${lastDate}`);
  return { from, to };
}
