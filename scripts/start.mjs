// `npm start`: builds what changed, then opens the desktop console in Electron. Where no Electron binary is installed
// (or no display is available) it says so in one line and serves the same console to the browser instead, printing
// the URL with its access token. `npm run web` (--web) always serves to the browser. Other flags pass through
// (--data-dir, --port, --host, --allow-origin, --hub, --hub-secrets). `--build-only` builds what changed and exits
// (benchmarks use it).
//
// On a bare desk (no --hub, no GRIDLINE_HUB_URL) it first starts a local command hub and points the console at it,
// then, once the console's city is complete, the worker SIMULATOR with --sim-workers N of the city's workers
// (default 5,000; 0: none) — scripts/local-hub.mjs. `--no-local-hub` starts neither. Those children stop when the
// console exits; one that dies is said in one line and the console keeps running (its broadcast desk then shows the
// hub as unavailable).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import {
  CITY_READY_PREFIX,
  exitReason,
  isRunning,
  launcherOptions,
  say,
  startLocalHub,
  startSimulatedWorkers,
  stopChild,
  UsageError,
} from './local-hub.mjs';
import { ensureElectronBuild, ensureNodeBuild } from './native-modules.mjs';

const root = new URL('..', import.meta.url).pathname;
const stamp = join(root, 'dist', '.build-stamp');
const SOURCES = [
  'renderer',
  'shared',
  'electron',
  'hub',
  'resources',
  'package.json',
  'vite.config.ts',
  'scripts/build-electron.mjs',
];

function newestMtime(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((newest, name) => Math.max(newest, newestMtime(join(path, name))), stat.mtimeMs);
}

function buildIfStale() {
  const sourcesTime = Math.max(...SOURCES.map((source) => newestMtime(join(root, source))));
  const built =
    existsSync(stamp) &&
    existsSync(join(root, 'dist', 'renderer', 'index.html')) &&
    existsSync(join(root, 'dist', 'web-host', 'generation-worker.cjs')) &&
    existsSync(join(root, 'dist', 'hub', 'cli.mjs'));
  if (built && statSync(stamp).mtimeMs >= sourcesTime) return;
  for (const [command, args] of [
    ['npx', ['vite', 'build', '--logLevel', 'error']],
    ['node', ['scripts/build-electron.mjs']],
  ]) {
    const result = spawnSync(command, args, { cwd: root, encoding: 'utf8' });
    if (result.status !== 0) {
      process.stderr.write(
        `${result.stdout}${result.stderr}\ngridline: the build failed (${command} ${args.join(' ')})\n`,
      );
      process.exit(1);
    }
  }
}

/** The Electron binary's path, or the reason the desktop window cannot open here. */
function electronBinary() {
  let binary;
  try {
    // In plain Node the electron package exports the path of its binary, and throws if the binary was never fetched.
    binary = createRequire(import.meta.url)('electron');
  } catch {
    return { reason: 'electron-missing' };
  }
  if (typeof binary !== 'string' || !existsSync(binary)) return { reason: 'electron-missing' };
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY)
    return { reason: 'no-display' };
  return { binary };
}

let options;
try {
  options = launcherOptions(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  say(error.message);
  process.exit(2);
}

buildIfStale();
if (options.buildOnly) process.exit(0);
const electron = options.web ? { reason: 'web' } : electronBinary();
if (electron.binary) ensureElectronBuild(electron.binary);
else ensureNodeBuild();
// The hub and the simulator run on the console's Node: under Electron better-sqlite3 is built for Electron's ABI.
const runtime = electron.binary
  ? { command: electron.binary, env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } }
  : { command: process.execPath, env: process.env };

let stopping = false;
const hub = options.localHub ? await startLocalHub({ root, runtime, dataDir: options.dataDir }) : undefined;
let simulator;
const consoleArgs = hub
  ? [...options.passThrough, '--data-dir', options.dataDir, '--hub', hub.url, '--hub-secrets', hub.secretsFile]
  : options.passThrough;
const simulate = hub !== undefined && options.simWorkers > 0;
const child = electron.binary
  ? spawn(electron.binary, [root, ...consoleArgs], { stdio: ['inherit', simulate ? 'pipe' : 'inherit', 'inherit'] })
  : spawn(process.execPath, [join(root, 'dist', 'web-host', 'cli.cjs'), ...consoleArgs], {
      stdio: ['inherit', simulate ? 'pipe' : 'inherit', 'inherit'],
      env: { ...process.env, GRIDLINE_LAUNCH_NOTE: electron.reason },
    });

if (hub) {
  hub.child.on('exit', (code, signal) => {
    if (stopping) return;
    const workers = simulator && isRunning(simulator.child) ? simulator : undefined;
    say(
      `the local command hub (pid ${hub.child.pid}) stopped (${exitReason(code, signal)}); the console keeps ` +
        `running without it${workers ? ', the simulated workers stop too' : ''}; see ${hub.logFile}`,
    );
    if (workers) {
      workers.expected = true;
      void stopChild(workers.child);
    }
  });
}

if (simulate) {
  // The console's stdout passes through; its city-ready line starts the simulated workers, once.
  createInterface({ input: child.stdout }).on('line', (line) => {
    process.stdout.write(`${line}\n`);
    if (simulator || stopping || !line.startsWith(CITY_READY_PREFIX) || !isRunning(hub.child)) return;
    const workers = startSimulatedWorkers({ root, runtime, dataDir: options.dataDir, hub, count: options.simWorkers });
    simulator = workers;
    workers.child.on('exit', (code, signal) => {
      if (stopping || workers.expected) return;
      say(
        `SIMULATOR: the worker simulator (pid ${workers.child.pid}) stopped (${exitReason(code, signal)}); ` +
          `see ${workers.logFile}`,
      );
    });
  });
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    stopping = true;
    child.kill(signal);
  });
}
child.on('exit', (code, signal) => {
  stopping = true;
  const others = [hub?.child, simulator?.child].filter(Boolean);
  void Promise.all(others.map(stopChild)).then(() => process.exit(code ?? (signal ? 1 : 0)));
});
