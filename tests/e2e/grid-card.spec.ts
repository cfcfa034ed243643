import { join } from 'node:path';
import Database from 'better-sqlite3';
import { STORE_FILE } from '../../electron/services/store/store';
import { expect, test } from './fixtures';
import { showOnly } from './pixels';

test('clicking a grid opens its card, with counts equal to the store', async ({
  console: gridline,
  page,
  openCity,
}, testInfo) => {
  // Compound level (L3) over the city centre, opened as a new document so the map starts there.
  await openCity('12.5/34.757/113.66');
  await showOnly(page, ['grids']);
  const box = (await page.getByTestId('map').boundingBox())!;
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);

  const card = page.getByTestId('grid-card');
  await expect(card).toBeVisible();
  await expect(card).toContainText('三级网格');
  const code = (await page.getByTestId('grid-card-code').textContent())!.trim();
  await page.screenshot({ path: testInfo.outputPath('grid-card.png') });

  // Counted independently of the console: generated codes nest, so the subtree is every code with this prefix.
  const db = new Database(join(gridline.dataDir, STORE_FILE), { readonly: true });
  try {
    const count = (sql: string): string => (db.prepare(sql).get(`${code}%`) as { n: number }).n.toLocaleString('zh-CN');
    await expect(page.getByTestId('grid-card-cameras')).toHaveText(
      count('SELECT COUNT(*) AS n FROM cameras c JOIN grids g ON g.id = c.grid_id WHERE g.code LIKE ?'),
    );
    await expect(page.getByTestId('grid-card-sensors')).toHaveText(
      count('SELECT COUNT(*) AS n FROM sensors s JOIN grids g ON g.id = s.grid_id WHERE g.code LIKE ?'),
    );
    await expect(page.getByTestId('grid-card-open-tickets')).toHaveText(
      count(
        'SELECT COUNT(*) AS n FROM tickets t JOIN grids g ON g.id = t.grid_id WHERE g.code LIKE ? AND t.status IN (0, 1, 2, 3, 7)',
      ),
    );
    await expect(page.getByTestId('grid-card-workers')).toContainText(
      `/ ${count('SELECT COUNT(*) AS n FROM workers w JOIN grids g ON g.id = w.grid_id WHERE g.code LIKE ?')}`,
    );
  } finally {
    db.close();
  }
});
