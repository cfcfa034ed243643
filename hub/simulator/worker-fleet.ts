/**
 * SIMULATOR — a slice of the city's grid workers' phones in one process (at most ~19k sockets: the per-process
 * limit on open files). Each phone connects to its hub with a signed token, acknowledges a command the moment it
 * arrives, reports it read after a human delay when the command asks for that, remembers the last sequence number it
 * saw and hands it back on every reconnection so the hub replays what it missed; it drops copies it has already seen
 * (each person sees a command exactly once). Flaky phones drop their connection at random moments and come back.
 * When the run asks for them, connected workers also file patrol reports over their sockets (patrol-reports.ts).
 * Per-worker state lives in typed arrays and one bitmap per command, not in an object per worker.
 */
import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import {
  RECEIPT_DELIVERED,
  RECEIPT_READ,
  type CommandWire,
  type WorkerCalls,
  type WorkerListens,
} from '../../shared/protocol/hub-protocol';
import { signWorkerToken } from '../server/worker-token';
import { ROLE_FLAKY, ROLE_OFFLINE } from './city-workers';
import { emptyFleetCounts, type CommandDelta, type FleetConfig, type FleetCounts } from './messages';
import { PatrolReporter, type PatrolRefusal, type PatrolReportCounts } from './patrol-reports';
import { reportPlaces, type ReportPlaces } from './report-places';
// The seeded PRNG: delays and drop times repeat from run to run.
import { prng } from './report-pacer';

type WorkerSocket = Socket<WorkerListens, WorkerCalls>;

/** Per-worker state bits in a command's bitmap. */
const SEEN = 1;
const READ = 2;
/** Read receipts are released in ticks of this many ms (one timer for the whole fleet, not one per worker). */
const READ_TICK_MS = 20;
/** How long a phone waits for the hub's answer to a patrol report before it sends it again. */
const REPORT_ACK_TIMEOUT_MS = 15_000;

interface CommandState {
  id: string;
  seq: number;
  /** SEEN | READ per worker of this fleet. */
  state: Uint8Array;
  received: number;
  duplicates: number;
  readsSent: number;
  latencies: number[];
  dirty: boolean;
}

/** An exponential spread around `mean`, bounded to [mean / 20, 4 · mean]: most people read soon, a few much later. */
export function humanDelay(mean: number, u: number): number {
  if (mean <= 0) return 0;
  return Math.min(4 * mean, Math.max(mean / 20, -mean * Math.log(1 - u)));
}

export class WorkerFleet {
  private readonly sockets: (WorkerSocket | undefined)[];
  private readonly tokens: (string | undefined)[];
  /** The last sequence number each worker saw (0: none). */
  private readonly lastSeq: Float64Array;
  private readonly everConnectedFlags: Uint8Array;
  private readonly commands: CommandState[] = [];
  private readonly commandIndex = new Map<string, number>();
  /** Read receipts due, by tick: pairs of (worker, command index). */
  private readonly reads = new Map<number, number[]>();
  private readonly readTimer: NodeJS.Timeout;
  private readonly dropTimers = new Set<NodeJS.Timeout>();
  private readonly random: () => number;
  private closing = false;
  private readonly counts: FleetCounts;
  private readonly places: ReportPlaces | undefined;
  /** Files patrol reports from this slice's connected workers, when the run asks for them. */
  readonly reporter: PatrolReporter | undefined;
  /** The first reason a hub gave for refusing a worker. */
  refusal: string | undefined;
  badWires = 0;

  constructor(
    private readonly config: FleetConfig,
    private readonly now: () => number = Date.now,
  ) {
    const n = config.workers.length;
    this.sockets = new Array<WorkerSocket | undefined>(n);
    this.tokens = new Array<string | undefined>(n);
    this.lastSeq = new Float64Array(n);
    this.everConnectedFlags = new Uint8Array(n);
    this.random = prng(config.seed * 7919 + config.index + 1);
    this.counts = emptyFleetCounts(
      n,
      config.roles.filter((role) => role === ROLE_OFFLINE).length,
      config.roles.filter((role) => role === ROLE_FLAKY).length,
    );
    this.readTimer = setInterval(() => this.releaseReads(), READ_TICK_MS);
    const rate = config.reportRatePerMin ?? 0;
    if (rate > 0 && n > 0) {
      this.places = reportPlaces(config.city);
      const ackTimeoutMs = config.reportAckTimeoutMs ?? REPORT_ACK_TIMEOUT_MS;
      this.reporter = new PatrolReporter({
        ratePerMin: rate,
        workers: config.workers,
        connected: (i) => this.sockets[i]?.connected === true,
        send: (i, body, done) => {
          const socket = this.sockets[i];
          if (!socket?.connected) return false;
          socket.timeout(ackTimeoutMs).emit('report', body, (error, answer) => done(error ? undefined : answer));
          return true;
        },
        places: this.places,
        random: prng(config.seed * 104_729 + config.index + 17),
      });
      this.reporter.start();
    }
  }

  /** Connects every worker that is not offline, `concurrency` at a time; resolves once each has connected or failed. */
  async connectAll(): Promise<void> {
    const queue: number[] = [];
    this.config.roles.forEach((role, i) => {
      if (role !== ROLE_OFFLINE) queue.push(i);
    });
    let next = 0;
    const lane = async (): Promise<void> => {
      while (!this.closing && next < queue.length) await this.open(queue[next++]!);
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(this.config.concurrency, queue.length)) }, lane));
    this.counts.waveDone = true;
  }

  /** Totals so far, and each command that changed since the last report with its new latency samples. */
  report(): {
    counts: FleetCounts;
    commands: CommandDelta[];
    reports?: PatrolReportCounts;
    reportRefusals?: PatrolRefusal[];
  } {
    const commands: CommandDelta[] = [];
    for (const command of this.commands) {
      if (!command.dirty) continue;
      command.dirty = false;
      commands.push({
        id: command.id,
        seq: command.seq,
        received: command.received,
        duplicates: command.duplicates,
        readsSent: command.readsSent,
        latencies: command.latencies.splice(0),
      });
    }
    const cpu = process.cpuUsage();
    const counts = { ...this.counts, cpuMs: (cpu.user + cpu.system) / 1000 };
    if (!this.reporter) return { counts, commands };
    return { counts, commands, reports: { ...this.reporter.counts }, reportRefusals: this.reporter.takeRefusals() };
  }

  /** Disconnects every worker; pending read receipts and drops are abandoned. */
  async close(): Promise<void> {
    this.closing = true;
    this.reporter?.stop();
    this.places?.close();
    clearInterval(this.readTimer);
    for (const timer of this.dropTimers) clearTimeout(timer);
    this.dropTimers.clear();
    this.reads.clear();
    for (const socket of this.sockets) socket?.disconnect();
    // Let the close frames go out before the process exits.
    await new Promise((resolve) => setTimeout(resolve, 200));
  }

  private open(i: number): Promise<void> {
    const { hubs, firstIndex, localAddress } = this.config;
    const options: Partial<ManagerOptions & SocketOptions> = {
      transports: ['websocket'],
      // One Manager (one connection) per worker: Socket.IO would otherwise multiplex them onto one.
      forceNew: true,
      reconnectionDelay: 1000,
      reconnectionDelayMax: 5000,
      timeout: 30_000,
      // Evaluated on every (re)connection: the latest sequence number this phone has seen.
      auth: (send) => send(this.auth(i)),
    };
    // engine.io-client hands these to `ws` (its Node WebSocket transport picks `localAddress` and
    // `perMessageDeflate` out of its options), but its types do not declare them.
    const extra: Record<string, unknown> = { perMessageDeflate: false };
    if (localAddress) extra.localAddress = localAddress;
    const hub = hubs[(firstIndex + i) % hubs.length];
    if (hub === undefined) throw new Error('no hub to connect to');
    const socket: WorkerSocket = io(hub, Object.assign(options, extra));
    this.sockets[i] = socket;
    return new Promise<void>((resolve) => {
      socket.on('connect', () => {
        this.counts.connected++;
        if (this.everConnectedFlags[i]) this.counts.reconnects++;
        else {
          this.everConnectedFlags[i] = 1;
          this.counts.everConnected++;
        }
        if (this.config.roles[i] === ROLE_FLAKY) this.scheduleDrop(i);
        resolve();
      });
      socket.on('disconnect', () => {
        this.counts.connected--;
      });
      socket.on('connect_error', (error) => {
        // `active` false: the hub refused the handshake (a bad token) and no retry will change that.
        if (socket.active) this.counts.connectErrors++;
        else {
          this.counts.refused++;
          this.refusal ??= error.message;
        }
        resolve();
      });
      socket.on('c', (text, ack) => this.receive(i, socket, text, ack));
    });
  }

  private auth(i: number): { token: string; lastSeq?: number } {
    const worker = this.config.workers[i]!;
    const token = (this.tokens[i] ??= signWorkerToken(
      { w: worker.w, l1: worker.l1, g: worker.g, exp: this.config.tokenExpiresAt },
      this.config.workerSecret,
    ));
    // A phone that has been connected before asks for what it missed (from 0 if it has seen nothing yet).
    return this.everConnectedFlags[i] ? { token, lastSeq: this.lastSeq[i]! } : { token };
  }

  private receive(i: number, socket: WorkerSocket, text: string, ack?: (kind: number) => void): void {
    const at = this.now();
    let wire: CommandWire;
    try {
      wire = JSON.parse(text) as CommandWire;
    } catch {
      this.badWires++;
      return;
    }
    if (typeof wire !== 'object' || wire === null || typeof wire.s !== 'number' || typeof wire.i !== 'string') {
      this.badWires++;
      return;
    }
    // Delivered at once: the hub counts it; a copy already seen is acknowledged again (receipts are idempotent).
    // A sender that asked for a Socket.IO acknowledgement gets that instead of a receipt event.
    if (typeof ack === 'function') ack(RECEIPT_DELIVERED);
    else socket.emit('r', wire.s, RECEIPT_DELIVERED);
    if (wire.s > this.lastSeq[i]!) this.lastSeq[i] = wire.s;
    const command = this.command(wire);
    const state = command.state[i]!;
    command.dirty = true;
    if (state === 0) {
      command.state[i] = SEEN;
      command.received++;
      command.latencies.push(Math.max(0, at - wire.at));
      if (wire.a === 1)
        this.queueRead(i, this.commandIndex.get(wire.i)!, at + humanDelay(this.config.readDelayMs, this.random()));
    } else {
      command.duplicates++;
      if (state & READ) socket.emit('r', wire.s, RECEIPT_READ);
    }
  }

  private command(wire: CommandWire): CommandState {
    const known = this.commandIndex.get(wire.i);
    if (known !== undefined) return this.commands[known]!;
    const command: CommandState = {
      id: wire.i,
      seq: wire.s,
      state: new Uint8Array(this.config.workers.length),
      received: 0,
      duplicates: 0,
      readsSent: 0,
      latencies: [],
      dirty: true,
    };
    this.commandIndex.set(wire.i, this.commands.push(command) - 1);
    return command;
  }

  private queueRead(worker: number, command: number, due: number): void {
    const tick = Math.ceil(due / READ_TICK_MS);
    const list = this.reads.get(tick);
    if (list) list.push(worker, command);
    else this.reads.set(tick, [worker, command]);
  }

  private releaseReads(): void {
    const tick = Math.floor(this.now() / READ_TICK_MS);
    for (const [due, list] of this.reads) {
      if (due > tick) continue;
      this.reads.delete(due);
      for (let k = 0; k < list.length; k += 2) {
        const worker = list[k]!;
        const command = this.commands[list[k + 1]!]!;
        command.state[worker]! |= READ;
        command.readsSent++;
        command.dirty = true;
        // While disconnected, Socket.IO buffers it and sends it on reconnection.
        this.sockets[worker]?.emit('r', command.seq, RECEIPT_READ);
      }
    }
  }

  private scheduleDrop(i: number): void {
    const after = Math.max(200, -this.config.flakyIntervalMs * Math.log(1 - this.random()));
    const timer = setTimeout(() => {
      this.dropTimers.delete(timer);
      const socket = this.sockets[i];
      if (this.closing || !socket?.connected) return;
      this.counts.drops++;
      // As if the network went away: the transport closes and Socket.IO reconnects with backoff.
      socket.io.engine.close();
    }, after);
    this.dropTimers.add(timer);
  }
}
