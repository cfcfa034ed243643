/**
 * The command hub's broadcast: H hub processes sharing one Redis, N simulated workers on this machine, B commands to
 * the whole city with acknowledgement required — then, in the same run, stock Socket.IO doing the same fan-out with
 * its own per-socket acks (tests/bench/broadcast/stock-hub.ts) on the same N workers, for the ratio.
 *
 *   npm run bench -- broadcast [--hubs 2] [--workers 38000] [--broadcasts 5] [--baseline-broadcasts 3]
 *       [--warmup 1] [--no-baseline] [--read-delay-ms 3000] [--gap-ms 2000] [--per-process 18000] [--concurrency 500]
 *       [--idle-s 5] [--timeout-s 900] [--cpu-prof] [--hub-node-flags="--max-semi-space-size=64 …"]
 *
 * The first broadcast after the connection storm runs cold (V8 has not optimised the fan-out yet, the collector is
 * still clearing the storm's garbage, the kernel allocates every socket's first buffers): it costs up to twice as
 * much. `--warmup` broadcasts go first, for the hub and the baseline alike, and are reported apart (`warmUp`,
 * `baselineWarmUp`), not hidden.
 *
 * What the keys mean (the headline figures are the worst measured broadcast of the run, not the best):
 * - allDeliveredMs: from send until the last worker's phone had it (the simulator's clock is the hubs' clock).
 * - p50DeliveryMs / p99DeliveryMs: over every phone of every broadcast.
 * - allAckedMs: from send until the console's receipts (every hub's latest part, added up) count every worker
 *   delivered — the commander's view; the last receipt of a round is flushed at once.
 * Phones acknowledge receipt at once and report "read" after a human delay (exponential, mean --read-delay-ms,
 * 3 s by default as in the simulator: people take seconds to open a message), so most read receipts come after
 * the delivery burst, as they would in the city.
 * - hubCpuUsPerWorker: the hubs' CPU (user + system, summed, read from `hub:stats`) from just before the send until
 *   every delivered ack is counted, less what the hubs spent idle in the 2 s just before it over as long a window,
 *   divided by the workers: fan-out + ack, per worker per broadcast. The idle share is heartbeats: every socket is
 *   pinged once a minute from the moment it connected, and the benchmark connects them all within seconds, so the
 *   pings come in waves (while one lasts the hubs spend tens of times their quiet rate) instead of the steady
 *   trickle of a city whose phones connect at all hours. A broadcast measured in a wave measures the wave, so each
 *   one waits (up to a minute) for the hubs to be quiet, ≤ 20 ms of CPU per s, and the waves' cost is reported
 *   apart (idleHubCpuMsPerS.after, measured whenever it falls). hubCpuUsPerWorkerRaw is the figure without the
 *   correction. hubCpuUsPerWorkerWithRead carries on until every read
 *   receipt is in (a second message from each phone, seconds later, one at a time: each costs a loop wake-up).
 * - hubBytesPerConnection: the hubs' resident memory with the workers connected less before, per worker.
 * - baseline*: the same for stock Socket.IO (to all acks; its phones send no read receipt).
 * - lost: connected workers who never received a command, summed over the broadcasts; must be 0.
 * The simulator runs on the same cores as the hubs, so times are upper bounds. `--cpu-prof` writes a CPU profile of
 * hub 0 and summarises where its time went (the profiler adds to hub 0's CPU: take CPU figures from runs without it).
 *
 * Everything is bounded: --timeout-s ends the run, and the hubs, the simulator's processes and Redis are stopped on
 * every way out. Progress goes to stderr; the last line of stdout is one JSON object.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { cpus, loadavg, release, tmpdir, totalmem, type as osType } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { freePort, startRedis } from '../../hub/redis-process';
import { percentile, startWorkerSimulator, type WorkerSimulator } from '../../hub/simulator/simulator';
import type { CommandWire, HubStats } from '../../shared/protocol/hub-protocol';
import { ConsoleLink } from './broadcast/console-link';
import { monotonicUs, summarizeProfile, type Phase, type ProfileSummary } from './broadcast/cpu-profile';
import { REPO_ROOT, startHubProcess, type HubProcess } from './broadcast/hub-processes';
import type { StockHubAnswer, StockHubOrder } from './broadcast/stock-hub';
import { Teardown } from './teardown';

const { values } = parseArgs({
  options: {
    hubs: { type: 'string', default: '2' },
    workers: { type: 'string', default: '38000' },
    broadcasts: { type: 'string', default: '5' },
    'baseline-broadcasts': { type: 'string', default: '3' },
    warmup: { type: 'string', default: '1' },
    'no-baseline': { type: 'boolean', default: false },
    'read-delay-ms': { type: 'string', default: '3000' },
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
const baselineBroadcasts = values['no-baseline'] ? 0 : integer('baseline-broadcasts', 1);
const warmUps = integer('warmup', 0);
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
const GOAL_ALL_DELIVERED_MS = 2000;
/** Let the hubs settle (GC after the connection storm, the last receipts) before an idle measurement. */
const SETTLE_MS = 3000;
const ACK_TIMEOUT_MS = 120_000;
/** The idle measurement just before each broadcast, the correction for that broadcast. */
const LOCAL_IDLE_MS = 2000;
/** A broadcast waits (measuring) until the hubs' idle rate is at most this, or this long at most. */
const QUIET_MS_PER_S = 20;
const QUIET_WAIT_MS = 60_000;
/** Where a hub's time goes, told apart by a frame on the sampled stack (the innermost that matches wins). */
const PHASES: Phase[] = [
  { phase: 'fan-out (deliverLocal → one frame → socket.write)', test: (fn) => fn === 'deliverLocal' },
  { phase: 'receipt bookkeeping (delivery-tracker)', test: (_, place) => place === 'hub/server/delivery-tracker.ts' },
  { phase: 'reading sockets (ws → receipt frames; engine.io for the rest)', test: (fn) => fn === 'onStreamRead' },
  { phase: 'timers (heartbeats, receipts ticker)', test: (fn) => fn === 'listOnTimeout' },
  { phase: 'ticks and microtasks (event dispatch, write callbacks)', test: (fn) => fn === 'processTicksAndRejections' },
  { phase: 'garbage collector', test: (fn) => fn === '(garbage collector)' },
];
const log = (message: string): void => void process.stderr.write(`[broadcast] ${message}\n`);
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const round = (value: number, digits = 1): number => Number(value.toFixed(digits));

/** What both kinds of hub report: CPU and memory. */
type CpuStats = Pick<HubStats, 'cpuUserMs' | 'cpuSystemMs' | 'rssBytes'>;
const cpuMs = (stats: CpuStats[]): number => stats.reduce((sum, hub) => sum + hub.cpuUserMs + hub.cpuSystemMs, 0);
const systemMs = (stats: CpuStats[]): number => stats.reduce((sum, hub) => sum + hub.cpuSystemMs, 0);
const rss = (stats: CpuStats[]): number => stats.reduce((sum, hub) => sum + hub.rssBytes, 0);

async function until(check: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(100);
  }
}

interface BroadcastRecord {
  id: string;
  workers: number;
  received: number;
  duplicates: number;
  lost: number;
  /** The phones' view: the last one had it this long after the send. */
  allDeliveredMs: number | null;
  p50DeliveryMs: number | null;
  p99DeliveryMs: number | null;
  /** The console's view (the hub's own, for the baseline): every ack counted. */
  allAckedMs: number;
  allReadMs?: number;
  hubCpuMsToAcked: number;
  hubCpuMsToRead?: number;
  /** The kernel's share of the hubs' CPU to all acked (writes and reads on sockets are system time). */
  hubSystemShare: number;
  /** The hubs' CPU in the seconds just before this broadcast (heartbeats: they come in waves, see the header). */
  idleHubCpuMsPerS?: number;
  /** Per worker, uncorrected, and corrected for that idle rate over the window. */
  hubCpuUsPerWorkerRaw?: number;
  hubCpuUsPerWorker: number;
  hubCpuUsPerWorkerWithRead?: number;
  /** The simulator's CPU over the same window (its phones' share of the two cores), µs per worker. */
  simulatorCpuUsPerWorker: number;
}

// --- what has to be stopped, whatever happens ------------------------------------------------------------------
const teardown = new Teardown(log);
const hubs: HubProcess[] = [];
/** Starts a simulator on the given hubs and waits until every worker is connected. */
async function connectWorkers(urls: string[], workerSecret: string, label: string): Promise<WorkerSimulator> {
  const started = Date.now();
  const sim = startWorkerSimulator({
    hubs: urls,
    count: workerCount,
    workerSecret,
    perProcess,
    concurrency,
    readDelayMs,
    offline: 0,
    flaky: 0,
    durationS: timeoutS,
    log: (line) => log(`${label} sim: ${line}`),
  });
  teardown.add(`${label} simulator`, async () => void (await sim.stop()));
  await sim.ready;
  await until(() => sim.counts().connected === workerCount, 180_000, `all ${workerCount} workers connected`);
  log(`${label}: ${workerCount} workers connected in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return sim;
}

/** Idle CPU of the hubs in ms per second, over `ms`. */
async function idleRate(
  read: () => Promise<CpuStats[]>,
  ms = idleS * 1000,
  windows?: [number, number][],
): Promise<number> {
  const from = { cpu: cpuMs(await read()), at: performance.now(), us: monotonicUs() };
  await sleep(ms);
  windows?.push([from.us, monotonicUs()]);
  return (cpuMs(await read()) - from.cpu) / ((performance.now() - from.at) / 1000);
}

/**
 * Waits until the hubs are between heartbeat waves (see the header), measuring as it waits; gives up after
 * QUIET_WAIT_MS and goes on in whatever state they are. Resolves with the last idle rate, the broadcast's correction.
 */
async function quietRate(read: () => Promise<CpuStats[]>, label: string): Promise<number> {
  const end = performance.now() + QUIET_WAIT_MS;
  let rate = await idleRate(read, LOCAL_IDLE_MS);
  while (rate > QUIET_MS_PER_S && performance.now() < end) {
    log(`${label}: the hubs are busy with heartbeats (${rate.toFixed(1)} ms of CPU per s): waiting`);
    rate = await idleRate(read, LOCAL_IDLE_MS);
  }
  return rate;
}

/** What the phones saw of one command. */
function phones(sim: WorkerSimulator, id: string, workers: number, latencies: number[]) {
  const seen = sim.command(id);
  for (const latency of sim.latencies(id)) latencies.push(latency);
  const received = seen?.received ?? 0;
  return {
    received,
    duplicates: seen?.duplicates ?? 0,
    lost: Math.max(0, workers - received),
    allDeliveredMs: seen?.maxMs ?? null,
    p50DeliveryMs: seen?.p50Ms ?? null,
    p99DeliveryMs: seen?.p99Ms ?? null,
  };
}

/** Latencies are pooled in broadcast order: the warm-up broadcasts' come first. */
const latencyCountAfterWarmUp = (records: BroadcastRecord[], warmUps: number): number =>
  records.slice(0, warmUps).reduce((sum, record) => sum + record.received, 0);
const perWorkerUs = (ms: number, workers: number): number => round((ms * 1000) / workers, 2);
const worst = (records: BroadcastRecord[], pick: (record: BroadcastRecord) => number | null | undefined): number =>
  Math.max(...records.map((record) => pick(record) ?? Number.POSITIVE_INFINITY));
const mean = (records: BroadcastRecord[], pick: (record: BroadcastRecord) => number): number =>
  round(records.reduce((sum, record) => sum + pick(record), 0) / records.length, 2);

// --- the hub ---------------------------------------------------------------------------------------------------
async function runHub(workerSecret: string, dir: string, runId: string) {
  const consoleSecret = randomBytes(24).toString('base64url');
  const profileDir = join(dir, 'cpu-profile');
  const redis = await startRedis();
  teardown.add('redis', () => redis.stop());
  log(`redis on ${redis.url}`);
  const mine: HubProcess[] = [];
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
    teardown.killOnExit(hub.pid);
    mine.push(hub);
    teardown.add(`hub ${index}`, () => hub.stop());
    log(`hub ${index} (pid ${hub.pid}) on ${hub.url}`);
  }

  const desk = await ConsoleLink.connect(mine[0]!.url, consoleSecret);
  teardown.add('console link', () => desk.close());
  const empty = await desk.stats();
  const sim = await connectWorkers(
    mine.map((hub) => hub.url),
    workerSecret,
    'hub',
  );
  const connected = await desk.stats();
  const onHubs = connected.reduce((sum, hub) => sum + hub.workers, 0);
  if (connected.length !== hubCount || onHubs !== workerCount) {
    throw new Error(`the hubs report ${onHubs} workers on ${connected.length} hubs; expected ${workerCount}`);
  }
  const bytesPerConnection = Math.round((rss(connected) - rss(empty)) / workerCount);

  const idleWindows: [number, number][] = [];
  await sleep(SETTLE_MS);
  const idleBefore = await idleRate(() => desk.stats(), undefined, idleWindows);
  log(`idle before the broadcasts: the hubs spend ${idleBefore.toFixed(1)} ms of CPU per second together`);

  const records: BroadcastRecord[] = [];
  const windows: [number, number][] = [];
  const latencies: number[] = [];
  const raw: { toAcked: number; toRead: number; ackedMs: number; readMs: number; idleHere: number }[] = [];
  for (let b = 1; b <= warmUps + broadcasts; b++) {
    const id = `bench-${runId}-${b}`;
    await sim.flush();
    const idleHere = await quietRate(() => desk.stats(), id);
    const simCpuBefore = sim.counts().cpuMs;
    const before = await desk.stats();
    const workers = before.reduce((sum, hub) => sum + hub.workers, 0);
    const windowFrom = monotonicUs();
    const t0 = Date.now();
    await desk.send({
      id,
      text: `演练指令 ${b}：请各网格员立即巡查辖区低洼路段积水情况并回复`,
      priority: 'urgent',
      target: { all: true },
      ackRequired: true,
      expiresInS: 600,
      sender: 'bench-broadcast',
    });
    const ackedAt = await desk.waitFor(id, (totals) => totals.delivered >= workers, ACK_TIMEOUT_MS);
    const atAcked = await desk.stats();
    const readAt = await desk.waitFor(id, (totals) => totals.read >= workers, 4 * readDelayMs + ACK_TIMEOUT_MS);
    const after = await desk.stats();
    windows.push([windowFrom, monotonicUs()]);
    await sim.flush();
    const record: BroadcastRecord = {
      id,
      workers,
      ...phones(sim, id, workers, latencies),
      allAckedMs: ackedAt - t0,
      allReadMs: readAt - t0,
      hubCpuMsToAcked: round(cpuMs(atAcked) - cpuMs(before)),
      hubCpuMsToRead: round(cpuMs(after) - cpuMs(before)),
      hubSystemShare: round((systemMs(atAcked) - systemMs(before)) / (cpuMs(atAcked) - cpuMs(before)), 3),
      hubCpuUsPerWorker: Number.NaN,
      simulatorCpuUsPerWorker: perWorkerUs(sim.counts().cpuMs - simCpuBefore, workers),
    };
    raw.push({
      toAcked: record.hubCpuMsToAcked,
      toRead: record.hubCpuMsToRead!,
      ackedMs: record.allAckedMs,
      readMs: readAt - t0,
      idleHere,
    });
    records.push(record);
    log(
      `broadcast ${b}/${warmUps + broadcasts}${b <= warmUps ? ' (warm-up)' : ''}: the last phone had it after ${record.allDeliveredMs} ms (p50 ` +
        `${record.p50DeliveryMs}, p99 ${record.p99DeliveryMs}); all acked at the console after ${record.allAckedMs} ms, ` +
        `all read after ${record.allReadMs} ms; lost ${record.lost}`,
    );
    if (b < warmUps + broadcasts) await sleep(gapMs);
  }

  await sleep(SETTLE_MS / 3);
  // Before the first broadcast the hubs may still be digesting the connection storm (GC): the quiet after the last
  // one is the steady state, heartbeats only.
  const idleAfter = await idleRate(() => desk.stats(), undefined, idleWindows);
  log(`idle after the broadcasts: ${idleAfter.toFixed(1)} ms of CPU per second`);
  records.forEach((record, k) => {
    const { toAcked, toRead, ackedMs, readMs, idleHere } = raw[k]!;
    record.idleHubCpuMsPerS = round(idleHere);
    record.hubCpuUsPerWorkerRaw = perWorkerUs(toAcked, record.workers);
    record.hubCpuUsPerWorker = perWorkerUs(toAcked - (idleHere * ackedMs) / 1000, record.workers);
    record.hubCpuUsPerWorkerWithRead = perWorkerUs(toRead - (idleHere * readMs) / 1000, record.workers);
    log(
      `${record.id}: hub CPU ${record.hubCpuUsPerWorker} µs/worker to all acked ` +
        `(${Math.round(record.hubSystemShare * 100)}% kernel), ${record.hubCpuUsPerWorkerWithRead} with the read receipts`,
    );
  });

  let cpuProfile: { broadcasts: ProfileSummary; idle: ProfileSummary } | undefined;
  const simProcesses = sim.counts().processes;
  await sim.stop();
  desk.close();
  for (const hub of mine) await hub.stop();
  await redis.stop();
  if (values['cpu-prof']) {
    // The profile is written when hub 0 exits.
    const file = readdirSync(profileDir).find((name) => name.endsWith('.cpuprofile'));
    if (file) {
      cpuProfile = {
        broadcasts: summarizeProfile(join(profileDir, file), windows, REPO_ROOT, PHASES),
        idle: summarizeProfile(join(profileDir, file), idleWindows, REPO_ROOT, PHASES),
      };
    } else log('hub 0 wrote no CPU profile');
  }
  return {
    warmUp: records.slice(0, warmUps),
    records: records.slice(warmUps),
    latencies: latencies.slice(latencyCountAfterWarmUp(records, warmUps)),
    bytesPerConnection,
    idleBefore,
    idleAfter,
    simProcesses,
    cpuProfile,
  };
}

// --- the stock Socket.IO baseline --------------------------------------------------------------------------------
function ask<T extends StockHubAnswer['type']>(
  hub: HubProcess,
  order: StockHubOrder,
  type: T,
): Promise<Extract<StockHubAnswer, { type: T }>> {
  return new Promise((resolve, reject) => {
    const onMessage = (answer: StockHubAnswer): void => {
      if (answer.type !== type) return;
      hub.child.off('message', onMessage);
      resolve(answer as Extract<StockHubAnswer, { type: T }>);
    };
    hub.child.on('message', onMessage);
    hub.child.send(order, (error) => {
      if (error) reject(error);
    });
  });
}

async function runBaseline(workerSecret: string, runId: string) {
  const mine: HubProcess[] = [];
  for (let index = 0; index < hubCount; index++) {
    const hub = await startHubProcess({
      index,
      port: await freePort(),
      script: 'tests/bench/broadcast/stock-hub.ts',
      ipc: true,
      workerSecret,
      consoleSecret: '',
      nodeFlags: hubNodeFlags,
      log,
    });
    hubs.push(hub);
    teardown.killOnExit(hub.pid);
    mine.push(hub);
    teardown.add(`stock hub ${index}`, () => hub.stop());
    log(`stock Socket.IO hub ${index} (pid ${hub.pid}) on ${hub.url}`);
  }
  const stats = (): Promise<CpuStats[]> => Promise.all(mine.map((hub) => ask(hub, { type: 'stats' }, 'stats')));
  const empty = await stats();
  const sim = await connectWorkers(
    mine.map((hub) => hub.url),
    workerSecret,
    'baseline',
  );
  const connected = await stats();
  const bytesPerConnection = Math.round((rss(connected) - rss(empty)) / workerCount);
  await sleep(SETTLE_MS);
  await idleRate(stats);

  const records: BroadcastRecord[] = [];
  const raw: { toAcked: number; ackedMs: number; idleHere: number }[] = [];
  const latencies: number[] = [];
  for (let b = 1; b <= warmUps + baselineBroadcasts; b++) {
    const id = `stock-${runId}-${b}`;
    await sim.flush();
    const idleHere = await quietRate(stats, id);
    const simCpuBefore = sim.counts().cpuMs;
    const before = await stats();
    const at = Date.now();
    const wire: CommandWire = {
      i: id,
      s: b,
      p: 1,
      t: `演练指令 ${b}：请各网格员立即巡查辖区低洼路段积水情况并回复`,
      a: 0,
      at,
      e: at + 600_000,
    };
    const answers = await Promise.all(
      mine.map((hub) =>
        ask(hub, { type: 'broadcast', text: JSON.stringify(wire), timeoutMs: ACK_TIMEOUT_MS }, 'acked'),
      ),
    );
    const ackedMs = Date.now() - at;
    const after = await stats();
    await sim.flush();
    const acks = answers.reduce((sum, answer) => sum + answer.acks, 0);
    if (answers.some((answer) => answer.timedOut)) log(`baseline ${b}: only ${acks} acks before the timeout`);
    const record: BroadcastRecord = {
      id,
      workers: workerCount,
      ...phones(sim, id, workerCount, latencies),
      allAckedMs: ackedMs,
      hubCpuMsToAcked: round(cpuMs(after) - cpuMs(before)),
      hubSystemShare: round((systemMs(after) - systemMs(before)) / (cpuMs(after) - cpuMs(before)), 3),
      hubCpuUsPerWorker: Number.NaN,
      simulatorCpuUsPerWorker: perWorkerUs(sim.counts().cpuMs - simCpuBefore, workerCount),
    };
    raw.push({ toAcked: record.hubCpuMsToAcked, ackedMs, idleHere });
    records.push(record);
    log(
      `baseline ${b}/${warmUps + baselineBroadcasts}${b <= warmUps ? ' (warm-up)' : ''}: the last phone had it after ${record.allDeliveredMs} ms; ` +
        `all ${acks} acks after ${ackedMs} ms`,
    );
    if (b < warmUps + baselineBroadcasts) await sleep(gapMs);
  }
  await sleep(SETTLE_MS / 3);
  const idleAfter = await idleRate(stats);
  records.forEach((record, k) => {
    const { toAcked, ackedMs, idleHere } = raw[k]!;
    record.idleHubCpuMsPerS = round(idleHere);
    record.hubCpuUsPerWorkerRaw = perWorkerUs(toAcked, record.workers);
    record.hubCpuUsPerWorker = perWorkerUs(toAcked - (idleHere * ackedMs) / 1000, record.workers);
    log(`${record.id}: stock hub CPU ${record.hubCpuUsPerWorker} µs/worker to all acked`);
  });
  await sim.stop();
  for (const hub of mine) await hub.stop();
  return {
    warmUp: records.slice(0, warmUps),
    records: records.slice(warmUps),
    latencies: latencies.slice(latencyCountAfterWarmUp(records, warmUps)),
    bytesPerConnection,
    idleAfter,
  };
}

async function main() {
  const workerSecret = randomBytes(24).toString('base64url');
  const runId = randomBytes(4).toString('hex');
  const dir = mkdtempSync(join(tmpdir(), 'gridline-bench-broadcast-'));
  teardown.add('temporary files', () => rmSync(dir, { recursive: true, force: true }));

  const hub = await runHub(workerSecret, dir, runId);
  const baseline = baselineBroadcasts > 0 ? await runBaseline(workerSecret, runId) : undefined;

  const pooled = Float64Array.from(hub.latencies).sort();
  const allDeliveredMs = worst(hub.records, (record) => record.allDeliveredMs);
  const hubCpuUsPerWorker = worst(hub.records, (record) => record.hubCpuUsPerWorker);
  const lost = hub.records.reduce((sum, record) => sum + record.lost, 0);
  const cpu = cpus();
  const baselineCpu = baseline ? worst(baseline.records, (record) => record.hubCpuUsPerWorker) : null;
  return {
    bench: 'broadcast',
    workers: workerCount,
    hubs: hubCount,
    broadcasts,
    allDeliveredMs,
    p50DeliveryMs: percentile(pooled, 0.5),
    p99DeliveryMs: percentile(pooled, 0.99),
    allAckedMs: worst(hub.records, (record) => record.allAckedMs),
    allReadMs: worst(hub.records, (record) => record.allReadMs),
    hubCpuUsPerWorker,
    hubCpuUsPerWorkerMean: mean(hub.records, (record) => record.hubCpuUsPerWorker),
    hubCpuUsPerWorkerRaw: worst(hub.records, (record) => record.hubCpuUsPerWorkerRaw),
    hubCpuUsPerWorkerWithRead: worst(hub.records, (record) => record.hubCpuUsPerWorkerWithRead),
    hubBytesPerConnection: hub.bytesPerConnection,
    lost,
    duplicates: hub.records.reduce((sum, record) => sum + record.duplicates, 0),
    baselineAllDeliveredMs: baseline ? worst(baseline.records, (record) => record.allDeliveredMs) : null,
    baselineAllAckedMs: baseline ? worst(baseline.records, (record) => record.allAckedMs) : null,
    baselineHubCpuUsPerWorker: baselineCpu,
    baselineHubCpuUsPerWorkerRaw: baseline ? worst(baseline.records, (record) => record.hubCpuUsPerWorkerRaw) : null,
    baselineHubBytesPerConnection: baseline?.bytesPerConnection ?? null,
    baselineLost: baseline ? baseline.records.reduce((sum, record) => sum + record.lost, 0) : null,
    cpuRatioToBaseline: baselineCpu ? round(hubCpuUsPerWorker / baselineCpu, 2) : null,
    goals: {
      hubCpuUsPerWorker: GOAL_US,
      allDeliveredMs: GOAL_ALL_DELIVERED_MS,
      met: hubCpuUsPerWorker <= GOAL_US && allDeliveredMs <= GOAL_ALL_DELIVERED_MS && lost === 0,
    },
    extrapolation221k: {
      workers: 221_000,
      hubCpuSecondsPerBroadcast: round((221_000 * hubCpuUsPerWorker) / 1e6, 2),
      hubProcessesAt19kSockets: Math.ceil(221_000 / 19_000),
    },
    cityClaimMs: 10_000,
    aimMs: 1000,
    readDelayMs,
    idleHubCpuMsPerS: { before: round(hub.idleBefore), after: round(hub.idleAfter) },
    baselineIdleHubCpuMsPerS: baseline ? round(baseline.idleAfter) : null,
    simulatorProcesses: hub.simProcesses,
    perBroadcast: hub.records,
    warmUp: hub.warmUp,
    baselinePerBroadcast: baseline?.records ?? [],
    baselineWarmUp: baseline?.warmUp ?? [],
    ...(hub.cpuProfile ? { cpuProfileHub0: hub.cpuProfile } : {}),
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
      `${hubCount} hub processes + Redis + ${hub.simProcesses} simulator processes (${workerCount} workers) share ` +
      `this machine's ${cpu.length} cores: the simulator competes with the hubs for CPU, so times are upper bounds ` +
      `and CPU per worker is the hubs' own (process.cpuUsage). Headline figures are the worst broadcast of the run.` +
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
  await teardown.run();
  process.stdout.write(`${JSON.stringify(result)}\n`);
  // Speed is reported; correctness is required: a lost or doubled command fails the run.
  if (result.lost !== 0 || result.duplicates !== 0 || (result.baselineLost ?? 0) !== 0) {
    log(`FAILED: lost ${result.lost}, duplicates ${result.duplicates}, baseline lost ${result.baselineLost}`);
    exitCode = 1;
  }
} catch (error) {
  log(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  await teardown.run();
  exitCode = 1;
}
process.exit(exitCode);
