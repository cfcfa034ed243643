/**
 * SIMULATOR — stands in for the city's grid workers' phones until real ones connect to the command hub.
 *
 *   npm run sim:workers -- --count N --hubs URL[,URL…] [--city DIR] [--secrets FILE] [--duration S]
 *       [--read-delay-ms MEAN] [--offline SHARE] [--flaky SHARE] [--flaky-interval-s S] [--per-process N]
 *       [--concurrency N] [--seed N] [--report-rate N]
 *
 * Opens N simulated workers from several processes (at most --per-process each, default 18,000, at most 19,000;
 * process k's sockets leave from 127.0.0.(2+k)), spread round-robin over the hubs, in waves of --concurrency
 * connections in flight (default 500). Each acknowledges a command at once and reports it read after a human delay
 * (mean --read-delay-ms, default 3000) when the command asks for that; a share --offline (default 0.02) never
 * connects and a share --flaky (default 0.02) drops and reconnects at random moments (every --flaky-interval-s on
 * average, default 30), asking for what it missed. After --duration seconds (default 120), or on SIGINT/SIGTERM,
 * everything closes and it exits 0 (1 if no worker could connect at all); its child processes also stop when it
 * dies.
 *
 * Patrol reports: with --report-rate N (reports per minute across the whole fleet; default 0, none) connected workers
 * file patrol reports over their own sockets as a phone does (hub/simulator/patrol-reports.ts): a finding from a list,
 * a point inside the worker's own grid (with --city; else in the urban core), a UUID key, a retry with the same key
 * when no answer comes. Refusals are logged once per kind; the summary's `reports` counts them.
 *
 * Tokens: the simulator plays the city's provisioning and signs them with the hub's worker secret, from
 * GRIDLINE_HUB_WORKER_SECRET or else the hub-secrets.json that `npm run hub` writes into its data directory
 * (--secrets FILE). Workers and their grid paths come from a console's data directory (--city DIR, its SQLite store)
 * or else a deterministic synthetic city (hub/simulator/city-workers.ts).
 *
 * Progress goes to stderr; the last line of stdout is one JSON object:
 * {workers, connected, offline, flaky, processes, commands: [{id, received, p50Ms, p99Ms, maxMs, …}], …}.
 */
import { parseArgs } from 'node:util';
import { PER_PROCESS_DEFAULT, PER_PROCESS_MAX, startWorkerSimulator } from './simulator';
import { resolveWorkerSecret } from './worker-secret';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '1000' },
    hubs: { type: 'string', default: process.env.GRIDLINE_HUB_URL ?? 'http://127.0.0.1:5180' },
    city: { type: 'string' },
    secrets: { type: 'string' },
    duration: { type: 'string', default: '120' },
    'read-delay-ms': { type: 'string', default: '3000' },
    offline: { type: 'string', default: '0.02' },
    flaky: { type: 'string', default: '0.02' },
    'flaky-interval-s': { type: 'string', default: '30' },
    'per-process': { type: 'string', default: String(PER_PROCESS_DEFAULT) },
    concurrency: { type: 'string', default: '500' },
    seed: { type: 'string', default: '1' },
    'report-rate': { type: 'string', default: '0' },
  },
});

function number(flag: keyof typeof values, check: (n: number) => boolean, what: string): number {
  const raw = values[flag];
  const n = Number(raw);
  if (typeof raw !== 'string' || raw.trim() === '' || !Number.isFinite(n) || !check(n)) {
    throw new Error(`--${flag} must be ${what}: ${String(raw)}`);
  }
  return n;
}
const share = (n: number): boolean => n >= 0 && n <= 1;
const positiveInteger = (n: number): boolean => Number.isInteger(n) && n > 0;

const hubs = (values.hubs ?? '')
  .split(',')
  .map((url) => url.trim())
  .filter(Boolean);
for (const url of hubs) {
  if (!/^https?:\/\//.test(url)) throw new Error(`--hubs takes http(s) URLs separated by commas: ${url}`);
}

let workerSecret: string;
try {
  workerSecret = resolveWorkerSecret({ env: process.env.GRIDLINE_HUB_WORKER_SECRET, secretsFile: values.secrets });
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(2);
}

const simulator = startWorkerSimulator({
  hubs,
  count: number('count', (n) => Number.isInteger(n) && n >= 0, 'a whole number'),
  workerSecret,
  city: values.city,
  perProcess: number('per-process', (n) => positiveInteger(n) && n <= PER_PROCESS_MAX, `1…${PER_PROCESS_MAX}`),
  readDelayMs: number('read-delay-ms', (n) => n >= 0, 'a number of ms ≥ 0'),
  offline: number('offline', share, 'a share between 0 and 1'),
  flaky: number('flaky', share, 'a share between 0 and 1'),
  flakyIntervalS: number('flaky-interval-s', (n) => n > 0, 'seconds > 0'),
  durationS: number('duration', (n) => n > 0 && n <= 86_400, 'seconds, 1…86400'),
  concurrency: number('concurrency', positiveInteger, 'a whole number > 0'),
  seed: number('seed', Number.isInteger, 'a whole number'),
  reportRatePerMin: number('report-rate', (n) => n >= 0 && n <= 60_000, 'reports per minute, 0…60000'),
});

const stop = (): void => void simulator.stop();
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
// Started with an IPC channel (`npm start`'s simulated workers): stop when the launcher closes it or dies.
if (process.send) process.once('disconnect', stop);

const summary = await simulator.done;
process.stdout.write(`${JSON.stringify(summary)}\n`);
// Nobody who should have connected could: a wrong secret or URL, worth a failing exit status.
process.exit(summary.connected === 0 && summary.workers > summary.offline ? 1 : 0);
