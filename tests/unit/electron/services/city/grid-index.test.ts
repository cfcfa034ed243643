import { describe, expect, it } from 'vitest';
import {
  buildGridIndex,
  LOCATION_STRIDE,
  naiveLocate,
  sameLocation,
  type GridIndex,
  type GridIndexOptions,
  type GridLocation,
} from '../../../../../electron/services/city/grid-index';
import type { GridGeometry, GridLevel } from '../../../../../electron/services/city/grid-model';
import { flatBBox, flattenPolygons } from '../../../../../shared/geo/polygon-blob';
import type { BBox, LngLat } from '../../../../../shared/geo/types';
import { Random } from '../../../../../electron/services/city/generator/random';

/** The generator's seeded PRNG, as a plain function: the same points on every run and machine. */
const seededRandom = (seed: number): (() => number) => {
  const random = new Random(seed);
  return () => random.next();
};

/** [lng0, lat0, lng1, lat1, …] uniform in `bbox`. */
function randomPoints(count: number, bbox: BBox, seed: number): Float64Array {
  const random = seededRandom(seed);
  const points = new Float64Array(count * 2);
  for (let i = 0; i < count; i++) {
    points[i * 2] = bbox[0] + (bbox[2] - bbox[0]) * random();
    points[i * 2 + 1] = bbox[1] + (bbox[3] - bbox[1]) * random();
  }
  return points;
}

/** Points on vertices and edges of random grids, exactly or nudged by 1e-15° to 1e-5°: where rasters go wrong. */
function boundaryPoints(grids: readonly GridGeometry[], count: number, seed: number): Float64Array {
  const random = seededRandom(seed);
  const nudges = [0, 0, 1e-15, 1e-13, 1e-11, 1e-9, 1e-7, 1e-5];
  const points = new Float64Array(count * 2);
  for (let k = 0; k < count; k++) {
    const { coords } = grids[Math.floor(random() * grids.length)]!.polygons;
    const v = Math.floor(random() * (coords.length / 2 - 1));
    const t = random() < 0.3 ? 0 : random();
    const nudge = nudges[Math.floor(random() * nudges.length)]!;
    points[k * 2] = coords[v * 2]! + (coords[v * 2 + 2]! - coords[v * 2]!) * t + nudge * (random() * 2 - 1);
    points[k * 2 + 1] = coords[v * 2 + 1]! + (coords[v * 2 + 3]! - coords[v * 2 + 1]!) * t + nudge * (random() * 2 - 1);
  }
  return points;
}

interface Disagreement {
  lng: number;
  lat: number;
  index: GridLocation;
  naive: GridLocation;
}

/**
 * Every point where `index` and `naiveLocate` differ (at most `keep` listed, all counted). Reusable for any set of
 * grids, synthetic or generated.
 */
function compareWithNaive(
  grids: readonly GridGeometry[],
  index: GridIndex,
  points: Float64Array,
  keep = 10,
): { checked: number; count: number; first: Disagreement[] } {
  const out = new Int32Array(LOCATION_STRIDE);
  const first: Disagreement[] = [];
  let count = 0;
  for (let k = 0; k < points.length; k += 2) {
    const lng = points[k]!;
    const lat = points[k + 1]!;
    index.locateInto(lng, lat, out);
    const naive = naiveLocate(grids, lng, lat);
    if (!sameLocation(out, naive)) {
      count++;
      if (first.length < keep) first.push({ lng, lat, index: index.locate(lng, lat), naive });
    }
  }
  return { checked: points.length / 2, count, first };
}

// ---- A synthetic nested city ----------------------------------------------------------------------------------

type Ring = LngLat[];

interface SyntheticCity {
  grids: GridGeometry[];
  bbox: BBox;
  byId: Map<number, GridGeometry>;
  /** Points chosen while building, for targeted checks. */
  probes: {
    outside: LngLat[];
    ruralL3: LngLat;
    urbanL3: LngLat;
    lNotch: LngLat;
    lArm: LngLat;
    donutRing: LngLat;
    donutHole: LngLat;
    multiParts: [LngLat, LngLat];
    exclusiveCentres: LngLat[];
  };
}

const CELLS = 5;

/**
 * Six L1 tiles (0.2°) over 113.0–113.6E 34.4–34.8N with one tile left out, so the city is not a rectangle; each L1
 * split into 2×2 L2 rectangles; each L2 into a jittered 5×5 lattice of L3 cells (shared edges), with an L-shaped
 * (concave) L3, a donut L3 with an island L3 in its hole, and a two-part L3. In the three urban L1s alternate quad L3s
 * get four micro grids each; the two rural L1s have none. Exclusive octagons are scattered over everything.
 */
function syntheticCity(seed: number): SyntheticCity {
  const random = seededRandom(seed);
  const grids: GridGeometry[] = [];
  let nextId = 1;
  const add = (level: GridLevel, parentId: number | null, polygons: Ring[][]): GridGeometry => {
    const flat = flattenPolygons(polygons);
    const grid: GridGeometry = { id: nextId++, level, parentId, polygons: flat, bbox: flatBBox(flat) };
    grids.push(grid);
    return grid;
  };
  const close = (points: LngLat[]): Ring => [...points, points[0]!];
  const rect = (w: number, s: number, e: number, n: number): Ring =>
    close([
      [w, s],
      [e, s],
      [e, n],
      [w, n],
    ]);

  const tile = 0.2;
  const missing = 5;
  const probes: Partial<SyntheticCity['probes']> = { exclusiveCentres: [] };
  for (let t = 0; t < 6; t++) {
    if (t === missing) continue;
    const w1 = 113.0 + (t % 3) * tile;
    const s1 = 34.4 + Math.floor(t / 3) * tile;
    const urban = t < 3;
    const l1 = add('L1', null, [[rect(w1, s1, w1 + tile, s1 + tile)]]);
    for (let q = 0; q < 4; q++) {
      const size = tile / 2;
      const w2 = w1 + (q % 2) * size;
      const s2 = s1 + Math.floor(q / 2) * size;
      const l2 = add('L2', l1.id, [[rect(w2, s2, w2 + size, s2 + size)]]);
      const step = size / CELLS;
      // Lattice points P[i][j], jittered by up to a fifth of a step so every quad stays convex; border points slide
      // only along their side, so the L3 cells tile the L2 rectangle exactly.
      const lattice: LngLat[][] = [];
      for (let i = 0; i <= CELLS; i++) {
        lattice.push([]);
        for (let j = 0; j <= CELLS; j++) {
          const jx = i > 0 && i < CELLS ? (random() - 0.5) * 0.4 * step : 0;
          const jy = j > 0 && j < CELLS ? (random() - 0.5) * 0.4 * step : 0;
          lattice[i]!.push([w2 + i * step + jx, s2 + j * step + jy]);
        }
      }
      const P = (i: number, j: number): LngLat => lattice[i]![j]!;
      const quad = (i: number, j: number): Ring => close([P(i, j), P(i + 1, j), P(i + 1, j + 1), P(i, j + 1)]);
      const used = new Set<string>();
      const take = (...cells: [number, number][]): void => cells.forEach(([i, j]) => used.add(`${i},${j}`));

      // Concave L: cells (0,0), (1,0), (0,1); the notch is cell (1,1).
      add('L3', l2.id, [[close([P(0, 0), P(1, 0), P(2, 0), P(2, 1), P(1, 1), P(1, 2), P(0, 2), P(0, 1)])]]);
      take([0, 0], [1, 0], [0, 1]);
      // Donut over cells (2..4, 2..4) with cell (3,3) as its hole, and that cell as an island L3 of its own.
      const outer = close([
        P(2, 2),
        P(3, 2),
        P(4, 2),
        P(5, 2),
        P(5, 3),
        P(5, 4),
        P(5, 5),
        P(4, 5),
        P(3, 5),
        P(2, 5),
        P(2, 4),
        P(2, 3),
      ]);
      add('L3', l2.id, [[outer, quad(3, 3)]]);
      add('L3', l2.id, [[quad(3, 3)]]);
      for (let i = 2; i <= 4; i++) for (let j = 2; j <= 4; j++) take([i, j]);
      // Two parts: cells (3,0) and (1,2).
      add('L3', l2.id, [[quad(3, 0)], [quad(1, 2)]]);
      take([3, 0], [1, 2]);
      for (let i = 0; i < CELLS; i++) {
        for (let j = 0; j < CELLS; j++) {
          if (used.has(`${i},${j}`)) continue;
          const l3 = add('L3', l2.id, [[quad(i, j)]]);
          if (!urban || (i + j) % 2 === 1) continue;
          // Four micro grids from the edge midpoints and the vertex mean: they tile the quad.
          const [a, b, c, d] = [P(i, j), P(i + 1, j), P(i + 1, j + 1), P(i, j + 1)];
          const mid = (u: LngLat, v: LngLat): LngLat => [(u[0] + v[0]) / 2, (u[1] + v[1]) / 2];
          const centre: LngLat = [(a[0] + b[0] + c[0] + d[0]) / 4, (a[1] + b[1] + c[1] + d[1]) / 4];
          const [ab, bc, cd, da] = [mid(a, b), mid(b, c), mid(c, d), mid(d, a)];
          for (const part of [
            [a, ab, centre, da],
            [ab, b, bc, centre],
            [centre, bc, c, cd],
            [da, centre, cd, d],
          ]) {
            add('micro', l3.id, [[close(part)]]);
          }
        }
      }
      if (t === 0 && q === 0) {
        const centreOf = (i: number, j: number): LngLat => {
          const ring = quad(i, j);
          return [(ring[0]![0] + ring[2]![0]) / 2, (ring[0]![1] + ring[2]![1]) / 2];
        };
        probes.lNotch = centreOf(1, 1);
        probes.lArm = centreOf(0, 1);
        probes.donutRing = centreOf(2, 4);
        probes.donutHole = centreOf(3, 3);
        probes.multiParts = [centreOf(3, 0), centreOf(1, 2)];
        probes.urbanL3 = centreOf(2, 0);
      }
      if (t === 3 && q === 0) probes.ruralL3 = [w2 + 2.5 * step, s2 + 4.5 * step];
    }
  }

  // Exclusive octagons that never overlap, wherever they land (across L2/L3 edges, over the rim of the city).
  const cityBBox: BBox = [113.0, 34.4, 113.6, 34.8];
  const placed: [number, number, number][] = [];
  const l1s = grids.filter((g) => g.level === 'L1');
  while (placed.length < 40) {
    const x = cityBBox[0] + (cityBBox[2] - cityBBox[0]) * random();
    const y = cityBBox[1] + (cityBBox[3] - cityBBox[1]) * random();
    const r = 0.002 + 0.01 * random();
    if (placed.some(([px, py, pr]) => Math.hypot(px - x, py - y) < (pr + r) * 1.1)) continue;
    const parent = naiveLocate(l1s, x, y).l1;
    if (parent === -1) continue;
    placed.push([x, y, r]);
    const ring: LngLat[] = [];
    for (let k = 0; k < 8; k++) ring.push([x + r * Math.cos((k * Math.PI) / 4), y + r * Math.sin((k * Math.PI) / 4)]);
    add('exclusive', parent, [[close(ring)]]);
    probes.exclusiveCentres!.push([x, y]);
  }

  probes.outside = [
    [100, 10],
    [113.5, 34.7], // the missing tile
    [112.99, 34.5],
    [113.3, 34.81],
  ];

  // Shuffled, so nothing relies on grids arriving level by level.
  for (let i = grids.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [grids[i], grids[j]] = [grids[j]!, grids[i]!];
  }
  return {
    grids,
    bbox: [112.95, 34.35, 113.65, 34.85],
    byId: new Map(grids.map((g) => [g.id, g])),
    probes: probes as SyntheticCity['probes'],
  };
}

describe('grid index', () => {
  const city = syntheticCity(7);
  const index = buildGridIndex(city.grids);
  const parentOf = (id: number): number | null | undefined => city.byId.get(id)?.parentId;

  it('builds a city with every level and shape the index must handle', () => {
    const levels = new Map<string, number>();
    for (const g of city.grids) levels.set(g.level, (levels.get(g.level) ?? 0) + 1);
    expect(Object.fromEntries(levels)).toEqual({ L1: 5, L2: 20, L3: 20 * 15, micro: 3 * 4 * 7 * 4, exclusive: 40 });
    expect(index.stats().map((s) => s.grids)).toEqual([5, 20, 300, 336, 40]);
  });

  it('agrees with the naive scan on 100,000 random points', () => {
    const result = compareWithNaive(city.grids, index, randomPoints(100_000, city.bbox, 1));
    expect(result.first).toEqual([]);
    expect(result.count).toBe(0);
  });

  it('agrees with the naive scan on and next to edges and vertices', () => {
    const result = compareWithNaive(city.grids, index, boundaryPoints(city.grids, 20_000, 2));
    expect(result.first).toEqual([]);
  });

  it('agrees however coarse or fine the rasters are', () => {
    const options: GridIndexOptions[] = [
      { cellDegrees: { L1: 0.3, L2: 0.05, L3: 0.04, micro: 0.03, exclusive: 0.5 } },
      { cellDegrees: { L3: 0.0004, micro: 0.0002 } },
      { maxCellsPerLevel: 16 },
    ];
    for (const option of options) {
      const other = buildGridIndex(city.grids, option);
      const result = compareWithNaive(city.grids, other, randomPoints(10_000, city.bbox, 3));
      expect(result.first).toEqual([]);
    }
  });

  it('nests what it finds: micro in its L3, L3 in its L2, L2 in its L1', () => {
    const points = randomPoints(20_000, city.bbox, 4);
    let located = 0;
    for (let k = 0; k < points.length; k += 2) {
      const found = index.locate(points[k]!, points[k + 1]!);
      if (found.l3 === -1) continue;
      located++;
      expect(parentOf(found.l3)).toBe(found.l2);
      expect(parentOf(found.l2)).toBe(found.l1);
      if (found.micro !== -1) expect(parentOf(found.micro)).toBe(found.l3);
    }
    expect(located).toBeGreaterThan(10_000);
  });

  it('finds nothing outside the city', () => {
    const none: GridLocation = { l1: -1, l2: -1, l3: -1, micro: -1, exclusive: -1 };
    for (const [lng, lat] of city.probes.outside) expect(index.locate(lng, lat)).toEqual(none);
    expect(index.locate(Number.NaN, 34.5)).toEqual(none);
    expect(index.locate(113.1, Number.POSITIVE_INFINITY)).toEqual(none);
  });

  it('finds the exclusive grid over a point, beside the hierarchy it overlays', () => {
    for (const [lng, lat] of city.probes.exclusiveCentres) {
      const found = index.locate(lng, lat);
      expect(found.exclusive).not.toBe(-1);
      expect(parentOf(found.exclusive)).toBe(found.l1);
      expect(found.l3).not.toBe(-1);
    }
  });

  it('gives no micro grid in a rural L3, and one in an urban L3 that has them', () => {
    const rural = index.locate(...city.probes.ruralL3);
    expect(rural.l3).not.toBe(-1);
    expect(rural.micro).toBe(-1);
    const urban = index.locate(...city.probes.urbanL3);
    expect(urban.micro).not.toBe(-1);
    expect(parentOf(urban.micro)).toBe(urban.l3);
  });

  it('handles concave, holed and multi-part grids', () => {
    const { lNotch, lArm, donutRing, donutHole, multiParts } = city.probes;
    expect(index.locate(...lNotch).l3).not.toBe(index.locate(...lArm).l3);
    const ring = index.locate(...donutRing).l3;
    const hole = index.locate(...donutHole).l3;
    expect(ring).not.toBe(-1);
    expect(hole).not.toBe(-1);
    expect(hole).not.toBe(ring);
    expect(city.byId.get(ring)!.polygons.ringStarts.length - 1).toBe(2);
    const [partA, partB] = multiParts.map((p) => index.locate(...p).l3);
    expect(partA).toBe(partB);
    expect(city.byId.get(partA!)!.polygons.polygonStarts.length - 1).toBe(2);
  });

  it('writes records at an offset and answers one level at a time', () => {
    const out = new Int32Array(LOCATION_STRIDE * 2).fill(7);
    const [lng, lat] = city.probes.urbanL3;
    index.locateInto(lng, lat, out, LOCATION_STRIDE);
    const found = index.locate(lng, lat);
    expect([...out]).toEqual([7, 7, 7, 7, 7, found.l1, found.l2, found.l3, found.micro, found.exclusive]);
    expect(index.locateLevel('L3', lng, lat)).toBe(found.l3);
  });

  it('indexes an empty set of grids', () => {
    expect(buildGridIndex([]).locate(113.5, 34.5)).toEqual({ l1: -1, l2: -1, l3: -1, micro: -1, exclusive: -1 });
  });
});
