import { BOUNDARY_STYLE } from '../../renderer/map/layers/boundaries/boundaries-layer';
import { expect, test } from './fixtures';
import { countPixelsNear } from './pixels';

test('finer grids and exclusive grids appear as the map zooms in (Zhengzhou East Station)', async ({
  console: gridline,
  page,
}, testInfo) => {
  const exclusive = BOUNDARY_STYLE.exclusive.color;
  // City view first: the exclusive overlays are not drawn yet.
  await page.goto(gridline.host.url);
  await expect(page.locator('html')).toHaveAttribute('data-city-state', 'ready', { timeout: 30_000 });
  await expect(page.locator('html')).toHaveAttribute('data-app-state', 'ready');
  expect(countPixelsNear(await page.getByTestId('map').screenshot(), exclusive, 70)).toBeLessThan(20);

  // Then straight onto the station at building zoom, through the URL hash (#zoom/lat/lng).
  await page.goto(`${gridline.host.origin}/#14.5/34.7600/113.7730`);
  await expect(page.locator('html')).toHaveAttribute('data-app-state', 'ready');
  await expect
    .poll(async () => countPixelsNear(await page.getByTestId('map').screenshot(), exclusive, 70), { timeout: 20_000 })
    .toBeGreaterThan(200);
  await page.screenshot({ path: testInfo.outputPath('east-station-zoom.png') });
});
