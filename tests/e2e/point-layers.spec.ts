import { CAMERA_COLORS, SENSOR_KIND_COLORS, WORKER_COLORS } from '../../renderer/map/layers/point-style';
import type { LayerKey } from '../../renderer/state/use-layer-settings';
import { expect, test } from './fixtures';
import { countPixelsNear, showOnly, uncoveredMap } from './pixels';

const LEGENDS: Partial<Record<LayerKey, readonly (readonly number[])[]>> = {
  workers: WORKER_COLORS,
  cameras: CAMERA_COLORS,
  sensors: SENSOR_KIND_COLORS,
};

test('workers, cameras and sensors each show on the map, alone, and the layer panel hides them', async ({
  page,
  openCity,
}, testInfo) => {
  // A new document (not just a new hash), so the map starts on that view rather than jumping to it.
  await openCity('13.5/34.757/113.66');
  const clip = await uncoveredMap(page);
  const pixels = async (colors: readonly (readonly number[])[]): Promise<number> => {
    const shot = await page.screenshot({ clip });
    return colors.reduce((sum, color) => sum + countPixelsNear(shot, color, 25), 0);
  };

  for (const [layer, colors] of Object.entries(LEGENDS) as [LayerKey, readonly (readonly number[])[]][]) {
    await showOnly(page, [layer]);
    await expect.poll(() => pixels(colors), { timeout: 15_000, message: `${layer} on screen` }).toBeGreaterThan(150);
    await page.screenshot({ path: testInfo.outputPath(`layer-${layer}.png`) });
    await page.getByTestId(`layer-${layer}-visible`).setChecked(false);
    await expect.poll(() => pixels(colors), { timeout: 15_000, message: `${layer} hidden` }).toBeLessThan(40);
  }

  // The choice is this window's, and it survives a reload.
  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('data-app-state', 'ready');
  await expect(page.getByTestId('layer-sensors-visible')).not.toBeChecked();
});
