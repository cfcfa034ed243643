/**
 * Ticket deadlines at a controllable clock: every boundary (warning, deadline, escalation) read just before, at and
 * just after, for long and short tickets, under the default policy and a custom one, and with the clock stopped.
 */
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_DEADLINE_POLICY,
  deadlineOf,
  deadlineState,
  type DeadlinePolicy,
  type DeadlineStateName,
  type TicketClock,
} from '../../../../../shared/domain/tickets/deadlines';

const HOUR = 3600;
/** 2025-07-20 08:00 Beijing time, in epoch seconds. */
const T0 = 1_752_969_600;

const clock = (hours: number, extra: Partial<TicketClock> = {}): TicketClock => ({
  roundStartedAt: T0,
  deadlineAt: deadlineOf(T0, hours),
  resolvedAt: null,
  escalatedAt: null,
  ...extra,
});

/** Steps a clock second by second over [from, to] and records the first moment of each state it reads. */
function sweep(ticket: TicketClock, from: number, to: number, policy?: DeadlinePolicy): [DeadlineStateName, number][] {
  const changes: [DeadlineStateName, number][] = [];
  for (let now = from; now <= to; now += 1) {
    const { state } = deadlineState(ticket, now, policy);
    if (changes.at(-1)?.[0] !== state) changes.push([state, now]);
  }
  return changes;
}

describe('deadlineOf', () => {
  it('adds the category hours to the start, shortened by priority', () => {
    expect(deadlineOf(T0, 72)).toBe(T0 + 72 * HOUR);
    expect(deadlineOf(T0, 72, 'routine')).toBe(T0 + 72 * HOUR);
    expect(deadlineOf(T0, 72, 'urgent')).toBe(T0 + 36 * HOUR);
    expect(deadlineOf(T0, 72, 'emergency')).toBe(T0 + 18 * HOUR);
    expect(deadlineOf(T0, 1, 'emergency')).toBe(T0 + 900);
  });

  it('refuses a deadline that is not positive, and a start that is not a time', () => {
    for (const hours of [0, -1, Number.NaN, Infinity]) expect(() => deadlineOf(T0, hours)).toThrow(RangeError);
    expect(() => deadlineOf(Number.NaN, 24)).toThrow(RangeError);
  });
});

describe('deadlineState under the default policy', () => {
  it('a 72-hour ticket warns for its last 20% (14.4 h, more than 2 h) and escalates a day after the deadline', () => {
    const ticket = clock(72);
    const deadline = T0 + 72 * HOUR;
    const warnFrom = deadline - 0.2 * 72 * HOUR;
    const escalateAfter = deadline + 24 * HOUR; // a day comes before half the time (36 h)
    const read = (now: number) => deadlineState(ticket, now);

    expect(read(T0)).toMatchObject({ state: 'on-time', secondsLeft: 72 * HOUR, secondsOverdue: 0 });
    expect(read(warnFrom - 1).state).toBe('on-time');
    expect(read(warnFrom)).toMatchObject({ state: 'warning', warnFrom, secondsLeft: 0.2 * 72 * HOUR });
    expect(read(warnFrom + 1).state).toBe('warning');
    expect(read(deadline - 1)).toMatchObject({ state: 'warning', secondsLeft: 1 });
    // At the deadline itself the ticket is not yet overdue (as the map counts: reported_at + hours < now).
    expect(read(deadline)).toMatchObject({ state: 'warning', secondsLeft: 0, secondsOverdue: 0 });
    expect(read(deadline + 1)).toMatchObject({ state: 'overdue', secondsLeft: 0, secondsOverdue: 1 });
    expect(read(escalateAfter)).toMatchObject({ state: 'overdue', escalateAfter, escalationDue: false });
    expect(read(escalateAfter + 1)).toMatchObject({
      state: 'escalated',
      secondsOverdue: 24 * HOUR + 1,
      escalationDue: true,
      stopped: false,
    });

    expect(sweep(ticket, warnFrom - 5, escalateAfter + 5)).toEqual([
      ['on-time', warnFrom - 5],
      ['warning', warnFrom],
      ['overdue', deadline + 1],
      ['escalated', escalateAfter + 1],
    ]);
  });

  it('a 4-hour ticket warns for its last 2 hours, which come before its last 20%', () => {
    const ticket = clock(4);
    const deadline = T0 + 4 * HOUR;
    expect(deadlineState(ticket, T0).warnFrom).toBe(deadline - 2 * HOUR);
    // Half of four hours comes before a day.
    expect(deadlineState(ticket, T0).escalateAfter).toBe(deadline + 2 * HOUR);
    expect(sweep(ticket, T0, deadline + 2 * HOUR + 1)).toEqual([
      ['on-time', T0],
      ['warning', deadline - 2 * HOUR],
      ['overdue', deadline + 1],
      ['escalated', deadline + 2 * HOUR + 1],
    ]);
  });

  it('a 1-hour ticket warns from the start and escalates half an hour after the deadline', () => {
    const ticket = clock(1);
    const deadline = T0 + HOUR;
    expect(deadlineState(ticket, T0)).toMatchObject({ state: 'warning', warnFrom: T0, escalateAfter: deadline + 1800 });
    expect(sweep(ticket, T0 - 2, deadline + 1801)).toEqual([
      ['on-time', T0 - 2],
      ['warning', T0],
      ['overdue', deadline + 1],
      ['escalated', deadline + 1801],
    ]);
  });

  it('is no longer due for escalation once the round has been escalated', () => {
    const late = T0 + 72 * HOUR + 25 * HOUR;
    expect(deadlineState(clock(72), late).escalationDue).toBe(true);
    const escalated = deadlineState(clock(72, { escalatedAt: late - 60 }), late);
    expect(escalated).toMatchObject({ state: 'escalated', escalationDue: false });
  });
});

describe('deadlineState under a policy of its caller', () => {
  const policy: DeadlinePolicy = { warnShare: 0, warnSeconds: 600, graceShare: Infinity, graceSeconds: 3600 };

  it('warns for exactly warnSeconds and escalates after exactly graceSeconds', () => {
    const deadline = T0 + 72 * HOUR;
    expect(sweep(clock(72), deadline - 601, deadline + 3601, policy)).toEqual([
      ['on-time', deadline - 601],
      ['warning', deadline - 600],
      ['overdue', deadline + 1],
      ['escalated', deadline + 3601],
    ]);
  });

  it('takes the larger warning window and the smaller grace ("whichever comes first")', () => {
    const reading = deadlineState(clock(10), T0, {
      warnShare: 0.5,
      warnSeconds: HOUR,
      graceShare: 0.1,
      graceSeconds: 2 * HOUR,
    });
    expect(reading.warnFrom).toBe(T0 + 5 * HOUR);
    expect(reading.escalateAfter).toBe(T0 + 10 * HOUR + HOUR);
  });

  it('refuses a policy out of range', () => {
    const bad: DeadlinePolicy[] = [
      { ...DEFAULT_DEADLINE_POLICY, warnShare: 1.5 },
      { ...DEFAULT_DEADLINE_POLICY, warnShare: -0.1 },
      { ...DEFAULT_DEADLINE_POLICY, warnSeconds: -1 },
      { ...DEFAULT_DEADLINE_POLICY, graceShare: Number.NaN },
      { ...DEFAULT_DEADLINE_POLICY, graceSeconds: Infinity },
    ];
    for (const policy of bad) expect(() => deadlineState(clock(24), T0, policy)).toThrow(RangeError);
  });
});

describe('the clock stops when the round is resolved', () => {
  const deadline = T0 + 72 * HOUR;
  const later = deadline + 30 * 24 * HOUR;

  it('a ticket resolved before its deadline reads on-time for ever, with the time it had left', () => {
    const reading = deadlineState(clock(72, { resolvedAt: T0 + 10 * HOUR }), later);
    expect(reading).toMatchObject({ state: 'on-time', stopped: true, secondsLeft: 62 * HOUR, secondsOverdue: 0 });
  });

  it('a ticket resolved inside the warning window or at the deadline reads on-time, not warning', () => {
    expect(deadlineState(clock(72, { resolvedAt: deadline - 60 }), later).state).toBe('on-time');
    expect(deadlineState(clock(72, { resolvedAt: deadline }), later).state).toBe('on-time');
  });

  it('a ticket resolved late reads overdue by what it was late, and never comes due for escalation', () => {
    expect(deadlineState(clock(72, { resolvedAt: deadline + 1 }), later)).toMatchObject({
      state: 'overdue',
      secondsOverdue: 1,
      stopped: true,
    });
    expect(deadlineState(clock(72, { resolvedAt: deadline + 24 * HOUR + 1 }), later)).toMatchObject({
      state: 'escalated',
      escalationDue: false,
      stopped: true,
    });
  });

  it('before its resolution the clock reads as it ran then', () => {
    const reading = deadlineState(clock(72, { resolvedAt: deadline + HOUR }), deadline - 60);
    expect(reading).toMatchObject({ state: 'warning', stopped: false, secondsLeft: 60 });
  });
});
