/**
 * SIMULATOR — when the simulated reporters send: a steady rate with human jitter. Each interval is the mean
 * (60,000 / rate ms) times a factor spread evenly over [0.5, 1.5), so the rate over a few minutes is the one asked for
 * and no two reports come in lockstep. Seeded: a run repeats.
 */

/** A small seeded PRNG (mulberry32): numbers in [0, 1) that repeat from run to run. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The wait before the next report at `ratePerMin`, for a uniform draw `u` in [0, 1). */
export function nextIntervalMs(ratePerMin: number, u: number): number {
  return (60_000 / ratePerMin) * (0.5 + u);
}

export function checkRate(ratePerMin: number, what: string): void {
  if (!Number.isFinite(ratePerMin) || ratePerMin < 0 || ratePerMin > 60_000) {
    throw new RangeError(`${what} must be a number of reports per minute, 0…60000: ${ratePerMin}`);
  }
}

/** Calls `fire` at `ratePerMin` (0: never) from `start()` until `stop()`. */
export class Pacer {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running = false;
  /** Times `fire` was called. */
  fired = 0;

  constructor(
    private readonly ratePerMin: number,
    private readonly random: () => number,
    private readonly fire: () => void,
  ) {
    checkRate(ratePerMin, 'the report rate');
  }

  start(): void {
    if (this.running || this.ratePerMin === 0) return;
    this.running = true;
    this.schedule();
  }

  stop(): void {
    this.running = false;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    this.timer = setTimeout(
      () => {
        if (!this.running) return;
        this.fired++;
        this.schedule();
        this.fire();
      },
      nextIntervalMs(this.ratePerMin, this.random()),
    );
    // A pacer alone never keeps a process alive: its owner's sockets or servers do.
    this.timer.unref?.();
  }
}
