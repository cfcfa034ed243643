/**
 * The desktop console under Electron itself. Runs wherever an Electron binary is installed (a user's or a packaging
 * machine); skipped, with the reason printed, where it is not (these build machines cannot download one).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { _electron as electron, expect, test } from '@playwright/test';

const root = join(import.meta.dirname, '..', '..');

function findElectronBinary(): { binary?: string; reason?: string } {
  try {
    const binary: unknown = createRequire(import.meta.url)('electron');
    if (typeof binary === 'string' && existsSync(binary)) return { binary };
    return { reason: 'the electron package is installed without its binary' };
  } catch (error) {
    return { reason: `no Electron binary is installed (${(error as Error).message.split('\n')[0]})` };
  }
}

const { binary, reason } = findElectronBinary();
if (!binary) console.log(`Electron end-to-end tests skipped: ${reason}`);

test.skip(!binary, `Electron end-to-end tests need an Electron binary: ${reason}`);

test('opens the map window, locked down, with the contract on window.gridline only', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'gridline-electron-'));
  // The first administrator from the environment, as a kiosk deployment would provision it.
  const admin = { username: 'desk-admin', password: 'desk-amber-lantern-harbour' };
  const app = await electron.launch({
    executablePath: binary,
    args: [root, `--data-dir=${dataDir}`],
    env: { ...process.env, GRIDLINE_ADMIN_USERNAME: admin.username, GRIDLINE_ADMIN_PASSWORD: admin.password },
  });
  try {
    const window = await app.firstWindow();
    await window.getByTestId('sign-in-username').fill(admin.username);
    await window.getByTestId('sign-in-password').fill(admin.password);
    await window.getByTestId('sign-in-submit').click();
    await expect(window.locator('html')).toHaveAttribute('data-app-state', 'ready', { timeout: 30_000 });
    await expect(window.getByTestId('view-role')).toHaveText('城市全景');

    const exposed = await window.evaluate(() => ({
      require: typeof (globalThis as { require?: unknown }).require,
      process: typeof (globalThis as { process?: unknown }).process,
      ipcRenderer: typeof (globalThis as { ipcRenderer?: unknown }).ipcRenderer,
      bridge: Object.keys((globalThis as { gridline?: object }).gridline ?? {}).sort(),
    }));
    // The web preferences themselves are unit-tested (secure-window.test.ts); here: what a page can actually reach.
    expect(exposed).toEqual({
      require: 'undefined',
      process: 'undefined',
      ipcRenderer: 'undefined',
      bridge: ['invoke', 'subscribe'],
    });

    const windows = await app.evaluate(({ BrowserWindow, screen }) => ({
      windows: BrowserWindow.getAllWindows().length,
      displays: screen.getAllDisplays().length,
    }));
    expect(windows.windows).toBe(windows.displays);
  } finally {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
