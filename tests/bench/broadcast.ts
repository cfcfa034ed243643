/**
 * The command hub's broadcast: H hub processes sharing one Redis, N simulated workers on this machine, B commands to
 * the whole city with acknowledgement required. Per broadcast: the time from send until the console's receipts
 * (every hub's latest partial, added up) show 100% of connected workers delivered, and until 100% read; the
 * delivery latency each phone saw (simulator: receipt − the command's `at`, same clock); and the hubs' CPU per worker.
 *
 *   npm run bench -- broadcast [--hubs 2] [--workers 38000] [--broadcasts 5] [--read-delay-ms 1000] [--gap-ms 2000]
 *       [--per-process 18000] [--concurrency 500] [--idle-s 5] [--timeout-s 900] [--cpu-prof]
 *       [--hub-node-flags="--max-semi-space-size=64 …"]
 *
 * Hub CPU per worker per broadcast = Δ(user + system CPU, summed over the hubs, read from `hub:stats`) from just
 * before the send until every read receipt is counted, minus what the hubs spend idle over as long a window (their
 * heartbeats, measured for --idle-s after the last broadcast; the figure before the first is reported too, but it
 * still holds the GC after the connection storm), divided by the workers it went to. So it covers the fan-out, the
 * delivered receipt and the read receipt of every worker: the whole cost of a broadcast with ack. The raw figure and
 * the figure up to 100% delivered are given too. Offline and flaky shares are 0 in these runs: every worker is
 * connected, so 100% is reachable. The simulator runs on the same cores as the hubs. `--cpu-prof` writes a CPU
 * profile of hub 0 and summarises where its time went during the broadcasts and while idle (the profiler adds to
 * hub 0's CPU: take CPU figures from runs without it). `--hub-node-flags` passes Node flags to the hub processes,
 * to try GC settings and the like.
 *
 * Everything is bounded: --timeout-s ends the run, and the hubs, the simulator's processes and Redis are stopped on
 * every way out. Progress goes to stderr; the last line of stdout is one JSON object.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { cpus, loadavg, release, tmpdir, totalmem, type as osType } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startRedis } from '../../hub/redis-process';
import { percentile, startWorkerSimulator, type WorkerSimulator } from '../../hub/simulator/simulator';
import type { HubStats } from '../../shared/protocol/hub-protocol';
import { ConsoleLink } from './broadcast/console-link';
import { monotonicUs, summarizeProfile, type Phase, type ProfileSummary } from './broadcast/cpu-profile';
import { freePort } from '../../hub/redis-process';
import { REPO_ROOT, startHubProcess, type HubProcess } from './broadcast/hub-processes';

const { values } = parseArgs({
  options: {
    hubs: { type: 'string', default: '2' },
    workers: { type: 'string', default: '38000' },
    broadcasts: { type: 'string', default: '5' },
    'read-delay-ms': { type: 'string', default: '1000' },
    'gap-ms': { type: 'string', default: '2000' },
    'per-process': { type: 'string', default: '18000' },
    concurrency: { type: 'string', default: '500' },
    'idle-s': { type: 'string', default: '5' },
    'timeout-s': { type: 'string', default: '900' },
    'cpu-prof': { type: 'boolean', default: false },
    'hub-node-flags': { type: 'string', default: '' },
  },
});
const integer = (flag: keyof typeof values, min: number): number => {
  const n = Number(values[flag]);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${flag} must be a whole number ≥ ${min}`);
  return n;
};
const hubCount = integer('hubs', 1);
const workerCount = integer('workers', 1);
const broadcasts = integer('broadcasts', 1);
const readDelayMs = integer('read-delay-ms', 0);
const gapMs = integer('gap-ms', 0);
const perProcess = integer('per-process', 1);
const concurrency = integer('concurrency', 1);
const idleS = integer('idle-s', 1);
const timeoutS = integer('timeout-s', 10);
const hubNodeFlags = (values['hub-node-flags'] ?? '').split(/\s+/).filter(Boolean);
const loadAtStart = loadavg()[0] ?? 0;
if (workerCount / hubCount > 19_000) {
  throw new Error(`${workerCount} workers over ${hubCount} hubs: more than 19,000 sockets per hub process`);
}

const GOAL_US = 25;
/** Let the hubs settle (GC after the connection storm, the last receipts) before an idle measurement. */
const SETTLE_MS = 3000;
/** Where a hub's time goes, told apart by a frame on the sampled stack (the innermost that matches wins). */
const PHASES: Phase[] = [
  { phase: 'fan-out (deliverLocal → adapter → engine.io → ws → writev)', test: (fn) => fn === 'deliverLocal' },
  { phase: 'receipt bookkeeping (delivery-tracker)', test: (_, place) => place === 'hub/server/delivery-tracker.ts' },
  { phase: 'reading sockets (ws → engine.io → socket.io parser)', test: (fn) => fn === 'onStreamRead' },
  { phase: 'timers (heartbeats, receipts ticker)', test: (fn) => fn === 'listOnTimeout' },
  {
    phase: 'ticks and microtasks (socket.io event dispatch, write callbacks)',
    test: (fn) => fn === 'processTicksAndRejections',
  },
  { phase: 'garbage collector', test: (fn) => fn === '(garbage collector)' },
];
const log = (message: string): void => void process.stderr.write(`[broadcast] ${message}\n`);
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const round = (value: number, digits = 1): number => Number(value.toFixed(digits));
const cpuMs = (stats: HubStats[]): number => stats.reduce((sum, hub) => sum + hub.cpuUserMs + hub.cpuSystemMs, 0);
const median = (values: number[]): number => percentile(Float64Array.from(values).sort(), 0.5) ?? Number.NaN;

async function until(check: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(100);
  }
}

interface BroadcastRecord {
  id: string;
  seq: number;
  workers: number;
  timeTo100PctMs: number;
  timeToAllReadMs: number;
  received: number;
  duplicates: number;
  latencyP50Ms: number | null;
  latencyP99Ms: number | null;
  latencyMaxMs: number | null;
  hubCpuMsToDelivered: number;
  hubCpuMsToRead: number;
  windowMs: number;
  hubCpuUsPerWorker: number;
  hubCpuUsPerWorkerRaw: number;
  hubCpuUsPerWorkerDelivered: number;
  /** The simulator's CPU over the same window (its phones' share of the two cores), µs per worker. */
  simulatorCpuUsPerWorker: number;
}

// --- what has to be stopped, whatever happens ------------------------------------------------------------------
const cleanup: { what: string; run: () => Promise<void> | void }[] = [];
const hubs: HubProcess[] = [];
// If this process dies without its cleanup, its hubs must not outlive it (the simulator's children notice by
// themselves: their IPC channel closes).
process.on('exit', () => {
  for (const hub of hubs) {
    try {
      process.kill(hub.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
});

async function runCleanup(): Promise<void> {
  for (const step of cleanup.splice(0).reverse()) {
    try {
      await Promise.race([step.run(), sleep(30_000)]);
    } catch (error) {
      log(`cleanup (${step.what}) failed: ${String(error)}`);
    }
  }
}

async function main(): Promise<Record<string, unknown>> {
  const workerSecret = randomBytes(24).toString('base64url');
  const consoleSecret = randomBytes(24).toString('base64url');
  const runId = randomBytes(4).toString('hex');
  const dir = mkdtempSync(join(tmpdir(), 'gridline-bench-broadcast-'));
  cleanup.push({ what: 'temporary files', run: () => rmSync(dir, { recursive: true, force: true }) });
  const profileDir = join(dir, 'cpu-profile');

  const redis = await startRedis();
  cleanup.push({ what: 'redis', run: () => redis.stop() });
  log(`redis on ${redis.url}`);

  for (let index = 0; index < hubCount; index++) {
    const hub = await startHubProcess({
      index,
      port: await freePort(),
      redisUrl: redis.url,
      dataDir: join(dir, `hub-${index}`),
      workerSecret,
      consoleSecret,
      ...(values['cpu-prof'] && index === 0 ? { cpuProfDir: profileDir } : {}),
      nodeFlags: hubNodeFlags,
      log,
    });
    hubs.push(hub);
    cleanup.push({ what: `hub ${index}`, run: () => hub.stop() });
    log(`hub ${index} (pid ${hub.pid}) on ${hub.url}`);
  }

  const connectStarted = Date.now();
  const sim: WorkerSimulator = startWorkerSimulator({
    hubs: hubs.map((hub) => hub.url),
    count: workerCount,
    workerSecret,
    perProcess,
    concurrency,
    readDelayMs,
    offline: 0,
    flaky: 0,
    durationS: timeoutS,
    log: (line) => log(`sim: ${line}`),
  });
  cleanup.push({ what: 'simulator', run: async () => void (await sim.stop()) });
  await sim.ready;
  await until(() => sim.counts().connected === workerCount, 120_000, `all ${workerCount} workers connected`);
  const connectS = (Date.now() - connectStarted) / 1000;
  log(`${workerCount} workers connected in ${connectS.toFixed(1)} s`);

  const desk = await ConsoleLink.connect(hubs[0]!.url, consoleSecret);
  cleanup.push({ what: 'console link', run: () => desk.close() });
  const stats = await desk.stats();
  const onHubs = stats.reduce((sum, hub) => sum + hub.workers, 0);
  if (stats.length !== hubCount || onHubs !== workerCount) {
    throw new Error(
      `the hubs report ${onHubs} workers on ${stats.length} hubs; expected ${workerCount} on ${hubCount}`,
    );
  }

  // What the hubs spend doing nothing but keep their workers (heartbeats), to take out of each broadcast's window:
  // measured once the connection storm has settled, and again after the last broadcast.
  const idleWindows: [number, number][] = [];
  const idle = async (): Promise<number> => {
    const from = { cpu: cpuMs(await desk.stats()), at: performance.now(), us: monotonicUs() };
    await sleep(idleS * 1000);
    idleWindows.push([from.us, monotonicUs()]);
    return (cpuMs(await desk.stats()) - from.cpu) / ((performance.now() - from.at) / 1000);
  };
  await sleep(SETTLE_MS);
  const idleBefore = await idle();
  log(`idle before the broadcasts: the hubs spend ${idleBefore.toFixed(1)} ms of CPU per second together`);

  const records: BroadcastRecord[] = [];
  const windows: [number, number][] = [];
  const latencies: number[] = [];
  for (let b = 1; b <= broadcasts; b++) {
    const id = `bench-${runId}-${b}`;
    await sim.flush();
    const simCpuBefore = sim.counts().cpuMs;
    const before = await desk.stats();
    const workers = before.reduce((sum, hub) => sum + hub.workers, 0);
    const windowFrom = monotonicUs();
    const t0 = Date.now();
    const p0 = performance.now();
    const ack = await desk.send({
      id,
      text: `演练指令 ${b}：请各网格员立即巡查辖区低洼路段积水情况并回复`,
      priority: 'urgent',
      target: { all: true },
      ackRequired: true,
      expiresInS: 600,
      sender: 'bench-broadcast',
    });
    const deliveredAt = await desk.waitFor(id, (totals) => totals.delivered >= workers, 120_000);
    const atDelivered = await desk.stats();
    const readAt = await desk.waitFor(id, (totals) => totals.read >= workers, 4 * readDelayMs + 120_000);
    const after = await desk.stats();
    const windowMs = performance.now() - p0;
    windows.push([windowFrom, monotonicUs()]);
    await sim.flush();
    const simCpuMs = sim.counts().cpuMs - simCpuBefore;
    const seen = sim.command(id);
    for (const latency of sim.latencies(id)) latencies.push(latency);
    const toDelivered = cpuMs(atDelivered) - cpuMs(before);
    const toRead = cpuMs(after) - cpuMs(before);
    const perWorker = (ms: number): number => round((ms * 1000) / workers, 2);
    const record: BroadcastRecord = {
      id,
      seq: ack.seq,
      workers,
      timeTo100PctMs: deliveredAt - t0,
      timeToAllReadMs: readAt - t0,
      received: seen?.received ?? 0,
      duplicates: seen?.duplicates ?? 0,
      latencyP50Ms: seen?.p50Ms ?? null,
      latencyP99Ms: seen?.p99Ms ?? null,
      latencyMaxMs: seen?.maxMs ?? null,
      hubCpuMsToDelivered: round(toDelivered),
      hubCpuMsToRead: round(toRead),
      windowMs: round(windowMs),
      hubCpuUsPerWorkerRaw: perWorker(toRead),
      // Corrected for idle below, once the idle rate after the broadcasts is known too.
      hubCpuUsPerWorker: Number.NaN,
      hubCpuUsPerWorkerDelivered: Number.NaN,
      simulatorCpuUsPerWorker: perWorker(simCpuMs),
    };
    records.push(record);
    log(
      `broadcast ${b}/${broadcasts}: 100% of ${workers} delivered in ${record.timeTo100PctMs} ms, all read in ` +
        `${record.timeToAllReadMs} ms; phones p50 ${record.latencyP50Ms} ms, p99 ${record.latencyP99Ms} ms, ` +
        `max ${record.latencyMaxMs} ms; hub CPU ${record.hubCpuUsPerWorkerRaw} µs/worker before the idle correction`,
    );
    if (record.received !== workers) log(`broadcast ${b}: the simulator counted ${record.received} of ${workers}`);
    if (b < broadcasts) await sleep(gapMs);
  }

  await sleep(SETTLE_MS / 3);
  const idleAfter = await idle();
  // Before the first broadcast the hubs are still digesting the connection storm (GC): the quiet after the last one
  // is the steady state, heartbeats only.
  const idleMsPerS = idleAfter;
  log(`idle after the broadcasts: ${idleAfter.toFixed(1)} ms of CPU per second (the correction)`);
  for (const record of records) {
    const perWorker = (ms: number): number => round((ms * 1000) / record.workers, 2);
    record.hubCpuUsPerWorker = perWorker(record.hubCpuMsToRead - (idleMsPerS * record.windowMs) / 1000);
    record.hubCpuUsPerWorkerDelivered = perWorker(
      record.hubCpuMsToDelivered - (idleMsPerS * record.timeTo100PctMs) / 1000,
    );
    log(
      `${record.id}: hub CPU ${record.hubCpuUsPerWorker} µs/worker to all read, ` +
        `${record.hubCpuUsPerWorkerDelivered} to 100% delivered`,
    );
  }

  const simCounts = sim.counts();
  let cpuProfile: { broadcasts: ProfileSummary; idle: ProfileSummary } | undefined;
  if (values['cpu-prof']) {
    // The profile is written when hub 0 exits.
    await sim.stop();
    await hubs[0]!.stop();
    const file = readdirSync(profileDir).find((name) => name.endsWith('.cpuprofile'));
    if (file) {
      cpuProfile = {
        broadcasts: summarizeProfile(join(profileDir, file), windows, REPO_ROOT, PHASES),
        idle: summarizeProfile(join(profileDir, file), idleWindows, REPO_ROOT, PHASES),
      };
    } else log('hub 0 wrote no CPU profile');
  }

  const pooled = Float64Array.from(latencies).sort();
  const spread = (pick: (record: BroadcastRecord) => number): { mean: number; max: number } => {
    const all = records.map(pick);
    return { mean: round(all.reduce((sum, n) => sum + n, 0) / all.length, 2), max: round(Math.max(...all), 2) };
  };
  const hubCpuUsPerWorker = spread((record) => record.hubCpuUsPerWorker);
  const cpu = cpus();
  return {
    bench: 'broadcast',
    hubs: hubCount,
    workers: workerCount,
    connected: simCounts.everConnected,
    broadcasts,
    simulatorProcesses: simCounts.processes,
    offline: 0,
    flaky: 0,
    readDelayMs,
    connectS: round(connectS),
    timeTo100PctMs: {
      p50: median(records.map((record) => record.timeTo100PctMs)),
      max: Math.max(...records.map((record) => record.timeTo100PctMs)),
    },
    timeToAllReadMs: {
      p50: median(records.map((record) => record.timeToAllReadMs)),
      max: Math.max(...records.map((record) => record.timeToAllReadMs)),
    },
    latencyP50Ms: percentile(pooled, 0.5),
    latencyP99Ms: percentile(pooled, 0.99),
    latencyMaxMs: percentile(pooled, 1),
    hubCpuUsPerWorker,
    hubCpuUsPerWorkerRaw: spread((record) => record.hubCpuUsPerWorkerRaw),
    hubCpuUsPerWorkerDelivered: spread((record) => record.hubCpuUsPerWorkerDelivered),
    simulatorCpuUsPerWorker: spread((record) => record.simulatorCpuUsPerWorker),
    idleHubCpuMsPerS: { before: round(idleBefore), after: round(idleAfter) },
    goalUs: GOAL_US,
    goalMet: hubCpuUsPerWorker.max <= GOAL_US,
    cityClaimMs: 10_000,
    aimMs: 1000,
    perBroadcast: records,
    ...(cpuProfile ? { cpuProfileHub0: cpuProfile } : {}),
    hubNodeFlags,
    machine: {
      loadAverage1mAtStart: round(loadAtStart, 2),
      cpus: cpu.length,
      model: cpu[0]?.model ?? 'unknown',
      memGiB: round(totalmem() / 2 ** 30),
      os: `${osType()} ${release()}`,
    },
    node: process.version,
    date: new Date().toISOString().slice(0, 10),
    note:
      `${hubCount} hub processes + Redis + ${simCounts.processes} simulator processes (${workerCount} workers) share ` +
      `this machine's ${cpu.length} cores: the simulator competes with the hubs for CPU, so times are upper bounds ` +
      `and CPU per worker is the hubs' own (process.cpuUsage). timeTo100PctMs is the console's view: receipts go ` +
      'out every 250 ms, so it includes up to 250 ms of that interval; latency*Ms is what the phones saw.' +
      (values['cpu-prof'] ? ' Hub 0 ran under --cpu-prof: the profiler adds to its CPU figures.' : ''),
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
  await runCleanup();
  process.stdout.write(`${JSON.stringify(result)}\n`);
} catch (error) {
  log(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  await runCleanup();
  exitCode = 1;
}
process.exit(exitCode);
