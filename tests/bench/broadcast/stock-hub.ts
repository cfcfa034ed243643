/**
 * The broadcast benchmark's baseline: what stock Socket.IO costs for the same job. The same server options as the
 * hub (WebSocket only, no compression, the same heartbeats), the same signed tokens and rooms, and a broadcast done
 * the textbook way — `io.timeout(…).emit('c', text, callback)`, Socket.IO's broadcast with a per-socket
 * acknowledgement, which each phone (the simulator) answers. No delivery bitsets, no command log, no receipts to
 * consoles: only the fan-out and the acks, so the comparison flatters the baseline if anything.
 *
 *   node --import tsx tests/bench/broadcast/stock-hub.ts --port N     (GRIDLINE_HUB_WORKER_SECRET in the environment)
 *
 * Takes its orders over the IPC channel from the benchmark: `{ type: 'stats' }` and `{ type: 'broadcast', text }`;
 * answers `{ type: 'stats', … }` and `{ type: 'acked', acks, timedOut, ms }`. Several run side by side, one per port:
 * each fans out to its own workers, as each hub process does with the Redis adapter.
 */
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { Server } from 'socket.io';
import { HUB_SERVER_OPTIONS } from '../../../hub/server/hub-server';
import { verifyWorkerToken } from '../../../hub/server/worker-token';
import { ROOM, workerAuthSchema } from '../../../shared/protocol/hub-protocol';

export type StockHubOrder = { type: 'stats' } | { type: 'broadcast'; text: string; timeoutMs: number };
export type StockHubAnswer =
  | { type: 'stats'; workers: number; cpuUserMs: number; cpuSystemMs: number; rssBytes: number }
  | { type: 'acked'; acks: number; timedOut: boolean; ms: number };

const { values } = parseArgs({ options: { port: { type: 'string', default: '0' } } });
const secret = process.env.GRIDLINE_HUB_WORKER_SECRET;
if (!secret || !process.send) throw new Error('stock-hub: needs GRIDLINE_HUB_WORKER_SECRET and an IPC channel');
const send = (answer: StockHubAnswer): void => void process.send!(answer);

const http = createServer((_request, response) => void response.writeHead(404).end());
const io = new Server(http, HUB_SERVER_OPTIONS);

io.use((socket, next) => {
  const auth = workerAuthSchema.safeParse(socket.handshake.auth);
  const check = auth.success
    ? verifyWorkerToken(auth.data.token, secret, Math.floor(Date.now() / 1000))
    : { ok: false as const, reason: 'malformed handshake' };
  if (!check.ok) return next(new Error(`unauthorized: ${check.reason}`));
  socket.data = check.claims;
  next();
});
io.on('connection', (socket) => {
  const claims = socket.data as { g: number[] };
  void socket.join([ROOM.city, ...claims.g.map(ROOM.grid)]);
});

process.on('message', (order: StockHubOrder) => {
  if (order.type === 'stats') {
    const cpu = process.cpuUsage();
    send({
      type: 'stats',
      workers: io.of('/').sockets.size,
      cpuUserMs: cpu.user / 1000,
      cpuSystemMs: cpu.system / 1000,
      rssBytes: process.memoryUsage.rss(),
    });
  } else if (order.type === 'broadcast') {
    const started = performance.now();
    io.timeout(order.timeoutMs).emit('c', order.text, (error: Error | null, acks: unknown[]) =>
      send({ type: 'acked', acks: acks.length, timedOut: error !== null, ms: performance.now() - started }),
    );
  }
});
process.on('disconnect', () => process.exit(0));
process.on('SIGTERM', () => void io.close(() => process.exit(0)));

http.listen(Number(values.port), '127.0.0.1', () => {
  const address = http.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  console.log(JSON.stringify({ event: 'hub.started', port, baseline: 'stock socket.io' }));
});
