/**
 * Grid workers' phones for end-to-end tests: socket.io-client connections to the test's hub with tokens signed for
 * the workers' real grid paths in the console's store, acknowledging receipt at once (and reading, if asked) — except
 * the silent ones, which receive and never answer (a worker who will miss the deadline).
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { io as connect, type Socket } from 'socket.io-client';
import { STORE_FILE } from '../../electron/services/store/store';
import { signWorkerToken } from '../../hub/server/worker-token';
import {
  RECEIPT_DELIVERED,
  RECEIPT_READ,
  type CommandWire,
  type WorkerCalls,
  type WorkerListens,
} from '../../shared/protocol/hub-protocol';

export interface Phones {
  ids: number[];
  received: Map<number, CommandWire[]>;
  close(): void;
}

/** `workers`: how many (the first by id), or exactly which. */
export async function connectPhones(
  hubUrl: string,
  dataDir: string,
  secret: string,
  workers: number | readonly number[],
  { read = false, silent = new Set<number>() }: { read?: boolean; silent?: ReadonlySet<number> } = {},
): Promise<Phones> {
  const db = new Database(join(dataDir, STORE_FILE), { readonly: true });
  const up = db.prepare(
    `WITH RECURSIVE up(id, parent_id) AS (
       SELECT g.id, g.parent_id FROM grids g JOIN workers w ON w.grid_id = g.id WHERE w.id = ?
       UNION ALL SELECT g.id, g.parent_id FROM grids g JOIN up ON g.id = up.parent_id
     ) SELECT id, parent_id FROM up`,
  );
  const ids =
    typeof workers === 'number'
      ? (db.prepare('SELECT id FROM workers ORDER BY id LIMIT ?').pluck().all(workers) as number[])
      : [...workers];
  const paths = ids.map((id) => up.all(id) as { id: number; parent_id: number | null }[]);
  db.close();
  const received = new Map<number, CommandWire[]>();
  const sockets = ids.map((id, i) => {
    const path = paths[i]!;
    const claims = {
      w: id,
      l1: path.find((grid) => grid.parent_id === null)!.id,
      g: path.map((grid) => grid.id),
      exp: Math.floor(Date.now() / 1000) + 3600,
    };
    const socket: Socket<WorkerListens, WorkerCalls> = connect(hubUrl, {
      transports: ['websocket'],
      auth: { token: signWorkerToken(claims, secret) },
      reconnection: false,
    });
    socket.on('c', (text) => {
      const wire = JSON.parse(text) as CommandWire;
      received.set(id, [...(received.get(id) ?? []), wire]);
      if (silent.has(id)) return;
      socket.emit('r', wire.s, RECEIPT_DELIVERED);
      if (read) socket.emit('r', wire.s, RECEIPT_READ);
    });
    return socket;
  });
  await Promise.all(
    sockets.map(
      (socket) =>
        new Promise<void>((resolve, reject) => {
          socket.once('connect', () => resolve());
          socket.once('connect_error', reject);
        }),
    ),
  );
  return { ids, received, close: () => sockets.forEach((socket) => socket.disconnect()) };
}
