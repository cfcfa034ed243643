/**
 * Emergency mode switch, click to every window (issue #8): two hub processes sharing one Redis carry ≥ 38,000
 * simulated workers (the hub's load); two console cores on copies of one generated city follow the hubs' ordered
 * stream, console 1 through hub 0 and console 2 through hub 1 (so a switch crosses Redis to reach the second console);
 * each console has its own web host, and two Chromium windows per console are signed in as a city commander and show
 * the map. In console 1's first window the commander prepares a switch in the mode desk (event type, two county-level
 * units, level IV) and previews it, or previews a return to normal; the clock starts when the click on mode-confirm is
 * dispatched in that window and stops, per window, when that window's DOM shows the new mode — the band with the new
 * level and event, or no band for normal (mode-switch/band-watch.ts: a MutationObserver stamps it in the page; every
 * stamp is the machine's clock). A switch's figure is its slowest window. Switches alternate Normal → IV rainstorm for
 * two counties → Normal.
 *
 *   npm run bench -- mode-switch [--switches 20] [--warmup 0] [--workers 38000] [--hubs 2] [--scale small]
 *     [--windows-per-console 2] [--gap-ms 1000] [--per-process 18000] [--concurrency 500] [--width 1000]
 *     [--height 700] [--switch-timeout-s 30] [--timeout-s 900]
 *
 * Needs the renderer built (`npm run build`): it says so and stops when dist/ is missing. `workers` in the output is
 * what the hubs report connected (hub:stats, all hubs) just before the first switch, checked again after the last.
 * Everything shares this machine's cores: hubs, Redis, the simulator's processes, both consoles, and Chromium drawing
 * four maps (software WebGL here), so times are upper bounds. Warm-up switches (`--warmup`, pairs of switch and
 * return) are reported apart, not hidden. Everything is bounded by --timeout-s, and the browser, the web hosts, the
 * consoles, the simulator, the hubs and Redis are stopped on every way out. Progress goes to stderr; the last line of
 * stdout is one JSON object.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, release, tmpdir, totalmem, type as osType } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium, type Browser, type Page } from '@playwright/test';
import { CITY_SCALES, type CityScale } from '../../electron/services/city/generator/scale';
import { freePort, startRedis } from '../../hub/redis-process';
import { percentile, startWorkerSimulator } from '../../hub/simulator/simulator';
import playwrightConfig, { CHROMIUM_PATH } from '../../playwright.config';
import { signIn } from '../e2e/fixtures';
import { ConsoleLink } from './broadcast/console-link';
import { startHubProcess, type HubProcess } from './broadcast/hub-processes';
import { armWatch, confirmClickAt, shownAt, type ExpectedMode } from './mode-switch/band-watch';
import { prepareCities, requireBuild, startConsole, type BenchConsole } from './mode-switch/consoles';
import { Teardown } from './teardown';

const { values } = parseArgs({
  options: {
    switches: { type: 'string', default: '20' },
    warmup: { type: 'string', default: '0' },
    workers: { type: 'string', default: '38000' },
    hubs: { type: 'string', default: '2' },
    scale: { type: 'string', default: 'small' },
    'windows-per-console': { type: 'string', default: '2' },
    'gap-ms': { type: 'string', default: '1000' },
    'per-process': { type: 'string', default: '18000' },
    concurrency: { type: 'string', default: '500' },
    width: { type: 'string', default: '1000' },
    height: { type: 'string', default: '700' },
    'switch-timeout-s': { type: 'string', default: '30' },
    'timeout-s': { type: 'string', default: '900' },
  },
});
const integer = (flag: keyof typeof values, min: number): number => {
  const n = Number(values[flag]);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${flag} must be a whole number ≥ ${min}`);
  return n;
};
const switches = integer('switches', 1);
const warmUps = integer('warmup', 0);
const workerCount = integer('workers', 1);
const hubCount = integer('hubs', 1);
const windowsPerConsole = integer('windows-per-console', 1);
const gapMs = integer('gap-ms', 0);
const perProcess = integer('per-process', 1);
const concurrency = integer('concurrency', 1);
const viewport = { width: integer('width', 320), height: integer('height', 240) };
const switchTimeoutMs = integer('switch-timeout-s', 1) * 1000;
const timeoutS = integer('timeout-s', 30);
const scale: CityScale =
  CITY_SCALES.find((known) => known === values.scale) ??
  ((): never => {
    throw new Error(`--scale must be one of ${CITY_SCALES.join(', ')}`);
  })();
if (workerCount / hubCount > 19_000) {
  throw new Error(`${workerCount} workers over ${hubCount} hubs: more than 19,000 sockets per hub process`);
}
const CONSOLES = 2;
const GOAL_P95_MS = 1000;
/** The switch: a rainstorm at level IV over two county-level units (levels I and II need a second operator). */
const EVENT = 'rainstorm_flood';
const LEVEL = 'IV';
const loadAtStart = loadavg()[0] ?? 0;
const startedAt = performance.now();
const log = (message: string): void =>
  void process.stderr.write(`[mode-switch ${((performance.now() - startedAt) / 1000).toFixed(1)} s] ${message}\n`);
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const round = (value: number): number => Number(value.toFixed(1));

// --- what has to be stopped, whatever happens ------------------------------------------------------------------
const teardown = new Teardown(log);
/** The switches are done: what the hubs log of the teardown is noise. */
let measured = false;
const hubs: HubProcess[] = [];
interface Window {
  console: number;
  index: number;
  page: Page;
  errors: string[];
}

interface SwitchRecord {
  n: number;
  to: 'IV' | 'normal';
  /** The slowest window: click → that window shows the new mode. */
  slowestMs: number;
  /** Every window, in order (console 1's first, …). */
  windowsMs: number[];
  /** Click → the switching window's desk says done (the switch applied here and the activation broadcast sent). */
  doneMs: number;
}

/** Opens a window on a console, signs in as its commander, and waits until the map is shown. */
async function openWindow(browser: Browser, desk: BenchConsole, index: number, pages: Window[]): Promise<void> {
  const context =
    pages.find((window) => window.console === desk.index)?.page.context() ??
    (await browser.newContext({ viewport, deviceScaleFactor: 1 }));
  const page = await context.newPage();
  const window: Window = { console: desk.index, index, page, errors: [] };
  page.on('pageerror', (error) => window.errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') window.errors.push(`console: ${message.text()}`);
  });
  await page.goto(desk.host.url);
  await page.waitForFunction(
    () => /^signed-(in|out)$/.test(document.documentElement.dataset.sessionState ?? ''),
    null,
    {
      timeout: 60_000,
    },
  );
  if ((await page.evaluate('document.documentElement.dataset.sessionState')) === 'signed-out') {
    await signIn(page, desk.username, desk.password);
  }
  await page.waitForFunction(
    () =>
      document.documentElement.dataset.appState === 'ready' && document.documentElement.dataset.cityState === 'ready',
    null,
    { timeout: 120_000 },
  );
  pages.push(window);
  log(`console ${desk.index} window ${index}: signed in, map shown`);
}

/** Prepares the next switch in the desk of `page` and previews it; resolves once Confirm can be clicked. */
async function prepare(page: Page, to: SwitchRecord['to'], counties: string[]): Promise<void> {
  if (to === 'normal') {
    await page.getByTestId('mode-return').click();
  } else {
    await page.getByTestId('mode-event-type').selectOption(EVENT);
    await page.getByTestId('mode-scope-counties').check();
    for (const code of counties) await page.getByTestId(`mode-scope-county-${code}`).check();
    await page.getByTestId(`mode-level-${LEVEL}`).click();
    await page.getByTestId('mode-preview').click();
  }
  const confirm = page.getByTestId('mode-confirm');
  try {
    await page.getByTestId('mode-preview-result').waitFor({ timeout: switchTimeoutMs });
    await page.waitForFunction(
      () => {
        const button = document.querySelector<HTMLButtonElement>('[data-testid="mode-confirm"]');
        return button !== null && !button.disabled;
      },
      null,
      { timeout: switchTimeoutMs, polling: 50 },
    );
  } catch (error) {
    const said = await page
      .locator('[data-testid="mode-preview-result"], [data-testid="mode-result"]')
      .allInnerTexts()
      .catch(() => []);
    throw new Error(`the preview did not allow the switch to ${to}: ${said.join(' | ') || String(error)}`, {
      cause: error,
    });
  }
  await confirm.scrollIntoViewIfNeeded();
}

async function main() {
  requireBuild();
  const workerSecret = randomBytes(24).toString('base64url');
  const consoleSecret = randomBytes(24).toString('base64url');
  const dir = mkdtempSync(join(tmpdir(), 'gridline-bench-mode-switch-'));
  teardown.add('temporary files', () => rmSync(dir, { recursive: true, force: true }));

  const consoleDirs = Array.from({ length: CONSOLES }, (_, k) => join(dir, `console-${k + 1}`));
  log(`generating a ${scale} city (seed 1) and copying it for ${CONSOLES} consoles`);
  await prepareCities(join(dir, 'city'), scale, consoleDirs);

  const redis = await startRedis();
  teardown.add('redis', () => redis.stop());
  log(`redis on ${redis.url}`);
  for (let index = 0; index < hubCount; index++) {
    const hub = await startHubProcess({
      index,
      port: await freePort(),
      redisUrl: redis.url,
      dataDir: join(dir, `hub-${index}`),
      workerSecret,
      consoleSecret,
      // Once the switches are measured, the simulator's phones going away fill the hubs' log: those lines are dropped.
      log: (line) => {
        if (!measured || !line.includes('"worker.')) log(line);
      },
    });
    hubs.push(hub);
    teardown.killOnExit(hub.pid);
    teardown.add(`hub ${index}`, () => hub.stop());
    log(`hub ${index} (pid ${hub.pid}) on ${hub.url}`);
  }
  const link = await ConsoleLink.connect(hubs[0]!.url, consoleSecret);
  teardown.add('stats link', () => link.close());

  // The consoles and their windows first, while the machine is quiet: signing in is not what is measured.
  const desks: BenchConsole[] = [];
  for (let k = 0; k < CONSOLES; k++) {
    const hub = hubs[k % hubs.length]!;
    const desk = await startConsole({
      index: k + 1,
      dataDir: consoleDirs[k]!,
      hubUrl: hub.url,
      consoleSecret,
      readyTimeoutMs: 60_000,
    });
    desks.push(desk);
    teardown.add(`console ${k + 1}`, () => desk.close());
    log(`console ${k + 1} connected to hub ${hub.index}, web host on ${desk.host.origin}`);
  }
  const launchArgs = playwrightConfig.use?.launchOptions?.args ?? [];
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: launchArgs });
  teardown.add('browser', () => browser.close());
  log(`Chromium ${browser.version()}, ${viewport.width}×${viewport.height} windows`);
  const windows: Window[] = [];
  for (const desk of desks) {
    for (let index = 1; index <= windowsPerConsole; index++) await openWindow(browser, desk, index, windows);
  }
  const switcher = windows[0]!.page;
  await switcher.getByTestId('open-modes').click();
  await switcher.getByTestId('mode-panel').waitFor();
  await switcher.getByTestId('mode-scope-counties').check();
  await switcher.locator('[data-testid^="mode-scope-county-"]').first().waitFor();
  const counties = (
    await switcher
      .locator('[data-testid^="mode-scope-county-"]')
      .evaluateAll((inputs) => inputs.map((input) => (input as HTMLElement).dataset.testid ?? ''))
  )
    .map((id) => id.slice('mode-scope-county-'.length))
    .slice(0, 2);
  if (counties.length < 2) throw new Error(`the desk lists ${counties.length} county-level units; two are needed`);
  log(`the switch: ${EVENT} level ${LEVEL} on counties ${counties.join(', ')}`);

  // The hub's load: every simulated worker connected, as the hubs themselves count them.
  const connectStarted = Date.now();
  let connected = false;
  const sim = startWorkerSimulator({
    hubs: hubs.map((hub) => hub.url),
    count: workerCount,
    workerSecret,
    perProcess,
    concurrency,
    offline: 0,
    flaky: 0,
    durationS: timeoutS,
    // Its progress every 2 s, until all are connected; after that only what is not a progress line.
    log: (line) => {
      if (!connected || !/^\d+ s: \d+\/\d+ connected/.test(line)) log(`sim: ${line}`);
    },
  });
  teardown.add('simulator', async () => void (await sim.stop()));
  await sim.ready;
  const connectEnd = Date.now() + 180_000;
  while (sim.counts().connected < workerCount) {
    if (Date.now() > connectEnd) throw new Error(`only ${sim.counts().connected} of ${workerCount} workers connected`);
    await sleep(200);
  }
  const onHubs = async (): Promise<number> => (await link.stats()).reduce((sum, hub) => sum + hub.workers, 0);
  connected = true;
  const workersBefore = await onHubs();
  if (workersBefore < workerCount) throw new Error(`the hubs report ${workersBefore} workers; ${workerCount} expected`);
  log(
    `${workersBefore} workers connected on ${hubCount} hubs in ${((Date.now() - connectStarted) / 1000).toFixed(1)} s`,
  );

  const records: SwitchRecord[] = [];
  const total = 2 * warmUps + switches;
  for (let n = 1; n <= total; n++) {
    const to: SwitchRecord['to'] = n % 2 === 1 ? 'IV' : 'normal';
    const preparing = performance.now();
    await prepare(switcher, to, counties);
    const preparedS = ((performance.now() - preparing) / 1000).toFixed(1);
    const expected: ExpectedMode = to === 'normal' ? null : { level: LEVEL, event: EVENT };
    const already = await Promise.all(windows.map((window) => armWatch(window.page, expected)));
    if (already.some(Boolean)) throw new Error(`switch ${n}: a window shows ${to} before the click`);
    await switcher.getByTestId('mode-confirm').click();
    const shown = await Promise.all(windows.map((window) => shownAt(window.page, switchTimeoutMs)));
    const clickAt = await confirmClickAt(switcher);
    if (clickAt === null) throw new Error(`switch ${n}: the click on mode-confirm was not seen in the page`);
    const result = switcher.getByTestId('mode-result');
    await result.waitFor({ timeout: switchTimeoutMs });
    const outcome = await result.getAttribute('data-outcome');
    if (outcome !== 'done') throw new Error(`switch ${n}: the desk says ${outcome}: ${await result.innerText()}`);
    const doneAt = await switcher.evaluate<number>('performance.timeOrigin + performance.now()');
    const windowsMs = shown.map((at) => round(at - clickAt));
    const record: SwitchRecord = {
      n,
      to,
      slowestMs: Math.max(...windowsMs),
      windowsMs,
      doneMs: round(doneAt - clickAt),
    };
    records.push(record);
    log(
      `switch ${n}/${total}${n <= 2 * warmUps ? ' (warm-up)' : ''} → ${to}: every window after ${record.slowestMs} ms ` +
        `(${windowsMs.join(', ')}); the desk said done within ${record.doneMs} ms (prepared and previewed in ` +
        `${preparedS} s)`,
    );
    if (n < total) await sleep(gapMs);
  }
  const workersAfter = await onHubs();
  measured = true;
  if (workersAfter < workerCount) log(`note: ${workersAfter} workers on the hubs after the switches`);

  const counted = records.slice(2 * warmUps);
  const sorted = Float64Array.from(counted.map((record) => record.slowestMs)).sort();
  const p95Ms = percentile(sorted, 0.95)!;
  const pageErrors = windows.flatMap((window) =>
    window.errors.map((error) => `${window.console}.${window.index} ${error}`),
  );
  const cpu = cpus();
  return {
    bench: 'mode-switch',
    windows: windows.length,
    consoles: desks.length,
    workers: workersBefore,
    workersAfter,
    hubs: hubCount,
    switches: counted.length,
    p50Ms: percentile(sorted, 0.5),
    p95Ms,
    maxMs: sorted[sorted.length - 1],
    goals: { p95Ms: GOAL_P95_MS, workers: 38_000, met: p95Ms <= GOAL_P95_MS && workersAfter >= 38_000 },
    perSwitch: counted,
    warmUp: records.slice(0, 2 * warmUps),
    switch: { event: EVENT, level: LEVEL, counties },
    scale,
    viewport,
    simulatorProcesses: sim.counts().processes,
    pageErrors,
    chromium: browser.version(),
    machine: {
      loadAverage1mAtStart: Number(loadAtStart.toFixed(2)),
      cpus: cpu.length,
      model: cpu[0]?.model ?? 'unknown',
      memGiB: round(totalmem() / 2 ** 30),
      os: `${osType()} ${release()}`,
    },
    node: process.version,
    date: new Date().toISOString().slice(0, 10),
  };
}

let exitCode = 0;
const interrupted = new Promise<never>((_, reject) => {
  const stop = (signal: string) => () => reject(new Error(`interrupted by ${signal}`));
  process.once('SIGINT', stop('SIGINT'));
  process.once('SIGTERM', stop('SIGTERM'));
  setTimeout(() => reject(new Error(`--timeout-s ${timeoutS} reached`)), timeoutS * 1000).unref();
});
try {
  const result = await Promise.race([main(), interrupted]);
  await teardown.run();
  if (result.pageErrors.length > 0) log(`page errors:\n${result.pageErrors.slice(0, 20).join('\n')}`);
  process.stdout.write(`${JSON.stringify(result)}\n`);
} catch (error) {
  log(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  await teardown.run();
  exitCode = 1;
}
process.exit(exitCode);
