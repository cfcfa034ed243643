import { LABEL_STYLE } from '../../renderer/map/layers/labels/labels-layer';
import { expect, test } from './fixtures';
import { countPixelsNear, showOnly, uncoveredMap } from './pixels';

test('place names: county-level units at city zoom, streets and towns closer in, hidden from the panel', async ({
  console: gridline,
  page,
  openCity,
}, testInfo) => {
  await openCity();
  const clip = await uncoveredMap(page);
  const pixels = async (color: readonly number[]): Promise<number> =>
    countPixelsNear(await page.screenshot({ clip }), color, 30);

  await showOnly(page, ['labels']);
  await expect.poll(() => pixels(LABEL_STYLE.county.color), { message: 'county names' }).toBeGreaterThan(300);
  expect(await pixels(LABEL_STYLE.L1.color)).toBeLessThan(50);
  await page.screenshot({ path: testInfo.outputPath('labels-city.png') });

  await page.goto(`${gridline.host.origin}/?view=labels#11.5/34.757/113.66`);
  await expect(page.locator('html')).toHaveAttribute('data-app-state', 'ready');
  await expect.poll(() => pixels(LABEL_STYLE.L1.color), { message: 'street names' }).toBeGreaterThan(300);
  await page.screenshot({ path: testInfo.outputPath('labels-district.png') });

  await page.getByTestId('layer-labels-visible').setChecked(false);
  await expect.poll(() => pixels(LABEL_STYLE.L1.color), { message: 'labels hidden' }).toBeLessThan(50);
});
