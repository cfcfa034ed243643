/**
 * Runs a notification at once (`now`) or at most once per `ms` (`soon`: one trailing run, which a `now` in between
 * makes unnecessary). For events whose payload is recomputed whole, so that a burst of small changes costs one.
 */
export function throttled(run: () => void, ms: number): { now(): void; soon(): void; cancel(): void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let last = -Infinity;
  const fire = (): void => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    last = Date.now();
    run();
  };
  return {
    now: fire,
    soon() {
      if (timer) return;
      timer = setTimeout(fire, Math.max(0, last + ms - Date.now()));
      timer.unref?.();
    },
    cancel() {
      if (timer) clearTimeout(timer);
      timer = undefined;
    },
  };
}
