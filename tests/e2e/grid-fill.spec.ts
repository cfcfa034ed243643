import { expect, test } from './fixtures';
import { changedShare, showOnly, uncoveredMap } from './pixels';

test('grids fill by the chosen metric, light up under the pointer, and a click opens the card', async ({
  page,
  openCity,
}, testInfo) => {
  // Street level (L2 fill) over the city centre.
  await openCity('11/34.757/113.66');
  await showOnly(page, []);
  const clip = await uncoveredMap(page);
  const empty = await page.screenshot({ clip });

  await page.getByTestId('layer-fill-visible').setChecked(true);
  await expect(page.getByTestId('layer-fill-max')).toContainText('二级网格');
  await expect
    .poll(async () => changedShare(empty, await page.screenshot({ clip })), { message: 'the fill covers the map' })
    .toBeGreaterThan(0.3);
  const openTickets = await page.screenshot({ clip });
  await page.screenshot({ path: testInfo.outputPath('fill-open-tickets.png') });

  // Another metric, other colours (workers on duty use the green ramp).
  await page.getByTestId('layer-fill-metric').selectOption('workersOnDuty');
  await expect
    .poll(async () => changedShare(openTickets, await page.screenshot({ clip })), { message: 'the metric recolours' })
    .toBeGreaterThan(0.2);
  await page.screenshot({ path: testInfo.outputPath('fill-workers.png') });

  // Hover: the grid under the pointer lights up, and only around it.
  const centre = { x: clip.x + clip.width / 2, y: clip.y + clip.height / 2 };
  await page.mouse.move(clip.x + 5, clip.y + 5);
  const calm = await page.screenshot({ clip });
  await page.mouse.move(centre.x, centre.y);
  await expect
    .poll(async () => changedShare(calm, await page.screenshot({ clip })), { message: 'hover highlight' })
    .toBeGreaterThan(0.002);
  const lit = changedShare(calm, await page.screenshot({ clip }));
  expect(lit).toBeLessThan(0.3);
  await page.screenshot({ path: testInfo.outputPath('fill-hover.png') });

  // A click on the fill opens that grid's card (picked on the GPU, not located again).
  await page.mouse.click(centre.x, centre.y);
  await expect(page.getByTestId('grid-card')).toContainText('二级网格');
  await expect(page.getByTestId('grid-card-overdue-tickets')).toHaveText(/^\d[\d,]*$/);

  // The choice of metric is remembered by this window.
  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('data-app-state', 'ready');
  await expect(page.getByTestId('layer-fill-metric')).toHaveValue('workersOnDuty');
});
