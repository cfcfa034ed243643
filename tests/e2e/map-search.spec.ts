import { join } from 'node:path';
import type { Page } from '@playwright/test';
import Database from 'better-sqlite3';
import { STORE_FILE } from '../../electron/services/store/store';
import { expect, test } from './fixtures';

/** The map's view from the URL hash (#zoom/lat/lng), which maplibre keeps current. */
async function view(page: Page): Promise<{ zoom: number; lat: number; lng: number }> {
  const [zoom, lat, lng] = (await page.evaluate(() => window.location.hash.slice(1))).split('/').map(Number);
  return { zoom: zoom!, lat: lat!, lng: lng! };
}

test('search finds a grid by name and by code, flies to it and opens its card', async ({
  console: gridline,
  page,
  openCity,
}, testInfo) => {
  await openCity();

  const db = new Database(join(gridline.dataDir, STORE_FILE), { readonly: true });
  // A community (L2) whose name no other grid contains: its name alone must find it first.
  const target = db
    .prepare(
      `SELECT g.code, g.name, g.centroid_lon AS lng, g.centroid_lat AS lat FROM grids g
       WHERE g.level = 'L2' AND (SELECT COUNT(*) FROM grids o WHERE instr(o.name, g.name) > 0) = 1
       ORDER BY g.id LIMIT 1`,
    )
    .get() as { code: string; name: string; lng: number; lat: number };
  const camera = db.prepare('SELECT code FROM cameras ORDER BY id DESC LIMIT 1').get() as { code: string };
  db.close();
  const before = await view(page);

  const input = page.getByTestId('search-input');
  await input.fill(target.name);
  await expect(page.getByTestId('search-hit').first()).toContainText(target.name);
  await page.getByTestId('search-hit').first().click();
  const card = page.getByTestId('grid-card');
  await expect(page.getByTestId('grid-card-code')).toHaveText(target.code);
  await expect(card).toContainText('二级网格');
  // The map flew there: closer in than the city view, centred on the grid.
  await expect.poll(async () => (await view(page)).zoom, { timeout: 10_000 }).toBeGreaterThan(before.zoom + 1);
  await expect
    .poll(async () => {
      const now = await view(page);
      return Math.hypot(now.lng - target.lng, now.lat - target.lat);
    })
    .toBeLessThan(0.002);
  await page.screenshot({ path: testInfo.outputPath('search-grid.png') });

  // By code, with the keyboard.
  await input.fill(target.code);
  await expect(page.getByTestId('search-hit').first()).toContainText(target.name);
  await input.press('Enter');
  await expect(page.getByTestId('grid-card-code')).toHaveText(target.code);

  // A camera by its code: its card says plainly that no stream is configured.
  await input.fill(camera.code);
  await expect(page.getByTestId('search-hit').first()).toContainText(camera.code);
  await input.press('Enter');
  await expect(page.getByTestId('point-card-code')).toHaveText(camera.code);
  await expect(page.getByTestId('point-card-no-stream')).toBeVisible();
  await expect.poll(async () => (await view(page)).zoom, { timeout: 10_000 }).toBeGreaterThan(15);
  await page.screenshot({ path: testInfo.outputPath('search-camera.png') });

  // The map is centred on the camera: closing the card and clicking its icon opens it again (picked on the GPU).
  await page.getByTestId('point-card').getByRole('button').click();
  await expect(page.getByTestId('point-card')).toBeHidden();
  const box = (await page.getByTestId('map').boundingBox())!;
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  await expect(page.getByTestId('point-card-code')).toHaveText(camera.code);

  // Nothing found is said, and markup typed into the box is only text.
  await input.fill('<img src=x onerror=alert(1)>');
  await expect(page.getByTestId('search-results')).toContainText('没有找到');
});
