/**
 * The default city's invariants, at small scale: exact counts, children inside their parents, siblings that tile
 * their parent without overlap, the L1 union covering the outline, determinism, closed-loop figures near
 * Zhengzhou's, and the spatial index agreeing with a naive scan on 100,000 random points.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CityService } from '../../../../../../electron/services/city/city-service';
import { cityStats } from '../../../../../../electron/services/city/city-stats';
import {
  cityState,
  CityExistsError,
  generateCity,
} from '../../../../../../electron/services/city/generator/generate-city';
import { Random } from '../../../../../../electron/services/city/generator/random';
import { CITY_COUNTS } from '../../../../../../electron/services/city/generator/scale';
import { buildGridIndex, loadGridGeometries, naiveLocate } from '../../../../../../electron/services/city/grid-index';
import type { GridGeometry } from '../../../../../../electron/services/city/grid-model';
import { openStore, type Store } from '../../../../../../electron/services/store/store';
import { multiPolygonAreaKm2 } from '../../../../../../shared/geo/area';
import { flatContains, unflattenPolygons, type FlatPolygons } from '../../../../../../shared/geo/polygon-blob';

const resourcesDir = join(import.meta.dirname, '..', '..', '..', '..', '..', '..', 'resources');
const outline = new CityService(resourcesDir).getOutline();

async function generated(seed = 7): Promise<Store> {
  const store = openStore(mkdtempSync(join(tmpdir(), 'gridline-city-')));
  await generateCity(store, { scale: 'small', seed, resourcesDir });
  return store;
}

/** Distance in degrees from a point to the nearest edge of a polygon set. */
function distanceToEdges(flat: FlatPolygons, x: number, y: number): number {
  let best = Infinity;
  const { coords, ringStarts } = flat;
  for (let r = 0; r + 1 < ringStarts.length; r++) {
    for (let i = ringStarts[r]!; i < ringStarts[r + 1]! - 1; i++) {
      const ax = coords[i * 2]!;
      const ay = coords[i * 2 + 1]!;
      const dx = coords[i * 2 + 2]! - ax;
      const dy = coords[i * 2 + 3]! - ay;
      const t = Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy || 1)));
      best = Math.min(best, Math.hypot(x - ax - t * dx, y - ay - t * dy));
    }
  }
  return best;
}

describe('the generated default city (small scale)', () => {
  let store: Store;
  let grids: GridGeometry[];
  let byId: Map<number, GridGeometry>;

  beforeAll(async () => {
    store = await generated();
    grids = loadGridGeometries(store.reader());
    byId = new Map(grids.map((grid) => [grid.id, grid]));
  });

  it('has exactly the configured counts, and closed-loop figures near the published ones', () => {
    const stats = cityStats(store);
    const counts = CITY_COUNTS.small;
    expect(stats).toMatchObject({
      l1: counts.l1,
      l2: counts.l2,
      l3: counts.l3,
      micro: counts.micro,
      exclusive: counts.exclusive,
      workers: counts.workers,
      cameras: counts.cameras,
      sensors: counts.sensors,
      tickets: counts.tickets,
    });
    expect(stats.closureRate).toBeGreaterThan(0.955);
    expect(stats.closureRate).toBeLessThan(0.975);
    expect(stats.satisfaction).toBeGreaterThan(0.955);
    expect(stats.satisfaction).toBeLessThan(0.973);
    expect(stats.meanHandlingDays).toBeGreaterThan(3.8);
    expect(stats.meanHandlingDays).toBeLessThan(4.4);
    expect(cityState(store)).toBe('complete');
  });

  it('gives every L3, micro and exclusive grid its own grid worker, placed inside it', () => {
    const unstaffed = store
      .reader()
      .prepare(
        `SELECT g.level, COUNT(*) AS n FROM grids g
         WHERE g.level IN ('L3', 'micro', 'exclusive')
           AND NOT EXISTS (SELECT 1 FROM workers w WHERE w.grid_id = g.id AND w.role = 'grid_worker')
         GROUP BY g.level`,
      )
      .all();
    expect(unstaffed).toEqual([]);
    const exclusiveWorkers = store
      .reader()
      .prepare(
        `SELECT w.lon, w.lat, w.grid_id AS grid FROM workers w JOIN grids g ON g.id = w.grid_id
         WHERE g.level = 'exclusive'`,
      )
      .all() as { lon: number; lat: number; grid: number }[];
    expect(exclusiveWorkers.length).toBe(CITY_COUNTS.small.exclusive);
    for (const worker of exclusiveWorkers) {
      expect(flatContains(byId.get(worker.grid)!.polygons, worker.lon, worker.lat)).toBe(true);
    }
  });

  it('covers the outline with its L1 grids (area within 0.5%)', () => {
    const l1Area = grids
      .filter((grid) => grid.level === 'L1')
      .reduce((sum, grid) => sum + multiPolygonAreaKm2(unflattenPolygons(grid.polygons)), 0);
    expect(Math.abs(l1Area - outline.areaKm2) / outline.areaKm2).toBeLessThan(0.005);
  });

  it('puts every child inside its parent', () => {
    for (const grid of grids) {
      if (grid.parentId === null) continue;
      const parent = byId.get(grid.parentId)!;
      const { coords } = grid.polygons;
      for (let i = 0; i < coords.length; i += 2) {
        const x = coords[i]!;
        const y = coords[i + 1]!;
        // Shared edges put child vertices on the parent's boundary: on it (within 1e-9°, ~0.1 mm) counts as inside.
        const inside = flatContains(parent.polygons, x, y) || distanceToEdges(parent.polygons, x, y) < 1e-9;
        expect(inside, `${grid.level} ${grid.id} vertex outside ${parent.level} ${parent.id}`).toBe(true);
      }
    }
  });

  it('tiles each parent with its children: siblings do not overlap and leave no gap', () => {
    // Planar (degree²) shoelace area: exactly additive even where one sibling has an extra vertex on a shared edge.
    const area = (grid: GridGeometry): number => {
      const { coords, ringStarts, polygonStarts } = grid.polygons;
      let total = 0;
      for (let p = 0; p + 1 < polygonStarts.length; p++) {
        for (let r = polygonStarts[p]!; r < polygonStarts[p + 1]!; r++) {
          let ring = 0;
          for (let i = ringStarts[r]!; i < ringStarts[r + 1]! - 1; i++) {
            ring += coords[i * 2]! * coords[i * 2 + 3]! - coords[i * 2 + 2]! * coords[i * 2 + 1]!;
          }
          total += (r === polygonStarts[p] ? 1 : -1) * Math.abs(ring / 2);
        }
      }
      return total;
    };
    const childArea = new Map<number, number>();
    for (const grid of grids) {
      if (grid.parentId === null || grid.level === 'exclusive') continue;
      childArea.set(grid.parentId, (childArea.get(grid.parentId) ?? 0) + area(grid));
    }
    for (const [parentId, sum] of childArea) {
      const parent = byId.get(parentId)!;
      // 1e-7 of a grid is under a square metre: rounding in the intersections, not an overlap or a gap.
      expect(Math.abs(sum - area(parent)) / area(parent), `${parent.level} ${parent.id}`).toBeLessThan(1e-7);
    }
    // And at random points: exactly one grid of each hierarchy level, at most one exclusive grid.
    const random = new Random(3);
    const [west, south, east, north] = outline.bbox;
    for (let n = 0; n < 3000; n++) {
      const x = random.range(west, east);
      const y = random.range(south, north);
      const containing = grids.filter((grid) => flatContains(grid.polygons, x, y));
      const count = (level: string): number => containing.filter((grid) => grid.level === level).length;
      const inCity = count('L1') > 0;
      for (const level of ['L1', 'L2', 'L3']) expect(count(level)).toBe(inCity ? 1 : 0);
      expect(count('micro')).toBeLessThanOrEqual(1);
      expect(count('exclusive')).toBeLessThanOrEqual(1);
    }
  });

  it('keeps micro-grids to urban L3 grids, with 50 to 70 households each', () => {
    const rows = store
      .reader()
      .prepare(
        `SELECT m.households AS households, p.type AS parentType FROM grids m JOIN grids p ON p.id = m.parent_id
         WHERE m.level = 'micro'`,
      )
      .all() as { households: number; parentType: string }[];
    expect(rows).toHaveLength(CITY_COUNTS.small.micro);
    for (const row of rows) {
      expect(row.parentType).toBe('urban');
      expect(row.households).toBeGreaterThanOrEqual(50);
      expect(row.households).toBeLessThanOrEqual(70);
    }
    const urbanL3 = store
      .reader()
      .prepare("SELECT COUNT(*) AS n FROM grids WHERE level = 'L3' AND type = 'urban'")
      .get() as {
      n: number;
    };
    expect(urbanL3.n).toBe(CITY_COUNTS.small.urbanL3);
  });

  it('is deterministic: the same seed gives the same city', async () => {
    const again = await generated();
    const fingerprint = (s: Store): unknown =>
      s
        .reader()
        .prepare('SELECT code, name, area_km2, hex(geometry) AS g FROM grids ORDER BY id LIMIT 50 OFFSET 500')
        .all();
    expect(fingerprint(again)).toEqual(fingerprint(store));
    again.close();
  });

  it('refuses to generate over a complete city', async () => {
    await expect(generateCity(store, { scale: 'small', resourcesDir })).rejects.toThrow(CityExistsError);
  });

  it('locates 100,000 random points exactly as a naive scan does', () => {
    const index = buildGridIndex(grids);
    const random = new Random(11);
    const [west, south, east, north] = outline.bbox;
    let disagreements = 0;
    for (let n = 0; n < 100_000; n++) {
      const x = random.range(west - 0.05, east + 0.05);
      const y = random.range(south - 0.05, north + 0.05);
      const fast = index.locate(x, y);
      const slow = naiveLocate(grids, x, y);
      if (JSON.stringify(fast) !== JSON.stringify(slow)) disagreements++;
    }
    expect(disagreements).toBe(0);
  });
});
