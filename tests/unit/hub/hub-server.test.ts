/**
 * The hub end to end over real sockets: one hub with its embedded log, then two hubs sharing a real redis-server.
 * Workers are socket.io-client connections with signed tokens, as the simulator opens them.
 */
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { signWorkerToken } from '../../../hub/server/worker-token';
import { startRedis, type RedisProcess } from '../../../hub/redis-process';
import { CONSOLE_NAMESPACE, type HubError } from '../../../shared/protocol/hub-protocol';
import {
  HOUR,
  WORKER_SECRET,
  closeAll,
  command,
  consoleLink,
  hub,
  memoryLog,
  ok,
  sockets,
  totals,
  until,
  worker,
} from './hub-fixtures';

afterEach(closeAll);

describe('one hub, embedded log', () => {
  it('sends a command to exactly the workers of the target grids, and receipts count them', async () => {
    const server = await hub();
    const a = await worker(server.url, 1, [10, 11, 12], { read: true });
    const b = await worker(server.url, 2, [10, 11, 13]);
    const c = await worker(server.url, 3, [20, 21, 22]);
    const desk = await consoleLink(server.url);

    const ack = ok(await desk.socket.emitWithAck('command:send', command('cmd-grid-11', { grids: [11] })));
    expect(ack).toMatchObject({ id: 'cmd-grid-11', seq: 1, duplicate: false });
    await until(() => a.received.length === 1 && b.received.length === 1);
    expect(c.received).toHaveLength(0);
    expect(a.received[0]).toMatchObject({ i: 'cmd-grid-11', s: 1, p: 1, a: 1 });
    await until(() => totals(desk.receipts, 'cmd-grid-11').read === 1);
    expect(totals(desk.receipts, 'cmd-grid-11')).toEqual({ sent: 2, delivered: 2, read: 1 });
    const part = desk.receipts.at(-1)!.commands[0]!;
    expect(part.l1).toEqual([10]);
    expect(part.l1Sent).toEqual([2]);

    // Read acknowledgement required: worker 2 delivered but has not read it.
    const pending = ok(await desk.socket.emitWithAck('command:pending', 'cmd-grid-11'));
    expect(pending).toEqual({ id: 'cmd-grid-11', workers: [2], total: 1 });
    const resend = ok(await desk.socket.emitWithAck('command:resend', 'cmd-grid-11'));
    expect(resend).toEqual({ id: 'cmd-grid-11', resent: 1 });
    await until(() => b.received.length === 2);
    expect(a.received).toHaveLength(1);

    // Through the hot path (worker-wire.ts): frames written straight to the sockets, receipts read straight off them.
    // Each receipt is its own read here: all four taken before ws's frame parser.
    await until(() => server.stats().directReceipts === 4);
    expect(server.stats().messageReceipts).toBe(0);
    const { directFrames, fallbacks } = server.stats();
    expect(directFrames + fallbacks).toBe(3);
    expect(directFrames).toBeGreaterThanOrEqual(2);
  });

  it('tells the consoles at once when the last worker has it, without waiting for the tick', async () => {
    const server = await hub({ receiptIntervalMs: 60_000 });
    const a = await worker(server.url, 1, [10]);
    const b = await worker(server.url, 2, [10]);
    const desk = await consoleLink(server.url);
    ok(await desk.socket.emitWithAck('command:send', command('cmd-flush', { all: true })));
    await until(() => totals(desk.receipts, 'cmd-flush').delivered === 2, 2000);
    expect(a.received).toHaveLength(1);
    expect(b.received).toHaveLength(1);
  });

  it('answers a retried command id with the first answer and sends nothing twice', async () => {
    const server = await hub();
    const a = await worker(server.url, 1, [10, 11, 12]);
    const desk = await consoleLink(server.url);
    const first = ok(await desk.socket.emitWithAck('command:send', command('cmd-retry-1', { all: true })));
    const again = ok(await desk.socket.emitWithAck('command:send', command('cmd-retry-1', { all: true })));
    expect(again).toEqual({ ...first, duplicate: true });
    await until(() => a.received.length === 1);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(a.received).toHaveLength(1);
  });

  it('replays what a reconnecting worker missed, in order, only what targeted it', async () => {
    const server = await hub();
    const desk = await consoleLink(server.url);
    const early = await worker(server.url, 1, [10, 11, 12]);
    ok(await desk.socket.emitWithAck('command:send', command('cmd-replay-1', { all: true })));
    await until(() => early.received.length === 1);
    early.socket.disconnect();
    ok(await desk.socket.emitWithAck('command:send', command('cmd-replay-2', { grids: [12] })));
    ok(await desk.socket.emitWithAck('command:send', command('cmd-replay-3', { grids: [99] })));
    ok(await desk.socket.emitWithAck('command:send', command('cmd-replay-4', { all: true })));

    const back = await worker(server.url, 1, [10, 11, 12], { lastSeq: early.received[0]!.s });
    await until(() => back.received.length === 2);
    expect(back.received.map((wire) => wire.i)).toEqual(['cmd-replay-2', 'cmd-replay-4']);
    // The replayed ones count as sent and delivered on this hub's receipts.
    await until(() => totals(desk.receipts, 'cmd-replay-4').delivered === 1);
  });

  it('refuses forged, expired and malformed tokens, and bad console secrets, with a reason, and logs them', async () => {
    const log = memoryLog();
    const server = await hub({ log });
    const claims = { w: 5, l1: 10, g: [10], exp: Math.floor(Date.now() / 1000) + HOUR };
    const forged = signWorkerToken(claims, 'not-the-secret');
    const expired = signWorkerToken({ ...claims, exp: 1000 }, WORKER_SECRET);
    await expect(worker(server.url, 5, [10], { token: forged })).rejects.toThrow('unauthorized: bad signature');
    await expect(worker(server.url, 5, [10], { token: expired })).rejects.toThrow('unauthorized: token expired');
    await expect(worker(server.url, 5, [10], { token: 'x'.repeat(40) })).rejects.toThrow('unauthorized');
    const intruder = connect(`${server.url}${CONSOLE_NAMESPACE}`, {
      transports: ['websocket'],
      auth: { token: 'guess' },
      reconnection: false,
    });
    sockets.push(intruder);
    await expect(
      new Promise<void>((resolve, reject) => {
        intruder.once('connect', resolve);
        intruder.once('connect_error', reject);
      }),
    ).rejects.toThrow('unauthorized');
    expect(log.events.filter((entry) => entry.event === 'worker.refused')).toHaveLength(3);
    expect(log.events.some((entry) => entry.event === 'console.refused')).toBe(true);
  });

  it('refuses a malformed command with a clear error, and shrugs off hostile receipts', async () => {
    const server = await hub();
    const desk = await consoleLink(server.url);
    const a = await worker(server.url, 1, [10]);
    const bad = await desk.socket.emitWithAck('command:send', { ...command('cmd-bad-1', { all: true }), text: '' });
    expect((bad as HubError).error).toContain('invalid command');
    // What a hostile or broken console might send: the types say it cannot, the hub checks anyway.
    const untyped = desk.socket as unknown as Socket;
    const panic: unknown = await untyped.emitWithAck('command:send', {
      ...command('cmd-bad-2', { all: true }),
      priority: 'panic',
    });
    expect((panic as HubError).error).toContain('invalid command');
    (a.socket as unknown as Socket).emit('r', 'DROP TABLE', { evil: true });
    a.socket.emit('r', 99999, 1);
    // Still connected and still served.
    ok(await desk.socket.emitWithAck('command:send', command('cmd-after-bad', { all: true })));
    await until(() => a.received.length === 1);
  });

  it('escalates the workers who missed the deadline', async () => {
    const escalated: { id: string; workers: readonly number[] }[] = [];
    const server = await hub({
      hubId: 'hub-esc',
      receiptIntervalMs: 250,
      escalation: {
        escalate: (id, workers) => {
          escalated.push({ id, workers });
          return Promise.resolve();
        },
      },
    });
    const desk = await consoleLink(server.url);
    const reader = await worker(server.url, 1, [10], { read: true });
    const silent = await worker(server.url, 2, [10]);
    const messages: unknown[] = [];
    desk.socket.on('escalation', (message: unknown) => messages.push(message));
    ok(await desk.socket.emitWithAck('command:send', command('cmd-deadline', { all: true }, { deadlineS: 5 })));
    await until(() => reader.received.length === 1 && silent.received.length === 1);
    await until(() => escalated.length === 1, 8000);
    expect(escalated[0]).toEqual({ id: 'cmd-deadline', workers: [2] });
    await until(() => messages.length === 1);
  }, 15_000);
});

// A real Redis and two hubs with their sockets: on a loaded 2-core CI machine the default 5 s is too tight.
describe('two hubs sharing Redis', { timeout: 20_000 }, () => {
  let redis: RedisProcess;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis.stop();
  });

  it('a command published once on one hub reaches the workers of both, and receipts come from both', async () => {
    const one = await hub({ redisUrl: redis.url, hubId: 'hub-1' });
    const two = await hub({ redisUrl: redis.url, hubId: 'hub-2' });
    const onOne = await worker(one.url, 1, [10, 11]);
    const onTwo = await worker(two.url, 2, [10, 12]);
    const elsewhere = await worker(two.url, 3, [20, 21]);
    const desk = await consoleLink(one.url);
    const ack = ok(await desk.socket.emitWithAck('command:send', command('cmd-scaled-1', { grids: [10] })));
    expect(ack).toMatchObject({ duplicate: false });
    await until(() => onOne.received.length === 1 && onTwo.received.length === 1);
    expect(elsewhere.received).toHaveLength(0);
    await until(() => totals(desk.receipts, 'cmd-scaled-1').delivered === 2);
    expect(new Set(desk.receipts.map((message) => message.hub))).toEqual(new Set(['hub-1', 'hub-2']));
    const pending = ok(await desk.socket.emitWithAck('command:pending', 'cmd-scaled-1'));
    // Delivered, not read, and reading must be acknowledged: both pending, one from each hub.
    expect(pending.total).toBe(2);
    expect([...pending.workers].sort()).toEqual([1, 2]);

    // The shared log: sequence numbers across hubs, a retry on the other hub is a duplicate, replay from either.
    const deskTwo = await consoleLink(two.url);
    const retry = ok(await deskTwo.socket.emitWithAck('command:send', command('cmd-scaled-1', { grids: [10] })));
    expect(retry).toMatchObject({ seq: ack.seq, duplicate: true });
    const next = ok(await deskTwo.socket.emitWithAck('command:send', command('cmd-scaled-2', { all: true })));
    expect(next.seq).toBe(ack.seq + 1);
    const late = await worker(one.url, 4, [10], { lastSeq: 0 });
    await until(() => late.received.length === 2);
    expect(late.received.map((wire) => wire.i)).toEqual(['cmd-scaled-1', 'cmd-scaled-2']);
  });
});
