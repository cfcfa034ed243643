/**
 * The live ticket loop at full scale (issue #7): reports posted over HTTP to the hub's intake, applied by a console
 * whose store holds the whole city (7.2 million tickets at full scale), dispatched through the hub's ticket stream,
 * and the dashboard's KPI queries and the board's queries on that store while it takes them in.
 *
 * - The hub runs as its own process (`npm run hub`, embedded log), as in production; the console core runs here, on
 *   a copy of the store in `--data-dir` (or a city generated for the run), connected to it; reports are posted from
 *   here over keep-alive HTTP.
 * - Warm-up: `--warmup` reports, not measured. Paced phase: `--rate` reports a second (1,000 by default; at 2,000 the
 *   hub, the console and the load generator saturate two shared cores) for `--seconds`; for each report the
 *   time from the start of its POST to the moment this console has applied its dispatch (the ticket is on the
 *   board, dispatched, with its reason): dispatchP50Ms, dispatchP99Ms.
 * - Storm phase: `--storm` reports as fast as `--concurrency` posters can send them; intakePerSecond is reports
 *   dispatched per second, from the first POST to the last dispatch applied (sustained: every one dispatched).
 * - Then the dashboard's KPI mix (today / this month / a custom window × county / channel / category, a quarter
 *   filtered) through the contract, kpiP95Ms, and the board's queries (open tickets by time to deadline, filtered by
 *   county, channel, category or overdue), boardP95Ms.
 *
 * Prints progress on stderr and one JSON object as the last line of stdout.
 *
 *   npm run bench -- tickets [--data-dir DIR] [--scale full|medium|small] [--warmup 2000] [--rate 1000] [--seconds 10]
 *     [--storm 20000] [--concurrency 128] [--kpi-queries 120]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { Agent, request } from 'node:http';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createConsoleCore } from '../../electron/host/console-core';
import type { CallContext } from '../../electron/host/dispatcher';
import { generateCity } from '../../electron/services/city/generator/generate-city';
import { Random } from '../../electron/services/city/generator/random';
import { CITY_SCALES } from '../../electron/services/city/generator/scale';
import { openStore } from '../../electron/services/store/store';
import type { TicketChanged } from '../../shared/contract';
import { BENCH_REPORTS } from './tickets/reports';

const { values } = parseArgs({
  options: {
    'data-dir': { type: 'string' },
    scale: { type: 'string', default: 'full' },
    rate: { type: 'string', default: '1000' },
    warmup: { type: 'string', default: '2000' },
    seconds: { type: 'string', default: '10' },
    storm: { type: 'string', default: '20000' },
    concurrency: { type: 'string', default: '128' },
    'kpi-queries': { type: 'string', default: '120' },
  },
});
const scale =
  CITY_SCALES.find((known) => known === values.scale) ??
  ((): never => {
    throw new Error(`--scale must be one of ${CITY_SCALES.join(', ')}`);
  })();
const rate = Number(values.rate);
const warmup = Number(values.warmup);
const seconds = Number(values.seconds);
const stormCount = Number(values.storm);
const concurrency = Number(values.concurrency);
const kpiQueries = Number(values['kpi-queries']);
const log = (message: string): void => void process.stderr.write(`[tickets] ${message}\n`);

const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
};
const round = (value: number): number => Number(value.toFixed(2));

const SECRETS = { worker: 'bench-worker-secret', console: 'bench-console-secret' };
const INTAKE_KEY = 'bench-hotline-intake-key';
const root = join(import.meta.dirname, '..', '..');

// Extra Node flags for the hub's process, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile it under load.
const hubNodeArgs = (process.env.GRIDLINE_BENCH_HUB_NODE_ARGS ?? '').split(' ').filter(Boolean);

/** The hub as its own process; resolves with its URL once it listens. */
function startHubProcess(dataDir: string): Promise<{ url: string; child: ChildProcess }> {
  // Node itself with tsx's loader (not npx), so that killing the child stops the hub.
  const child = spawn(
    process.execPath,
    [...hubNodeArgs, '--import', 'tsx', join(root, 'hub', 'cli.ts'), '--port', '0', '--data-dir', dataDir],
    {
      env: {
        ...process.env,
        GRIDLINE_HUB_WORKER_SECRET: SECRETS.worker,
        GRIDLINE_HUB_CONSOLE_SECRET: SECRETS.console,
        GRIDLINE_HUB_INTAKE_KEYS: JSON.stringify({ [INTAKE_KEY]: 'hotline_12345' }),
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  return new Promise((resolve, reject) => {
    let buffered = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      for (let at = buffered.indexOf('\n'); at >= 0; at = buffered.indexOf('\n')) {
        const line = buffered.slice(0, at);
        buffered = buffered.slice(at + 1);
        try {
          const entry = JSON.parse(line) as { event?: string; port?: number };
          if (entry.event === 'hub.started' && entry.port) {
            // From here on the hub's log lines are drained unread: parsing two lines a report would charge the
            // console's process (this one) for the hub's logging.
            child.stdout.removeAllListeners('data');
            child.stdout.resume();
            resolve({ url: `http://127.0.0.1:${entry.port}`, child });
            return;
          }
        } catch {
          // Not a log line of ours.
        }
      }
    });
    child.once('exit', (code) => reject(new Error(`the hub exited (${code}) before it listened`)));
  });
}

// A store follows one hub tier's ticket stream (its cursor is that stream's sequence number): each run starts a new
// hub, so it works on a copy of the given city, never on the city itself.
const dataDir = mkdtempSync(join(tmpdir(), 'gridline-tickets-bench-'));
if (values['data-dir']) {
  log(`copying the city in ${values['data-dir']}`);
  cpSync(values['data-dir'], dataDir, { recursive: true });
} else {
  log(`no --data-dir: generating a ${scale} city in ${dataDir}`);
  const store = openStore(dataDir);
  await generateCity(store, { scale, seed: 1 });
  store.close();
}

const hub = await startHubProcess(mkdtempSync(join(tmpdir(), 'gridline-tickets-bench-hub-')));
log(`hub at ${hub.url}`);
const started = performance.now();
const core = createConsoleCore({
  dataDir,
  resourcesDir: join(root, 'resources'),
  host: 'web',
  version: 'bench',
  log: { info: () => {}, warn: (event, fields) => log(`${event} ${JSON.stringify(fields)}`), error: () => {} },
  cityScale: scale,
  hub: { url: hub.url, consoleSecret: SECRETS.console },
  scrypt: { N: 2 ** 12, r: 8, p: 1 },
  deadlineWatchMs: 0,
});

try {
  if (!(await core.cityReady)) throw new Error('the city is not complete');
  const username = `bench-${Date.now()}`;
  await core.identity.addOperator({
    username,
    displayName: 'Bench',
    role: 'city_commander',
    password: 'bench-amber-lantern-harbour',
  });
  const context: CallContext = { host: 'web', client: 'bench' };
  const signIn = await core.dispatch('session.signIn', { username, password: 'bench-amber-lantern-harbour' }, context);
  if (!signIn.ok) throw new Error(signIn.error.message);
  const call = async (name: string, input: unknown): Promise<unknown> => {
    const result = await core.dispatch(name, input, context);
    if (!result.ok) throw new Error(`${name}: ${result.error.message}`);
    return result.output;
  };
  // Connected, and the KPI index loaded (the console does that itself once the city is ready).
  for (;;) {
    const status = (await call('hub.getStatus', {})) as { state: string };
    const kpi = await core.dispatch('tickets.kpi', { range: 'today', groupBy: null }, context);
    if (status.state === 'connected' && kpi.ok) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const tickets = (await call('tickets.kpi', { range: { from: 0, to: 2 ** 31 - 1 }, groupBy: null })) as {
    tickets: number;
  };
  log(`console ready in ${((performance.now() - started) / 1000).toFixed(1)} s on ${tickets.tickets} tickets`);

  // Points: micro-grid centroids of the store, jittered a little.
  const reader = openStore(dataDir);
  const centroids = reader
    .reader()
    .prepare("SELECT centroid_lon AS lng, centroid_lat AS lat FROM grids WHERE level = 'micro' ORDER BY id")
    .all() as { lng: number; lat: number }[];
  reader.close();
  const random = new Random(7);
  let serial = 0;
  const runId = Date.now().toString(36);

  // When each posted report was sent, and when its dispatch was applied here.
  const postedAt = new Map<string, number>();
  const dispatchedAt = new Map<string, number>();
  let onDispatched: (() => void) | undefined;
  core.events.connect((name, payload) => {
    const changed = payload as TicketChanged;
    if (name !== 'tickets.changed' || changed.kind !== 'dispatch') return;
    dispatchedAt.set(changed.hubId, performance.now());
    onDispatched?.();
  });

  // Keep-alive sockets, at most `concurrency` of them: a real sender's connection pool, and no file-descriptor storm
  // when the hub falls behind the offered rate (the posts queue in the agent, and their wait counts in the latency).
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const intake = new URL(`${hub.url}/intake/v1/reports`);
  const postJson = (body: string): Promise<{ status: number; text: string }> =>
    new Promise((resolve, reject) => {
      const call = request(
        intake,
        {
          method: 'POST',
          agent,
          headers: {
            'Content-Type': 'application/json',
            'Content-Length': Buffer.byteLength(body),
            Authorization: `Bearer ${INTAKE_KEY}`,
          },
        },
        (response) => {
          let text = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => (text += chunk));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
        },
      );
      call.on('error', reject);
      call.end(body);
    });

  const postOne = async (): Promise<string> => {
    const [text] = BENCH_REPORTS[random.int(0, BENCH_REPORTS.length - 1)]!;
    const point = centroids[random.int(0, centroids.length - 1)]!;
    const sentAt = performance.now();
    const response = await postJson(
      JSON.stringify({
        idempotencyKey: `bench-${runId}-${serial++}`,
        text,
        location: { lng: point.lng + (random.next() - 0.5) * 1e-4, lat: point.lat + (random.next() - 0.5) * 1e-4 },
      }),
    );
    const answer = JSON.parse(response.text) as { id?: string };
    if (response.status !== 201 || !answer.id) throw new Error(`intake answered ${response.status}: ${response.text}`);
    postedAt.set(answer.id, sentAt);
    return answer.id;
  };
  const allDispatched = (ids: readonly string[], timeoutMs: number): Promise<void> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        if (ids.every((id) => dispatchedAt.has(id))) {
          onDispatched = undefined;
          resolve();
        }
      };
      onDispatched = check;
      check();
      setTimeout(() => reject(new Error(`not every report was dispatched in ${timeoutMs} ms`)), timeoutMs).unref();
    });

  // ── Warm-up (not measured): the JIT, the statement caches and the sockets, as a console that has run a while.
  log(`warm-up: ${warmup} reports`);
  const warmIds: string[] = [];
  for (let i = 0; i < warmup; i += 50) {
    warmIds.push(...(await Promise.all(Array.from({ length: Math.min(50, warmup - i) }, () => postOne()))));
  }
  await allDispatched(warmIds, 60_000);

  // ── Paced: `rate` a second for `seconds`.
  log(`paced: ${rate}/s for ${seconds} s`);
  const pacedIds: string[] = [];
  const pacedPosts: Promise<void>[] = [];
  const pacedStart = performance.now();
  const total = rate * seconds;
  for (let i = 0; i < total; i++) {
    const due = pacedStart + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    pacedPosts.push(postOne().then((id) => void pacedIds.push(id)));
  }
  await Promise.all(pacedPosts);
  const pacedSent = (performance.now() - pacedStart) / 1000;
  await allDispatched(pacedIds, 60_000);
  const latencies = pacedIds.map((id) => dispatchedAt.get(id)! - postedAt.get(id)!);
  log(
    `paced: ${total} in ${pacedSent.toFixed(1)} s (${(total / pacedSent).toFixed(0)}/s offered); dispatch p50 ` +
      `${percentile(latencies, 0.5).toFixed(0)} ms, p99 ${percentile(latencies, 0.99).toFixed(0)} ms`,
  );

  // ── Storm: as fast as `concurrency` posters go.
  log(`storm: ${stormCount} reports, ${concurrency} posters`);
  const stormIds: string[] = [];
  const stormStart = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < stormCount) {
        next++;
        stormIds.push(await postOne());
      }
    }),
  );
  const stormPosted = performance.now();
  await allDispatched(stormIds, 300_000);
  const stormEnd = Math.max(...stormIds.map((id) => dispatchedAt.get(id)!));
  const intakePerSecond = stormCount / ((stormEnd - stormStart) / 1000);
  const stormLatencies = stormIds.map((id) => dispatchedAt.get(id)! - postedAt.get(id)!);
  log(
    `storm: posted in ${((stormPosted - stormStart) / 1000).toFixed(1)} s, all dispatched after ` +
      `${((stormEnd - stormStart) / 1000).toFixed(1)} s: ${intakePerSecond.toFixed(0)}/s`,
  );

  // ── The dashboard and the board on the store as it now is.
  const groupings = ['county', 'channel', 'category'] as const;
  const ranges = ['today', 'month', 'custom'] as const;
  const counties = (
    (await call('tickets.kpi', { range: 'month', groupBy: 'county' })) as { rows: { id: number }[] }
  ).rows.map((row) => row.id);
  const kpiTimes: number[] = [];
  const kpiRandom = new Random(42);
  const nowS = Math.floor(Date.now() / 1000);
  for (let i = 0; i < kpiQueries; i++) {
    const range = ranges[i % 3]!;
    const window =
      range === 'custom'
        ? (() => {
            const days = 1 + kpiRandom.int(0, 365 - 1);
            const end = nowS - kpiRandom.int(0, 300 - 1) * 86_400;
            return { from: end - days * 86_400, to: end };
          })()
        : range;
    const filtered = i % 4 === 3;
    const request = {
      range: window,
      groupBy: groupings[Math.floor(i / 3) % 3]!,
      ...(filtered ? { filters: { counties: [counties[kpiRandom.int(0, counties.length - 1)]!] } } : {}),
    };
    const at = performance.now();
    await call('tickets.kpi', request);
    kpiTimes.push(performance.now() - at);
  }
  const boardQueries = [
    {},
    { deadline: 'overdue' },
    { deadline: 'warning', sort: 'deadline' },
    { channels: [1, 2] },
    { category: '01' },
    { liveOnly: true },
    { sort: 'newest' },
    { statuses: ['evaluated'], sort: 'newest' },
  ];
  const boardTimes: number[] = [];
  for (let i = 0; i < 40; i++) {
    const at = performance.now();
    await call('tickets.list', { ...boardQueries[i % boardQueries.length], limit: 50 });
    boardTimes.push(performance.now() - at);
  }
  const after = (await call('tickets.kpi', { range: { from: 0, to: 2 ** 31 - 1 }, groupBy: null })) as {
    tickets: number;
  };
  log(`kpi p95 ${percentile(kpiTimes, 0.95).toFixed(1)} ms; board p95 ${percentile(boardTimes, 0.95).toFixed(1)} ms`);

  console.log(
    JSON.stringify({
      scale,
      cores: cpus().length,
      tickets: after.tickets,
      pacedRate: rate,
      pacedOffered: round(total / pacedSent),
      dispatchP50Ms: round(percentile(latencies, 0.5)),
      dispatchP99Ms: round(percentile(latencies, 0.99)),
      dispatchMaxMs: round(Math.max(...latencies)),
      stormReports: stormCount,
      intakePerSecond: round(intakePerSecond),
      stormDispatchP99Ms: round(percentile(stormLatencies, 0.99)),
      kpiQueries,
      kpiP50Ms: round(percentile(kpiTimes, 0.5)),
      kpiP95Ms: round(percentile(kpiTimes, 0.95)),
      boardP50Ms: round(percentile(boardTimes, 0.5)),
      boardP95Ms: round(percentile(boardTimes, 0.95)),
      goals: { intakePerSecond: 2000, dispatchP99Ms: 1000, kpiP95Ms: 100 },
    }),
  );
} finally {
  await core.close();
  // Let the hub close (and write its profile, when asked for one) before this process, which holds its stdout, exits.
  const exited = new Promise((resolve) => hub.child.once('exit', resolve));
  hub.child.kill('SIGTERM');
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
  rmSync(dataDir, { recursive: true, force: true });
}
process.exit(0);
