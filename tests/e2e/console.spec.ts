import { OUTLINE_LINE_COLOR } from '../../renderer/map/layers/city-outline/city-outline-layer';
import { expect, test } from './fixtures';
import { countPixelsNear } from './pixels';

test('opens on the city map with the outline drawn and Chinese UI text', async ({
  openConsole,
  pageErrors,
}, testInfo) => {
  const page = await openConsole();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('网格指挥台');
  await expect(page.getByTestId('view-role')).toHaveText('城市全景');
  await expect(page.getByTestId('connection')).toHaveAttribute('data-state', 'connected');
  await expect(page.getByTestId('connection')).toHaveText('已连接主进程');
  await expect(page.getByTestId('clock')).toContainText('北京时间');

  const screenshot = await page.screenshot({ path: testInfo.outputPath('console-zh.png') });
  await testInfo.attach('console-zh', { body: screenshot, contentType: 'image/png' });
  const outlinePixels = countPixelsNear(await page.getByTestId('map').screenshot(), OUTLINE_LINE_COLOR);
  // The outline's perimeter spans well over a thousand pixels at this viewport; a blank or background-only map has none.
  expect(outlinePixels).toBeGreaterThan(500);
  expect(pageErrors).toEqual([]);
});

test('the data note states the source and the outline area near 7,520 km²', async ({ openConsole }) => {
  const page = await openConsole();
  await page.getByTestId('data-source').click();
  const area = page.getByTestId('data-note-area');
  await expect(area).toContainText('km²');
  const text = (await area.textContent()) ?? '';
  const km2 = Number(/([\d,]+) km²/.exec(text)?.[1]?.replace(/,/g, ''));
  expect(km2).toBeGreaterThan(7480);
  expect(km2).toBeLessThan(7560);
  await expect(page.getByTestId('data-note')).toContainText('echarts 4.9.0');
});

test('switching to English changes the UI in every window, and survives a reload', async ({
  openConsole,
  context,
}, testInfo) => {
  const first = await openConsole();
  const second = await openConsole(await context.newPage());
  await first.getByTestId('language-switch').click();

  for (const page of [first, second]) {
    await expect(page.getByRole('heading', { level: 1 })).toContainText('Gridline');
    await expect(page.getByTestId('view-role')).toHaveText('City overview');
    await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  }
  await first.screenshot({ path: testInfo.outputPath('console-en.png') });

  await second.reload();
  await expect(second.locator('html')).toHaveAttribute('data-app-state', 'ready');
  await expect(second.getByTestId('view-role')).toHaveText('City overview');

  await second.getByTestId('language-switch').click();
  await expect(first.getByTestId('view-role')).toHaveText('城市全景');
});
