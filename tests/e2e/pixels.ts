import type { Page } from '@playwright/test';
import { PNG } from 'pngjs';
import { LAYER_KEYS } from '../../renderer/state/use-layer-settings';

/** Pixels of a PNG screenshot within `tolerance` of `color` on every channel: "is this layer on screen?". */
export function countPixelsNear(png: Buffer, color: readonly number[], tolerance = 40): number {
  const { data } = PNG.sync.read(png);
  let count = 0;
  for (let i = 0; i < data.length; i += 4) {
    if (
      Math.abs(data[i]! - color[0]!) <= tolerance &&
      Math.abs(data[i + 1]! - color[1]!) <= tolerance &&
      Math.abs(data[i + 2]! - color[2]!) <= tolerance
    ) {
      count++;
    }
  }
  return count;
}

/** The part of the map that no panel covers: the panels' legends and text share the layers' colours. */
export async function uncoveredMap(page: Page): Promise<{ x: number; y: number; width: number; height: number }> {
  const box = await page.getByTestId('map').boundingBox();
  if (!box) throw new Error('the map is not on the page');
  return { x: box.x + 230, y: box.y + 10, width: box.width - 300, height: box.height - 140 };
}

/** Shows only the given layers in the layer panel. */
export async function showOnly(page: Page, layers: readonly string[]): Promise<void> {
  for (const key of LAYER_KEYS) await page.getByTestId(`layer-${key}-visible`).setChecked(layers.includes(key));
}

/** Share of pixels that differ (any channel by more than 12) between two screenshots of the same clip. */
export function changedShare(a: Buffer, b: Buffer): number {
  const x = PNG.sync.read(a).data;
  const y = PNG.sync.read(b).data;
  let changed = 0;
  for (let i = 0; i < x.length; i += 4) {
    if (Math.max(Math.abs(x[i]! - y[i]!), Math.abs(x[i + 1]! - y[i + 1]!), Math.abs(x[i + 2]! - y[i + 2]!)) > 12) {
      changed++;
    }
  }
  return changed / (x.length / 4);
}
