// `npm start`: builds what changed, then opens the desktop console in Electron. Where no Electron binary is installed
// (or no display is available) it says so in one line and serves the same console to the browser instead, printing
// the URL with its access token. `npm run web` (--web) always serves to the browser. Other flags pass through
// (--data-dir, --port, --host, --allow-origin, --hub, --hub-secrets). `--build-only` builds what changed and exits
// (benchmarks use it).
//
// On a bare desk (no --hub, no GRIDLINE_HUB_URL) it first starts a local command hub and points the console at it,
// then, once the console's city is complete, the worker SIMULATOR with --sim-workers N of the city's workers
// (default 5,000; 0: none) and the citizen-report SIMULATOR, so live tickets flow in by themselves: --sim-reports N new
// reports a minute (default 6; 0: none), half patrol reports from the simulated workers, half 12345 hotline and 郑好拍
// reports posted to the hub's intake (all citizens' when no workers are simulated) — scripts/local-hub.mjs.
// `--no-local-hub` starts none of them. Those children stop when the console exits; one that dies is said in one line
// and the console keeps running (its broadcast desk then shows the hub as unavailable).
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
  simulatorRates,
  startLocalHub,
  startSimulatedCitizens,
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
    existsSync(join(root, 'dist', 'hub', 'cli.mjs')) &&
    existsSync(join(root, 'dist', 'hub', 'citizen-simulator.mjs'));
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
let citizens;
const consoleArgs = hub
  ? [...options.passThrough, '--data-dir', options.dataDir, '--hub', hub.url, '--hub-secrets', hub.secretsFile]
  : options.passThrough;
const rates = simulatorRates(options);
const simulate = hub !== undefined && (options.simWorkers > 0 || rates.citizen > 0);
const child = electron.binary
  ? spawn(electron.binary, [root, ...consoleArgs], { stdio: ['inherit', simulate ? 'pipe' : 'inherit', 'inherit'] })
  : spawn(process.execPath, [join(root, 'dist', 'web-host', 'cli.cjs'), ...consoleArgs], {
      stdio: ['inherit', simulate ? 'pipe' : 'inherit', 'inherit'],
      env: { ...process.env, GRIDLINE_LAUNCH_NOTE: electron.reason },
    });

if (hub) {
  hub.child.on('exit', (code, signal) => {
    if (stopping) return;
    const running = [simulator, citizens].filter((sim) => sim && isRunning(sim.child));
    say(
      `the local command hub (pid ${hub.child.pid}) stopped (${exitReason(code, signal)}); the console keeps ` +
        `running without it${running.length ? ', the SIMULATORs stop too' : ''}; see ${hub.logFile}`,
    );
    for (const sim of running) {
      sim.expected = true;
      void stopChild(sim.child);
    }
  });
}

if (simulate) {
  // The console's stdout passes through; its city-ready line starts the simulators, once.
  let started = false;
  const watch = (sim, what) =>
    sim?.child.on('exit', (code, signal) => {
      if (stopping || sim.expected) return;
      say(`SIMULATOR: the ${what} (pid ${sim.child.pid}) stopped (${exitReason(code, signal)}); see ${sim.logFile}`);
    });
  createInterface({ input: child.stdout }).on('line', (line) => {
    process.stdout.write(`${line}\n`);
    if (started || stopping || !line.startsWith(CITY_READY_PREFIX) || !isRunning(hub.child)) return;
    started = true;
    const common = { root, runtime, dataDir: options.dataDir, hub };
    if (options.simWorkers > 0) {
      simulator = startSimulatedWorkers({ ...common, count: options.simWorkers, reportRate: rates.patrol });
      watch(simulator, 'worker simulator');
    }
    if (rates.citizen > 0) {
      citizens = startSimulatedCitizens({ ...common, rate: rates.citizen });
      watch(citizens, 'citizen-report simulator');
    }
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
  const others = [hub?.child, simulator?.child, citizens?.child].filter(Boolean);
  void Promise.all(others.map(stopChild)).then(() => process.exit(code ?? (signal ? 1 : 0)));
});
