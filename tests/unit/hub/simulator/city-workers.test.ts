/**
 * Who the simulated workers are (synthetic city or a console's store), who is offline or flaky, the human delay
 * before a read receipt, and where the simulator finds the hub's worker secret.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { generateCity } from '../../../../electron/services/city/generator/generate-city';
import { openStore } from '../../../../electron/services/store/store';
import {
  ROLE_FLAKY,
  ROLE_OFFLINE,
  storeWorkers,
  SYNTHETIC_CITY,
  syntheticGridIds,
  syntheticWorkers,
  workerRole,
} from '../../../../hub/simulator/city-workers';
import { humanDelay } from '../../../../hub/simulator/worker-fleet';
import { resolveWorkerSecret } from '../../../../hub/simulator/worker-secret';

describe('synthetic city', () => {
  it('puts worker i in a pseudo-random L3, the same on every run, with its L2 and L1 above', () => {
    const workers = syntheticWorkers(5000);
    expect(workers).toEqual(syntheticWorkers(5000));
    expect(workers.map(({ w }) => w)).toEqual(Array.from({ length: 5000 }, (_, i) => i + 1));
    for (const { l1, g } of workers) {
      expect(g).toHaveLength(3);
      const a = l1 - 1000;
      const b = g[1]! - 100_000 - 100 * a;
      const c = g[2]! - 10_000_000 - 10_000 * a - 100 * b;
      expect(g).toEqual([syntheticGridIds.l1(a), syntheticGridIds.l2(a, b), syntheticGridIds.l3(a, b, c)]);
      expect(a).toBeGreaterThanOrEqual(1);
      expect(a).toBeLessThanOrEqual(SYNTHETIC_CITY.l1);
      expect(b).toBeGreaterThanOrEqual(1);
      expect(b).toBeLessThanOrEqual(SYNTHETIC_CITY.l2PerL1);
      expect(c).toBeGreaterThanOrEqual(1);
      expect(c).toBeLessThanOrEqual(SYNTHETIC_CITY.l3PerL2);
    }
    expect(new Set(workers.map(({ l1 }) => l1)).size).toBe(SYNTHETIC_CITY.l1);
    expect(syntheticWorkers(10, 2)).not.toEqual(syntheticWorkers(10, 1));
  });

  it('has at most the real city’s 221,000 workers', () => {
    expect(syntheticWorkers(300_000)).toHaveLength(SYNTHETIC_CITY.maxWorkers);
  });
});

interface GridRow {
  id: number;
  level: string;
  parent: number | null;
}

describe('workers from a console store', () => {
  function store(): string {
    const dir = mkdtempSync(join(tmpdir(), 'gridline-sim-city-'));
    const db = new Database(join(dir, 'gridline.sqlite'));
    db.exec(`
      CREATE TABLE grids (id INTEGER PRIMARY KEY, level TEXT NOT NULL, parent_id INTEGER);
      CREATE TABLE workers (id INTEGER PRIMARY KEY, grid_id INTEGER NOT NULL);
      INSERT INTO grids VALUES (1, 'L1', NULL), (2, 'L2', 1), (3, 'L3', 2), (4, 'micro', 3), (5, 'exclusive', 3),
                               (6, 'L1', NULL);
      INSERT INTO workers VALUES (12, 2), (10, 4), (11, 5), (13, 6);
    `);
    db.close();
    return dir;
  }

  it('gives each worker its grid and every ancestor, L1 first, exclusive grids in the grid they sit in', () => {
    expect(storeWorkers(store(), 10)).toEqual([
      { w: 10, l1: 1, g: [1, 2, 3, 4] },
      { w: 11, l1: 1, g: [1, 2, 3, 5] },
      { w: 12, l1: 1, g: [1, 2] },
      { w: 13, l1: 6, g: [6] },
    ]);
  });

  it('reads a generated city: every path runs from an L1 down through parent and child', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gridline-sim-small-city-'));
    const city = openStore(dir);
    try {
      await generateCity(city, { scale: 'small', seed: 7 });
    } finally {
      city.close();
    }
    const db = new Database(join(dir, 'gridline.sqlite'), { readonly: true });
    const grids = new Map(
      (db.prepare('SELECT id, level, parent_id AS parent FROM grids').all() as GridRow[]).map((row) => [row.id, row]),
    );
    const gridOf = new Map(
      (db.prepare('SELECT id, grid_id AS grid FROM workers').all() as { id: number; grid: number }[]).map((row) => [
        row.id,
        row.grid,
      ]),
    );
    db.close();
    const workers = storeWorkers(dir, 1_000_000);
    // Capped at what the store has.
    expect(workers).toHaveLength(gridOf.size);
    for (const { w, l1, g } of workers) {
      expect(grids.get(l1)?.level).toBe('L1');
      expect(g[0]).toBe(l1);
      expect(g.at(-1)).toBe(gridOf.get(w));
      for (let i = 1; i < g.length; i++) expect(grids.get(g[i]!)?.parent).toBe(g[i - 1]);
    }
  });

  it('takes the first N by id, and says clearly when there is no store', () => {
    expect(storeWorkers(store(), 2).map(({ w }) => w)).toEqual([10, 11]);
    expect(() => storeWorkers(mkdtempSync(join(tmpdir(), 'gridline-sim-empty-')), 5)).toThrow(/no gridline.sqlite/);
  });
});

describe('offline and flaky workers', () => {
  it('are the configured shares, chosen by a stable hash of the id', () => {
    const shares = { offline: 0.02, flaky: 0.03 };
    const roles = Array.from({ length: 100_000 }, (_, i) => workerRole(i + 1, shares));
    const share = (role: number): number => roles.filter((each) => each === role).length / roles.length;
    expect(share(ROLE_OFFLINE)).toBeCloseTo(0.02, 2);
    expect(share(ROLE_FLAKY)).toBeCloseTo(0.03, 2);
    expect(workerRole(4242, shares)).toBe(workerRole(4242, shares));
  });
});

describe('human delay', () => {
  it('spreads around the mean, bounded to [mean / 20, 4 · mean]', () => {
    const samples = Array.from({ length: 10_000 }, (_, i) => humanDelay(3000, (i + 0.5) / 10_000));
    expect(Math.min(...samples)).toBe(150);
    expect(Math.max(...samples)).toBe(12_000);
    const mean = samples.reduce((sum, n) => sum + n, 0) / samples.length;
    expect(mean).toBeGreaterThan(2500);
    expect(mean).toBeLessThan(3100);
    expect(humanDelay(0, 0.5)).toBe(0);
  });
});

describe('worker secret', () => {
  it('comes from the environment, else from the hub’s secrets file, else a clear refusal', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gridline-sim-secrets-'));
    const file = join(dir, 'hub-secrets.json');
    writeFileSync(file, JSON.stringify({ worker: 'from-file', console: 'c' }));
    expect(resolveWorkerSecret({ env: 'from-env', secretsFile: file })).toBe('from-env');
    expect(resolveWorkerSecret({ secretsFile: file })).toBe('from-file');
    expect(() => resolveWorkerSecret({ secretsFile: join(dir, 'missing.json') })).toThrow(/does not exist/);
    writeFileSync(file, JSON.stringify({ console: 'c' }));
    expect(() => resolveWorkerSecret({ secretsFile: file })).toThrow(/no "worker" secret/);
    expect(() => resolveWorkerSecret({})).toThrow(/GRIDLINE_HUB_WORKER_SECRET.*--secrets FILE/);
  });
});
