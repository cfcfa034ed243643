import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { STORE_FILE } from '../../electron/services/store/store';
import { gridsWith, validGrids, CODES } from '../unit/electron/services/city/import/fixtures';
import { E2E_ACCOUNTS, expect, test } from './fixtures';

function gridCount(dataDir: string): number {
  const db = new Database(join(dataDir, STORE_FILE), { readonly: true });
  try {
    return (db.prepare('SELECT COUNT(*) AS n FROM grids').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

test('the import dialog refuses a bad file with file, feature and reason, then imports a good one', async ({
  console: gridline,
  openConsole,
}, testInfo) => {
  // Importing the city's data is the administrator's (data.import): a commander's console has no import button.
  const page = await openConsole(undefined, E2E_ACCOUNTS.admin.username);
  await expect(page.locator('html')).toHaveAttribute('data-city-state', 'ready', { timeout: 30_000 });
  const before = gridCount(gridline.dataDir);

  const bad = join(gridline.dataDir, 'bad-grids.geojson');
  writeFileSync(
    bad,
    JSON.stringify(
      gridsWith(CODES.l2b1, (feature) => {
        // A bow-tie: the ring crosses itself.
        feature.geometry = {
          type: 'Polygon',
          coordinates: [
            [
              [113.6, 34.7],
              [113.65, 34.75],
              [113.65, 34.7],
              [113.6, 34.75],
              [113.6, 34.7],
            ],
          ],
        };
      }),
    ),
  );
  await page.getByTestId('import-open').click();
  await page.getByTestId('import-kind').selectOption('grids');
  await page.getByTestId('import-crs').selectOption('WGS-84');
  await page.getByTestId('import-path').fill(bad);
  await page.getByTestId('import-start').click();
  const refused = page.getByTestId('import-refused');
  await expect(refused).toContainText('bad-grids.geojson');
  await expect(refused).toContainText(CODES.l2b1);
  await expect(refused).toContainText(/self-intersect|crosses itself/i);
  await page.screenshot({ path: testInfo.outputPath('import-refused.png') });
  expect(gridCount(gridline.dataDir)).toBe(before);

  const good = join(gridline.dataDir, 'grids.geojson');
  writeFileSync(good, JSON.stringify(validGrids()));
  await page.getByTestId('import-path').fill(good);
  await page.getByTestId('import-start').click();
  await expect(page.getByTestId('import-success')).toBeVisible();
  expect(gridCount(gridline.dataDir)).toBe(validGrids().features.filter((f) => f.properties.level !== 'county').length);
  expect(gridline.log.entries.map((entry) => entry.event)).toEqual(
    expect.arrayContaining(['city.import-refused', 'city.import-done']),
  );
});
