/**
 * What the hub tests share: a hub on a free port (embedded log, or Redis), workers as socket.io-client connections
 * with signed tokens that acknowledge as a phone does, a console link, and everything closed after each test.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll } from 'vitest';
import type { EscalationGateway } from '../../../hub/server/escalation';
import type { IntakeChannel } from '../../../shared/protocol/intake';
import { startRedis, type RedisProcess } from '../../../hub/redis-process';
import { startHub, type Hub, type HubLog } from '../../../hub/server/hub-server';
import { signWorkerToken } from '../../../hub/server/worker-token';
import {
  RECEIPT_DELIVERED,
  RECEIPT_READ,
  type CommandWire,
  type HubError,
  type ReceiptsMessage,
  type SendCommand,
  type TicketEventMessage,
  type WorkerCalls,
  type WorkerListens,
} from '../../../shared/protocol/hub-protocol';
import { connectConsole, type ConsoleSocket } from './console-client';

export type WorkerSocket = Socket<WorkerListens, WorkerCalls>;

/** The answer, or the test fails with the hub's error. */
export function ok<T>(answer: T | HubError): T {
  if (typeof answer === 'object' && answer !== null && 'error' in answer) throw new Error(answer.error);
  return answer;
}

export const WORKER_SECRET = 'worker-secret-for-tests';
export const CONSOLE_SECRET = 'console-secret-for-tests';
export const HOUR = 3600;

export const sockets: Socket[] = [];
export const hubs: Hub[] = [];
/** Register with `afterEach(closeAll)`. */
export async function closeAll(): Promise<void> {
  for (const socket of sockets.splice(0)) socket.disconnect();
  for (const hub of hubs.splice(0)) await hub.close();
}

export function memoryLog(): HubLog & { events: { event: string; fields?: Record<string, unknown> }[] } {
  const events: { event: string; fields?: Record<string, unknown> }[] = [];
  return Object.assign((event: string, fields?: Record<string, unknown>) => void events.push({ event, fields }), {
    events,
  });
}

export async function hub(
  options: {
    redisUrl?: string;
    hubId?: string;
    log?: HubLog;
    receiptIntervalMs?: number;
    now?: () => number;
    escalation?: EscalationGateway;
    intakeKeys?: Record<string, IntakeChannel>;
  } = {},
): Promise<Hub> {
  const started = await startHub({
    port: 0,
    hubId: options.hubId ?? 'hub-a',
    workerSecret: WORKER_SECRET,
    consoleSecret: CONSOLE_SECRET,
    dataDir: mkdtempSync(join(tmpdir(), 'gridline-hub-')),
    redisUrl: options.redisUrl,
    log: options.log ?? (() => {}),
    receiptIntervalMs: options.receiptIntervalMs ?? 50,
    ...(options.now ? { now: options.now } : {}),
    ...(options.escalation ? { escalation: options.escalation } : {}),
    ...(options.intakeKeys ? { intakeKeys: options.intakeKeys } : {}),
  });
  hubs.push(started);
  return started;
}

/** A worker in grids [l1, l2, l3]; collects the commands it receives and acknowledges them as a phone would. */
export async function worker(
  url: string,
  id: number,
  grids: number[],
  options: { lastSeq?: number; read?: boolean; token?: string } = {},
): Promise<{ socket: WorkerSocket; received: CommandWire[] }> {
  const token =
    options.token ??
    signWorkerToken({ w: id, l1: grids[0]!, g: grids, exp: Math.floor(Date.now() / 1000) + HOUR }, WORKER_SECRET);
  const socket: WorkerSocket = connect(url, {
    transports: ['websocket'],
    auth: { token, ...(options.lastSeq === undefined ? {} : { lastSeq: options.lastSeq }) },
    reconnection: false,
  });
  sockets.push(socket);
  const received: CommandWire[] = [];
  socket.on('c', (text) => {
    const command = JSON.parse(text) as CommandWire;
    received.push(command);
    socket.emit('r', command.s, RECEIPT_DELIVERED);
    if (options.read) socket.emit('r', command.s, RECEIPT_READ);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  return { socket, received };
}

export async function consoleLink(url: string): Promise<{ socket: ConsoleSocket; receipts: ReceiptsMessage[] }> {
  const link = await connectConsole(url, CONSOLE_SECRET);
  const socket = link.socket;
  sockets.push(socket);
  return link;
}

export const command = (id: string, target: SendCommand['target'], extra: Partial<SendCommand> = {}): SendCommand => ({
  id,
  text: '请各网格员立即巡查低洼路段积水情况',
  priority: 'urgent',
  target,
  ackRequired: true,
  expiresInS: 600,
  sender: 'test-commander',
  ...extra,
});

export const until = async (check: () => boolean, ms = 5000): Promise<void> => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

/** The latest receipt part of a command, summed over hubs. */
export function totals(receipts: ReceiptsMessage[], id: string): { sent: number; delivered: number; read: number } {
  const latest = new Map<string, { sent: number; delivered: number; read: number }>();
  for (const message of receipts) {
    const part = message.commands.find((candidate) => candidate.id === id);
    if (part) latest.set(message.hub, part);
  }
  return [...latest.values()].reduce(
    (sum, part) => ({
      sent: sum.sent + part.sent,
      delivered: sum.delivered + part.delivered,
      read: sum.read + part.read,
    }),
    { sent: 0, delivered: 0, read: 0 },
  );
}

/** Every event of the hub's ticket stream, through `tickets:since` page by page. */
export async function allEvents(desk: ConsoleSocket): Promise<TicketEventMessage[]> {
  const events: TicketEventMessage[] = [];
  for (;;) {
    const page = ok(await desk.emitWithAck('tickets:since', events.at(-1)?.seq ?? 0));
    events.push(...page.events);
    if (!page.more) return events;
  }
}

/** A hub tier for a test: where the first console connects (and reports are posted), and where the second does. */
export interface Tier {
  a: Hub;
  /** The same hub as `a` without Redis. */
  b: Hub;
}
export type TierOptions = { now?: () => number; log?: HubLog };

/**
 * The two backends a tier runs on — one hub with its SQLite log, and two hubs sharing a Redis (skipped where
 * redis-server is not installed) — with the Redis started before the file's tests and stopped after them. The second
 * hub of a Redis tier gets `options` (a clock, a log); the first gets the log only.
 */
export function tierBackends(
  file: string,
  base: { intakeKeys?: Record<string, IntakeChannel> } = {},
): {
  redisInstalled: boolean;
  redisUrl: () => string;
  backends: { name: string; skip: boolean; start: (options?: TierOptions) => Promise<Tier> }[];
} {
  const redisInstalled = spawnSync('redis-server', ['--version']).status === 0;
  if (!redisInstalled) console.log(`${file}: redis-server is not installed; the Redis backend is not tested`);
  let redis: RedisProcess | undefined;
  beforeAll(async () => {
    if (redisInstalled) redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });
  const redisUrl = (): string => {
    if (!redis) throw new Error('no Redis in this run');
    return redis.url;
  };
  return {
    redisInstalled,
    redisUrl,
    backends: [
      {
        name: 'one hub (SQLite)',
        skip: false,
        start: async (options = {}) => {
          const a = await hub({ ...base, ...options });
          return { a, b: a };
        },
      },
      {
        name: 'two hubs sharing Redis',
        skip: !redisInstalled,
        start: async (options = {}) => {
          const client = new Redis(redisUrl());
          await client.flushall();
          client.disconnect();
          const a = await hub({
            ...base,
            redisUrl: redisUrl(),
            hubId: 'hub-1',
            ...(options.log ? { log: options.log } : {}),
          });
          const b = await hub({ ...base, redisUrl: redisUrl(), hubId: 'hub-2', ...options });
          return { a, b };
        },
      },
    ],
  };
}
