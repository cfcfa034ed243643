/**
 * End-to-end tests: Debian's Chromium (Playwright cannot download browsers here) drives the real console served by
 * the web host; WebGL runs on SwiftShader. The Electron project launches the desktop app where a binary exists.
 */
import { defineConfig } from '@playwright/test';

export const CHROMIUM_PATH = process.env.GRIDLINE_CHROMIUM ?? '/usr/bin/chromium';

export default defineConfig({
  testDir: 'tests',
  outputDir: 'test-results/e2e',
  // Every run's temporary files (stores, hub logs, browser profiles) in one folder, removed at the end.
  globalSetup: './tests/global-setup.ts',
  timeout: 60_000,
  expect: { timeout: 20_000 },
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  reporter: [['list'], ['json', { outputFile: 'test-results/e2e-report.json' }]],
  use: {
    viewport: { width: 1100, height: 720 },
    launchOptions: {
      executablePath: CHROMIUM_PATH,
      args: [
        '--no-sandbox',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
        '--use-gl=angle',
        '--use-angle=swiftshader',
        '--enable-unsafe-swiftshader',
      ],
    },
  },
  projects: [
    { name: 'web', testDir: 'tests/e2e' },
    { name: 'electron', testDir: 'tests/e2e-electron' },
  ],
});
