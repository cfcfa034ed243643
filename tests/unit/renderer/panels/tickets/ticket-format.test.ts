import i18next from 'i18next';
import { beforeAll, describe, expect, it } from 'vitest';
import en from '../../../../../renderer/app/i18n/locales/en.json';
import zhCN from '../../../../../renderer/app/i18n/locales/zh-CN.json';
import {
  DAY,
  HOUR,
  durationWords,
  formatClock,
  formatTimeLeft,
  groupCode,
  secondsLeftAt,
  type Translate,
} from '../../../../../renderer/panels/tickets/ticket-format';

let zh: Translate;
let english: Translate;
beforeAll(async () => {
  const instance = i18next.createInstance();
  await instance.init({
    resources: { 'zh-CN': { translation: zhCN }, en: { translation: en } },
    lng: 'zh-CN',
    interpolation: { escapeValue: false },
  });
  zh = (key, values) => instance.t(key, { ...values, lng: 'zh-CN' });
  english = (key, values) => instance.t(key, { ...values, lng: 'en' });
});

describe('durationWords', () => {
  it.each([
    [30, { key: 'underMinute' }],
    [12 * 60 + 59, { key: 'minutes', minutes: 12 }],
    [3 * HOUR, { key: 'hours', hours: 3 }],
    [3 * HOUR + 12 * 60 + 40, { key: 'hourMinutes', hours: 3, minutes: 12 }],
    [DAY, { key: 'days', days: 1 }],
    [DAY + 5 * HOUR + 59 * 60, { key: 'dayHours', days: 1, hours: 5 }],
    [2 * DAY + 23 * HOUR, { key: 'days', days: 2 }],
    [-(2 * DAY + 600), { key: 'days', days: 2 }],
  ])('%i s', (seconds, words) => {
    expect(durationWords(seconds)).toEqual(words);
  });
});

describe('formatTimeLeft', () => {
  it('reads time left and overdue in Chinese', () => {
    expect(formatTimeLeft(3 * HOUR + 12 * 60, zh)).toBe('剩余 3小时12分');
    expect(formatTimeLeft(-(2 * DAY + 3 * HOUR), zh)).toBe('超期 2天');
    expect(formatTimeLeft(-(DAY + 2 * HOUR), zh)).toBe('超期 1天2小时');
    expect(formatTimeLeft(20, zh)).toBe('剩余 不足1分');
  });

  it('and in English', () => {
    expect(formatTimeLeft(3 * HOUR + 12 * 60, english)).toBe('3 h 12 min left');
    expect(formatTimeLeft(-(2 * DAY), english)).toBe('2 d overdue');
  });
});

describe('formatClock', () => {
  it('reads an open ticket as time left or overdue', () => {
    expect(formatClock('handling', -(2 * DAY), zh)).toBe('超期 2天');
  });

  it('reads a closed ticket as closed in time or how late', () => {
    expect(formatClock('evaluated', 3600, zh)).toBe('按期办结');
    expect(formatClock('resolved', -(3 * HOUR + 5 * 60), zh)).toBe('超期 3小时5分 办结');
    expect(formatClock('feedback', -(2 * DAY), english)).toBe('closed 2 d late');
  });
});

describe('secondsLeftAt', () => {
  it('runs an open ticket’s clock on from the board’s reading', () => {
    expect(secondsLeftAt({ status: 'handling', secondsLeft: 600 }, 1000, 1900)).toBe(-300);
  });

  it('keeps a closed ticket’s clock where it stopped', () => {
    expect(secondsLeftAt({ status: 'resolved', secondsLeft: 600 }, 1000, 1900)).toBe(600);
  });
});

describe('groupCode', () => {
  it('turns a 0-based category group into its level-1 code', () => {
    expect(groupCode(0)).toBe('01');
    expect(groupCode(11)).toBe('12');
  });
});
