/**
 * The command hub: grid workers' phones connect here (namespace `/`), consoles too (`/console`). A console publishes a
 * command once; the hub that receives it logs it (next sequence number), hands it to every other hub (Socket.IO's
 * Redis adapter, inter-server events) and each hub fans it out to its own workers — framed once, written to each
 * socket (worker-wire.ts) — and tracks their receipts in bitsets. Aggregated receipts go to every console at least
 * every 250 ms. Without Redis one hub runs alone with an embedded log. The same HTTP port serves the intake
 * (hub/intake/): outside systems post reports, each becomes an event of the ordered ticket stream, sent to every
 * console as `ticket` and replayed on `tickets:since`. Workers file patrol reports over their socket (`report`),
 * checked and filed the same way; consoles move tickets along their lifecycle and merge them (`ticket:transition`),
 * each change the stream's next event too, logged only on the version the console saw. Emergency mode switches
 * (`mode:switch`, issue #8) are events of the same stream, logged only on the scope key's version the console saw.
 */
import { timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import { Server, type ServerOptions } from 'socket.io';
import type { ZodError } from 'zod';
import {
  CONSOLE_NAMESPACE,
  MAX_TRANSITION_BYTES,
  MAX_WORKER_REPORT_BYTES,
  PRIORITIES,
  RECEIPT_DELIVERED,
  RECEIPT_READ,
  ROOM,
  sendCommandSchema,
  ticketTransitionSubmitSchema,
  workerAuthSchema,
  type CommandWire,
  type HubError,
  type HubStats,
  type PendingWorkers,
  type ReceiptsMessage,
  type SendAck,
  type TicketEventMessage,
  type TicketsSince,
  type TicketTransitionAck,
  type WorkerClaims,
  type WorkerReportAck,
  type WorkerReportError,
  TICKETS_SINCE_LIMIT,
} from '../../shared/protocol/hub-protocol';
import { modeKey } from '../../shared/domain/modes/mode-scope';
import { idempotencyScope, type IntakeChannel } from '../../shared/protocol/intake';
import { MAX_MODE_SWITCH_BYTES, modeSwitchSubmitSchema, type ModeSwitchAck } from '../../shared/protocol/mode-protocol';
import { createIntakeFiling } from '../intake/intake-filing';
import { createIntakeHandler } from '../intake/intake-http';
import { DEFAULT_RESOURCES_DIR, loadIntakeResources } from '../intake/intake-resources';
import { RedisTicketLog, SqliteTicketLog, type TicketLog } from '../intake/ticket-log';
import { RedisCommandLog, SqliteCommandLog, type CommandLog, type LoggedCommand } from './command-log';
import { CommandDelivery, WorkerSlots } from './delivery-tracker';
import { LoggingEscalationGateway, type EscalationGateway } from './escalation';
import { verifyWorkerToken } from './worker-token';
import { COMMAND_EVENT, RECEIPT_EVENT, WorkerWire, commandFrame, type WireStats } from './worker-wire';

export type HubLog = (event: string, fields?: Record<string, unknown>) => void;

export interface HubOptions {
  host?: string;
  /** 0: any free port. */
  port: number;
  hubId: string;
  /** Verifies worker tokens (shared with provisioning). */
  workerSecret: string;
  /** What consoles present to connect. */
  consoleSecret: string;
  /** Scale-out: the Redis every hub of the tier shares. Without it, one hub with an embedded log in `dataDir`. */
  redisUrl?: string;
  dataDir: string;
  escalation?: EscalationGateway;
  log?: HubLog;
  receiptIntervalMs?: number;
  /** Receipts keep going out for a command this long after it was sent (and whenever it changes). */
  receiptWindowMs?: number;
  now?: () => number;
  /** The intake's API keys (hub/intake/intake-http.ts): key → the channel it posts as. None: every post is refused. */
  intakeKeys?: Readonly<Record<string, IntakeChannel>>;
  /** Where the city outline and the taxonomy are read from (the repository's resources/ by default). */
  resourcesDir?: string;
}

export interface Hub {
  url: string;
  port: number;
  stats(): HubStats;
  close(): Promise<void>;
}

/** engine.io's connection, as far as the hub watches it. */
interface EngineConnection {
  remoteAddress: string;
  once(event: 'close', listener: (reason: string) => void): void;
}
const REFUSAL_REASONS = new Set(['parse error', 'transport error', 'forced close']);

/** About how many bytes one `tickets:since` answer carries before it says `more`. */
const TICKETS_SINCE_MAX_BYTES = 16 * 1024 * 1024;
/** An event's size, roughly: its photos' base64 and a few kilobytes for the rest. */
const eventBytes = (event: TicketEventMessage): number =>
  4096 +
  (event.report?.photos ?? []).reduce((sum, photo) => sum + (photo.kind === 'inline' ? photo.data.length : 0), 0) +
  (event.transition === undefined ? 0 : MAX_TRANSITION_BYTES) +
  (event.mode === undefined ? 0 : MAX_MODE_SWITCH_BYTES);

/** A worker's patrol reports being filed at once, at most (a phone sends one at a time; this bounds a misbehaving one). */
const REPORTS_IN_FLIGHT = 4;

/** A patrol report's refusal by the hub (not validateIntake's), in Chinese and English. */
const reportRefusal = (code: WorkerReportError['code'], path: string, zh: string, en: string): WorkerReportAck => ({
  ok: false,
  errors: [{ path, code, zh, en }],
});

/** The JSON size of what a client sent (Infinity for what cannot be measured). */
function jsonBytes(value: unknown): number {
  try {
    return Buffer.byteLength(JSON.stringify(value) ?? '');
  } catch {
    return Infinity;
  }
}

/** Counts refusals per kind and says whether to log this one: the first hundred, then every thousandth. */
function refusalCounter(): (kind: string) => number | undefined {
  const counts = new Map<string, number>();
  return (kind) => {
    const count = (counts.get(kind) ?? 0) + 1;
    counts.set(kind, count);
    return count <= 100 || count % 1000 === 0 ? count : undefined;
  };
}

/**
 * The refusal of a console's submission (a transition, a mode switch): logged as `event` by its reason — the first
 * hundred of each, then every thousandth — with the fields given, never what it carried; answered as it is.
 */
function refusalLog(
  log: HubLog,
  event: string,
): (error: string, fields?: Record<string, unknown>) => { ok: false; error: string } {
  const count = refusalCounter();
  return (error, fields = {}) => {
    const reason = error.split(':')[0]!;
    const n = count(reason);
    if (n !== undefined) log(event, { reason, ...fields, count: n });
    return { ok: false, error };
  };
}

/** `invalid: <where>`: the first problem a schema found in a submission. */
function invalidAt(error: ZodError): string {
  const issue = error.issues[0];
  return `invalid: ${issue === undefined || issue.path.length === 0 ? '(submission)' : issue.path.join('.')}`;
}

/** How many pending worker ids one answer carries at most (the total is always given). */
const PENDING_CAP = 5000;

interface WorkerData {
  slot: number;
  claims: WorkerClaims;
}

/** Client-supplied acknowledgement callbacks are optional and untrusted: use one only if it is a function. */
type Reply<T> = (answer: T | HubError) => void;
const replier = <T>(reply: unknown): Reply<T> | undefined =>
  typeof reply === 'function' ? (answer) => void (reply as Reply<T>)(answer) : undefined;

const sameSecret = (given: unknown, secret: string): boolean => {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(secret);
  return a.length === b.length && timingSafeEqual(a, b);
};

export function commandWire(command: LoggedCommand): string {
  const wire: CommandWire = {
    i: command.id,
    s: command.seq,
    p: PRIORITIES.indexOf(command.priority),
    t: command.text,
    a: command.ackRequired ? 1 : 0,
    at: command.sentAt,
    e: command.expiresAt,
  };
  return JSON.stringify(wire);
}

const targets = (command: LoggedCommand, claims: WorkerClaims): boolean =>
  'all' in command.target || command.target.grids.some((grid) => claims.g.includes(grid));

/** The Socket.IO server's options (the benchmark's stock baseline uses the same). */
export const HUB_SERVER_OPTIONS = {
  transports: ['websocket'],
  perMessageDeflate: false,
  httpCompression: false,
  serveClient: false,
  // Phones on mobile networks, and a loaded hub: generous heartbeats rather than dropped workers.
  // Heartbeats are most of an idle hub's work: once a minute is enough to notice a dead phone.
  pingInterval: 60_000,
  pingTimeout: 60_000,
  maxHttpBufferSize: 64 * 1024,
  cors: { origin: false },
} satisfies Partial<ServerOptions>;

export async function startHub(options: HubOptions): Promise<Hub> {
  const now = options.now ?? Date.now;
  const log: HubLog = options.log ?? ((event, fields) => console.log(JSON.stringify({ event, ...fields })));
  const escalation = options.escalation ?? new LoggingEscalationGateway(log);
  const resources = loadIntakeResources(options.resourcesDir ?? DEFAULT_RESOURCES_DIR);
  // Everything that is not Socket.IO's: the intake (its routes, and a JSON 404 for anything else). It is made below,
  // once the consoles' namespace exists, and the server listens only after that.
  const http = createServer((request, response) => intake(request, response));
  const io = new Server(http, HUB_SERVER_OPTIONS);

  let redis: Redis | undefined;
  let redisSub: Redis | undefined;
  let commandLog: CommandLog;
  let ticketLog: TicketLog;
  if (options.redisUrl) {
    redis = new Redis(options.redisUrl, { lazyConnect: true });
    redisSub = redis.duplicate();
    await Promise.all([redis.connect(), redisSub.connect()]);
    io.adapter(createAdapter(redis, redisSub, { requestsTimeout: 3000 }));
    commandLog = new RedisCommandLog(redis);
    ticketLog = new RedisTicketLog(redis);
  } else {
    commandLog = new SqliteCommandLog(join(options.dataDir, 'hub-commands.sqlite'));
    ticketLog = new SqliteTicketLog(join(options.dataDir, 'hub-tickets.sqlite'));
  }
  const scaledOut = redis !== undefined;

  const workers = io.of('/');
  const consoles = io.of(CONSOLE_NAMESPACE);
  // A ticket event goes to every console of every hub (the Redis adapter carries the broadcast to the others), in
  // lists: what this hub logged in one turn of its event loop, in order (a storm's thousands of events a second are
  // a few dozen messages).
  let outgoingTickets: TicketEventMessage[] = [];
  const sendTickets = (): void => {
    const events = outgoingTickets;
    outgoingTickets = [];
    if (events.length > 0) consoles.emit('tickets', events);
  };
  const toConsoles = (event: TicketEventMessage): void => {
    if (outgoingTickets.push(event) === 1) setImmediate(sendTickets);
  };
  // Reports from outside systems (HTTP) and from workers (their socket) are checked and filed the same way.
  const filing = createIntakeFiling({ ticketLog, resources, log, now, onTicket: toConsoles });
  const intake = createIntakeHandler({ filing, ticketLog, resources, keys: options.intakeKeys ?? {}, log, now });
  const slots = new WorkerSlots();
  /** Each connected worker's wire, by slot. */
  const wireOfSlot: (WorkerWire | undefined)[] = [];
  const wireStats: WireStats = { directFrames: 0, fallbacks: 0, directReceipts: 0, messageReceipts: 0 };
  const deliveries = new Map<string, CommandDelivery>();
  const bySeq = new Map<number, CommandDelivery>();
  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number, run: () => void): void => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      run();
    }, ms);
    timers.add(timer);
  };
  let badReceipts = 0;

  // --- workers -------------------------------------------------------------------------------------------------
  // A frame the hub cannot take (malformed, oversized, binary garbage) closes that one connection, before or after it
  // authenticated; it is logged (the first hundred of each kind, then every thousandth: a flood must not flood the
  // log) and everyone else is served on. engine.io says 'parse error' or 'transport error' (ws refused the frame);
  // Socket.IO's own protocol violations close with 'forced close', which the hub never does to a worker otherwise.
  const refusedFrames = new Map<string, number>();
  let shuttingDown = false;
  io.engine.on('connection', (conn: EngineConnection) => {
    conn.once('close', (reason) => {
      if (shuttingDown || !REFUSAL_REASONS.has(reason)) return;
      const count = (refusedFrames.get(reason) ?? 0) + 1;
      refusedFrames.set(reason, count);
      if (count <= 100 || count % 1000 === 0)
        log('worker.frame-refused', { reason, address: conn.remoteAddress, count });
    });
  });

  workers.use((socket, next) => {
    const auth = workerAuthSchema.safeParse(socket.handshake.auth);
    const check = auth.success
      ? verifyWorkerToken(auth.data.token, options.workerSecret, Math.floor(now() / 1000))
      : { ok: false as const, reason: 'malformed handshake' };
    if (!check.ok) {
      log('worker.refused', { reason: check.reason, address: socket.handshake.address });
      next(new Error(`unauthorized: ${check.reason}`));
      return;
    }
    const data: WorkerData = { slot: slots.admit(check.claims.w, check.claims.l1), claims: check.claims };
    socket.data = data;
    next();
  });

  /** A worker's receipt, whichever road it came by. */
  function receipt(slot: number, claims: WorkerClaims, seq: unknown, kind: unknown): void {
    const delivery = typeof seq === 'number' ? bySeq.get(seq) : undefined;
    if (!delivery || (kind !== RECEIPT_DELIVERED && kind !== RECEIPT_READ)) {
      // Hostile or stale receipts are counted, never trusted; the socket stays.
      if (badReceipts++ % 1000 === 0) log('worker.bad-receipt', { worker: claims.w, count: badReceipts });
      return;
    }
    const changed = kind === RECEIPT_DELIVERED ? delivery.markDelivered(slot, now()) : delivery.markRead(slot, now());
    // The last receipt of a round goes out at once: the commander sees 100% without waiting for the tick.
    if (changed && delivery.complete(kind === RECEIPT_DELIVERED ? 'delivered' : 'read')) flushSoon();
  }

  workers.on('connection', (socket) => {
    const { slot, claims } = socket.data as WorkerData;
    const wire = new WorkerWire(socket, wireStats);
    wireOfSlot[slot] = wire;
    void socket.join([ROOM.city, ...claims.g.map(ROOM.grid)]);
    wire.interceptReceipts((seq, kind) => receipt(slot, claims, seq, kind));
    // Receipts in any other shape Socket.IO accepts (an ack id, spaces) take the ordinary road.
    socket.on(RECEIPT_EVENT, (seq: unknown, kind: unknown) => receipt(slot, claims, seq, kind));
    socket.on('disconnect', () => {
      if (wireOfSlot[slot] === wire) wireOfSlot[slot] = undefined;
    });
    // Patrol reports: the worker-wire takes receipts only; this frame reaches Socket.IO as any other event.
    let reportsInFlight = 0;
    socket.on('report', async (body: unknown, callback: unknown) => {
      if (typeof callback !== 'function') {
        logReportRefusal('no-ack', claims.w);
        return;
      }
      const reply = (answer: WorkerReportAck): void => void (callback as (answer: WorkerReportAck) => void)(answer);
      if (reportsInFlight >= REPORTS_IN_FLIGHT) {
        logReportRefusal('busy', claims.w);
        reply(
          reportRefusal(
            'busy',
            '',
            '上报过于频繁：请等前一份上报有答复后再发',
            'too many reports at once: wait for an answer before sending more',
          ),
        );
        return;
      }
      reportsInFlight++;
      try {
        reply(await patrolReport(body, claims));
      } catch (error) {
        // filing never throws; this is the last guard of a socket handler.
        log('worker.report-failed', { worker: claims.w, error: String(error) });
        reply(reportRefusal('log-unavailable', '', '未受理，请稍后重试', 'nothing was filed; retry later'));
      } finally {
        reportsInFlight--;
      }
    });
    // Store-and-forward: what this worker missed since the last sequence it saw, in order.
    const lastSeq = (socket.handshake.auth as { lastSeq?: number }).lastSeq;
    if (lastSeq !== undefined) {
      void commandLog.since(lastSeq, now()).then(
        (missed) => {
          for (const command of missed) {
            if (!targets(command, claims)) continue;
            bySeq.get(command.seq)?.markSent(slot);
            socket.emit(COMMAND_EVENT, commandWire(command));
          }
        },
        (error: unknown) => log('hub.replay-failed', { worker: claims.w, error: String(error) }),
      );
    }
  });

  const countReportRefusal = refusalCounter();
  function logReportRefusal(reason: string, worker: number): void {
    const count = countReportRefusal(reason);
    if (count !== undefined) log('worker.report-refused', { reason, worker, count });
  }

  /**
   * A worker's patrol report: channel grid_patrol and the worker id from the token, then the intake's checks and
   * filing. The idempotency scope is the worker's own (every phone numbers its reports itself).
   */
  async function patrolReport(body: unknown, claims: WorkerClaims): Promise<WorkerReportAck> {
    if (jsonBytes(body) > MAX_WORKER_REPORT_BYTES) {
      logReportRefusal('too-large', claims.w);
      return reportRefusal(
        'too-large',
        '',
        `上报过大：最多 ${MAX_WORKER_REPORT_BYTES} 字节（原图请以 URL 上报）`,
        `the report is too large: at most ${MAX_WORKER_REPORT_BYTES} bytes (send full-size photos as URLs)`,
      );
    }
    let input = body;
    if (body !== null && typeof body === 'object' && !Array.isArray(body)) {
      const fields = body as Record<string, unknown>;
      if (fields.channel != null && fields.channel !== 'grid_patrol') {
        logReportRefusal('channel-not-allowed', claims.w);
        return reportRefusal(
          'channel-not-allowed',
          'channel',
          '网格员只能以网格巡查渠道（grid_patrol）上报',
          'a grid worker reports on the grid_patrol channel only',
        );
      }
      const source = fields.source;
      const sourceFields =
        source !== null && typeof source === 'object' && !Array.isArray(source)
          ? (source as Record<string, unknown>)
          : undefined;
      // A null workerId is "not given", as everywhere in the intake.
      if (sourceFields?.workerId != null && sourceFields.workerId !== claims.w) {
        logReportRefusal('worker-mismatch', claims.w);
        return reportRefusal(
          'worker-mismatch',
          'source.workerId',
          '网格员编号与登录身份不符',
          'the worker id is not the signed-in worker’s',
        );
      }
      // Anything else in source (or a source that is not an object) is validateIntake's to refuse.
      const filledSource = source === undefined || source === null ? {} : sourceFields;
      input = {
        ...fields,
        channel: 'grid_patrol',
        source: filledSource === undefined ? source : { ...filledSource, workerId: claims.w },
      };
    }
    const result = filing.validate(input);
    if (!result.ok) {
      logReportRefusal('invalid', claims.w);
      return { ok: false, errors: result.errors };
    }
    const outcome = await filing.file(result.report, `${idempotencyScope(result.report)} worker:${claims.w}`);
    if (outcome.ok)
      return { ok: true, id: outcome.id, duplicate: outcome.duplicate, receivedAt: outcome.record.receivedAt };
    logReportRefusal(outcome.reason, claims.w);
    return outcome.reason === 'log-unavailable'
      ? reportRefusal(
          'log-unavailable',
          '',
          '工单日志暂不可用，未受理，请稍后重试',
          'the ticket log is unavailable; nothing was filed, retry later',
        )
      : reportRefusal(
          'idempotency-conflict',
          'idempotencyKey',
          '幂等键已用于另一份内容不同的上报',
          'this idempotency key was already used for a different report',
        );
  }

  /** Fans a command out to this hub's workers in its target and starts tracking it. */
  function deliverLocal(command: LoggedCommand): void {
    if (deliveries.has(command.id)) return;
    const delivery = new CommandDelivery(command, slots);
    deliveries.set(command.id, delivery);
    bySeq.set(command.seq, delivery);
    const text = commandWire(command);
    const frame = commandFrame(text);
    const sendTo = (slot: number): void => {
      const wire = wireOfSlot[slot];
      // markSent is false for a worker already reached through another of the target's grids.
      if (wire && delivery.markSent(slot)) wire.send(frame, text);
    };
    if ('all' in command.target) {
      for (let slot = 0; slot < wireOfSlot.length; slot++) sendTo(slot);
    } else {
      for (const grid of command.target.grids) {
        for (const socketId of workers.adapter.rooms.get(ROOM.grid(grid)) ?? []) {
          const socket = workers.sockets.get(socketId);
          if (socket) sendTo((socket.data as WorkerData).slot);
        }
      }
    }
    if (command.deadlineAt !== null) later(Math.max(0, command.deadlineAt - now()), () => void escalate(delivery));
    later(Math.max(0, command.expiresAt - now()), () => {
      deliveries.delete(command.id);
      bySeq.delete(command.seq);
    });
  }

  async function escalate(delivery: CommandDelivery): Promise<void> {
    const missed: number[] = [];
    delivery.forEachPending((slot) => missed.push(slots.workerIds[slot]!));
    if (missed.length === 0) return;
    await escalation.escalate(delivery.command.id, missed);
    consoles.emit('escalation', { hub: options.hubId, id: delivery.command.id, workers: missed, at: now() });
  }

  function resendLocal(id: string): number {
    const delivery = deliveries.get(id);
    if (!delivery) return 0;
    const text = commandWire(delivery.command);
    const frame = commandFrame(text);
    let resent = 0;
    delivery.forEachPending((slot) => {
      const wire = wireOfSlot[slot];
      if (!wire) return;
      wire.send(frame, text);
      resent++;
    });
    return resent;
  }

  const localPending = (id: string): PendingWorkers =>
    deliveries.get(id)?.pending(PENDING_CAP) ?? { id, workers: [], total: 0 };

  const stats = (): HubStats => {
    const cpu = process.cpuUsage();
    return {
      hub: options.hubId,
      workers: workers.sockets.size,
      consoles: consoles.sockets.size,
      cpuUserMs: cpu.user / 1000,
      cpuSystemMs: cpu.system / 1000,
      commands: deliveries.size,
      rssBytes: process.memoryUsage.rss(),
      ...wireStats,
    };
  };

  // --- hub to hub (through Redis) --------------------------------------------------------------------------------
  consoles.on('hub:deliver', (command: LoggedCommand) => deliverLocal(command));
  consoles.on('hub:resend', (id: string, reply: (resent: number) => void) => reply(resendLocal(id)));
  consoles.on('hub:pending', (id: string, reply: (pending: PendingWorkers) => void) => reply(localPending(id)));
  consoles.on('hub:stats', (reply: (stats: HubStats) => void) => reply(stats()));

  /** This hub's answer plus every other hub's (none to ask without Redis). */
  async function everyHub<T>(event: string, local: T, ...args: unknown[]): Promise<T[]> {
    if (!scaledOut) return [local];
    const others = (await consoles.serverSideEmitWithAck(event as never, ...(args as never[]))) as T[];
    return [local, ...others];
  }

  // --- consoles ------------------------------------------------------------------------------------------------
  consoles.use((socket, next) => {
    if (sameSecret((socket.handshake.auth as { token?: unknown }).token, options.consoleSecret)) next();
    else {
      log('console.refused', { address: socket.handshake.address });
      next(new Error('unauthorized'));
    }
  });

  consoles.on('connection', (socket) => {
    socket.on('command:send', async (payload: unknown, callback: unknown) => {
      const reply = replier<SendAck>(callback);
      if (!reply) return;
      const request = sendCommandSchema.safeParse(payload);
      if (!request.success) {
        log('command.refused', { issues: request.error.issues.map((issue) => issue.message).slice(0, 5) });
        reply({ error: `invalid command: ${request.error.issues[0]?.message ?? 'malformed'}` });
        return;
      }
      const { deadlineS, expiresInS, ...command } = request.data;
      const sentAt = now();
      try {
        const { entry, duplicate } = await commandLog.append({
          ...command,
          sentAt,
          expiresAt: sentAt + expiresInS * 1000,
          deadlineAt: deadlineS === undefined ? null : sentAt + deadlineS * 1000,
        });
        if (!duplicate) {
          if (scaledOut) consoles.serverSideEmit('hub:deliver', entry);
          deliverLocal(entry);
          log('command.sent', { id: entry.id, seq: entry.seq, sender: entry.sender, priority: entry.priority });
        }
        const ack: SendAck = { id: entry.id, seq: entry.seq, sentAt: entry.sentAt, duplicate };
        reply(ack);
      } catch (error) {
        log('command.failed', { id: command.id, error: String(error) });
        reply({ error: 'the command log is unavailable; nothing was sent' });
      }
    });

    socket.on('command:pending', async (id: unknown, callback: unknown) => {
      const reply = replier<PendingWorkers>(callback);
      if (!reply || typeof id !== 'string') return;
      try {
        const parts = await everyHub('hub:pending', localPending(id), id);
        const workersPending = parts.flatMap((part) => part.workers).slice(0, PENDING_CAP);
        reply({ id, workers: workersPending, total: parts.reduce((sum, part) => sum + part.total, 0) });
      } catch (error) {
        reply({ error: `not every hub answered: ${String(error)}` });
      }
    });

    socket.on('command:resend', async (id: unknown, callback: unknown) => {
      const reply = replier<{ id: string; resent: number }>(callback);
      if (!reply || typeof id !== 'string') return;
      try {
        const counts = await everyHub('hub:resend', resendLocal(id), id);
        reply({ id, resent: counts.reduce((sum, n) => sum + n, 0) });
      } catch (error) {
        reply({ error: `not every hub answered: ${String(error)}` });
      }
    });

    socket.on('tickets:since', async (seq: unknown, callback: unknown) => {
      const reply = replier<TicketsSince>(callback);
      if (!reply) return;
      if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 0) {
        reply({ error: 'tickets:since needs a sequence number (0 for all)' });
        return;
      }
      try {
        const [stream, events] = await Promise.all([ticketLog.stream(), ticketLog.since(seq, TICKETS_SINCE_LIMIT + 1)]);
        // Inline photos can make events large: an answer stops at about TICKETS_SINCE_MAX_BYTES (one event at least).
        let count = 0;
        let bytes = 0;
        while (
          count < Math.min(events.length, TICKETS_SINCE_LIMIT) &&
          (count === 0 || bytes < TICKETS_SINCE_MAX_BYTES)
        ) {
          bytes += eventBytes(events[count]!);
          count++;
        }
        reply({ stream, events: events.slice(0, count), more: events.length > count });
      } catch (error) {
        log('tickets.since-failed', { error: String(error) });
        reply({ error: 'the ticket log is unavailable' });
      }
    });

    socket.on('ticket:transition', async (payload: unknown, callback: unknown) => {
      if (typeof callback !== 'function') return;
      const reply = (answer: TicketTransitionAck): void =>
        void (callback as (answer: TicketTransitionAck) => void)(answer);
      reply(await transition(payload));
    });

    socket.on('mode:switch', async (payload: unknown, callback: unknown) => {
      if (typeof callback !== 'function') return;
      const reply = (answer: ModeSwitchAck): void => void (callback as (answer: ModeSwitchAck) => void)(answer);
      reply(await modeSwitch(payload));
    });

    socket.on('hub:stats', async (callback: unknown) => {
      const reply = replier<HubStats[]>(callback);
      if (!reply) return;
      try {
        reply(await everyHub('hub:stats', stats()));
      } catch (error) {
        reply({ error: `not every hub answered: ${String(error)}` });
      }
    });
  });

  /** Why a transition was refused: the reason and the ticket, never what it carried. */
  const refuseTransition = refusalLog(log, 'ticket.transition-refused');

  /** A console's transition or merge: checked, logged on the version it names, and handed to every console. */
  async function transition(payload: unknown): Promise<TicketTransitionAck> {
    if (jsonBytes(payload) > MAX_TRANSITION_BYTES) return refuseTransition('too-large');
    const parsed = ticketTransitionSubmitSchema.safeParse(payload);
    if (!parsed.success) return refuseTransition(invalidAt(parsed.error));
    const submit = parsed.data;
    // A merge names its case; a transition names none.
    if ((submit.kind === 'merged') !== (submit.transition.into !== undefined)) {
      return refuseTransition('invalid: transition.into', { id: submit.id });
    }
    let outcome;
    try {
      outcome = await ticketLog.transition(submit, Math.floor(now() / 1000));
    } catch (error) {
      log('ticket.transition-failed', { id: submit.id, error: String(error) });
      return { ok: false, error: 'unavailable' };
    }
    if (!outcome.ok) {
      refuseTransition(outcome.error, { id: submit.id, expect: submit.expect });
      return outcome.conflict === undefined
        ? { ok: false, error: outcome.error }
        : { ok: false, error: outcome.error, conflict: outcome.conflict };
    }
    toConsoles(outcome.event);
    log('ticket.transition', { id: submit.id, seq: outcome.seq, kind: submit.kind, status: submit.transition.status });
    return { ok: true, seq: outcome.seq, at: outcome.at };
  }

  /** Why a mode switch was refused: the reason and the key, never the note or the profile. */
  const refuseMode = refusalLog(log, 'mode.switch-refused');

  /** A console's emergency mode switch: checked, logged on the key's version it names, and handed to every console. */
  async function modeSwitch(payload: unknown): Promise<ModeSwitchAck> {
    // Frames are capped at maxHttpBufferSize before this; binary attachments (which JSON inflates) are not.
    if (jsonBytes(payload) > MAX_MODE_SWITCH_BYTES) return refuseMode('too-large');
    const parsed = modeSwitchSubmitSchema.safeParse(payload);
    if (!parsed.success) return refuseMode(invalidAt(parsed.error));
    const submit = parsed.data;
    const key = submit.switch.key;
    // The version is kept under the event type and the canonical scope: a key naming anything else is not this switch's.
    if (key !== modeKey(submit.switch.eventType, submit.switch.scope)) {
      return refuseMode('invalid: switch.key', { action: submit.switch.action });
    }
    let outcome;
    try {
      outcome = await ticketLog.mode(submit, Math.floor(now() / 1000));
    } catch (error) {
      log('mode.switch-failed', { key, error: String(error) });
      return { ok: false, error: 'unavailable' };
    }
    if (!outcome.ok) {
      refuseMode(outcome.error, { key, expect: submit.expect, version: outcome.current.version });
      return { ok: false, error: outcome.error, current: outcome.current };
    }
    toConsoles(outcome.event);
    log('mode.switch', {
      key,
      action: submit.switch.action,
      level: submit.switch.level,
      seq: outcome.seq,
      version: outcome.version,
    });
    return { ok: true, seq: outcome.seq, at: outcome.at, version: outcome.version };
  }

  // Receipts: every tick, the commands that changed or are still young, to every console of every hub.
  const receiptWindowMs = options.receiptWindowMs ?? 10 * 60_000;
  const sendReceipts = (): void => {
    const at = now();
    const commands = [...deliveries.values()]
      .filter((delivery) => delivery.dirty || at - delivery.command.sentAt < receiptWindowMs)
      .map((delivery) => {
        delivery.dirty = false;
        return delivery.part();
      });
    if (commands.length === 0) return;
    const message: ReceiptsMessage = { hub: options.hubId, at, commands };
    consoles.emit('receipts', message);
  };
  const ticker = setInterval(sendReceipts, options.receiptIntervalMs ?? 250);
  let flushQueued = false;
  function flushSoon(): void {
    if (flushQueued) return;
    flushQueued = true;
    setImmediate(() => {
      flushQueued = false;
      sendReceipts();
    });
  }

  await new Promise<void>((resolve) => http.listen(options.port, options.host ?? '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  log('hub.started', { hub: options.hubId, port, scaledOut });

  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    port,
    stats,
    close: async () => {
      shuttingDown = true;
      clearInterval(ticker);
      for (const timer of timers) clearTimeout(timer);
      await io.close();
      await commandLog.close();
      await ticketLog.close();
      redis?.disconnect();
      redisSub?.disconnect();
    },
  };
}
