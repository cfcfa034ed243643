/**
 * A throttle for event-driven refetches: the first call runs at once, calls within the interval after a run collapse
 * into one trailing run at the interval's end. A burst of 100 `tickets.changed` events therefore costs two fetches,
 * and the last event is never left unanswered.
 */

/** The clock and timer a throttle uses; tests pass their own. */
export interface ThrottleTimers {
  now: () => number;
  setTimeout: (run: () => void, ms: number) => unknown;
  clearTimeout: (handle: unknown) => void;
}

const browserTimers: ThrottleTimers = {
  now: () => Date.now(),
  setTimeout: (run, ms) => setTimeout(run, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface Throttle {
  /** Asks for a run: now, or at the end of the current interval. */
  call: () => void;
  /** Drops a pending trailing run (on unmount). */
  cancel: () => void;
}

/** Runs `run` at most once per `intervalMs`, leading and trailing. */
export function createThrottle(run: () => void, intervalMs: number, timers: ThrottleTimers = browserTimers): Throttle {
  let lastRun = -Infinity;
  let pending: unknown;
  let scheduled = false;
  const fire = (): void => {
    scheduled = false;
    pending = undefined;
    lastRun = timers.now();
    run();
  };
  return {
    call: () => {
      if (scheduled) return;
      const wait = lastRun + intervalMs - timers.now();
      if (wait <= 0) {
        fire();
        return;
      }
      scheduled = true;
      pending = timers.setTimeout(fire, wait);
    },
    cancel: () => {
      if (scheduled) timers.clearTimeout(pending);
      scheduled = false;
      pending = undefined;
    },
  };
}

/** At most ~4 refetches a second: a new ticket shows within a second without a fetch per event. */
export const LIVE_REFETCH_MS = 250;
/** Heavier answers (the heatmap, the KPIs) at most once a second. */
export const SLOW_REFETCH_MS = 1000;
