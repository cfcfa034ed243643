import { expect, test, HUB_SECRETS } from './fixtures';
import { connectPhones } from './phones';
import { changedShare, uncoveredMap } from './pixels';

test.use({ withHub: true });

test('a broadcast to the whole city: preview, send, live receipts from the phones, pending list, ack map', async ({
  console: gridline,
  page,
  openCity,
}, testInfo) => {
  await openCity();
  const phones = await connectPhones(gridline.hub!.url, gridline.dataDir, HUB_SECRETS.worker, 120);
  try {
    await page.getByTestId('broadcast-open').click();
    await expect(page.getByTestId('hub-state')).toHaveText('指挥中枢已连接');
    // The whole city: every grid worker in the store (2,210 at the test scale), online or not.
    await expect(page.getByTestId('broadcast-preview')).toContainText('2,210 名网格员');
    await expect(page.getByTestId('broadcast-send')).toBeDisabled();
    await page.getByTestId('broadcast-text').fill('暴雨红色预警：请立即巡查辖区低洼路段');
    await page.getByTestId('broadcast-priority-emergency').check();
    await page.getByTestId('broadcast-send').click();

    const receipt = page.getByTestId('broadcast-receipt').first();
    await expect(receipt).toContainText('暴雨红色预警');
    await expect(receipt.getByTestId('receipt-targeted')).toHaveText('2,210');
    // Every connected phone has it, exactly once, and said so.
    await expect(receipt.getByTestId('receipt-sent')).toHaveText('120');
    await expect(receipt.getByTestId('receipt-delivered')).toHaveText('120');
    expect(phones.ids.every((id) => phones.received.get(id)?.length === 1)).toBe(true);
    await expect(receipt.getByTestId('receipt-timing')).toContainText('p50');

    // Read acknowledgement was required and nobody has read it yet: all 120 are pending.
    await receipt.getByTestId('receipt-pending').click();
    await expect(page.getByTestId('broadcast-pending')).toContainText('未确认：120 人');

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
