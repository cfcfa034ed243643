import { describe, expect, it } from 'vitest';
import { createThrottle, type ThrottleTimers } from '../../../../renderer/state/throttle';

/** A hand-driven clock: timers fire when the test moves time past them. */
function fakeTimers() {
  let now = 0;
  let next = 1;
  const pending = new Map<number, { at: number; run: () => void }>();
  const timers: ThrottleTimers = {
    now: () => now,
    setTimeout: (run, ms) => {
      const id = next++;
      pending.set(id, { at: now + ms, run });
      return id;
    },
    clearTimeout: (id) => pending.delete(id as number),
  };
  const advance = (ms: number): void => {
    const end = now + ms;
    for (;;) {
      const due = [...pending].filter(([, timer]) => timer.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      pending.delete(due[0]);
      now = due[1].at;
      due[1].run();
    }
    now = end;
  };
  return { timers, advance, pending };
}

describe('createThrottle', () => {
  it('runs the first call at once', () => {
    const { timers } = fakeTimers();
    let runs = 0;
    createThrottle(() => runs++, 250, timers).call();
    expect(runs).toBe(1);
  });

  it('collapses a burst into one trailing run at the end of the interval', () => {
    const { timers, advance } = fakeTimers();
    let runs = 0;
    const throttle = createThrottle(() => runs++, 250, timers);
    for (let i = 0; i < 100; i++) {
      throttle.call();
      advance(1);
    }
    // 100 ms of calls: the leading run, then one pending.
    expect(runs).toBe(1);
    advance(150);
    expect(runs).toBe(2);
    advance(1000);
    expect(runs).toBe(2);
  });

  it('runs at most once per interval under a steady stream, and answers the last call', () => {
    const { timers, advance } = fakeTimers();
    const at: number[] = [];
    const throttle = createThrottle(() => at.push(timers.now()), 250, timers);
    for (let i = 0; i < 40; i++) {
      throttle.call();
      advance(25);
    }
    advance(1000);
    for (let i = 1; i < at.length; i++) expect(at[i]! - at[i - 1]!).toBeGreaterThanOrEqual(250);
    // 1 s of events at 4 a second: the leading run, then one every 250 ms, the last after the final call.
    expect(at.length).toBe(5);
    expect(at.at(-1)).toBeGreaterThanOrEqual(975);
  });

  it('calls after a quiet spell run at once again', () => {
    const { timers, advance } = fakeTimers();
    let runs = 0;
    const throttle = createThrottle(() => runs++, 250, timers);
    throttle.call();
    advance(500);
    throttle.call();
    expect(runs).toBe(2);
  });

  it('cancel drops the pending run', () => {
    const { timers, advance, pending } = fakeTimers();
    let runs = 0;
    const throttle = createThrottle(() => runs++, 250, timers);
    throttle.call();
    throttle.call();
    throttle.cancel();
    expect(pending.size).toBe(0);
    advance(1000);
    expect(runs).toBe(1);
  });
});
