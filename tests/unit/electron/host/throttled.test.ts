import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { throttled } from '../../../../electron/host/throttled';

describe('throttled', () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());

  it('runs now at once, and a burst of soon once per period, trailing', () => {
    const run = vi.fn();
    const notify = throttled(run, 1000);
    notify.now();
    expect(run).toHaveBeenCalledTimes(1);
    for (let i = 0; i < 50; i++) notify.soon();
    vi.advanceTimersByTime(999);
    expect(run).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(1);
    expect(run).toHaveBeenCalledTimes(2);
    // Long after the last run, soon runs on the next tick.
    vi.advanceTimersByTime(5000);
    notify.soon();
    vi.advanceTimersByTime(0);
    expect(run).toHaveBeenCalledTimes(3);
  });

  it('a now in between makes the pending soon unnecessary; cancel drops it', () => {
    const run = vi.fn();
    const notify = throttled(run, 1000);
    notify.now();
    notify.soon();
    notify.now();
    vi.advanceTimersByTime(2000);
    expect(run).toHaveBeenCalledTimes(2);
    notify.soon();
    notify.cancel();
    vi.advanceTimersByTime(2000);
    expect(run).toHaveBeenCalledTimes(2);
  });
});
