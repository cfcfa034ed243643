/**
 * SIMULATOR — citizens reporting to the 12345 hotline and 郑好拍, posting to the command hub's HTTP intake
 * (hub/simulator/citizen-reports.ts).
 *
 *   npm run sim:reports -- --hub URL [--secrets FILE] [--rate N] [--city DIR] [--duration S] [--seed N]
 *       [--retry-share SHARE] [--echo-share SHARE]
 *
 * Posts about --rate new reports a minute (default 6) to URL's /intake/v1/reports, each as the hotline or 郑好拍 with
 * that channel's intake key: from GRIDLINE_HUB_INTAKE_KEYS (JSON, key → channel), else the hub-secrets.json that
 * `npm run hub` writes into its data directory (--secrets FILE). Places fall inside the micro-grids of a console's
 * store (--city DIR, its data directory) or else in the urban core inside the city outline. A share --retry-share
 * (default 0.05) of the posts is sent again with the same key (answered 200 duplicate), a share --echo-share
 * (default 0.03) reported again by a second citizen on the other channel 20–40 m away. After --duration seconds
 * (default 120), on SIGINT/SIGTERM, or when the launcher that started it closes its IPC channel, it stops: the last
 * line of stdout is one JSON object of counts; exit 1 when it posted but nothing was accepted (a wrong key or URL).
 */
import { parseArgs } from 'node:util';
import { resolveIntakeKeys, startCitizenReports } from './citizen-reports';

const { values } = parseArgs({
  options: {
    hub: { type: 'string', default: process.env.GRIDLINE_HUB_URL ?? 'http://127.0.0.1:5180' },
    secrets: { type: 'string' },
    rate: { type: 'string', default: '6' },
    city: { type: 'string' },
    duration: { type: 'string', default: '120' },
    seed: { type: 'string', default: '1' },
    'retry-share': { type: 'string', default: '0.05' },
    'echo-share': { type: 'string', default: '0.03' },
  },
});

function number(flag: keyof typeof values, check: (n: number) => boolean, what: string): number {
  const raw = values[flag];
  const n = Number(raw);
  if (typeof raw !== 'string' || raw.trim() === '' || !Number.isFinite(n) || !check(n)) {
    process.stderr.write(`--${flag} must be ${what}: ${String(raw)}\n`);
    process.exit(2);
  }
  return n;
}
const share = (n: number): boolean => n >= 0 && n <= 1;

const hub = values.hub ?? '';
if (!/^https?:\/\/[^\s]+$/.test(hub)) {
  process.stderr.write(`--hub takes the hub's http(s) URL: ${hub}\n`);
  process.exit(2);
}
const ratePerMin = number('rate', (n) => n >= 0 && n <= 60_000, 'reports per minute, 0…60000');
const durationS = number('duration', (n) => n > 0 && n <= 86_400, 'seconds, 1…86400');
const seed = number('seed', Number.isInteger, 'a whole number');
const retryShare = number('retry-share', share, 'a share between 0 and 1');
const echoShare = number('echo-share', share, 'a share between 0 and 1');

let simulator: ReturnType<typeof startCitizenReports>;
try {
  const intakeKeys = resolveIntakeKeys({ env: process.env.GRIDLINE_HUB_INTAKE_KEYS, secretsFile: values.secrets });
  simulator = startCitizenReports({
    hub,
    intakeKeys,
    ratePerMin,
    seed,
    retryShare,
    echoShare,
    ...(values.city ? { city: values.city } : {}),
  });
} catch (error) {
  process.stderr.write(`[SIMULATOR citizen reports] ${(error as Error).message}\n`);
  process.exit(2);
}

const stop = (): void => void simulator.stop();
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
// Started with an IPC channel (`npm start`'s simulators): stop when the launcher closes it or dies.
if (process.send) process.once('disconnect', stop);
setTimeout(stop, durationS * 1000).unref();
// The pacer's timers do not hold the process open; this does, until the run is over.
const alive = setInterval(() => {}, 60_000);

const counts = await simulator.done;
clearInterval(alive);
process.stdout.write(`${JSON.stringify(counts)}\n`);
process.exit(counts.posted > 0 && counts.accepted === 0 ? 1 : 0);
