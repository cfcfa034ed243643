import { BOUNDARY_STYLE } from '../../renderer/map/layers/boundaries/boundaries-layer';
import { expect, test } from './fixtures';
import { countPixelsNear, showOnly, uncoveredMap } from './pixels';

test('finer grids and exclusive grids appear as the map zooms in (Zhengzhou East Station)', async ({
  console: gridline,
  page,
  openCity,
}, testInfo) => {
  const exclusive = BOUNDARY_STYLE.exclusive.color;
  // City view first: the exclusive overlays are not drawn yet.
  await openCity();
  await showOnly(page, ['grids']);
  const clip = await uncoveredMap(page);
  expect(countPixelsNear(await page.screenshot({ clip }), exclusive, 70)).toBeLessThan(20);

  // Then straight onto the station at building zoom, through the URL hash (#zoom/lat/lng).
  // A new document (not just a new hash), so the map starts on that view rather than jumping to it.
  await page.goto(`${gridline.host.origin}/?view=station#14.5/34.7600/113.7730`);
  await expect(page.locator('html')).toHaveAttribute('data-app-state', 'ready');
  await expect
    .poll(async () => countPixelsNear(await page.screenshot({ clip }), exclusive, 70), { timeout: 20_000 })
    .toBeGreaterThan(200);
  await page.screenshot({ path: testInfo.outputPath('east-station-zoom.png') });
});
