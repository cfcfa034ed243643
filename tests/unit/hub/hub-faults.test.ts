/**
 * The hub under faults, over real sockets: hostile or broken frames from workers (malformed, oversized, binary
 * garbage, before and after authenticating), and a worker offline for ten minutes (on the hub's clock) catching up.
 * A hub process killed mid-broadcast is hub-failover.test.ts.
 */
import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { signWorkerToken } from '../../../hub/server/worker-token';
import { HOUR, WORKER_SECRET, closeAll, command, consoleLink, hub, memoryLog, ok, until, worker } from './hub-fixtures';

afterEach(closeAll);

const raws: WebSocket[] = [];
afterEach(() => {
  for (const raw of raws.splice(0)) raw.terminate();
});

/**
 * A worker speaking the wire protocol by hand (engine.io v4 over a bare WebSocket), so it can send what no
 * socket.io-client would. Authenticates when given a token.
 */
async function rawWorker(url: string, token?: string): Promise<{ ws: WebSocket; closed: Promise<number> }> {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`);
  raws.push(ws);
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
  const next = (): Promise<string> =>
    new Promise((resolve, reject) => {
      ws.once('message', (data: Buffer) => resolve(data.toString()));
      ws.once('error', reject);
    });
  expect(await next()).toMatch(/^0\{/); // engine.io open
  if (token) {
    ws.send(`40${JSON.stringify({ token })}`);
    expect(await next()).toMatch(/^40\{"sid"/); // Socket.IO connected
  }
  return { ws, closed };
}

const tokenFor = (id: number, grids: number[]): string =>
  signWorkerToken({ w: id, l1: grids[0]!, g: grids, exp: Math.floor(Date.now() / 1000) + HOUR }, WORKER_SECRET);

describe('frames the hub cannot take', () => {
  it('closes only the sender for malformed, oversized and binary frames, logs each, and keeps serving the rest', async () => {
    const log = memoryLog();
    const server = await hub({ log });
    const desk = await consoleLink(server.url);
    const good = await worker(server.url, 1, [10, 11]);

    const frames: [string, string | Buffer][] = [
      ['malformed JSON after authenticating', '42["r",1,'],
      ['an unknown packet type', '9hello'],
      ['binary garbage', Buffer.from([0xff, 0x00, 0x13, 0x37])],
      ['an oversized frame (over 64 KB)', `42["r","${'x'.repeat(100_000)}"]`],
    ];
    for (const [what, frame] of frames) {
      const hostile = await rawWorker(server.url, tokenFor(100, [10, 11]));
      hostile.ws.send(frame);
      await expect(
        Promise.race([hostile.closed.then(() => 'closed'), new Promise((r) => setTimeout(() => r('open'), 3000))]),
        what,
      ).resolves.toBe('closed');
    }
    // Garbage before authenticating: the connection goes, no worker was ever admitted.
    const stranger = await rawWorker(server.url);
    stranger.ws.send('not a packet');
    await stranger.closed;

    await until(() => log.events.filter((entry) => entry.event === 'worker.frame-refused').length === 5);
    const reasons = log.events
      .filter((entry) => entry.event === 'worker.frame-refused')
      .map((entry) => entry.fields?.reason);
    // engine.io refused two (its parser; ws on the size), Socket.IO's parser the other three.
    expect(reasons.sort()).toEqual(['forced close', 'forced close', 'parse error', 'parse error', 'transport error']);

    // The well-behaved worker never noticed.
    ok(await desk.socket.emitWithAck('command:send', command('cmd-after-hostile', { grids: [11] })));
    await until(() => good.received.length === 1);
    expect(good.socket.connected).toBe(true);
  });

  it('counts receipts for commands that do not exist, and keeps the socket', async () => {
    const log = memoryLog();
    const server = await hub({ log });
    const desk = await consoleLink(server.url);
    const raw = await rawWorker(server.url, tokenFor(7, [10]));
    const received: string[] = [];
    raw.ws.on('message', (data: Buffer) => received.push(data.toString()));
    // The shapes the hot path takes, and the ones it leaves to Socket.IO: all unknown, none trusted.
    for (const frame of ['42["r",999,1]', '42["r",1,7]', '42["r","DROP TABLE",{}]', '42["r",12345678901234567890,1]'])
      raw.ws.send(frame);
    ok(await desk.socket.emitWithAck('command:send', command('cmd-still-served', { all: true })));
    await until(() => received.some((frame) => frame.includes('cmd-still-served')));
    expect(log.events.some((entry) => entry.event === 'worker.bad-receipt')).toBe(true);
    expect(server.stats().workers).toBe(1);
  });
});

describe('store and forward', () => {
  it('a worker offline for ten minutes gets what it missed, in order, once; what expired meanwhile stays away', async () => {
    let clock = Date.now();
    const server = await hub({ now: () => clock });
    const desk = await consoleLink(server.url);
    const phone = await worker(server.url, 1, [10, 11, 12]);
    ok(await desk.socket.emitWithAck('command:send', command('cmd-before', { all: true }, { expiresInS: HOUR })));
    await until(() => phone.received.length === 1);
    phone.socket.disconnect();

    const missed: [string, Parameters<typeof command>[1], number][] = [
      ['cmd-missed-1', { all: true }, HOUR],
      ['cmd-expires-in-5-min', { all: true }, 300],
      ['cmd-other-grid', { grids: [99] }, HOUR],
      ['cmd-missed-2', { grids: [12] }, HOUR],
      ['cmd-missed-3', { grids: [10] }, HOUR],
    ];
    for (const [id, target, expiresInS] of missed) {
      clock += 60_000;
      ok(await desk.socket.emitWithAck('command:send', command(id, target, { expiresInS })));
    }
    clock += 10 * 60_000;

    const back = await worker(server.url, 1, [10, 11, 12], { lastSeq: phone.received[0]!.s });
    await until(() => back.received.length === 3);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(back.received.map((wire) => wire.i)).toEqual(['cmd-missed-1', 'cmd-missed-2', 'cmd-missed-3']);
    const seqs = back.received.map((wire) => wire.s);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
  });
});
