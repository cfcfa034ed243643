/**
 * The launcher as a user runs it (`npm start`, here with --web so the result does not depend on whether an Electron
 * binary exists): it prints one line with the tokened URL, that URL opens the console, the flags reach the host, and
 * the city is generated on the worker thread.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';

const root = join(import.meta.dirname, '..', '..');
const ADMIN_PASSWORD = 'kiosk-amber-lantern-harbour';

function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffer = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const newline = buffer.indexOf('\n');
      if (newline >= 0) resolve(buffer.slice(0, newline));
    });
    child.on('exit', (code) => reject(new Error(`the launcher exited (${code}) before printing its URL`)));
  });
}

test('npm start --web prints one line with the URL, which opens the console on the configured city', async ({
  page,
}) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'gridline-launch-'));
  const child = spawn(
    process.execPath,
    ['scripts/start.mjs', '--web', '--data-dir', dataDir, '--port', '0', '--city-scale', 'small'],
    // Automation's first administrator, from the environment (no setup screen on a kiosk or in a test).
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, GRIDLINE_ADMIN_USERNAME: 'kiosk-admin', GRIDLINE_ADMIN_PASSWORD: ADMIN_PASSWORD },
    },
  );
  try {
    const line = await firstLine(child);
    expect(line).toMatch(/^Gridline console: http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{43}$/);
    await page.goto(line.split(' ').pop()!);
    await expect(page.getByTestId('sign-in-form')).toBeVisible();
    await page.getByTestId('sign-in-username').fill('kiosk-admin');
    await page.getByTestId('sign-in-password').fill(ADMIN_PASSWORD);
    await page.getByTestId('sign-in-submit').click();
    await expect(page.locator('html')).toHaveAttribute('data-app-state', 'ready');
    await expect(page.locator('html')).toHaveAttribute('data-city-state', 'ready', { timeout: 30_000 });
    const log = readFileSync(join(dataDir, 'logs', 'gridline.log'), 'utf8');
    expect(log).toContain('"event":"city.generation-started","scale":"small","interrupted":false,"thread":"worker"');
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    rmSync(dataDir, { recursive: true, force: true });
  }
});
