import { BOUNDARY_STYLE } from '../../renderer/map/layers/boundaries/boundaries-layer';
import { expect, signIn, test } from './fixtures';
import { countPixelsNear } from './pixels';

// Medium scale (about 1/10 of Zhengzhou) takes long enough that the progress card is there to see.
test.use({ cityScale: 'medium' });

test('on an empty data directory: the outline at once, a progress bar with phase and ETA, then the city', async ({
  console: gridline,
  page,
  pageErrors,
}, testInfo) => {
  // Straight to the page, not waiting for the map's ready marker: medium scale takes only seconds to generate.
  await page.goto(gridline.host.url);
  await signIn(page);
  const progress = page.getByTestId('city-progress');
  await expect(progress).toBeVisible();
  await expect(progress.getByRole('progressbar')).toHaveAttribute('aria-valuenow', /\d+/);
  await expect(page.getByTestId('city-progress-phase')).toHaveText(/网格|网格员|视频|传感器|工单|整理/);
  await page.screenshot({ path: testInfo.outputPath('first-start-progress.png') });
  await expect(page.locator('html')).toHaveAttribute('data-app-state', 'ready');

  await expect(page.locator('html')).toHaveAttribute('data-city-state', 'ready', { timeout: 90_000 });
  await expect(progress).toBeHidden();

  const map = await page.getByTestId('map').screenshot();
  await testInfo.attach('city-ready', { body: map, contentType: 'image/png' });
  await page.screenshot({ path: testInfo.outputPath('first-start-ready.png') });
  expect(countPixelsNear(map, BOUNDARY_STYLE.county.color)).toBeGreaterThan(300);

  await page.getByTestId('data-source').click();
  await expect(page.getByTestId('data-note-synthetic')).toContainText('合成');
  expect(pageErrors).toEqual([]);
});
