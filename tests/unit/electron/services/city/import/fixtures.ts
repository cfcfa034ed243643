/** Shared setup for the import tests: fresh stores, a small hand-made city, seeds, a locator and row counts. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { CityService } from '../../../../../../electron/services/city/city-service';
import { ImportError } from '../../../../../../electron/services/city/import';
import { openStore, type Store } from '../../../../../../electron/services/store/store';
import { decodePolygonBlob, flatContains } from '../../../../../../shared/geo/polygon-blob';

export const resourcesDir = join(import.meta.dirname, '..', '..', '..', '..', '..', '..', 'resources');
export const cityOutline = new CityService(resourcesDir).getOutline();

/** A fresh store in a fresh data directory, and a folder for the files to import. */
export function freshStore(): { store: Store; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'gridline-import-'));
  return { store: openStore(join(dir, 'data')), dir };
}

export function writeFile(dir: string, name: string, content: string | object): string {
  const file = join(dir, name);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

type Position = [number, number];

/**
 * A counter-clockwise rectangle with extra vertices where neighbouring grids' corners meet its edges (xs on the
 * bottom and top edges, ys on the left and right), as a topologically clean data set has them.
 */
export function rect(west: number, south: number, east: number, north: number, xs: number[] = [], ys: number[] = []) {
  const ring: Position[] = [
    [west, south],
    ...xs.map((x): Position => [x, south]),
    [east, south],
    ...ys.map((y): Position => [east, y]),
    [east, north],
    ...[...xs].reverse().map((x): Position => [x, north]),
    [west, north],
    ...[...ys].reverse().map((y): Position => [west, y]),
    [west, south],
  ];
  return { type: 'Polygon' as const, coordinates: [ring] };
}

export interface FixtureFeature {
  type: 'Feature';
  properties: Record<string, unknown>;
  geometry: { type: string; coordinates: unknown };
}

const feature = (properties: Record<string, unknown>, geometry: FixtureFeature['geometry']): FixtureFeature => ({
  type: 'Feature',
  properties,
  geometry,
});

export const CODES = {
  county: '410102',
  l1a: '410102001',
  l1b: '410102002',
  l2a1: '410102001001',
  l2a2: '410102001002',
  l2b1: '410102002001',
  l3a1: '410102001001001',
  l3a2: '410102001002001',
  micro: '410102001001001001',
  exclusive: '410102002E01',
} as const;

/**
 * A small city around 113.6E 34.75N: one county (113.55–113.65E, 34.70–34.80N), two L1 (west and east halves),
 * three L2, two L3 (one urban, one rural), a micro grid and an exclusive station grid. Children come before their
 * parents in the file, so the import must resolve parents after reading everything.
 */
export function validGrids(): { type: 'FeatureCollection'; features: FixtureFeature[] } {
  return {
    type: 'FeatureCollection',
    features: [
      feature(
        { level: 'micro', code: CODES.micro, name: '1号楼', parentCode: CODES.l3a1, households: 60 },
        rect(113.555, 34.705, 113.56, 34.71),
      ),
      feature(
        { level: 'L3', code: CODES.l3a1, name: '绿城小区', parentCode: CODES.l2a1, type: 'urban', households: 800 },
        rect(113.55, 34.7, 113.575, 34.75),
      ),
      feature(
        { level: 'L3', code: CODES.l3a2, name: '王庄村一组', parentCode: CODES.l2a2, type: 'rural', households: 120 },
        rect(113.55, 34.75, 113.6, 34.8),
      ),
      feature(
        { level: 'L2', code: CODES.l2a1, name: '绿东社区', parentCode: CODES.l1a, households: 3000 },
        rect(113.55, 34.7, 113.6, 34.75, [113.575]),
      ),
      feature(
        { level: 'L2', code: CODES.l2a2, name: '王庄村', parentCode: CODES.l1a, type: 'rural' },
        rect(113.55, 34.75, 113.6, 34.8),
      ),
      feature(
        { level: 'L2', code: CODES.l2b1, name: '站前社区', parentCode: CODES.l1b },
        rect(113.6, 34.7, 113.65, 34.75),
      ),
      feature(
        {
          level: 'exclusive',
          code: CODES.exclusive,
          name: '郑州西站',
          parentCode: CODES.l1b,
          exclusiveKind: 'station',
        },
        rect(113.61, 34.72, 113.62, 34.73),
      ),
      feature(
        { level: 'L1', code: CODES.l1a, name: '林山寨街道', parentCode: CODES.county, households: 21000 },
        rect(113.55, 34.7, 113.6, 34.8, [113.575], [34.75]),
      ),
      feature(
        { level: 'L1', code: CODES.l1b, name: '建设路街道', parentCode: CODES.county },
        rect(113.6, 34.7, 113.65, 34.8, [], [34.75]),
      ),
      feature(
        { level: 'county', code: CODES.county, name: '中原区', nameEn: 'Zhongyuan', countyKind: 'district' },
        rect(113.55, 34.7, 113.65, 34.8, [113.575, 113.6], [34.75]),
      ),
    ],
  };
}

/** The valid city with one feature (by code) changed. */
export function gridsWith(code: string, change: (feature: FixtureFeature) => void) {
  const collection = validGrids();
  const target = collection.features.find((f) => f.properties.code === code);
  if (!target) throw new Error(`no fixture feature ${code}`);
  change(target);
  return collection;
}

/** 1-based position of a fixture feature in the file. */
export const featureNumber = (code: string): number =>
  validGrids().features.findIndex((f) => f.properties.code === code) + 1;

/** The channel and category rows the ticket files refer to (normally seeded by the city generator). */
export function seedLookups(store: Store): void {
  store.writer.exec(`
    INSERT INTO channels (id, code, name, name_en) VALUES
      (1, 'hotline_12345', '12345热线', '12345 hotline'), (4, 'grid_patrol', '网格员巡查', 'Grid worker patrol');
    INSERT INTO categories (id, code, parent_id, level, name, name_en, department_kind, deadline_hours) VALUES
      (1, 'road', NULL, 1, '道路', 'Roads', NULL, NULL),
      (2, 'road.surface', 1, 2, '路面', 'Road surface', NULL, NULL),
      (3, 'road.pothole', 2, 3, '坑洼', 'Pothole', 'city_management', 72);
  `);
}

/** A brute-force stand-in for the lead's spatial index: the deepest grid at a point (exclusive grids first). */
export function storeLocator(store: Store): (lng: number, lat: number) => number {
  const rank: Record<string, number> = { exclusive: 5, micro: 4, L3: 3, L2: 2, L1: 1 };
  const grids = (
    store.writer.prepare('SELECT id, level, geometry, min_lon, min_lat, max_lon, max_lat FROM grids').all() as {
      id: number;
      level: string;
      geometry: Buffer;
      min_lon: number;
      min_lat: number;
      max_lon: number;
      max_lat: number;
    }[]
  ).map((row) => ({ ...row, flat: decodePolygonBlob(row.geometry), rank: rank[row.level] ?? 0 }));
  return (lng, lat) => {
    let best = -1;
    let bestRank = -1;
    for (const grid of grids) {
      if (lng < grid.min_lon || lng > grid.max_lon || lat < grid.min_lat || lat > grid.max_lat) continue;
      if (grid.rank > bestRank && flatContains(grid.flat, lng, lat)) {
        best = grid.id;
        bestRank = grid.rank;
      }
    }
    return best;
  };
}

const TABLES = [
  'counties',
  'grids',
  'workers',
  'cameras',
  'sensors',
  'tickets',
  'channels',
  'categories',
  'departments',
  'city_meta',
] as const;

export function rowCounts(store: Store): Record<(typeof TABLES)[number], number> {
  return Object.fromEntries(
    TABLES.map((table) => [table, store.writer.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number]),
  ) as Record<(typeof TABLES)[number], number>;
}

export function gridId(store: Store, code: string): number {
  return store.writer.prepare('SELECT id FROM grids WHERE code = ?').pluck().get(code) as number;
}

/**
 * Awaits a refused import and checks that its error names the file, the place and the reason, in its fields and in
 * its message.
 */
export async function expectRefused(
  promise: Promise<unknown>,
  expected: { file: string; location: string | RegExp; reason: RegExp },
): Promise<ImportError> {
  const error: unknown = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(ImportError);
  const refusal = error as ImportError;
  expect(refusal.file).toBe(expected.file);
  if (typeof expected.location === 'string') expect(refusal.location).toBe(expected.location);
  else expect(refusal.location).toMatch(expected.location);
  expect(refusal.reason).toMatch(expected.reason);
  expect(refusal.message).toContain(expected.file.split(/[\\/]/).pop()!);
  expect(refusal.message).toContain(refusal.location);
  expect(refusal.message).toContain(refusal.reason);
  return refusal;
}
