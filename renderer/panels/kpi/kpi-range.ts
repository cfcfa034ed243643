/**
 * The KPI dashboard's range and figures: today, this month (the Beijing calendar; the main process reads its own
 * clock for these) or a custom run of whole Beijing calendar days as epoch seconds; rates as percentages and handling
 * times in days or hours. Pure.
 */
import type { TicketsKpiRequest } from './kpi-types';
import { DAY_S, dateRangeWindow, formatBeijingDate, beijingMonthStart } from '../../../shared/domain/beijing-time';

export type KpiRangeChoice =
  | { kind: 'today' }
  | { kind: 'month' }
  /** `YYYY-MM-DD`, both days included. */
  | { kind: 'custom'; first: string; last: string };

/** The request's range; undefined while a custom range is incomplete or ends before it starts. */
export function kpiRange(choice: KpiRangeChoice): TicketsKpiRequest['range'] | undefined {
  if (choice.kind !== 'custom') return choice.kind;
  try {
    return dateRangeWindow(choice.first, choice.last);
  } catch {
    return undefined;
  }
}

/** What the custom inputs start with: from the first of this month to today (Beijing calendar). */
export function defaultCustomDates(nowSeconds: number): { first: string; last: string } {
  return { first: formatBeijingDate(beijingMonthStart(nowSeconds)), last: formatBeijingDate(nowSeconds) };
}

/** The last day a window covers (its end is exclusive). */
export const lastDayOf = (to: number): string => formatBeijingDate(to - DAY_S);

/** A share (0..1) as a percentage with one decimal; null (nothing to divide) as a dash. */
export function formatShare(share: number | null, language: string): string {
  if (share === null || !Number.isFinite(share)) return '—';
  return `${(share * 100).toLocaleString(language, { minimumFractionDigits: 1, maximumFractionDigits: 1 })}%`;
}

/** Handling time: in days from a day up, in hours below (one decimal); null as a dash. */
export function handlingTimeWords(seconds: number | null): { key: 'days' | 'hours'; value: number } | { key: 'none' } {
  if (seconds === null || !Number.isFinite(seconds)) return { key: 'none' };
  if (seconds >= DAY_S) return { key: 'days', value: Math.round((seconds / DAY_S) * 10) / 10 };
  return { key: 'hours', value: Math.round((seconds / 3600) * 10) / 10 };
}
