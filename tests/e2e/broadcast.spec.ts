import { join } from 'node:path';
import Database from 'better-sqlite3';
import { STORE_FILE } from '../../electron/services/store/store';
import { DRAWING_COLOR } from '../../renderer/map/layers/broadcast/broadcast-layers';
import { E2E_ACCOUNTS, expect, signIn, test, HUB_SECRETS } from './fixtures';
import { connectPhones } from './phones';
import { changedShare, countPixelsNear, showOnly, uncoveredMap } from './pixels';

test.use({ withHub: true });

test('a broadcast to the whole city: preview, a second commander confirms it, live receipts from the phones, pending list, ack map', async ({
  console: gridline,
  page,
  openCity,
}, testInfo) => {
  await openCity();
  const phones = await connectPhones(gridline.hub!.url, gridline.dataDir, HUB_SECRETS.worker, 120);
  try {
    await page.getByTestId('broadcast-open').click();
    await expect(page.getByTestId('hub-state')).toHaveText('指挥中枢已连接 · 本机');
    // The whole city: every grid worker in the store (2,210 at the test scale), online or not.
    await expect(page.getByTestId('broadcast-preview')).toContainText('2,210 名网格员');
    await expect(page.getByTestId('broadcast-send')).toBeDisabled();
    await page.getByTestId('broadcast-text').fill('暴雨红色预警：请立即巡查辖区低洼路段');
    await page.getByTestId('broadcast-priority-emergency').check();
    // City-wide: the two-person rule holds it until a second commander confirms from their own session.
    await expect(page.getByTestId('broadcast-two-person')).toBeVisible();
    await page.getByTestId('broadcast-send').click();
    await expect(page.getByTestId('broadcast-held')).toBeVisible();
    await expect(page.getByTestId('broadcast-receipt')).toHaveCount(0);
    expect([...phones.received.values()].flat()).toEqual([]);

    const second = await page.context().newPage();
    await second.goto(gridline.host.url);
    await signIn(second, E2E_ACCOUNTS.secondCommander.username);
    const request = second.getByTestId('confirmations-panel').getByTestId('confirmation').first();
    await expect(request).toContainText('暴雨红色预警');
    await expect(request).toContainText(E2E_ACCOUNTS.commander.username);
    await second.screenshot({ path: testInfo.outputPath('two-person-confirm.png') });
    await request.getByTestId('confirmation-approve').click();
    await expect(request.getByTestId('confirmation-state')).toContainText('已复核执行');
    await second.close();

    const receipt = page.getByTestId('broadcast-receipt').first();
    await expect(receipt).toContainText('暴雨红色预警');
    await expect(receipt.getByTestId('receipt-targeted')).toHaveText('2,210');
    // Every connected phone has it, exactly once, and said so.
    await expect(receipt.getByTestId('receipt-sent')).toHaveText('120');
    await expect(receipt.getByTestId('receipt-delivered')).toHaveText('120');
    expect(phones.ids.every((id) => phones.received.get(id)?.length === 1)).toBe(true);
    await expect(receipt.getByTestId('receipt-timing')).toContainText('p50');

    // Read acknowledgement was required and nobody has read it yet: all 120 are pending; the rest were offline.
    await receipt.getByTestId('receipt-pending').click();
    await expect(page.getByTestId('broadcast-pending')).toContainText('未确认：120 人');
    await expect(page.getByTestId('pending-offline')).toContainText('2,090 人');

    // The map shows acknowledgement by street: nobody has read it, so the reached streets are red.
    await receipt.getByTestId('receipt-map').click();
    await page.getByTestId('broadcast-panel').getByRole('button', { name: '关闭' }).first().click();
    const clip = await uncoveredMap(page);
    await page.screenshot({ path: testInfo.outputPath('broadcast.png') });
    const withAcks = await page.screenshot({ clip });
    await page.getByTestId('broadcast-open').click();
    await page.getByTestId('receipt-map').first().click();
    await page.getByTestId('broadcast-panel').getByRole('button', { name: '关闭' }).first().click();
    await expect
      .poll(async () => changedShare(withAcks, await page.screenshot({ clip })), { message: 'the ack colours go' })
      .toBeGreaterThan(0.02);
  } finally {
    phones.close();
  }
});

test('one L1 grid (street) through a real hub: exactly its workers receive the command, and the receipt reaches 100%', async ({
  console: gridline,
  page,
  openCity,
}) => {
  await openCity();
  // The street with the fewest workers, counted from the store independently of the console (codes nest).
  const db = new Database(join(gridline.dataDir, STORE_FILE), { readonly: true });
  const street = db
    .prepare(
      `SELECT g.id, g.code, g.name, (SELECT COUNT(*) FROM workers w JOIN grids s ON s.id = w.grid_id
                                     WHERE s.code LIKE g.code || '%') AS workers
       FROM grids g WHERE g.level = 'L1' ORDER BY workers, g.id LIMIT 1`,
    )
    .get() as { id: number; code: string; name: string; workers: number };
  const inside = db
    .prepare('SELECT w.id FROM workers w JOIN grids g ON g.id = w.grid_id WHERE g.code LIKE ? ORDER BY w.id')
    .pluck()
    .all(`${street.code}%`) as number[];
  const outside = (db.prepare('SELECT id FROM workers ORDER BY id LIMIT 300').pluck().all() as number[])
    .filter((id) => !inside.includes(id))
    .slice(0, 60);
  db.close();
  expect(inside.length).toBe(street.workers);
  expect(inside.length).toBeGreaterThan(0);
  // Every worker of the street is online, so 100% of those targeted can be reached.
  const phones = await connectPhones(gridline.hub!.url, gridline.dataDir, HUB_SECRETS.worker, [...inside, ...outside]);
  try {
    await page.getByTestId('broadcast-open').click();
    await page.getByTestId('broadcast-target').selectOption('grids');
    await page.getByTestId('broadcast-grid-level-L1').check();
    await page.getByTestId('broadcast-grid-search').fill(street.code);
    await expect(page.getByTestId('broadcast-grid-hit').first()).toContainText(street.name);
    await page.getByTestId('broadcast-grid-hit').first().click();
    const count = inside.length.toLocaleString('zh-CN');
    await expect(page.getByTestId('broadcast-preview')).toContainText(`${count} 名网格员`);
    await page.getByTestId('broadcast-text').fill('请街道网格员立即到岗待命');
    await page.getByTestId('broadcast-ack').uncheck();
    await page.getByTestId('broadcast-send').click();

    const receipt = page.getByTestId('broadcast-receipt').first();
    await expect(receipt).toContainText('立即到岗待命');
    await expect(receipt.getByTestId('receipt-targeted')).toHaveText(count);
    await expect(receipt.getByTestId('receipt-sent')).toHaveText(count);
    await expect(receipt.getByTestId('receipt-delivered')).toHaveText(count);
    await expect(receipt.locator('.count-delivered .bar')).toHaveAttribute('style', /width: 100%/);
    expect(inside.every((id) => phones.received.get(id)?.length === 1)).toBe(true);
    expect(outside.filter((id) => phones.received.has(id))).toEqual([]);
  } finally {
    phones.close();
  }
});

test('a county-level target previews its own workers, and a refused send says why', async ({ page, openCity }) => {
  await openCity();
  await page.getByTestId('broadcast-open').click();
  await page.getByTestId('broadcast-target').selectOption('counties');
  await expect(page.getByTestId('broadcast-preview')).toContainText('请选择发送范围');
  await page.getByTestId('broadcast-counties').getByRole('checkbox').first().check();
  await expect(page.getByTestId('broadcast-preview')).toContainText('名网格员');
  await page.getByTestId('broadcast-target').selectOption('radius');
  await expect(page.getByTestId('broadcast-preview')).toContainText('请选择发送范围');
});

interface TargetGrid {
  id: number;
  code: string;
  name: string;
  /** A worker's position inside it, nearest its centre: where the map is clicked. */
  lng: number;
  lat: number;
}

test('grids picked from the list and on the map: the preview counts their workers, the send reaches exactly them, a silent worker is escalated at the deadline', async ({
  console: gridline,
  page,
  openCity,
}, testInfo) => {
  await openCity();
  // Three communities (L2) with a handful of workers each, counted from the store independently of the console:
  // generated codes nest, so a grid's subtree is every code that starts with its code.
  const db = new Database(join(gridline.dataDir, STORE_FILE), { readonly: true });
  const subtreeWorkers = db.prepare(
    'SELECT w.id FROM workers w JOIN grids g ON g.id = w.grid_id WHERE g.code LIKE ? ORDER BY w.id',
  );
  const inside = db.prepare(
    `SELECT w.lon AS lng, w.lat AS lat FROM workers w JOIN grids g ON g.id = w.grid_id, grids t
     WHERE t.id = ? AND g.code LIKE t.code || '%'
     ORDER BY (w.lon - t.centroid_lon) * (w.lon - t.centroid_lon) + (w.lat - t.centroid_lat) * (w.lat - t.centroid_lat)
     LIMIT 1`,
  );
  // The city is opened on the third one, so the first two are found by search and the third by a click.
  const grids = (
    db
      .prepare(
        `SELECT id, code, name FROM grids g WHERE level = 'L2'
         AND (SELECT COUNT(*) FROM workers w JOIN grids s ON s.id = w.grid_id WHERE s.code LIKE g.code || '%')
             BETWEEN 5 AND 40
         ORDER BY id LIMIT 3`,
      )
      .all() as Omit<TargetGrid, 'lng' | 'lat'>[]
  ).map((grid): TargetGrid => ({ ...grid, ...(inside.get(grid.id) as { lng: number; lat: number }) }));
  const targetIds = grids.flatMap((grid) => subtreeWorkers.all(`${grid.code}%`) as { id: number }[]).map((w) => w.id);
  const outsideIds = (db.prepare('SELECT id FROM workers ORDER BY id LIMIT 200').pluck().all() as number[])
    .filter((id) => !targetIds.includes(id))
    .slice(0, 40);
  const silent = targetIds[0]!;
  const silentCode = db.prepare('SELECT code FROM workers WHERE id = ?').pluck().get(silent) as string;
  db.close();
  expect(grids).toHaveLength(3);
  const [fromList1, fromList2, onMap] = grids as [TargetGrid, TargetGrid, TargetGrid];

  // Opened again on the third community (a worker's position inside it at the centre), for the click.
  await openCity(`11/${onMap.lat}/${onMap.lng}`);
  await showOnly(page, ['grids']);
  const phones = await connectPhones(
    gridline.hub!.url,
    gridline.dataDir,
    HUB_SECRETS.worker,
    [...targetIds, ...outsideIds],
    { silent: new Set([silent]) },
  );
  try {
    await page.getByTestId('broadcast-open').click();
    await page.getByTestId('broadcast-target').selectOption('grids');
    await page.getByTestId('broadcast-grid-level-L2').check();
    await expect(page.getByTestId('broadcast-preview')).toContainText('请选择发送范围');

    // Two from the list, by code: the hit says which street it belongs to.
    for (const grid of [fromList1, fromList2]) {
      await page.getByTestId('broadcast-grid-search').fill(grid.code);
      const hit = page.getByTestId('broadcast-grid-hit').first();
      await expect(hit).toContainText(grid.name);
      await expect(hit).toContainText(grid.code);
      await hit.click();
      await expect(hit).toHaveAttribute('aria-pressed', 'true');
    }
    await page.getByTestId('broadcast-grid-search').fill('');
    await expect(page.getByTestId('broadcast-chip')).toHaveCount(2);

    // One on the map: in pick mode a click adds the community under it (no card opens).
    await page.getByTestId('broadcast-pick-on-map').click();
    const map = (await page.getByTestId('map').boundingBox())!;
    await page.mouse.click(map.x + map.width / 2, map.y + map.height / 2);
    await expect(page.getByTestId('broadcast-chip')).toHaveCount(3);
    await expect(page.getByTestId('broadcast-chip').nth(2)).toContainText(onMap.name);
    await expect(page.getByTestId('grid-card')).toHaveCount(0);

    // The preview is exactly the workers of the three subtrees.
    const expected = targetIds.length.toLocaleString('zh-CN');
    await expect(page.getByTestId('broadcast-preview')).toContainText(`${expected} 名网格员`);
    // The picked grid is outlined on the map in the drawing colour.
    await expect
      .poll(async () => countPixelsNear(await page.screenshot({ clip: await uncoveredMap(page) }), DRAWING_COLOR, 30))
      .toBeGreaterThan(100);

    // Removing a chip takes it out of the target, and the preview follows; picking it again brings it back.
    await page.getByTestId('broadcast-chip').first().getByRole('button').click();
    await expect(page.getByTestId('broadcast-chip')).toHaveCount(2);
    await expect(page.getByTestId('broadcast-preview')).not.toContainText(`${expected} 名网格员`);
    await page.getByTestId('broadcast-grid-search').fill(fromList1.code);
    await expect(page.getByTestId('broadcast-grid-hit').first()).toContainText(fromList1.code);
    await page.getByTestId('broadcast-grid-hit').first().click();
    await expect(page.getByTestId('broadcast-preview')).toContainText(`${expected} 名网格员（3 个网格）`);

    // Delivery acknowledgement only, escalated after 5 seconds.
    await page.getByTestId('broadcast-text').fill('请立即排查辖区地下车库积水情况');
    await page.getByTestId('broadcast-ack').uncheck();
    await page.getByTestId('broadcast-deadline').fill('5');
    await page.getByTestId('broadcast-deadline-unit').selectOption('s');
    await page.getByTestId('broadcast-pick-on-map').click();
    await page.screenshot({ path: testInfo.outputPath('broadcast-composer.png') });
    await page.getByTestId('broadcast-send').click();

    const receipt = page.getByTestId('broadcast-receipt').first();
    await expect(receipt).toContainText('地下车库积水');
    await expect(receipt.getByTestId('receipt-targeted')).toHaveText(expected);
    await expect(receipt.getByTestId('receipt-sent')).toHaveText(expected);
    await expect(receipt.getByTestId('receipt-delivered')).toHaveText((targetIds.length - 1).toLocaleString('zh-CN'));
    // Exactly the target's phones have it, once each; none of the others.
    expect(targetIds.every((id) => phones.received.get(id)?.length === 1)).toBe(true);
    expect(outsideIds.filter((id) => phones.received.has(id))).toEqual([]);

    // The silent worker misses the deadline: the hub escalates them and the receipt says so, by name.
    await expect(receipt.getByTestId('receipt-escalated')).toContainText('已升级 1 人', { timeout: 15_000 });
    await receipt.getByTestId('receipt-escalations').click();
    await expect(page.getByTestId('broadcast-escalations')).toContainText('已升级：1 人');
    await expect(page.getByTestId('broadcast-escalations')).toContainText(silentCode);
    await expect(receipt.getByTestId('receipt-deadline')).toContainText('已过');
    await receipt.screenshot({ path: testInfo.outputPath('broadcast-receipt.png') });
    await page.screenshot({ path: testInfo.outputPath('broadcast-escalated.png') });

    // A window opened later shows the same escalation, asked of the main process.
    const later = await page.context().newPage();
    await later.goto(gridline.host.url);
    await signIn(later);
    await later.getByTestId('broadcast-open').click();
    const again = later.getByTestId('broadcast-receipt').first();
    await expect(again.getByTestId('receipt-escalated')).toContainText('已升级 1 人');
    await again.getByTestId('receipt-escalations').click();
    await expect(later.getByTestId('broadcast-escalations')).toContainText(silentCode);
    // And in English.
    await later.getByTestId('language-switch').click();
    await expect(again.getByTestId('receipt-escalated')).toContainText('1 worker escalated');
    await later.getByTestId('broadcast-target').selectOption('grids');
    await expect(later.getByTestId('broadcast-grid-picker')).toContainText('No L2 community grid picked yet');
    await later.getByTestId('broadcast-panel').screenshot({ path: testInfo.outputPath('broadcast-en.png') });
    await later.close();
  } finally {
    phones.close();
  }
});
