/**
 * The console's map, in Chromium: how long a window takes to draw the whole city with every layer, how long a frame
 * takes while a script pans and zooms with every layer on, and — in the same run, same browser, same data, same
 * canvas size, same camera path — the same for a bare deck.gl page drawing the same layers with nothing around it.
 * Prints progress on stderr and one JSON object as the last line of stdout.
 *
 *   npm run bench -- map [--scale full|medium|small] [--data-dir DIR] [--frames N] [--warmup N]
 *                        [--width PX] [--height PX] [--layers heatmap,fill,grids,workers,cameras,sensors,labels]
 *                        [--unthrottled] [--timeout S] [--profile DIR] [--renderer-dir DIR]
 *
 * What runs: the real console core and web host (as tests/e2e/fixtures.ts starts them) on a city generated first
 * (seed 1) or found in --data-dir, so the window measures loading and drawing, not generation. The app page is opened
 * with `?bench=1` (the renderer then exposes window.gridlineBench) and with every layer switched on in its per-window
 * layer settings (workers and the grid fill are off by default; --layers picks others); the bench checks the layer
 * panel shows them so. The bare page (map/bare-page.ts) is a plain `new Deck()` with the app's own layer factories
 * composed as the app composes them (map/bare-layers.ts), fed the same contract answers the app asks for, read from
 * the same core in this process and served as one MessagePack file from a loopback server; its canvas is the size of
 * the app's map element. The pages run one after the other in one Chromium, never together.
 *
 * The figures (milliseconds of the page's own clock, performance.now(), whose zero is the navigation start):
 *  - readyToDrawnMs: from the app page's navigation start (performance.timeOrigin: the window being shown; it
 *    includes the web host's 303 that trades the token for a cookie) to the moment <html> gets
 *    data-map-drawn="all" — the renderer sets it in deck.gl's onAfterRender of the first frame drawn after every
 *    layer's data (outline, boundaries of all levels, labels, heatmap, grid metrics, workers, cameras, sensors) has
 *    arrived; at the city view the app fits on opening (about zoom 9). Timestamped exactly by a MutationObserver
 *    injected before the page's scripts (map/page-probe.ts). The core is cold: its services load what the window asks
 *    for as they would for a console's first window.
 *    marks.app holds the other markers on the same clock (data-app-state="ready": the map's first frame with the
 *    basemap idle; data-city-state="ready"); readyMarkerToDrawnMs is data-map-drawn minus data-app-state="ready",
 *    negative when the city is drawn before the basemap is idle.
 *  - bareReadyToDrawnMs: the same on the bare page (navigation start → first frame with all the data), for context.
 *  - frameMsApp / frameMsBare: the mean interval between consecutive requestAnimationFrame callbacks while the page
 *    moves the camera one step per frame along the path (map/camera-path.ts: city view → pan east and west → zoom
 *    into the centre to 12.5 → pan → back out), over --frames steps, after a warm-up run of the same path at
 *    --warmup steps that is not recorded (it creates each zoom range's layers and loads the basemap's tiles once).
 *    Chromium keeps its normal 60 Hz frame clock, so intervals come in steps of 16.7 ms: that clock is what holds a
 *    page back while the GPU catches up. With --unthrottled (no vsync, no frame-rate limit) a fast GPU gives finer
 *    figures, but a slow one — SwiftShader — runs seconds behind the page and the intervals miss most of its work.
 *    app / bare hold mean, p50, p95, max, fps and every interval of each page; drawCallsPerFrame the WebGL draw calls
 *    per recorded frame on each canvas (deck.gl's, maplibre's, offscreen).
 *  - ratio: frameMsApp / frameMsBare (goal ≤ 1.15); ratioP50 the same for the medians. A ratio over the goal does not
 *    fail the run; page errors do (exit code 1).
 *  - points: workers + cameras + sensors in the layers (all are drawn somewhere along the path: cameras from zoom
 *    11, single workers from 11.5); polygons: features (counties and grids of every level) in the boundary layers,
 *    which the grid fill fills level by level.
 *
 * Counts and viewport: with a GPU, the full city at 1920×1080, 300 frames. On SwiftShader (software WebGL: the build
 * machines) the default is the medium city (about 1/10: 22,100 workers, 13,000 cameras, 21,930 sensors, 6,000 grids)
 * at 1280×800 and 60 frames, flagged "reduced" with its reason. The WebGL renderer string is in the output: never
 * compare figures taken on different renderers. --profile writes CPU profiles of both pages' main threads (loading
 * and path; the bare bundle is then left unminified), which slows them: its figures are not comparable.
 * --renderer-dir serves another build of the renderer (an A/B of a change).
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium, type Browser, type Page } from '@playwright/test';
import { createConsoleCore, type ConsoleCore } from '../../electron/host/console-core';
import { createMemoryLogger } from '../../electron/host/logger';
import { cityState, generateCity } from '../../electron/services/city/generator/generate-city';
import { CITY_SCALES, type CityScale } from '../../electron/services/city/generator/scale';
import { openStore } from '../../electron/services/store/store';
import { startWebHost } from '../../electron/web-host/web-host';
import { DEFAULT_LAYER_SETTINGS, LAYER_KEYS, type LayerSettings } from '../../renderer/state/use-layer-settings';
import type {
  Boundaries,
  CityOutline,
  GridMetrics,
  Heatmap,
  MapLabels,
  PointLayerData,
  TicketFilters,
} from '../../shared/contract';
import { encodeFrame } from '../../shared/contract/wire';
import { ZHENGZHOU } from '../../shared/domain/city';
import playwrightConfig, { CHROMIUM_PATH } from '../../playwright.config';
import { FILL_LEVELS, type BareMapData } from './map/bare-layers';
import { startBareServer } from './map/bare-server';
import { cameraPath, pathKeys } from './map/camera-path';
import { bundleBenchScripts, ensureAppBuild } from './map/map-build';
import type { BenchView, PageProbe, PathResult } from './map/probe-types';

const { values } = parseArgs({
  options: {
    scale: { type: 'string' },
    'data-dir': { type: 'string' },
    frames: { type: 'string' },
    warmup: { type: 'string' },
    width: { type: 'string' },
    height: { type: 'string' },
    timeout: { type: 'string', default: '900' },
    profile: { type: 'string' },
    'renderer-dir': { type: 'string' },
    layers: { type: 'string' },
    unthrottled: { type: 'boolean', default: false },
  },
});

const root = join(import.meta.dirname, '..', '..');
const GOAL_RATIO = 1.15;
/** The app's layer-settings key for a browser tab (renderer/state/use-layer-settings.ts, no ?display=). */
const LAYER_STORAGE_KEY = 'gridline.layers.browser';
/** --unthrottled: no 60 Hz frame clock (finer figures on a fast GPU; a slow one runs behind the page, unmeasured). */
const UNTHROTTLED = ['--disable-gpu-vsync', '--disable-frame-rate-limit'];
const BOUNDARY_LEVELS = ['county', 'L1', 'L2', 'L3', 'micro', 'exclusive'] as const;
const HOUR = 3600;
const DAY = 24 * HOUR;

const startedAt = performance.now();
const log = (message: string): void =>
  void process.stderr.write(`[map ${((performance.now() - startedAt) / 1000).toFixed(1)} s] ${message}\n`);
const round = (value: number): number => Number(value.toFixed(2));
const positiveInt = (name: string, value: string | undefined, fallback: number): number => {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) throw new Error(`--${name} must be a positive integer`);
  return parsed;
};

interface FrameStats {
  frames: number;
  meanMs: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  fps: number;
  /** Every recorded frame, in path order (0.1 ms). */
  intervalsMs: number[];
}

function frameStats(intervals: number[]): FrameStats {
  const sorted = [...intervals].sort((a, b) => a - b);
  const at = (p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
  const mean = sorted.reduce((sum, value) => sum + value, 0) / sorted.length;
  return {
    frames: sorted.length,
    meanMs: round(mean),
    p50Ms: round(at(0.5)),
    p95Ms: round(at(0.95)),
    maxMs: round(sorted[sorted.length - 1]!),
    fps: round(1000 / mean),
    intervalsMs: intervals.map((value) => Number(value.toFixed(1))),
  };
}

const perFrame = (calls: Record<string, number>, frames: number): Record<string, number> =>
  Object.fromEntries(Object.entries(calls).map(([canvas, count]) => [canvas, round(count / frames)]));

/** Injects the probe into every document of the page's context, and keeps the page's errors. */
async function preparePage(browser: Browser, probe: string, viewport: { width: number; height: number }) {
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1 });
  await context.addInitScript({ content: probe });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  return { context, page, errors };
}

/**
 * Waits for data-map-drawn="all" and data-app-state="ready" (which may come after it: the basemap must be idle too),
 * or an error marker, and returns the probe's marks. On a timeout it says which markers the page did reach, and when.
 */
async function waitForDrawn(page: Page, what: string, timeoutMs: number): Promise<Record<string, number>> {
  const state = async (): Promise<string> => {
    const html = await page.evaluate<Record<string, string>>('({ ...document.documentElement.dataset })');
    const marks = await page.evaluate<PageProbe['marks']>('window.__gridlineMapProbe?.marks ?? {}');
    return `<html> data: ${JSON.stringify(html)}; markers seen (ms after navigation start): ${JSON.stringify(marks)}`;
  };
  // A function, not a string: the app's CSP has no 'unsafe-eval', and Playwright evaluates string predicates.
  const reached = await page
    .waitForFunction(
      () =>
        (document.documentElement.dataset.mapDrawn === 'all' &&
          document.documentElement.dataset.appState === 'ready') ||
        document.documentElement.dataset.appState === 'error',
      undefined,
      { timeout: timeoutMs, polling: 250 },
    )
    .then(
      () => true,
      () => false,
    );
  if (!reached) throw new Error(`${what}: not drawn within ${timeoutMs / 1000} s; ${await state()}`);
  const html = await page.evaluate<Record<string, string>>('({ ...document.documentElement.dataset })');
  if (html.mapDrawn !== 'all') throw new Error(`${what}: the page reports an error; ${await state()}`);
  return page.evaluate<PageProbe['marks']>('window.__gridlineMapProbe.marks');
}

/**
 * A CPU profile of the page's main thread (with --profile), written as DIR/<name>.cpuprofile (open it in Chrome
 * DevTools' Performance panel). Profiling costs time: the figures of a profiled run are not comparable.
 */
async function profiler(page: Page, dir: string | undefined) {
  if (!dir) return { start: async () => {}, stop: async (_name: string) => {} };
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 1000 });
  return {
    start: async () => void (await cdp.send('Profiler.start')),
    stop: async (name: string) => {
      const { profile } = await cdp.send('Profiler.stop');
      writeFileSync(join(dir, `${name}.cpuprofile`), JSON.stringify(profile));
    },
  };
}

async function runPath(page: Page, views: BenchView[], recordFrom: number): Promise<PathResult> {
  return page.evaluate<PathResult>(`window.__gridlineMapProbe.runPath(${JSON.stringify(views)}, ${recordFrom})`);
}

async function call<T>(core: ConsoleCore, name: string, input: unknown): Promise<T> {
  const result = await core.dispatch(name, input, { host: 'web', client: 'map-bench' });
  if (!result.ok) throw new Error(`${name} failed: ${result.error.message}`);
  return result.output as T;
}

/**
 * The answers the app's window asks for (use-city-status, use-ticket-heatmap, use-point-layers, use-grid-metrics —
 * the metrics of every fill level, which the app asks for level by level as the zoom brings them into view).
 */
async function contractData(core: ConsoleCore, settings: LayerSettings): Promise<BareMapData> {
  const outline = await call<CityOutline>(core, 'city.getOutline', {});
  const boundaries = await Promise.all(
    BOUNDARY_LEVELS.map((level) => call<Boundaries>(core, 'city.getBoundaries', { level })),
  );
  const labels = await call<MapLabels>(core, 'city.getLabels', {});
  // The app's first ticket window: the last 30 days of the history, ending on the hour after the last ticket.
  const filters = await call<TicketFilters>(core, 'tickets.getFilters', {});
  if (filters.last === null) throw new Error('the city has no tickets');
  const to = Math.ceil((filters.last + 1) / HOUR) * HOUR;
  const heatmap = await call<Heatmap>(core, 'tickets.getHeatmap', { from: to - 30 * DAY, to });
  const [workers, cameras, sensors] = await Promise.all(
    (['workers', 'cameras', 'sensors'] as const).map((layer) => call<PointLayerData>(core, 'map.getPoints', { layer })),
  );
  const metrics = await Promise.all(
    FILL_LEVELS.map(async (level) => [level, await call<GridMetrics>(core, 'map.getGridMetrics', { level })] as const),
  );
  return {
    outline,
    boundaries,
    labels,
    heatmap,
    points: { workers: workers!, cameras: cameras!, sensors: sensors! },
    metrics: Object.fromEntries(metrics) as BareMapData['metrics'],
    settings,
  };
}

const timeoutMs = positiveInt('timeout', values.timeout, 900) * 1000;
const profileDir = values.profile === undefined ? undefined : resolve(values.profile);
if (profileDir) mkdirSync(profileDir, { recursive: true });
const rendererDir = resolve(values['renderer-dir'] ?? join(root, 'dist', 'renderer'));
const scratch = mkdtempSync(join(tmpdir(), 'gridline-map-bench-'));
let browser: Browser | undefined;
let core: ConsoleCore | undefined;
const closers: (() => Promise<void>)[] = [];
let ownDataDir: string | undefined;

try {
  ensureAppBuild();
  if (values['renderer-dir']) log(`serving the renderer from ${rendererDir}`);
  const scripts = await bundleBenchScripts(scratch, profileDir !== undefined);
  log('bundled the bare page and the page probe');

  const launchArgs = playwrightConfig.use?.launchOptions?.args ?? [];
  browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [...launchArgs, ...(values.unthrottled ? UNTHROTTLED : [])],
  });
  const chromiumVersion = browser.version();
  const blank = await browser.newPage();
  await blank.evaluate(scripts.probe);
  const gl = await blank.evaluate<ReturnType<PageProbe['webglRenderer']>>('window.__gridlineMapProbe.webglRenderer()');
  await blank.close();
  const swiftShader = /swiftshader/i.test(gl.renderer);
  log(`Chromium ${chromiumVersion}, WebGL renderer: ${gl.renderer}`);

  // Defaults by renderer: software WebGL cannot draw the full city at a useful rate.
  const requestedScale =
    values.scale === undefined
      ? undefined
      : (CITY_SCALES.find((known) => known === values.scale) ??
        ((): never => {
          throw new Error(`--scale must be one of ${CITY_SCALES.join(', ')}`);
        })());
  let scale: CityScale | 'imported' = requestedScale ?? (swiftShader ? 'medium' : 'full');
  const viewport = {
    width: positiveInt('width', values.width, swiftShader ? 1280 : 1920),
    height: positiveInt('height', values.height, swiftShader ? 800 : 1080),
  };
  const frames = positiveInt('frames', values.frames, swiftShader ? 60 : 300);
  const warmupFrames = positiveInt('warmup', values.warmup, Math.max(5, Math.round(frames / 4)));

  // The city: found in --data-dir, or generated there (or in a scratch folder) before any window opens.
  const dataDir = values['data-dir'] ?? (ownDataDir = mkdtempSync(join(tmpdir(), 'gridline-map-bench-city-')));
  {
    const store = openStore(dataDir);
    try {
      if (cityState(store) === 'complete') {
        const row = store.reader().prepare("SELECT value FROM city_meta WHERE key = 'scale'").get() as
          { value: string } | undefined;
        scale = CITY_SCALES.find((known) => known === row?.value) ?? 'imported';
        log(`using the ${scale} city in ${dataDir}`);
        if (requestedScale && requestedScale !== scale)
          log(`note: --scale ${requestedScale} ignored, the city is ${scale}`);
      } else {
        log(`generating a ${scale} city (seed 1) in ${dataDir}`);
        await generateCity(store, {
          scale: requestedScale ?? (swiftShader ? 'medium' : 'full'),
          seed: 1,
          resourcesDir: join(root, 'resources'),
        });
      }
    } finally {
      store.close();
    }
  }

  core = createConsoleCore({
    dataDir,
    resourcesDir: join(root, 'resources'),
    host: 'web',
    version: (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version,
    log: createMemoryLogger(),
    generationWorker: join(root, 'dist', 'web-host', 'generation-worker.cjs'),
  });
  // The console answers signed-in windows only: an operator for this run (the store's administrator, so the window
  // shows the sign-in screen rather than the first-start setup), its password fresh each run.
  const benchPassword = `frames-${randomBytes(12).toString('hex')}`;
  const benchOperator = 'map-bench';
  if (core.identity.listOperators().some((operator) => operator.username === benchOperator)) {
    await core.identity.resetPassword(benchOperator, benchPassword);
  } else {
    await core.identity.addOperator({
      username: benchOperator,
      displayName: 'map benchmark',
      role: 'administrator',
      password: benchPassword,
    });
  }
  const signedIn = await core.dispatch(
    'session.signIn',
    { username: benchOperator, password: benchPassword },
    { host: 'web', client: 'map-bench' },
  );
  if (!signedIn.ok) throw new Error(`map bench: sign-in refused: ${signedIn.error.message}`);
  const host = await startWebHost({
    core,
    rendererDir,
    host: '127.0.0.1',
    port: 0,
  });
  closers.push(() => host.close());

  // Every layer on (or those of --layers), with the app's default opacities.
  const layersOn = values.layers?.split(',') ?? [...LAYER_KEYS];
  const unknownLayers = layersOn.filter((key) => !(LAYER_KEYS as readonly string[]).includes(key));
  if (unknownLayers.length > 0)
    throw new Error(`--layers: unknown ${unknownLayers.join(', ')} (${LAYER_KEYS.join(', ')})`);
  const settings = Object.fromEntries(
    LAYER_KEYS.map((key) => [key, { ...DEFAULT_LAYER_SETTINGS[key], visible: layersOn.includes(key) }]),
  ) as LayerSettings;

  // ── The app ──
  log(`app: opening ${host.origin} at ${viewport.width}×${viewport.height}`);
  const app = await preparePage(browser, scripts.probe, viewport);
  await app.context.addInitScript({
    content: `try { localStorage.setItem(${JSON.stringify(LAYER_STORAGE_KEY)}, ${JSON.stringify(
      JSON.stringify(settings),
    )}); } catch {}`,
  });
  const appProfiler = await profiler(app.page, profileDir);
  // The web host answers the token URL with a 303 to the same path and query minus the token: `bench` survives.
  // Sign in first; the measured load is the reload after it, which resumes the tab's session as a commander's
  // reload would.
  await app.page.goto(`${host.url}&bench=1`);
  await app.page.getByTestId('sign-in-username').fill(benchOperator);
  await app.page.getByTestId('sign-in-password').fill(benchPassword);
  await app.page.getByTestId('sign-in-submit').click();
  await app.page.waitForFunction(() => document.documentElement.dataset.sessionState === 'signed-in');
  await appProfiler.start();
  await app.page.reload();
  const appMarks = await waitForDrawn(app.page, 'app', timeoutMs);
  await appProfiler.stop('app-load');
  const drawnAt = appMarks['data-map-drawn=all']!;
  log(`app: all layers drawn ${drawnAt.toFixed(0)} ms after navigation start`);
  if (!new URL(app.page.url()).searchParams.has('bench')) throw new Error(`app: lost ?bench in ${app.page.url()}`);
  if (!(await app.page.evaluate('Boolean(window.gridlineBench)'))) {
    throw new Error('app: window.gridlineBench is missing although the URL has ?bench');
  }
  // The layer panel's switches (data-testid="layer-<key>-visible"): every one must be on.
  const layerSwitches = await app.page.evaluate<[string, boolean][]>(
    `[...document.querySelectorAll('[data-testid^="layer-"][data-testid$="-visible"]')].map((input) => [input.dataset.testid, input.checked])`,
  );
  const wrong = layerSwitches.filter(([id, checked]) => checked !== layersOn.includes(id.slice(6, -8)));
  if (layerSwitches.length !== LAYER_KEYS.length || wrong.length > 0) {
    throw new Error(`app: the layer panel does not show the layers asked for (${JSON.stringify(layerSwitches)})`);
  }
  const cityView = await app.page.evaluate<BenchView>('window.gridlineBench.getView()');
  const mapBox = await app.page.getByTestId('map').boundingBox();
  if (!mapBox) throw new Error('app: no map element');
  const canvas = { width: Math.round(mapBox.width), height: Math.round(mapBox.height) };

  const centre = { longitude: ZHENGZHOU.centre[0], latitude: ZHENGZHOU.centre[1], zoom: cityView.zoom };
  const keys = pathKeys(cityView, centre, canvas.width, canvas.height);
  const warmup = cameraPath(keys, warmupFrames);
  const views = [...warmup, ...cameraPath(keys, frames)];

  log(`app: ${warmupFrames} warm-up + ${frames} recorded frames from ${JSON.stringify(cityView)}`);
  await appProfiler.start();
  const appPath = await runPath(app.page, views, warmup.length);
  await appProfiler.stop('app-path');
  const appStats = frameStats(appPath.intervals);
  log(`app: mean ${appStats.meanMs} ms, p50 ${appStats.p50Ms}, p95 ${appStats.p95Ms}`);
  const appErrors = [...app.errors];
  await app.context.close();

  // ── The bare page ──
  const data = await contractData(core, settings);
  const payload = encodeFrame({ type: 'result', id: 0, ok: true, output: data });
  const bareServer = await startBareServer(scripts.bareDir, payload);
  closers.push(() => bareServer.close());
  const bare = await preparePage(browser, scripts.probe, viewport);
  const query = new URLSearchParams({
    width: String(canvas.width),
    height: String(canvas.height),
    longitude: String(cityView.longitude),
    latitude: String(cityView.latitude),
    zoom: String(cityView.zoom),
  });
  log(`bare: opening ${bareServer.origin} (${(payload.byteLength / 1e6).toFixed(1)} MB of data)`);
  const bareProfiler = await profiler(bare.page, profileDir);
  await bareProfiler.start();
  await bare.page.goto(`${bareServer.origin}/?${query}`);
  const bareMarks = await waitForDrawn(bare.page, 'bare page', timeoutMs);
  log(`bare: all layers drawn ${bareMarks['data-map-drawn=all']!.toFixed(0)} ms after navigation start`);
  await bareProfiler.stop('bare-load');
  await bareProfiler.start();
  const barePath = await runPath(bare.page, views, warmup.length);
  await bareProfiler.stop('bare-path');
  const bareStats = frameStats(barePath.intervals);
  log(`bare: mean ${bareStats.meanMs} ms, p50 ${bareStats.p50Ms}, p95 ${bareStats.p95Ms}`);
  const bareErrors = [...bare.errors];
  await bare.context.close();

  const polygonsByLevel = Object.fromEntries(data.boundaries.map((b) => [b.level, b.ids.length]));
  const pointsByLayer = {
    workers: data.points.workers.ids.length,
    cameras: data.points.cameras.ids.length,
    sensors: data.points.sensors.ids.length,
  };
  const ratio = appStats.meanMs / bareStats.meanMs;
  const reduced = (scale !== 'full' && scale !== 'imported') || viewport.width * viewport.height < 1920 * 1080;
  const appReady = appMarks['data-app-state=ready'];
  const result = {
    bench: 'map',
    renderer: gl.renderer,
    rendererVendor: gl.vendor,
    webgl: gl.version,
    reduced,
    ...(reduced
      ? {
          reason:
            `the ${scale} city at ${viewport.width}×${viewport.height} rather than the full city at 1920×1080: ` +
            (swiftShader
              ? 'SwiftShader (software WebGL, no GPU) draws the full city at seconds a frame, so its default is the ' +
                'medium city (~1/10) at 1280×800'
              : 'as the flags asked') +
            '. Compare only with runs of the same scale, viewport and renderer.',
        }
      : {}),
    scale,
    layers: layersOn,
    points: pointsByLayer.workers + pointsByLayer.cameras + pointsByLayer.sensors,
    pointsByLayer,
    polygons: Object.values(polygonsByLevel).reduce((sum, count) => sum + count, 0),
    polygonsByLevel,
    boundaryVertices: data.boundaries.reduce((sum, b) => sum + b.coords.length / 2, 0),
    heatmapBins: data.heatmap.counts.length,
    labels: data.labels.names.length,
    readyToDrawnMs: round(drawnAt),
    readyMarkerToDrawnMs: appReady === undefined ? null : round(drawnAt - appReady),
    bareReadyToDrawnMs: round(bareMarks['data-map-drawn=all']!),
    marks: {
      app: Object.fromEntries(Object.entries(appMarks).map(([key, value]) => [key, round(value)])),
      bare: Object.fromEntries(Object.entries(bareMarks).map(([key, value]) => [key, round(value)])),
    },
    frameMsApp: appStats.meanMs,
    frameMsBare: bareStats.meanMs,
    ratio: round(ratio),
    ratioP50: round(appStats.p50Ms / bareStats.p50Ms),
    goal: GOAL_RATIO,
    withinGoal: ratio <= GOAL_RATIO,
    ...(profileDir ? { profiled: profileDir } : {}),
    ...(values['renderer-dir'] ? { rendererDir } : {}),
    app: appStats,
    bare: bareStats,
    drawCallsPerFrame: { app: perFrame(appPath.drawCalls, frames), bare: perFrame(barePath.drawCalls, frames) },
    frames,
    warmupFrames,
    frameClock: values.unthrottled ? 'unthrottled' : 'Chromium default (60 Hz)',
    viewport,
    mapCanvas: canvas,
    devicePixelRatio: 1,
    cityView: { ...cityView, longitude: round(cityView.longitude), latitude: round(cityView.latitude) },
    path: keys.map(({ at, view }) => ({
      at,
      longitude: Number(view.longitude.toFixed(4)),
      latitude: Number(view.latitude.toFixed(4)),
      zoom: round(view.zoom),
    })),
    pageErrors: { app: appErrors, bare: bareErrors },
    chromium: chromiumVersion,
    machine: {
      cpu: cpus()[0]?.model ?? 'unknown',
      cores: cpus().length,
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      platform: `${process.platform} ${process.arch}`,
      node: process.version,
    },
    date: new Date().toISOString(),
    wallSeconds: round((performance.now() - startedAt) / 1000),
  };
  console.log(JSON.stringify(result));
  if (appErrors.length + bareErrors.length > 0) {
    log(`page errors: ${JSON.stringify(result.pageErrors)}`);
    process.exitCode = 1;
  }
} finally {
  for (const close of closers.reverse()) await close().catch(() => undefined);
  await browser?.close();
  await core?.close();
  rmSync(scratch, { recursive: true, force: true });
  if (ownDataDir) rmSync(ownDataDir, { recursive: true, force: true });
}
