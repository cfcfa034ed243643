/**
 * Each test gets its own console: a fresh data directory, a web host on a free port with its own token, operator
 * accounts provisioned without the UI (as `npm run accounts` would), and a page opened on the printed URL and signed
 * in through the sign-in screen. Page errors and console errors are collected so tests can assert there were none
 * (a CSP violation, for one, shows up there).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test as base, expect, type Page } from '@playwright/test';
import { createConsoleCore, type ConsoleCore } from '../../electron/host/console-core';
import type { CityScale } from '../../electron/services/city/generator/scale';
import { createMemoryLogger } from '../../electron/host/logger';
import { startWebHost, type WebHost } from '../../electron/web-host/web-host';
import { startHub, type Hub } from '../../hub/server/hub-server';

const root = join(import.meta.dirname, '..', '..');

/** Every account the fixture provisions has this password. */
export const E2E_PASSWORD = 'e2e-amber-lantern-harbour';
/** The accounts every test's console has: an administrator, two city commanders, a viewer. */
export const E2E_ACCOUNTS = {
  admin: { username: 'e2e-admin', role: 'administrator' },
  commander: { username: 'e2e-commander', role: 'city_commander' },
  secondCommander: { username: 'e2e-commander-2', role: 'city_commander' },
  viewer: { username: 'e2e-viewer', role: 'viewer' },
} as const;
/** Cheaper scrypt than the product's (2^17) so sign-ins do not dominate the suite; the defaults have unit tests. */
const E2E_SCRYPT = { N: 2 ** 14, r: 8, p: 1 };

/** Signs the page in through the sign-in screen and waits until the console is shown. */
export async function signIn(
  page: Page,
  username: string = E2E_ACCOUNTS.commander.username,
  password: string = E2E_PASSWORD,
): Promise<void> {
  await page.getByTestId('sign-in-username').fill(username);
  await page.getByTestId('sign-in-password').fill(password);
  await page.getByTestId('sign-in-submit').click();
  await expect(page.locator('html')).toHaveAttribute('data-session-state', 'signed-in');
}

/** Signs in unless the tab resumed its session (a second document in the same tab keeps it). */
async function ensureSignedIn(page: Page, username?: string): Promise<void> {
  const html = page.locator('html');
  await expect(html).toHaveAttribute('data-session-state', /^(signed-in|signed-out)$/);
  if ((await html.getAttribute('data-session-state')) === 'signed-out') await signIn(page, username);
}

export interface ConsoleFixture {
  /** The running console core (its identity service, audit trail, events). */
  core: ConsoleCore;
  /** The command hub, when the test asked for one (`withHub`). */
  hub?: Hub;
  /** The running web host (replaced by startHost after a stopHost). */
  host: WebHost;
  dataDir: string;
  log: ReturnType<typeof createMemoryLogger>;
  /** Stops the host, closing every socket, as a crash or restart would. */
  stopHost: () => Promise<void>;
  /** Starts it again on the same port and data directory, with the same token (as a kiosk deployment would). */
  startHost: () => Promise<void>;
}

interface Options {
  /** Size of the default city generated in the fresh data directory. */
  cityScale: CityScale;
  /** Start a command hub (in-process, embedded log) and connect the console to it. */
  withHub: boolean;
  /** Provision the E2E_ACCOUNTS (default); without them the console opens on its first-start setup step. */
  accounts: boolean;
}

/** The hub's secrets in tests: the console's, and the one phones' tokens are signed with. */
export const HUB_SECRETS = { worker: 'e2e-worker-secret-0123456789', console: 'e2e-console-secret-0123456789' };
/** The intake's API key of the 郑好拍 photo app in tests (the hub's intake posts as that channel with it). */
export const E2E_INTAKE_KEY = 'e2e-zhenghaopai-intake-key';

interface Fixtures {
  console: ConsoleFixture;
  pageErrors: string[];
  /** Opens a console window, signs in (the city commander unless told), and waits for its ready marker. */
  openConsole: (page?: Page, username?: string) => Promise<Page>;
  /**
   * Opens the console once the city is complete, then — given a view (`zoom/lat/lng`) — again as a new document on
   * that view (not just a new hash: the map starts there rather than flying), and waits for the map.
   */
  openCity: (view?: string) => Promise<Page>;
}

/** A console core on `dataDir` (its city generated there if new) behind a web host, connected to `hub` if given. */
export async function launchConsole(options: {
  dataDir: string;
  cityScale: CityScale;
  log?: ReturnType<typeof createMemoryLogger>;
  hub?: Hub | undefined;
  port?: number;
  token?: string | undefined;
}): Promise<{ core: ConsoleCore; host: WebHost }> {
  const { dataDir, cityScale, hub } = options;
  const core = createConsoleCore({
    dataDir,
    resourcesDir: join(root, 'resources'),
    host: 'web',
    version: '0.0.0-test',
    log: options.log ?? createMemoryLogger(),
    cityScale,
    scrypt: E2E_SCRYPT,
    generationWorker: join(root, 'dist', 'web-host', 'generation-worker.cjs'),
    ...(hub ? { hub: { url: hub.url, consoleSecret: HUB_SECRETS.console } } : {}),
  });
  const host = await startWebHost({
    core,
    rendererDir: join(root, 'dist', 'renderer'),
    host: '127.0.0.1',
    port: options.port ?? 0,
    token: options.token,
  });
  return { core, host };
}

export const test = base.extend<Fixtures & Options>({
  cityScale: ['small', { option: true }],
  withHub: [false, { option: true }],
  accounts: [true, { option: true }],
  console: async ({ cityScale, withHub, accounts }, use, testInfo) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'gridline-e2e-'));
    const hub = withHub
      ? await startHub({
          port: 0,
          hubId: 'e2e-hub',
          workerSecret: HUB_SECRETS.worker,
          consoleSecret: HUB_SECRETS.console,
          dataDir: mkdtempSync(join(tmpdir(), 'gridline-e2e-hub-')),
          intakeKeys: { [E2E_INTAKE_KEY]: 'zhenghaopai' },
          log: () => {},
        })
      : undefined;
    const log = createMemoryLogger();
    const cores: ConsoleCore[] = [];
    const launch = async (port: number, token?: string): Promise<WebHost> => {
      const started = await launchConsole({ dataDir, cityScale, log, hub, port, token });
      cores.push(started.core);
      return started.host;
    };
    let running: WebHost | undefined = await launch(0);
    const first = running;
    for (const account of accounts ? Object.values(E2E_ACCOUNTS) : []) {
      await cores[0]!.identity.addOperator({
        username: account.username,
        displayName: account.username,
        role: account.role,
        password: E2E_PASSWORD,
      });
    }
    const fixture: ConsoleFixture = {
      core: cores[0]!,
      ...(hub ? { hub } : {}),
      host: first,
      dataDir,
      log,
      stopHost: async () => {
        await running?.close();
        running = undefined;
      },
      startHost: async () => {
        running = await launch(first.port, first.token);
        fixture.host = running;
        fixture.core = cores.at(-1)!;
      },
    };
    await use(fixture);
    if (testInfo.status !== testInfo.expectedStatus) {
      // What the console logged as errors and warnings: the first thing to read when a test fails.
      const entries = log.entries.filter((entry) => entry.level !== 'info');
      await testInfo.attach('console-log', { body: JSON.stringify(entries, null, 1), contentType: 'application/json' });
      console.error(`console log (warnings and errors):\n${JSON.stringify(entries.slice(-20), null, 1)}`);
    }
    await running?.close();
    for (const core of cores) await core.close();
    await hub?.close();
    rmSync(dataDir, { recursive: true, force: true });
  },
  pageErrors: async ({ page }, use) => {
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(`console: ${message.text()}`);
    });
    await use(errors);
  },
  openConsole: async ({ console: gridline, page }, use) => {
    await use(async (target = page, username?: string) => {
      await target.goto(gridline.host.url);
      await ensureSignedIn(target, username);
      await expect(target.locator('html')).toHaveAttribute('data-app-state', 'ready');
      return target;
    });
  },
  openCity: async ({ console: gridline, page }, use) => {
    await use(async (view) => {
      await page.goto(gridline.host.url);
      await ensureSignedIn(page);
      await expect(page.locator('html')).toHaveAttribute('data-city-state', 'ready', { timeout: 30_000 });
      // The tab keeps its session: the second document resumes it without the sign-in screen.
      if (view) await page.goto(`${gridline.host.origin}/?view=test#${view}`);
      await expect(page.locator('html')).toHaveAttribute('data-app-state', 'ready');
      return page;
    });
  },
});

export { expect };
