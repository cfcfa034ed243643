/**
 * SIMULATOR — what the worker simulator's parent and its child processes say to each other over IPC. Batched: a
 * child reports counts and new latency samples every flush interval, never a message per worker.
 */
import type { SimWorker, WorkerRole } from './city-workers';
import type { PatrolRefusal, PatrolReportCounts } from './patrol-reports';

/** How one child process runs its slice of workers. */
export interface FleetConfig {
  /** This child's number (0…); its sockets leave from 127.0.0.(2 + index) unless `localAddress` says otherwise. */
  index: number;
  workers: SimWorker[];
  /** Parallel to `workers`. */
  roles: WorkerRole[];
  /** Global index of `workers[0]`: worker j of the run connects to hubs[j % hubs.length]. */
  firstIndex: number;
  hubs: string[];
  localAddress?: string;
  /** The hub tier's worker secret: the simulator plays the city's provisioning and signs tokens with it. */
  workerSecret: string;
  /** Token expiry, epoch seconds. */
  tokenExpiresAt: number;
  /** Mean of the human delay before a read receipt (ms). */
  readDelayMs: number;
  /** Mean time a flaky worker stays connected between drops (ms). */
  flakyIntervalMs: number;
  /** Connections in flight at once while connecting. */
  concurrency: number;
  seed: number;
  /** Patrol reports per minute from this child's workers (0 or absent: none). */
  reportRatePerMin?: number;
  /** A console's data directory: reports fall inside each worker's own grid (else in the urban core). */
  city?: string;
  /** How long a phone waits for the hub's answer to a report before sending it again (default 15,000 ms). */
  reportAckTimeoutMs?: number;
}

export interface ChildStartMessage {
  type: 'start';
  config: FleetConfig;
  /** The child stops by itself at this time (epoch ms): the run's start plus its duration. */
  stopAt: number;
  flushIntervalMs: number;
}

export type ParentMessage = ChildStartMessage | { type: 'stop' } | { type: 'flush'; flushId: number };

/** One command as a child saw it since its last report. */
export interface CommandDelta {
  id: string;
  seq: number;
  /** Totals so far in this child: workers who received it (each once), and copies dropped as already seen. */
  received: number;
  duplicates: number;
  readsSent: number;
  /** New delivery latencies since the last report (receipt − the wire's `at`, ms). */
  latencies: number[];
}

/** A child's counts (totals so far) and what changed since its last report. */
export interface FleetCounts {
  workers: number;
  offline: number;
  flaky: number;
  /** Connected now. */
  connected: number;
  /** Connected at least once. */
  everConnected: number;
  /** Refused by a hub (a bad token: the hub will not take it on a retry either). */
  refused: number;
  /** Connection attempts that failed and are being retried. */
  connectErrors: number;
  /** Every online and flaky worker has connected once, or failed to. */
  waveDone: boolean;
  /** Drops the flaky workers made, and reconnections after any drop. */
  drops: number;
  reconnects: number;
  /** This process's CPU time so far (user + system), ms. */
  cpuMs: number;
}

export interface ChildStatsMessage extends FleetCounts {
  type: 'stats';
  index: number;
  /** Answers a `flush` with this id. */
  flushId?: number;
  /** The first reason a hub gave for refusing one of this child's workers. */
  refusal?: string;
  commands: CommandDelta[];
  /** Patrol reports so far (totals), when this child files them. */
  reports?: PatrolReportCounts;
  /** Kinds of patrol report refusal this child met for the first time since its last report. */
  reportRefusals?: PatrolRefusal[];
}

export type ChildMessage = ChildStatsMessage | { type: 'done'; index: number } | { type: 'failed'; message: string };

/** Counts of a fleet before anything has happened. */
export function emptyFleetCounts(workers: number, offline = 0, flaky = 0): FleetCounts {
  return {
    workers,
    offline,
    flaky,
    connected: 0,
    everConnected: 0,
    refused: 0,
    connectErrors: 0,
    waveDone: false,
    drops: 0,
    reconnects: 0,
    cpuMs: 0,
  };
}
