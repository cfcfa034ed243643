/**
 * Operators, authority and the audit trail in the running console (issue #6): first-start setup, an administrator
 * opening a district commander's account, authority enforced in the main process whatever the window sends, the
 * refusal on the audit trail as an inspector sees, filters and exports it; brute force locking an account; the
 * screen lock surviving a reload.
 */
import { encodeFrame } from '../../shared/contract/wire';
import { connectRaw } from './contract-socket-client';
import { E2E_ACCOUNTS, E2E_PASSWORD, expect, signIn, test } from './fixtures';

const ADMIN = { username: 'zz-admin', password: 'violet-orchard-kettle-77' };
const DISTRICT = { username: 'jinshui-commander', password: 'copper-meadow-lantern-52' };

test.describe('a fresh console', () => {
  test.use({ accounts: false });

  test('setup, an account for a district commander, a refusal outside their county on the audit trail, exported', async ({
    console: gridline,
    page,
    pageErrors,
  }, testInfo) => {
    await page.goto(gridline.host.url);
    const setup = page.getByTestId('setup-form');
    await expect(setup).toBeVisible();
    await page.screenshot({ path: testInfo.outputPath('setup.png') });
    await setup.getByLabel('用户名').fill(ADMIN.username);
    await setup.getByLabel('姓名').fill('市网格中心管理员');
    await setup.getByLabel('密码', { exact: true }).fill(ADMIN.password);
    await setup.getByLabel('再次输入密码').fill(ADMIN.password);
    await page.getByTestId('setup-submit').click();
    await expect(page.locator('html')).toHaveAttribute('data-session-state', 'signed-in');
    await expect(page.locator('html')).toHaveAttribute('data-city-state', 'ready', { timeout: 30_000 });
    // An administrator manages; the import is theirs, commands are not.
    await expect(page.getByTestId('import-open')).toBeVisible();

    // The administrator opens an account for the commander of 金水区.
    await page.getByTestId('operator-chip').click();
    await page.getByTestId('menu-users').click();
    await page.getByTestId('users-add-open').click();
    const form = page.getByTestId('users-add');
    await form.getByTestId('users-add-username').fill(DISTRICT.username);
    await form.getByTestId('users-add-display-name').fill('金水区指挥长');
    await form.getByTestId('users-add-role').selectOption('district_commander');
    await form.getByTestId('users-add-scope-search').fill('金水');
    await form.getByTestId('users-add-scope-option').first().click();
    await form.getByTestId('users-add-password').fill(DISTRICT.password);
    await form.getByTestId('users-add-confirm').fill(DISTRICT.password);
    await form.getByTestId('users-add-submit').click();
    const row = page.getByTestId('users-row').filter({ hasText: DISTRICT.username });
    await expect(row).toContainText('金水区');
    await page.getByTestId('users-panel').screenshot({ path: testInfo.outputPath('users.png') });
    await page.keyboard.press('Escape');

    // The district commander signs in in another tab: a broadcast to another county is refused before it is sent.
    const district = await page.context().newPage();
    await district.goto(gridline.host.url);
    await signIn(district, DISTRICT.username, DISTRICT.password);
    await district.getByTestId('broadcast-open').click();
    await district.getByTestId('broadcast-target').selectOption('counties');
    await district.getByTestId('broadcast-counties').getByLabel('中原区').check();
    await district.getByTestId('broadcast-text').fill('越权测试');
    await expect(district.getByTestId('broadcast-refusal')).toContainText('county');
    await expect(district.getByTestId('broadcast-send')).toBeDisabled();
    await district.getByTestId('broadcast-panel').screenshot({ path: testInfo.outputPath('refused-preview.png') });
    await district.close();

    // A window that sends anyway (a tampered renderer) is refused by the main process, and the refusal is audited.
    const raw = await connectRaw(gridline.host);
    raw.socket.send(encodeFrame({ type: 'invoke', id: 1, name: 'session.signIn', input: DISTRICT }));
    await expect(raw.next()).resolves.toMatchObject({ id: 1, ok: true });
    raw.socket.send(
      encodeFrame({
        type: 'invoke',
        id: 2,
        name: 'broadcast.send',
        input: {
          text: '越权测试',
          priority: 'urgent',
          target: { kind: 'city' },
          ackRequired: true,
          expiresInMinutes: 5,
        },
      }),
    );
    await expect(raw.next()).resolves.toMatchObject({ id: 2, ok: false, error: { code: 'forbidden' } });
    raw.socket.close();

    // The administrator, as an inspector, finds it on the trail by operator, checks the chain and exports it.
    await page.getByTestId('operator-chip').click();
    await page.getByTestId('menu-audit').click();
    const audit = page.getByTestId('audit-panel');
    await audit.getByTestId('audit-refresh').click();
    await audit.getByTestId('audit-actor').selectOption(DISTRICT.username);
    const refused = audit.getByTestId('audit-entries').locator('tr[data-result="refused"]');
    await expect(refused.filter({ hasText: 'broadcast.send' })).toHaveCount(1);
    await expect(refused.filter({ hasText: 'broadcast.send' })).toContainText('city');
    await audit.getByTestId('audit-verify').click();
    await expect(audit.getByTestId('audit-verify-result')).toContainText(/完整|通过|ok/i);
    await audit.screenshot({ path: testInfo.outputPath('audit.png') });
    await audit.getByTestId('audit-export-csv').click();
    await expect(audit.getByTestId('audit-exported')).toBeVisible();
    const href = await audit.getByTestId('audit-download').getAttribute('href');
    const csv = await (await page.request.get(`${gridline.host.origin}${href}`)).text();
    expect(csv).toContain(DISTRICT.username);
    expect(csv).toMatch(/broadcast\.send.*refused/);
    expect(csv).not.toContain(DISTRICT.password);
    expect(pageErrors).toEqual([]);
  });
});

test('brute force locks the account, also against the right password; an unlocked window keeps working', async ({
  console: gridline,
  page,
}, testInfo) => {
  await page.goto(gridline.host.url);
  const username = E2E_ACCOUNTS.viewer.username;
  for (let attempt = 1; attempt <= 4; attempt++) {
    await page.getByTestId('sign-in-username').fill(username);
    await page.getByTestId('sign-in-password').fill(`wrong-password-${attempt}`);
    await page.getByTestId('sign-in-submit').click();
    await expect(page.getByTestId('session-error')).toHaveText('用户名或密码错误。');
  }
  await page.getByTestId('sign-in-password').fill('wrong-password-5');
  await page.getByTestId('sign-in-submit').click();
  await expect(page.getByTestId('session-error')).toContainText('已锁定');
  await page.getByTestId('sign-in-password').fill(E2E_PASSWORD);
  await page.getByTestId('sign-in-submit').click();
  await expect(page.getByTestId('session-error')).toContainText('已锁定');
  await page.screenshot({ path: testInfo.outputPath('locked-account.png') });
  const lock = gridline.core.identity.listOperators().find((operator) => operator.username === username);
  expect(lock?.lockedUntil).toBeGreaterThan(Date.now());
});

test('the screen lock hides the console until the password, and a reload does not lift it', async ({
  page,
  openConsole,
}, testInfo) => {
  await openConsole();
  await page.getByTestId('operator-chip').click();
  await page.getByTestId('menu-lock').click();
  await expect(page.getByTestId('lock-screen')).toBeVisible();
  await expect(page.getByTestId('map')).toHaveCount(0);
  await page.reload();
  await expect(page.getByTestId('lock-screen')).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath('lock-screen.png') });
  await page.getByTestId('unlock-password').fill('not-my-password-0');
  await page.getByTestId('unlock-submit').click();
  await expect(page.getByTestId('session-error')).toHaveText('用户名或密码错误。');
  await page.getByTestId('unlock-password').fill(E2E_PASSWORD);
  await page.getByTestId('unlock-submit').click();
  await expect(page.locator('html')).toHaveAttribute('data-app-state', 'ready');
  await expect(page.getByTestId('map')).toBeVisible();
});

test('the screen locks by itself after the policy idle time without input', async ({
  console: gridline,
  page,
  openConsole,
}) => {
  test.setTimeout(120_000);
  // The policy's shortest screen lock (30 s), set as an administrator would.
  gridline.core.identity.updatePolicy({ screenLockIdleMs: 30_000 });
  await openConsole();
  const signedInAt = Date.now();
  await expect(page.getByTestId('lock-screen')).toBeVisible({ timeout: 60_000 });
  expect(Date.now() - signedInAt).toBeGreaterThanOrEqual(25_000);
  await expect(page.locator('html')).toHaveAttribute('data-session-state', 'locked');
});
