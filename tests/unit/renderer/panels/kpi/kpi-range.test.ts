import { describe, expect, it } from 'vitest';
import {
  defaultCustomDates,
  formatShare,
  handlingTimeWords,
  kpiRange,
  lastDayOf,
} from '../../../../../renderer/panels/kpi/kpi-range';
import { beijingDate } from '../../../../../shared/domain/beijing-time';

describe('kpiRange', () => {
  it('passes the presets through for the main process to read against its clock', () => {
    expect(kpiRange({ kind: 'today' })).toBe('today');
    expect(kpiRange({ kind: 'month' })).toBe('month');
  });

  it('turns whole Beijing days into epoch seconds, the last day included', () => {
    // 2026-10-01 00:00 Beijing is 2026-09-30 16:00 UTC.
    expect(kpiRange({ kind: 'custom', first: '2026-10-01', last: '2026-10-07' })).toEqual({
      from: Date.UTC(2026, 8, 30, 16) / 1000,
      to: Date.UTC(2026, 9, 7, 16) / 1000,
    });
    expect(kpiRange({ kind: 'custom', first: '2026-10-01', last: '2026-10-01' })).toEqual({
      from: beijingDate(2026, 10, 1),
      to: beijingDate(2026, 10, 2),
    });
  });

  it('is undefined for an empty, impossible or reversed range', () => {
    expect(kpiRange({ kind: 'custom', first: '', last: '2026-10-07' })).toBeUndefined();
    expect(kpiRange({ kind: 'custom', first: '2026-02-30', last: '2026-03-01' })).toBeUndefined();
    expect(kpiRange({ kind: 'custom', first: '2026-10-08', last: '2026-10-07' })).toBeUndefined();
  });

  it('starts the custom inputs at the first of the Beijing month', () => {
    // 2026-10-31 20:00 UTC is already 1 November in Beijing.
    expect(defaultCustomDates(Date.UTC(2026, 9, 31, 20) / 1000)).toEqual({ first: '2026-11-01', last: '2026-11-01' });
    expect(lastDayOf(beijingDate(2026, 10, 8))).toBe('2026-10-07');
  });
});

describe('figures', () => {
  it('formats shares as percentages with one decimal', () => {
    expect(formatShare(0.96543, 'zh-CN')).toBe('96.5%');
    expect(formatShare(1, 'en')).toBe('100.0%');
    expect(formatShare(null, 'en')).toBe('—');
  });

  it('reads handling time in days from a day up, else hours', () => {
    expect(handlingTimeWords(4.08 * 86_400)).toEqual({ key: 'days', value: 4.1 });
    expect(handlingTimeWords(5.25 * 3600)).toEqual({ key: 'hours', value: 5.3 });
    expect(handlingTimeWords(null)).toEqual({ key: 'none' });
  });
});
