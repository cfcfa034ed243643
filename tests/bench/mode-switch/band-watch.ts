/**
 * What the mode-switch benchmark runs inside each window: a watch on the emergency band (renderer/app/shell/
 * mode-band.tsx) that stamps the moment the window shows the expected mode — a band item of that level and event, or
 * no band at all for normal — and, in the window that switches, the moment the operator's click on mode-confirm is
 * dispatched. Both are `performance.timeOrigin + performance.now()`: epoch milliseconds of this machine's clock, the
 * same for every window, to a fraction of a millisecond.
 *
 * The watch is a MutationObserver on the whole document (React adds or removes the band's elements, or changes an
 * item's data-level): it runs in the same task as the change, before the window paints it, so the stamp is when the
 * window's DOM shows the mode, with no polling delay. The scripts are strings, not functions, so that no transpiler
 * helper ends up in the page
 * (page.evaluate runs a string as it is; waitForFunction would eval one, which the console's CSP forbids).
 */
import type { Page } from '@playwright/test';

/** The mode a window should show: a level and event type, or `null` for normal (no band). */
export type ExpectedMode = { level: string; event: string } | null;

const matches = `(expected) => {
  const items = [...document.querySelectorAll('[data-testid="mode-band-item"]')];
  return expected === null
    ? items.length === 0
    : items.some((item) => item.dataset.level === expected.level && item.dataset.event === expected.event);
}`;

/**
 * Arms the watch in a page for the next switch; returns whether the page already shows that mode (it must not: the
 * switch would measure nothing).
 */
export async function armWatch(page: Page, expected: ExpectedMode): Promise<boolean> {
  return page.evaluate<boolean>(`(() => {
    const matches = ${matches};
    const expected = ${JSON.stringify(expected)};
    const previous = window.__gridlineModeWatch;
    if (previous) previous.observer.disconnect();
    const watch = { shownAt: null, observer: null };
    watch.observer = new MutationObserver(() => {
      if (watch.shownAt === null && matches(expected)) {
        watch.shownAt = performance.timeOrigin + performance.now();
        watch.observer.disconnect();
      }
    });
    watch.observer.observe(document.documentElement, {
      subtree: true,
      childList: true,
      attributes: true,
      attributeFilter: ['data-level', 'data-event'],
    });
    window.__gridlineModeWatch = watch;
    window.__gridlineConfirmClickAt = null;
    if (!window.__gridlineClickStamp) {
      window.__gridlineClickStamp = true;
      document.addEventListener('click', (event) => {
        const target = event.target instanceof Element ? event.target.closest('[data-testid="mode-confirm"]') : null;
        if (target) window.__gridlineConfirmClickAt = performance.timeOrigin + performance.now();
      }, true);
    }
    return matches(expected);
  })()`);
}

/** When the page showed the armed mode (epoch ms), waiting up to `timeoutMs` (polling every 16 ms) for it. */
export async function shownAt(page: Page, timeoutMs: number): Promise<number> {
  // A function, not a string: the console's CSP forbids eval, which a string predicate needs.
  const handle = await page.waitForFunction(
    () => (window as unknown as { __gridlineModeWatch?: { shownAt: number | null } }).__gridlineModeWatch?.shownAt,
    null,
    { polling: 16, timeout: timeoutMs },
  );
  const at = (await handle.jsonValue()) as number;
  await handle.dispose();
  return at;
}

/** When the click on mode-confirm was dispatched in this page (epoch ms), or null if none was seen since arming. */
export async function confirmClickAt(page: Page): Promise<number | null> {
  return page.evaluate<number | null>('window.__gridlineConfirmClickAt');
}
