/**
 * `npm start` on a bare desk (here `--web`, as in launcher.spec.ts): with no hub configured the launcher starts a
 * local command hub on loopback and, once the city is in the store, the worker SIMULATOR against it, so a broadcast
 * reaches simulated workers' phones with nothing configured. `--no-local-hub` starts neither; a hub that dies leaves
 * the console serving.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import WebSocket, { type RawData } from 'ws';
import { expect, test, type Page } from '@playwright/test';
import { cookieName } from '../../electron/web-host/access';
import type { HubStatus } from '../../shared/contract';
import { CONTRACT_SOCKET_PATH, decodeFrame, encodeFrame } from '../../shared/contract/wire';

const root = join(import.meta.dirname, '..', '..');
const URL_LINE = /^Gridline console: (http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{43})$/;
const HUB_LINE = /^gridline: local command hub \(pid (\d+)\) at (http:\/\/127\.0\.0\.1:\d+),/;
const SIM_LINE = /^gridline: SIMULATOR: (\d+) simulated grid workers' phones \(worker simulator, pid (\d+)\)/;

/** The lines a stream has printed so far, and a wait for the first that matches (failing if the launcher exits). */
class Lines {
  readonly all: string[] = [];
  private waiters: { pattern: RegExp; resolve: (match: RegExpMatchArray) => void }[] = [];

  constructor(stream: Readable, exited: Promise<number | null>) {
    createInterface({ input: stream }).on('line', (line) => {
      this.all.push(line);
      this.waiters = this.waiters.filter(({ pattern, resolve }) => {
        const match = line.match(pattern);
        if (match) resolve(match);
        return !match;
      });
    });
    void exited.then((code) => {
      for (const waiter of this.waiters) waiter.resolve(['exited', String(code)]);
    });
  }

  async match(pattern: RegExp): Promise<RegExpMatchArray> {
    for (const line of this.all) {
      const match = line.match(pattern);
      if (match) return match;
    }
    const match = await new Promise<RegExpMatchArray>((resolve) => this.waiters.push({ pattern, resolve }));
    if (match[0] === 'exited') throw new Error(`the launcher exited (${match[1]}) before printing ${pattern}`);
    return match;
  }
}

interface Launcher {
  child: ChildProcess;
  dataDir: string;
  stdout: Lines;
  stderr: Lines;
  exited: Promise<number | null>;
}

/**
 * The commanders every launch has, provisioned the way a deployment would: `npm run accounts`, before the start. Two,
 * because a city-wide broadcast waits for a second commander's confirmation.
 */
const COMMANDER = { username: 'desk-commander', password: 'desk-amber-lantern-harbour' };
const SECOND = { username: 'desk-commander-2', password: 'desk-copper-meadow-kettle' };

function provisionCommander(dataDir: string, account: { username: string; password: string }): void {
  const added = spawnSync(
    join(root, 'node_modules', '.bin', 'tsx'),
    ['electron/cli/accounts.ts', 'add', account.username, '--role', 'city_commander', '--data-dir', dataDir],
    { cwd: root, env: { ...process.env, GRIDLINE_ACCOUNT_PASSWORD: account.password }, encoding: 'utf8' },
  );
  expect(added.status, added.stderr).toBe(0);
}

/** Signs a page in through the setup step's "sign in instead" (accounts exist, no administrator yet). */
async function signInAs(page: Page, account: { username: string; password: string }): Promise<void> {
  await page.getByTestId('setup-sign-in-instead').click();
  await page.getByTestId('sign-in-username').fill(account.username);
  await page.getByTestId('sign-in-password').fill(account.password);
  await page.getByTestId('sign-in-submit').click();
  await expect(page.locator('html')).toHaveAttribute('data-session-state', 'signed-in');
}

function launch(flags: string[]): Launcher {
  const dataDir = mkdtempSync(join(tmpdir(), 'gridline-local-hub-'));
  provisionCommander(dataDir, COMMANDER);
  provisionCommander(dataDir, SECOND);
  const child = spawn(
    process.execPath,
    ['scripts/start.mjs', '--web', '--data-dir', dataDir, '--port', '0', '--city-scale', 'small', ...flags],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, dataDir, stdout: new Lines(child.stdout, exited), stderr: new Lines(child.stderr, exited), exited };
}

/** Stops the launcher as Ctrl-C would and checks that every process it started is gone. */
async function stop(launcher: Launcher, pids: number[]): Promise<void> {
  if (launcher.child.exitCode === null) {
    launcher.child.kill('SIGTERM');
    await launcher.exited;
  }
  try {
    for (const pid of pids) expect(alive(pid), `process ${pid} outlived the launcher`).toBe(false);
  } finally {
    rmSync(launcher.dataDir, { recursive: true, force: true });
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** One contract call over the web host's socket, signed in as the commander, as a browser tab of the console makes it. */
async function invoke(consoleUrl: string, name: string): Promise<unknown> {
  const url = new URL(consoleUrl);
  const socket = new WebSocket(`ws://${url.host}${CONTRACT_SOCKET_PATH}`, {
    headers: { origin: url.origin, cookie: `${cookieName(Number(url.port))}=${url.searchParams.get('token')}` },
  });
  try {
    return await new Promise((resolve, reject) => {
      socket.on('message', (data: RawData) => {
        const frame = decodeFrame(data as Buffer) as { type: string; id?: number; ok?: boolean; output?: unknown };
        if (frame.type !== 'result') return; // an event (the city's progress reaches every window)
        if (!frame.ok) reject(new Error(`${name} failed: ${JSON.stringify(frame)}`));
        // Signed in (the password check takes its time): now the call itself.
        else if (frame.id === 1) socket.send(encodeFrame({ type: 'invoke', id: 2, name, input: {} }));
        else if (frame.id === 2) resolve(frame.output);
      });
      socket.once('open', () =>
        socket.send(encodeFrame({ type: 'invoke', id: 1, name: 'session.signIn', input: COMMANDER })),
      );
      socket.once('error', reject);
    });
  } finally {
    socket.close();
  }
}

test('a bare npm start runs a local hub and simulated workers: a broadcast reaches their phones', async ({ page }) => {
  test.setTimeout(120_000);
  const launcher = launch(['--sim-workers', '200']);
  const pids: number[] = [];
  try {
    const [, consoleUrl] = await launcher.stdout.match(URL_LINE);
    const [, hubPid, hubUrl] = await launcher.stderr.match(HUB_LINE);
    pids.push(Number(hubPid));
    // The console says where its hub is: on this machine.
    await expect
      .poll(async () => (await invoke(consoleUrl!, 'hub.getStatus')) as HubStatus)
      .toEqual({ state: 'connected', url: hubUrl });
    expect(existsSync(join(launcher.dataDir, 'hub', 'hub-secrets.json'))).toBe(true);

    // The simulated workers start once the city is in the store, and connect.
    await launcher.stdout.match(/^Gridline city ready: /);
    const [, workers, simPid] = await launcher.stderr.match(SIM_LINE);
    pids.push(Number(simPid));
    expect(workers).toBe('200');
    const simLog = join(launcher.dataDir, 'logs', 'worker-simulator.log');
    await expect
      .poll(() => (existsSync(simLog) ? readFileSync(simLog, 'utf8') : ''), { timeout: 30_000 })
      .toMatch(/ready: \d+ connected/);

    await page.goto(consoleUrl!);
    await signInAs(page, COMMANDER);
    await expect(page.locator('html')).toHaveAttribute('data-city-state', 'ready', { timeout: 30_000 });
    await page.getByTestId('broadcast-open').click();
    await expect(page.getByTestId('hub-state')).toHaveText('指挥中枢已连接 · 本机');
    await expect(page.getByTestId('broadcast-preview')).toContainText('2,210 名网格员');
    await page.getByTestId('broadcast-text').fill('本地指挥中枢演练：请确认收到');
    await page.getByTestId('broadcast-send').click();
    await expect(page.getByTestId('broadcast-held')).toBeVisible();
    // The second commander confirms from their own window.
    const second = await page.context().newPage();
    await second.goto(consoleUrl!);
    await signInAs(second, SECOND);
    await second.getByTestId('confirmation-approve').click();
    await expect(second.getByTestId('confirmation-state')).toContainText('已复核执行');
    await second.close();
    const receipt = page.getByTestId('broadcast-receipt').first();
    await expect(receipt).toContainText('本地指挥中枢演练');
    // 200 simulated workers, a few of them offline by design: nearly all have it.
    await expect
      .poll(async () => Number((await receipt.getByTestId('receipt-delivered').textContent())?.replace(/,/g, '')))
      .toBeGreaterThanOrEqual(180);
  } finally {
    await stop(launcher, pids);
  }
});

test('--no-local-hub starts no hub and no simulator: broadcasting says no hub is configured', async () => {
  const launcher = launch(['--no-local-hub']);
  try {
    const [, consoleUrl] = await launcher.stdout.match(URL_LINE);
    await launcher.stdout.match(/^Gridline city ready: /);
    expect(await invoke(consoleUrl!, 'hub.getStatus')).toEqual({ state: 'unconfigured', url: null });
    expect(launcher.stderr.all.filter((line) => /local command hub|SIMULATOR/.test(line))).toEqual([]);
    expect(existsSync(join(launcher.dataDir, 'hub'))).toBe(false);
  } finally {
    await stop(launcher, []);
  }
});

test('a local hub that dies is said in one line; the console keeps serving and shows the hub unavailable', async ({
  request,
}) => {
  const launcher = launch(['--sim-workers', '0']);
  try {
    const [, consoleUrl] = await launcher.stdout.match(URL_LINE);
    const [, hubPid, hubUrl] = await launcher.stderr.match(HUB_LINE);
    await expect.poll(async () => ((await invoke(consoleUrl!, 'hub.getStatus')) as HubStatus).state).toBe('connected');

    process.kill(Number(hubPid), 'SIGKILL');
    const { input: line } = await launcher.stderr.match(/local command hub \(pid \d+\) stopped/);
    expect(line).toBe(
      `gridline: the local command hub (pid ${hubPid}) stopped (signal SIGKILL); the console keeps running ` +
        `without it; see ${join(launcher.dataDir, 'logs', 'local-hub.log')}`,
    );
    await expect
      .poll(async () => (await invoke(consoleUrl!, 'hub.getStatus')) as HubStatus)
      .toMatchObject({ state: 'connecting', url: hubUrl });
    expect((await request.get(consoleUrl!)).status()).toBe(200);
    expect(launcher.child.exitCode).toBeNull();
    // --sim-workers 0: no simulator, even with the city ready.
    await launcher.stdout.match(/^Gridline city ready: /);
    expect(launcher.stderr.all.filter((line) => line.includes('SIMULATOR'))).toEqual([]);
  } finally {
    await stop(launcher, []);
  }
});
