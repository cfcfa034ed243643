/**
 * SIMULATOR — who the simulated workers are: their ids and grid paths, as the city's provisioning would put them in
 * their tokens. Either read from a console's data directory (the SQLite store: a worker's grid and every ancestor),
 * or a deterministic synthetic city when none is given. Also which workers are offline or flaky, by a stable hash of
 * their id, so a run is repeatable.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';

/** One simulated worker: the claims its token carries (worker id, L1 grid, grid path from L1 down). */
export interface SimWorker {
  w: number;
  l1: number;
  g: number[];
}

/** What a worker does in the run. */
export const ROLE_ONLINE = 0;
export const ROLE_OFFLINE = 1;
export const ROLE_FLAKY = 2;
export type WorkerRole = typeof ROLE_ONLINE | typeof ROLE_OFFLINE | typeof ROLE_FLAKY;

/**
 * The synthetic city: 215 L1 grids (the real count), 16 L2 under each (3,440 ≈ the real 3,530) and 6 L3 under each
 * L2 (20,640 ≈ the real 19,582); at most 221,000 workers (the real count). Ids are readable and never collide:
 * L1 `a` (1…215) is 1000 + a, its L2 `b` (1…16) is 100000 + 100·a + b, and that L2's L3 `c` (1…6) is
 * 10000000 + 10000·a + 100·b + c. Worker i (ids 1…N) sits in a pseudo-random L3 fixed by i and the seed.
 */
export const SYNTHETIC_CITY = { l1: 215, l2PerL1: 16, l3PerL2: 6, maxWorkers: 221_000 } as const;

export const syntheticGridIds = {
  l1: (a: number): number => 1000 + a,
  l2: (a: number, b: number): number => 100_000 + 100 * a + b,
  l3: (a: number, b: number, c: number): number => 10_000_000 + 10_000 * a + 100 * b + c,
};

/** The store file inside a console's data directory (electron/services/store/store.ts STORE_FILE). */
const STORE_FILE = 'gridline.sqlite';

/** A stable number in [0, 1) for an id (and a salt and seed): the same on every run and machine. */
export function hash01(id: number, salt: number, seed = 0): number {
  let h = Math.imul(id ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(salt + seed * 0x632be5ab, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 15), 0x27d4eb2d);
  h = Math.imul(h ^ (h >>> 13), 0x165667b1);
  return ((h ^ (h >>> 16)) >>> 0) / 4294967296;
}

export function syntheticWorkers(count: number, seed = 1): SimWorker[] {
  const n = Math.min(count, SYNTHETIC_CITY.maxWorkers);
  const workers: SimWorker[] = new Array<SimWorker>(n);
  for (let w = 1; w <= n; w++) {
    const a = 1 + Math.floor(hash01(w, 11, seed) * SYNTHETIC_CITY.l1);
    const b = 1 + Math.floor(hash01(w, 12, seed) * SYNTHETIC_CITY.l2PerL1);
    const c = 1 + Math.floor(hash01(w, 13, seed) * SYNTHETIC_CITY.l3PerL2);
    const l1 = syntheticGridIds.l1(a);
    workers[w - 1] = { w, l1, g: [l1, syntheticGridIds.l2(a, b), syntheticGridIds.l3(a, b, c)] };
  }
  return workers;
}

/** The most grids a token's path may hold (shared/protocol/hub-protocol.ts workerClaimsSchema). */
const MAX_PATH = 16;

/**
 * The first `count` workers (by id) of a console's store, each with their grid and its ancestors (L1 first). An
 * exclusive grid's parent is the grid it sits in, so its workers belong to that chain too.
 */
export function storeWorkers(dataDir: string, count: number): SimWorker[] {
  const file = join(dataDir, STORE_FILE);
  if (!existsSync(file)) throw new Error(`--city: no ${STORE_FILE} in ${dataDir} (generate one with npm run city)`);
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const parentOf = new Map<number, number | null>();
    for (const row of db.prepare('SELECT id, parent_id AS parent FROM grids').iterate() as Iterable<{
      id: number;
      parent: number | null;
    }>) {
      parentOf.set(row.id, row.parent);
    }
    const pathOf = new Map<number, number[]>();
    const path = (grid: number): number[] => {
      const known = pathOf.get(grid);
      if (known) return known;
      const chain: number[] = [];
      for (let at: number | null | undefined = grid; at != null; at = parentOf.get(at)) {
        if (!parentOf.has(at)) throw new Error(`--city: grid ${at} is referenced but not in the store`);
        chain.push(at);
        if (chain.length > MAX_PATH) throw new Error(`--city: grid ${grid} has more than ${MAX_PATH} ancestors`);
      }
      chain.reverse();
      pathOf.set(grid, chain);
      return chain;
    };
    const rows = db
      .prepare('SELECT id, grid_id AS grid FROM workers ORDER BY id LIMIT ?')
      .all(Math.max(0, Math.floor(count))) as { id: number; grid: number }[];
    return rows.map(({ id, grid }) => {
      const g = path(grid);
      return { w: id, l1: g[0]!, g };
    });
  } finally {
    db.close();
  }
}

/**
 * Offline and flaky workers by a stable hash of the id: a share `offline` never connects, a share `flaky` drops
 * and reconnects at random moments, the rest stay connected.
 */
export function workerRole(w: number, shares: { offline: number; flaky: number }, seed = 1): WorkerRole {
  const u = hash01(w, 1, seed);
  if (u < shares.offline) return ROLE_OFFLINE;
  if (u < shares.offline + shares.flaky) return ROLE_FLAKY;
  return ROLE_ONLINE;
}
