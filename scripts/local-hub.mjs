// What `npm start` runs beside the console on a bare desk (no --hub, no GRIDLINE_HUB_URL): a local command hub
// (dist/hub/cli.mjs) on loopback on a free port, its data in DATA_DIR/hub; and, once the console has its city, the
// worker SIMULATOR (dist/hub/worker-simulator.mjs), whose simulated grid workers' phones — the first N workers of the
// console's store — connect to that hub and file patrol reports, and the citizen-report SIMULATOR
// (dist/hub/citizen-simulator.mjs), which posts 12345 hotline and 郑好拍 reports to the hub's intake; --sim-reports N
// new reports a minute split between the two. Each child writes to its own log in DATA_DIR/logs; the launcher prints
// one line when a child starts and one when it stops. Every child holds an IPC channel to the launcher and stops when
// it is closed: by stopChild(), or by the launcher's death, however it dies.
import { spawn } from 'node:child_process';
import { closeSync, createWriteStream, existsSync, mkdirSync, openSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';

export const DEFAULT_SIM_WORKERS = 5000;
/** New simulated reports a minute on a bare desk: patrol reports and citizens' reports together. */
export const DEFAULT_SIM_REPORTS = 6;
/** The line the console prints on stdout once its city is complete (electron/host/city-ready.ts). */
export const CITY_READY_PREFIX = 'Gridline city ready:';
const HUB_START_TIMEOUT_MS = 30_000;
/** The simulator's longest run (its --duration bound): a day. */
const SIM_DURATION_S = 86_400;
/** How long a child may take to stop before it is killed (the simulator gives its own processes 15 s). */
const STOP_GRACE_MS = 20_000;
/** Settings a shell may carry that must not redirect the local hub or its secrets, or reach its children at all. */
const HUB_ENV = [
  'GRIDLINE_HUB_PORT',
  'GRIDLINE_HUB_HOST',
  'GRIDLINE_HUB_DATA_DIR',
  'GRIDLINE_REDIS_URL',
  'GRIDLINE_HUB_WORKER_SECRET',
  'GRIDLINE_HUB_CONSOLE_SECRET',
  'GRIDLINE_HUB_URL',
  'GRIDLINE_HUB_INTAKE_KEYS',
  // The console's first administrator: the hub and the simulators have no business with the password.
  'GRIDLINE_ADMIN_USERNAME',
  'GRIDLINE_ADMIN_PASSWORD',
  'GRIDLINE_ADMIN_PASSWORD_FILE',
  'GRIDLINE_ADMIN_DISPLAY_NAME',
];

export const say = (line) => void process.stderr.write(`gridline: ${line}\n`);

export class UsageError extends Error {}

/** Electron's userData for this product, as electron/host/config.ts defaultDataDir() computes it. */
function defaultDataDir(env) {
  if (process.platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Gridline');
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Gridline');
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'Gridline');
}

/**
 * The launcher's own flags (--web, --build-only, --no-local-hub, --sim-workers N, --sim-reports N) and the rest,
 * which pass through to the console. A local hub runs unless turned off or a hub is given (--hub or GRIDLINE_HUB_URL
 * always wins).
 */
export function launcherOptions(args, env = process.env) {
  const options = {
    web: false,
    buildOnly: false,
    localHub: true,
    simWorkers: DEFAULT_SIM_WORKERS,
    simReports: DEFAULT_SIM_REPORTS,
    passThrough: [],
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const value = () => (arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : args[++i]);
    if (arg === '--web') options.web = true;
    else if (arg === '--build-only') options.buildOnly = true;
    else if (arg === '--no-local-hub') options.localHub = false;
    else if (arg === '--sim-workers' || arg.startsWith('--sim-workers=')) {
      const raw = value();
      const count = Number(raw);
      if (raw === undefined || raw.trim() === '' || !Number.isInteger(count) || count < 0) {
        throw new UsageError(`--sim-workers takes a whole number of simulated workers (0: none): ${raw}`);
      }
      options.simWorkers = count;
    } else if (arg === '--sim-reports' || arg.startsWith('--sim-reports=')) {
      const raw = value();
      const rate = Number(raw);
      if (raw === undefined || raw.trim() === '' || !Number.isFinite(rate) || rate < 0 || rate > 6000) {
        throw new UsageError(`--sim-reports takes simulated reports per minute, 0…6000 (0: none): ${raw}`);
      }
      options.simReports = rate;
    } else options.passThrough.push(arg);
  }
  const { values } = parseArgs({
    args: options.passThrough,
    options: { 'data-dir': { type: 'string' }, hub: { type: 'string' } },
    strict: false,
    allowPositionals: true,
  });
  if (values.hub !== undefined || env.GRIDLINE_HUB_URL) options.localHub = false;
  const dataDir = typeof values['data-dir'] === 'string' ? values['data-dir'] : env.GRIDLINE_DATA_DIR;
  options.dataDir = resolve(dataDir || defaultDataDir(env));
  return options;
}

/**
 * How --sim-reports is split: half patrol reports from the simulated workers, half citizens' reports; all of it
 * citizens' when no workers are simulated. Reports per minute each.
 */
export function simulatorRates({ simWorkers, simReports }) {
  if (!(simReports > 0)) return { patrol: 0, citizen: 0 };
  if (simWorkers > 0) return { patrol: simReports / 2, citizen: simReports / 2 };
  return { patrol: 0, citizen: simReports };
}

function childEnv(runtime) {
  const env = { ...runtime.env };
  for (const name of HUB_ENV) delete env[name];
  return env;
}

const exitReason = (code, signal) => (signal ? `signal ${signal}` : `exit code ${code}`);

/**
 * Starts the local hub and resolves once it listens: { child, url, secretsFile, logFile }, or undefined (said why)
 * when it could not start within 30 s. `runtime` is { command, env }: the Node that runs it.
 */
export function startLocalHub({ root, runtime, dataDir }) {
  const hubDir = join(dataDir, 'hub');
  const logFile = join(dataDir, 'logs', 'local-hub.log');
  mkdirSync(join(dataDir, 'logs'), { recursive: true });
  const stderr = openSync(logFile, 'a');
  const child = spawn(
    runtime.command,
    [join(root, 'dist', 'hub', 'cli.mjs'), '--host', '127.0.0.1', '--port', '0', '--data-dir', hubDir],
    { env: childEnv(runtime), stdio: ['ignore', 'pipe', stderr, 'ipc'] },
  );
  closeSync(stderr);
  const log = createWriteStream(logFile, { flags: 'a' });
  return new Promise((resolvePromise) => {
    let settled = false;
    const settle = (hub) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolvePromise(hub);
    };
    const timer = setTimeout(() => {
      say(`the local command hub did not start within ${HUB_START_TIMEOUT_MS / 1000} s; see ${logFile}`);
      child.kill('SIGKILL');
      settle(undefined);
    }, HUB_START_TIMEOUT_MS);
    // The hub logs JSON lines on stdout: all go to its log; `hub.started` says it listens, and on which port.
    createInterface({ input: child.stdout })
      .on('line', (line) => {
        log.write(`${line}\n`);
        if (settled) return;
        let entry;
        try {
          entry = JSON.parse(line);
        } catch {
          return;
        }
        if (entry?.event === 'hub.started' && Number.isInteger(entry.port)) {
          const url = `http://127.0.0.1:${entry.port}`;
          say(`local command hub (pid ${child.pid}) at ${url}, data in ${hubDir}, log ${logFile}`);
          settle({ child, url, secretsFile: join(hubDir, 'hub-secrets.json'), logFile });
        }
      })
      .on('close', () => log.end());
    child.on('error', (error) => {
      say(`the local command hub could not be started: ${error.message}`);
      settle(undefined);
    });
    child.on('exit', (code, signal) => {
      if (settled) return;
      say(`the local command hub stopped before it listened (${exitReason(code, signal)}); see ${logFile}`);
      settle(undefined);
    });
  });
}

/**
 * Starts the worker SIMULATOR against the local hub, with the first `count` workers of the console's store; with
 * `reportRate` (per minute, whole fleet) they file patrol reports.
 */
export function startSimulatedWorkers({ root, runtime, dataDir, hub, count, reportRate = 0 }) {
  const logFile = join(dataDir, 'logs', 'worker-simulator.log');
  mkdirSync(join(dataDir, 'logs'), { recursive: true });
  const output = openSync(logFile, 'a');
  const child = spawn(
    runtime.command,
    [
      join(root, 'dist', 'hub', 'worker-simulator.mjs'),
      ...['--count', String(count), '--hubs', hub.url, '--secrets', hub.secretsFile, '--city', dataDir],
      ...['--duration', String(SIM_DURATION_S), '--report-rate', String(reportRate)],
    ],
    { env: childEnv(runtime), stdio: ['ignore', output, output, 'ipc'] },
  );
  closeSync(output);
  child.on('error', (error) => say(`SIMULATOR: the worker simulator could not be started: ${error.message}`));
  say(
    `SIMULATOR: ${count} simulated grid workers' phones (worker simulator, pid ${child.pid}) connect to the local ` +
      `hub` +
      (reportRate > 0 ? ` and file about ${reportRate} patrol reports a minute` : '') +
      `, for at most a day; log ${logFile}`,
  );
  return { child, logFile };
}

/**
 * Starts the citizen-report SIMULATOR against the local hub's intake: `rate` new 12345 hotline and 郑好拍 reports a
 * minute, with the hub's intake keys, at places in the console's store. Undefined (said why) when its bundle is
 * missing.
 */
export function startSimulatedCitizens({ root, runtime, dataDir, hub, rate }) {
  const script = join(root, 'dist', 'hub', 'citizen-simulator.mjs');
  if (!existsSync(script)) {
    say(`SIMULATOR: no citizen-report simulator in this build (${script} is missing); no citizens' reports`);
    return undefined;
  }
  const logFile = join(dataDir, 'logs', 'citizen-simulator.log');
  mkdirSync(join(dataDir, 'logs'), { recursive: true });
  const output = openSync(logFile, 'a');
  const child = spawn(
    runtime.command,
    [
      script,
      ...['--hub', hub.url, '--secrets', hub.secretsFile, '--city', dataDir],
      ...['--rate', String(rate), '--duration', String(SIM_DURATION_S)],
    ],
    { env: childEnv(runtime), stdio: ['ignore', output, output, 'ipc'] },
  );
  closeSync(output);
  child.on('error', (error) => say(`SIMULATOR: the citizen-report simulator could not be started: ${error.message}`));
  say(
    `SIMULATOR: simulated citizens post about ${rate} 12345 hotline and 郑好拍 reports a minute to the local hub ` +
      `(citizen-report simulator, pid ${child.pid}), for at most a day; log ${logFile}`,
  );
  return { child, logFile };
}

export const isRunning = (child) => child.exitCode === null && child.signalCode === null;

/** Asks a child to stop (closes its IPC channel) and resolves once it has, killing it after a grace period. */
export function stopChild(child) {
  if (!isRunning(child)) return Promise.resolve();
  return new Promise((resolvePromise) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolvePromise();
    }, STOP_GRACE_MS);
    child.once('exit', () => {
      clearTimeout(timer);
      resolvePromise();
    });
    if (child.connected) child.disconnect();
    else child.kill('SIGTERM');
  });
}

export { exitReason };
