import { PNG } from 'pngjs';
import { expect, test } from './fixtures';

/** Pixels that differ noticeably between two screenshots of the same size. */
function changedPixels(a: Buffer, b: Buffer): number {
  const left = PNG.sync.read(a).data;
  const right = PNG.sync.read(b).data;
  let changed = 0;
  for (let i = 0; i < left.length; i += 4) {
    if (
      Math.abs(left[i]! - right[i]!) + Math.abs(left[i + 1]! - right[i + 1]!) + Math.abs(left[i + 2]! - right[i + 2]!) >
      30
    ) {
      changed++;
    }
  }
  return changed;
}

test('the ticket heatmap follows the time window: moving the slider changes the map', async ({
  openConsole,
}, testInfo) => {
  const page = await openConsole();
  await expect(page.locator('html')).toHaveAttribute('data-city-state', 'ready', { timeout: 30_000 });
  const total = page.getByTestId('ticket-window-total');
  await expect(total).toContainText('件工单');
  const map = page.getByTestId('map');
  const before = await map.screenshot();
  const totalBefore = await total.textContent();
  await page.screenshot({ path: testInfo.outputPath('heatmap-30d.png') });

  // A week in the July 2025 rainstorm surge, 24-hour window.
  await page.getByRole('button', { name: '24小时' }).click();
  const slider = page.getByTestId('ticket-window-slider');
  await slider.fill(String(Date.UTC(2025, 6, 21, 4) / 1000));
  await expect(page.getByTestId('ticket-window-range')).toContainText('2025/07/20');
  await expect(total).not.toHaveText(totalBefore ?? '');
  await expect
    .poll(async () => changedPixels(before, await map.screenshot()), { timeout: 15_000 })
    .toBeGreaterThan(2000);
  await page.screenshot({ path: testInfo.outputPath('heatmap-24h-rainstorm.png') });
});
