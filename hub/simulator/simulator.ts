/**
 * SIMULATOR — the worker simulator's parent: stands in for the city's grid workers' phones until real ones connect.
 * It picks the workers (from a console's store or a synthetic city), forks one child process per slice of at most
 * `perProcess` workers (a process holds at most ~19.9k sockets here), gives child k the source address 127.0.0.(2+k)
 * so the ephemeral ports of one address are never exhausted, and adds up what the children report: how many are
 * connected, and per command how many workers received it and how long it took. Everything is bounded: the children
 * stop by themselves after the duration, and the parent kills any that linger. With a report rate, the children's
 * connected workers also file patrol reports (patrol-reports.ts), each child its share of the rate; refusals are
 * logged once per kind.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { checkRate } from './report-pacer';
import { emptyPatrolCounts, type PatrolReportCounts } from './patrol-reports';
import { ROLE_FLAKY, ROLE_OFFLINE, storeWorkers, syntheticWorkers, workerRole, type WorkerRole } from './city-workers';
import {
  emptyFleetCounts,
  type ChildMessage,
  type ChildStatsMessage,
  type FleetCounts,
  type ParentMessage,
} from './messages';

export const PER_PROCESS_DEFAULT = 18_000;
/** A process may hold 20,000 open files here; leave room for the rest of the process. */
export const PER_PROCESS_MAX = 19_000;

export interface WorkerSimulatorOptions {
  /** Hub URLs; workers are spread over them round-robin. */
  hubs: string[];
  /** Workers to simulate (capped at what the source has). */
  count: number;
  /** The hub tier's worker secret (the simulator signs tokens as the city's provisioning would). */
  workerSecret: string;
  /** A console data directory whose store gives the workers and their grids; a synthetic city without it. */
  city?: string;
  /** Workers per child process (default 18,000, at most 19,000). */
  perProcess?: number;
  /** Mean human delay before a read receipt, ms (default 3000). */
  readDelayMs?: number;
  /** Share of workers that never connect (default 0.02). */
  offline?: number;
  /** Share of workers that drop and reconnect at random moments (default 0.02). */
  flaky?: number;
  /** Mean time a flaky worker stays connected between drops, s (default 30). */
  flakyIntervalS?: number;
  /** The whole run stops by itself after this many seconds (default 120). */
  durationS?: number;
  /** Connections in flight at once over all children while connecting (default 500). */
  concurrency?: number;
  /** Chooses the synthetic workers' grids, who is offline or flaky, and the delays (default 1). */
  seed?: number;
  /** How often children report, ms (default 500). */
  flushIntervalMs?: number;
  /** Child k's sockets leave from 127.0.0.(2 + k) (default true; hubs must then be on loopback). */
  spreadAddresses?: boolean;
  /** Patrol reports per minute across the whole simulated fleet, from connected workers (default 0: none). */
  reportRatePerMin?: number;
  /** How long a phone waits for the answer to a report before it sends it again (default 15,000 ms). */
  reportAckTimeoutMs?: number;
  /** Progress lines (default: stderr). */
  log?: (line: string) => void;
}

export interface LiveCounts extends Omit<FleetCounts, 'waveDone'> {
  processes: number;
  /** Workers meant to connect (neither offline nor refused yet). */
  online: number;
  /** Every child has connected (or failed to connect) each of its workers once. */
  waveDone: boolean;
  /** The first reason a hub gave for refusing a worker. */
  refusal?: string;
}

export interface CommandSummary {
  id: string;
  seq: number;
  /** Workers who received it (each counted once). */
  received: number;
  /** Copies dropped because the worker had already seen the id (replays, resends). */
  duplicates: number;
  readsSent: number;
  /** Delivery latency (receipt on the phone − sent on the hub, same machine clock). */
  p50Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
}

export interface SimulatorSummary {
  workers: number;
  /** Workers that connected at least once. */
  connected: number;
  offline: number;
  flaky: number;
  processes: number;
  hubs: number;
  refused: number;
  drops: number;
  reconnects: number;
  durationS: number;
  commands: CommandSummary[];
  /** Patrol reports the workers filed (when the run asked for them). */
  reports?: PatrolReportCounts;
}

export interface WorkerSimulator {
  /** Every worker has connected once or failed to (retries go on in the background). */
  ready: Promise<LiveCounts>;
  /** The run is over and every child has exited. */
  done: Promise<SimulatorSummary>;
  counts(): LiveCounts;
  command(id: string): CommandSummary | undefined;
  /** The patrol reports the workers have filed so far (as last reported by the children). */
  reports(): PatrolReportCounts;
  /** Every delivery latency sample of a command so far (ms), as reported. */
  latencies(id: string): readonly number[];
  /** Asks every child for its latest figures and waits for them. */
  flush(): Promise<void>;
  /** Stops early; resolves with the summary. */
  stop(): Promise<SimulatorSummary>;
}

interface CommandTotals {
  seq: number;
  received: number[];
  duplicates: number[];
  readsSent: number[];
  latencies: number[];
}

interface Child {
  process: ChildProcess;
  counts: FleetCounts;
  reports?: PatrolReportCounts;
  refusal?: string;
  exited: boolean;
}

const HERE = fileURLToPath(import.meta.url);
const CHILD = join(dirname(HERE), HERE.endsWith('.ts') ? 'simulator-child.ts' : 'simulator-child.js');

/** Run from TypeScript sources (tsx, vitest): the child needs tsx's loader too. */
const childExecArgv = (): string[] => {
  const loader = HERE.endsWith('.ts')
    ? ['--import', pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href]
    : [];
  return [...loader, '--max-old-space-size=4096'];
};

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: ArrayLike<number>, p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

const sum = (values: readonly number[]): number => values.reduce((total, n) => total + n, 0);

export function startWorkerSimulator(options: WorkerSimulatorOptions): WorkerSimulator {
  const log = options.log ?? ((line: string) => void process.stderr.write(`[SIMULATOR workers] ${line}\n`));
  const perProcess = options.perProcess ?? PER_PROCESS_DEFAULT;
  if (!Number.isInteger(perProcess) || perProcess < 1 || perProcess > PER_PROCESS_MAX) {
    throw new Error(`perProcess must be 1…${PER_PROCESS_MAX} (a process holds at most ~19.9k sockets here)`);
  }
  if (options.hubs.length === 0) throw new Error('at least one hub URL is needed');
  const shares = { offline: options.offline ?? 0.02, flaky: options.flaky ?? 0.02 };
  if (shares.offline < 0 || shares.flaky < 0 || shares.offline + shares.flaky > 1) {
    throw new Error('the offline and flaky shares must be ≥ 0 and add up to at most 1');
  }
  const seed = options.seed ?? 1;
  const reportRate = options.reportRatePerMin ?? 0;
  checkRate(reportRate, 'reportRatePerMin');
  const durationS = options.durationS ?? 120;
  const requested = Math.max(0, Math.floor(options.count));
  const workers = options.city ? storeWorkers(options.city, requested) : syntheticWorkers(requested, seed);
  if (workers.length < requested) {
    log(`only ${workers.length} workers in ${options.city ? options.city : 'the synthetic city'}: simulating those`);
  }
  const roles: WorkerRole[] = workers.map(({ w }) => workerRole(w, shares, seed));
  const processes = Math.ceil(workers.length / perProcess);
  if (processes > 253) throw new Error('more than 253 processes: not enough 127.0.0.x source addresses');
  const concurrency = Math.max(1, Math.ceil((options.concurrency ?? 500) / Math.max(1, processes)));
  const started = Date.now();
  const offline = roles.filter((role) => role === ROLE_OFFLINE).length;
  const flaky = roles.filter((role) => role === ROLE_FLAKY).length;
  log(
    `${workers.length} workers (${offline} offline, ${flaky} flaky) in ${processes} processes over ` +
      `${options.hubs.length} hubs, for at most ${durationS} s` +
      (reportRate > 0 ? `; about ${reportRate} patrol reports a minute` : ''),
  );

  const commands = new Map<string, CommandTotals>();
  const refusalKinds = new Set<string>();
  const flushWaiters = new Map<number, { pending: Set<number>; resolve: () => void }>();
  let flushIds = 0;

  function onStats(message: ChildStatsMessage): void {
    const child = children[message.index]!;
    const {
      type: _type,
      index: _index,
      flushId,
      refusal,
      commands: deltas,
      reports: patrol,
      reportRefusals,
      ...counts
    } = message;
    child.counts = counts;
    child.refusal ??= refusal;
    if (patrol) child.reports = patrol;
    for (const { code, message: why } of reportRefusals ?? []) {
      // Once per kind over the whole run: a wrong setting would otherwise say the same thing every few seconds.
      if (refusalKinds.has(code)) continue;
      refusalKinds.add(code);
      log(`patrol report refused (${code}): ${why}`);
    }
    for (const delta of deltas) {
      let totals = commands.get(delta.id);
      if (!totals) {
        const zeros = (): number[] => new Array<number>(processes).fill(0);
        totals = { seq: delta.seq, received: zeros(), duplicates: zeros(), readsSent: zeros(), latencies: [] };
        commands.set(delta.id, totals);
      }
      totals.received[message.index] = delta.received;
      totals.duplicates[message.index] = delta.duplicates;
      totals.readsSent[message.index] = delta.readsSent;
      for (const latency of delta.latencies) totals.latencies.push(latency);
    }
    if (flushId !== undefined) settleFlush(flushId, message.index);
  }

  function settleFlush(flushId: number, index: number): void {
    const waiter = flushWaiters.get(flushId);
    if (!waiter) return;
    waiter.pending.delete(index);
    if (waiter.pending.size === 0) {
      flushWaiters.delete(flushId);
      waiter.resolve();
    }
  }

  let resolveReady: (counts: LiveCounts) => void = () => {};
  const ready = new Promise<LiveCounts>((resolve) => (resolveReady = resolve));
  let resolveDone: (summary: SimulatorSummary) => void = () => {};
  const done = new Promise<SimulatorSummary>((resolve) => (resolveDone = resolve));

  const children: Child[] = [];
  let first = 0;
  for (let k = 0; k < processes; k++) {
    const size = Math.floor(workers.length / processes) + (k < workers.length % processes ? 1 : 0);
    const slice = { workers: workers.slice(first, first + size), roles: roles.slice(first, first + size) };
    const child: Child = {
      process: fork(CHILD, [], {
        execArgv: childExecArgv(),
        // Children talk over IPC only; their stderr is kept for crashes.
        stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
        serialization: 'advanced',
      }),
      counts: emptyFleetCounts(size),
      exited: false,
    };
    children.push(child);
    child.process.on('message', (raw: unknown) => {
      const message = raw as ChildMessage;
      if (message.type === 'stats') onStats(message);
      else if (message.type === 'failed') log(`process ${k} failed: ${message.message}`);
    });
    // A fork that could not start reports here, then exits.
    child.process.on('error', (error) => log(`process ${k}: ${error.message}`));
    child.process.on('exit', (code, signal) => {
      child.exited = true;
      if (code !== 0) log(`process ${k} exited with ${signal ?? code}`);
      for (const id of [...flushWaiters.keys()]) settleFlush(id, k);
      checkReady();
      if (children.every((each) => each.exited)) finish();
    });
    const start: ParentMessage = {
      type: 'start',
      config: {
        index: k,
        ...slice,
        firstIndex: first,
        hubs: options.hubs,
        ...(options.spreadAddresses === false ? {} : { localAddress: `127.0.0.${2 + k}` }),
        workerSecret: options.workerSecret,
        tokenExpiresAt: Math.floor(started / 1000) + durationS + 3600,
        readDelayMs: options.readDelayMs ?? 3000,
        flakyIntervalMs: (options.flakyIntervalS ?? 30) * 1000,
        concurrency,
        seed,
        // Each child's share of the fleet's rate, by its share of the workers.
        ...(reportRate > 0
          ? { reportRatePerMin: (reportRate * size) / workers.length, ...(options.city ? { city: options.city } : {}) }
          : {}),
        ...(options.reportAckTimeoutMs === undefined ? {} : { reportAckTimeoutMs: options.reportAckTimeoutMs }),
      },
      stopAt: started + durationS * 1000,
      flushIntervalMs: options.flushIntervalMs ?? 500,
    };
    child.process.send(start);
    first += size;
  }

  const counts = (): LiveCounts => {
    const total = (key: keyof Omit<FleetCounts, 'waveDone'>): number => sum(children.map((child) => child.counts[key]));
    const refused = total('refused');
    const refusal = children.find((child) => child.refusal !== undefined)?.refusal;
    return {
      processes,
      workers: workers.length,
      offline,
      flaky,
      online: workers.length - offline - refused,
      connected: total('connected'),
      everConnected: total('everConnected'),
      refused,
      connectErrors: total('connectErrors'),
      drops: total('drops'),
      reconnects: total('reconnects'),
      cpuMs: total('cpuMs'),
      waveDone: children.every((child) => child.exited || child.counts.waveDone),
      ...(refusal === undefined ? {} : { refusal }),
    };
  };

  let isReady = false;
  function checkReady(): void {
    if (isReady) return;
    const now = counts();
    if (!now.waveDone) return;
    isReady = true;
    log(
      `ready: ${now.connected} connected, ${now.refused} refused` +
        (now.refusal ? ` (${now.refusal})` : '') +
        `, ${now.connectErrors} connection errors`,
    );
    resolveReady(now);
  }

  const command = (id: string): CommandSummary | undefined => {
    const totals = commands.get(id);
    if (!totals) return undefined;
    const sorted = Float64Array.from(totals.latencies).sort();
    return {
      id,
      seq: totals.seq,
      received: sum(totals.received),
      duplicates: sum(totals.duplicates),
      readsSent: sum(totals.readsSent),
      p50Ms: percentile(sorted, 0.5),
      p99Ms: percentile(sorted, 0.99),
      maxMs: percentile(sorted, 1),
    };
  };

  const reports = (): PatrolReportCounts => {
    const total = emptyPatrolCounts();
    for (const child of children) {
      for (const key of Object.keys(total) as (keyof PatrolReportCounts)[]) total[key] += child.reports?.[key] ?? 0;
    }
    return total;
  };

  let lastConnected = 0;
  let lastAt = started;
  const progress = setInterval(() => {
    const now = counts();
    checkReady();
    const at = Date.now();
    const rate = ((now.everConnected - lastConnected) * 1000) / Math.max(1, at - lastAt);
    lastConnected = now.everConnected;
    lastAt = at;
    log(
      `${((at - started) / 1000).toFixed(0)} s: ${now.connected}/${workers.length - offline} connected` +
        (isReady ? '' : ` (${rate.toFixed(0)}/s)`) +
        (now.connectErrors ? `, ${now.connectErrors} connection errors` : '') +
        (now.refused ? `, ${now.refused} refused` : '') +
        (now.drops ? `, ${now.drops} drops` : '') +
        (commands.size ? `, ${commands.size} commands` : '') +
        (reportRate > 0 ? `, ${patrolWords(reports())}` : ''),
    );
  }, 2000);
  // Children report waveDone in their next batch; check as they arrive, not just on the progress tick.
  const readyCheck = setInterval(checkReady, 100);

  let stopping = false;
  let killTimer: NodeJS.Timeout | undefined;
  function stop(): Promise<SimulatorSummary> {
    if (!stopping) {
      stopping = true;
      for (const child of children) if (!child.exited && child.process.connected) child.process.send({ type: 'stop' });
      killTimer = setTimeout(() => {
        for (const child of children) if (!child.exited) child.process.kill('SIGKILL');
      }, 15_000);
    }
    return done;
  }
  // The children stop by themselves after the duration; this is the bound if one does not.
  const deadline = setTimeout(() => void stop(), durationS * 1000 + 20_000);

  let finished = false;
  function finish(): void {
    if (finished) return;
    finished = true;
    clearInterval(progress);
    clearInterval(readyCheck);
    clearTimeout(deadline);
    clearTimeout(killTimer);
    checkReady();
    if (!isReady) resolveReady(counts());
    for (const waiter of flushWaiters.values()) waiter.resolve();
    flushWaiters.clear();
    const final = counts();
    resolveDone({
      workers: workers.length,
      connected: final.everConnected,
      offline,
      flaky,
      processes,
      hubs: options.hubs.length,
      refused: final.refused,
      drops: final.drops,
      reconnects: final.reconnects,
      durationS: Number(((Date.now() - started) / 1000).toFixed(1)),
      commands: [...commands.keys()].map((id) => command(id)!),
      ...(reportRate > 0 ? { reports: reports() } : {}),
    });
  }
  if (processes === 0) finish();

  const flush = (): Promise<void> => {
    const live = children
      .map((child, k) => ({ child, k }))
      .filter(({ child }) => !child.exited && child.process.connected);
    if (live.length === 0) return Promise.resolve();
    const flushId = ++flushIds;
    return new Promise<void>((resolve) => {
      flushWaiters.set(flushId, { pending: new Set(live.map(({ k }) => k)), resolve });
      for (const { child } of live) child.process.send({ type: 'flush', flushId } satisfies ParentMessage);
      // A busy child answers late; never wait for ever.
      setTimeout(() => settleAll(flushId), 10_000).unref();
    });
  };
  function settleAll(flushId: number): void {
    const waiter = flushWaiters.get(flushId);
    if (!waiter) return;
    flushWaiters.delete(flushId);
    waiter.resolve();
  }

  const latencies = (id: string): readonly number[] => commands.get(id)?.latencies ?? [];

  return { ready, done, counts, reports, command, latencies, flush, stop };
}

/** A progress line's words for the patrol reports. */
function patrolWords(counts: PatrolReportCounts): string {
  return (
    `${counts.sent} patrol reports (${counts.ok} filed, ${counts.duplicate} duplicate, ${counts.refused} refused` +
    (counts.retries ? `, ${counts.retries} retries` : '') +
    (counts.lost ? `, ${counts.lost} lost` : '') +
    ')'
  );
}

/** Runs a whole simulation and resolves with its summary when it has stopped by itself. */
export function runWorkerSimulator(options: WorkerSimulatorOptions): Promise<SimulatorSummary> {
  return startWorkerSimulator(options).done;
}
