import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../../../../../../electron/host/logger';
import { importCityFile, type ImportProgress } from '../../../../../../electron/services/city/import';
import type { Store } from '../../../../../../electron/services/store/store';
import { decodePolygonBlob, unflattenPolygons } from '../../../../../../shared/geo/polygon-blob';
import {
  CODES,
  cityOutline,
  expectRefused,
  featureNumber,
  freshStore,
  gridsWith,
  rect,
  rowCounts,
  seedLookups,
  validGrids,
  writeFile,
} from './fixtures';

const stores: Store[] = [];
afterEach(() => {
  while (stores.length > 0) stores.pop()!.close();
});

function setup() {
  const { store, dir } = freshStore();
  stores.push(store);
  return { store, dir };
}

const importGrids = (store: Store, file: string, crs: 'WGS-84' | 'GCJ-02' | 'CGCS2000' = 'WGS-84') =>
  importCityFile(store, file, { kind: 'grids', crs, cityOutline });

interface GridRow {
  id: number;
  code: string;
  level: string;
  parent_id: number | null;
  county_id: number;
  type: string;
  exclusive_kind: string | null;
  households: number;
  geometry: Buffer;
  min_lon: number;
  min_lat: number;
  max_lon: number;
  max_lat: number;
  centroid_lon: number;
  centroid_lat: number;
  area_km2: number;
}

function gridsByCode(store: Store): Map<string, GridRow> {
  const rows = store.writer.prepare('SELECT * FROM grids').all() as GridRow[];
  return new Map(rows.map((row) => [row.code, row]));
}

/** Planar area of a lon/lat rectangle at its mid-latitude: an independent estimate of the ellipsoidal area. */
function rectAreaKm2(west: number, south: number, east: number, north: number): number {
  const midLat = ((south + north) / 2) * (Math.PI / 180);
  const kmPerDegLat = 111.132954 - 0.559822 * Math.cos(2 * midLat);
  const kmPerDegLon = 111.412843 * Math.cos(midLat) - 0.0935 * Math.cos(3 * midLat);
  return (east - west) * kmPerDegLon * (north - south) * kmPerDegLat;
}

/** Builds a baseline store: the valid city, ticket lookups and one ticket, so a refusal has something to keep. */
async function baseline() {
  const { store, dir } = setup();
  await importGrids(store, writeFile(dir, 'base.geojson', validGrids()));
  seedLookups(store);
  const grid = store.writer.prepare('SELECT id FROM grids WHERE code = ?').pluck().get(CODES.micro) as number;
  const l1 = store.writer.prepare('SELECT id FROM grids WHERE code = ?').pluck().get(CODES.l1a) as number;
  store.writer
    .prepare(
      'INSERT INTO tickets (channel_id, category_id, grid_id, l1_id, lon, lat, status, reported_at) ' +
        'VALUES (1, 3, ?, ?, 113.557, 34.707, 0, 1714523400)',
    )
    .run(grid, l1);
  const log = createMemoryLogger();
  return { store, dir, before: rowCounts(store), log };
}

describe('grids import: a valid file', () => {
  it('imports the hierarchy with county ids, parents, bboxes, centroids and areas', async () => {
    const { store, dir } = setup();
    const progress: ImportProgress[] = [];
    const log = createMemoryLogger();
    const file = writeFile(dir, 'grids.geojson', validGrids());
    const summary = await importCityFile(store, file, {
      kind: 'grids',
      crs: 'WGS-84',
      cityOutline,
      onProgress: (p) => progress.push(p),
      log,
    });
    expect(summary).toMatchObject({ kind: 'grids', file, rows: 10, inserted: 10, replaced: false });
    expect(summary.seconds).toBeGreaterThan(0);

    const counts = rowCounts(store);
    expect(counts.counties).toBe(1);
    expect(counts.grids).toBe(9);
    const levels = store.writer.prepare('SELECT level, count(*) AS n FROM grids GROUP BY level ORDER BY level').all();
    expect(levels).toEqual([
      { level: 'L1', n: 2 },
      { level: 'L2', n: 3 },
      { level: 'L3', n: 2 },
      { level: 'exclusive', n: 1 },
      { level: 'micro', n: 1 },
    ]);

    const county = store.writer.prepare('SELECT * FROM counties').get() as Record<string, number | string>;
    expect(county).toMatchObject({ code: CODES.county, name: '中原区', name_en: 'Zhongyuan', kind: 'district' });
    expect(county.seat_lon).toBeCloseTo(113.6, 7);
    expect(county.seat_lat).toBeCloseTo(34.75, 7);
    expect(county.area_km2).toBeCloseTo(rectAreaKm2(113.55, 34.7, 113.65, 34.8), 0);

    const grids = gridsByCode(store);
    for (const grid of grids.values()) expect(grid.county_id).toBe(county.id);
    const id = (code: string) => grids.get(code)!.id;
    expect(grids.get(CODES.l1a)!.parent_id).toBeNull();
    expect(grids.get(CODES.l2a1)!.parent_id).toBe(id(CODES.l1a));
    expect(grids.get(CODES.l3a1)!.parent_id).toBe(id(CODES.l2a1));
    expect(grids.get(CODES.micro)!.parent_id).toBe(id(CODES.l3a1));
    expect(grids.get(CODES.exclusive)).toMatchObject({
      parent_id: id(CODES.l1b),
      type: 'exclusive',
      exclusive_kind: 'station',
    });
    expect(grids.get(CODES.l3a2)!.type).toBe('rural');
    expect(grids.get(CODES.l2b1)!.type).toBe('urban');
    expect(grids.get(CODES.micro)!.households).toBe(60);

    const l1a = grids.get(CODES.l1a)!;
    expect([l1a.min_lon, l1a.min_lat, l1a.max_lon, l1a.max_lat]).toEqual([113.55, 34.7, 113.6, 34.8]);
    expect(l1a.centroid_lon).toBeCloseTo(113.575, 7);
    expect(l1a.centroid_lat).toBeCloseTo(34.75, 7);
    const boxes: [string, [number, number, number, number]][] = [
      [CODES.l1a, [113.55, 34.7, 113.6, 34.8]],
      [CODES.micro, [113.555, 34.705, 113.56, 34.71]],
      [CODES.exclusive, [113.61, 34.72, 113.62, 34.73]],
    ];
    for (const [code, box] of boxes) {
      const expected = rectAreaKm2(...box);
      expect(Math.abs(grids.get(code)!.area_km2 - expected) / expected).toBeLessThan(0.002);
    }
    // ~50.8 km² for a 0.05° × 0.1° cell at 34.75N (4.58 km × 11.09 km).
    expect(l1a.area_km2).toBeGreaterThan(50.5);
    expect(l1a.area_km2).toBeLessThan(51.1);

    const geometry = unflattenPolygons(decodePolygonBlob(grids.get(CODES.micro)!.geometry));
    expect(geometry).toEqual(rect(113.555, 34.705, 113.56, 34.71).coordinates.map((ring) => [ring]));

    expect(progress.at(-1)).toEqual({ phase: 'writing', done: 10, total: 10 });
    expect(log.entries.map((entry) => entry.event)).toEqual(['city.import-started', 'city.import-done']);
    expect(store.writer.prepare("SELECT value FROM city_meta WHERE key = 'source'").pluck().get()).toBe('import');
  });

  it('converts a GCJ-02 declaration to WGS-84: ~556 m west and ~125 m north', async () => {
    const { store: wgs, dir } = setup();
    const { store: gcj } = setup();
    const file = writeFile(dir, 'grids.geojson', validGrids());
    await importGrids(wgs, file, 'WGS-84');
    await importGrids(gcj, file, 'GCJ-02');
    const a = gridsByCode(wgs);
    const b = gridsByCode(gcj);
    expect(b.size).toBe(a.size);
    for (const code of [CODES.l1a, CODES.micro, CODES.exclusive]) {
      const from = a.get(code)!;
      const to = b.get(code)!;
      const metresEast =
        (to.centroid_lon - from.centroid_lon) * 111_320 * Math.cos((from.centroid_lat * Math.PI) / 180);
      const metresNorth = (to.centroid_lat - from.centroid_lat) * 110_950;
      expect(metresEast).toBeGreaterThan(-556 - 25);
      expect(metresEast).toBeLessThan(-556 + 25);
      expect(metresNorth).toBeGreaterThan(125 - 25);
      expect(metresNorth).toBeLessThan(125 + 25);
      expect(to.min_lon).toBeLessThan(from.min_lon);
    }
  });

  it('keeps GCJ-02 children inside coarse parents: long source edges are split before converting', async () => {
    // Without the T-junction vertices, a child's corner lies mid-edge on its parent's 5–10 km edges; GCJ-02 bends
    // such an edge by metres, so converting only the parent's corners would leave the child's corner outside it.
    const { store, dir } = setup();
    const collection = validGrids();
    const coarse: Record<string, ReturnType<typeof rect>> = {
      [CODES.county]: rect(113.55, 34.7, 113.65, 34.8),
      [CODES.l1a]: rect(113.55, 34.7, 113.6, 34.8),
      [CODES.l1b]: rect(113.6, 34.7, 113.65, 34.8),
      [CODES.l2a1]: rect(113.55, 34.7, 113.6, 34.75),
    };
    for (const f of collection.features) f.geometry = coarse[f.properties.code as string] ?? f.geometry;
    await importGrids(store, writeFile(dir, 'coarse.geojson', collection), 'GCJ-02');
    expect(rowCounts(store).grids).toBe(9);
    const county = store.writer.prepare('SELECT geometry FROM counties').pluck().get() as Buffer;
    // 0.1° × 0.1° split into ≤ 200 m edges: dozens of vertices a side instead of one.
    expect(decodePolygonBlob(county).coords.length / 2).toBeGreaterThan(150);
  });

  it('stores CGCS2000 coordinates unchanged', async () => {
    const { store, dir } = setup();
    await importGrids(store, writeFile(dir, 'grids.geojson', validGrids()), 'CGCS2000');
    const l1a = gridsByCode(store).get(CODES.l1a)!;
    expect([l1a.min_lon, l1a.min_lat, l1a.max_lon, l1a.max_lat]).toEqual([113.55, 34.7, 113.6, 34.8]);
  });

  it('replaces the whole city, deleting its tickets, and keeps departments by county code', async () => {
    const { store, dir } = await baseline();
    store.writer
      .prepare(
        "INSERT INTO departments (code, name, name_en, kind, county_id) VALUES ('d1', '城管局', 'CM', 'city_management', ?)",
      )
      .run(store.writer.prepare('SELECT id FROM counties').pluck().get());
    const summary = await importGrids(store, writeFile(dir, 'again.geojson', validGrids()));
    expect(summary.replaced).toBe(true);
    const counts = rowCounts(store);
    expect(counts).toMatchObject({ counties: 1, grids: 9, tickets: 0, departments: 1 });
    const countyId = store.writer.prepare('SELECT id FROM counties').pluck().get();
    expect(store.writer.prepare('SELECT county_id FROM departments').pluck().get()).toBe(countyId);
  });

  it('accepts integer codes and a MultiPolygon', async () => {
    const { store, dir } = setup();
    const collection = gridsWith(CODES.exclusive, (f) => {
      f.geometry = {
        type: 'MultiPolygon',
        coordinates: [rect(113.61, 34.72, 113.62, 34.73).coordinates, rect(113.63, 34.72, 113.64, 34.73).coordinates],
      };
    });
    const county = collection.features.find((f) => f.properties.level === 'county')!;
    county.properties.code = 410102;
    await importGrids(store, writeFile(dir, 'grids.geojson', collection));
    const exclusive = gridsByCode(store).get(CODES.exclusive)!;
    expect(exclusive.max_lon).toBe(113.64);
    expect(store.writer.prepare('SELECT code FROM counties').pluck().get()).toBe('410102');
  });
});

describe('grids import: refused files leave the store unchanged', () => {
  async function refuse(
    content: string | object,
    expected: { location: string | RegExp; reason: RegExp },
    crs: 'WGS-84' | 'GCJ-02' = 'WGS-84',
  ) {
    const { store, dir, before, log } = await baseline();
    const file = writeFile(dir, 'grids.geojson', content);
    const error = await expectRefused(importCityFile(store, file, { kind: 'grids', crs, cityOutline, log }), {
      file,
      ...expected,
    });
    expect(rowCounts(store)).toEqual(before);
    expect(store.writer.prepare('SELECT count(*) FROM grids WHERE code = ?').pluck().get(CODES.micro)).toBe(1);
    expect(log.entries.at(-1)).toMatchObject({
      level: 'error',
      event: 'city.import-refused',
      fields: { location: error.location, reason: error.reason },
    });
    return error;
  }

  const at = (code: string) => `feature ${featureNumber(code)} (code ${code})`;

  it('refuses malformed JSON', async () => {
    const text = JSON.stringify(validGrids(), null, 1).replace('"micro"', '"micro",,');
    const error = await refuse(text, { location: /^line \d+, column \d+$/, reason: /malformed JSON/ });
    expect(error.message).toMatch(/^grids\.geojson, line \d+, column \d+: malformed JSON/);
  });

  it('refuses a document that is not a FeatureCollection', async () => {
    await refuse({ type: 'Feature' }, { location: 'file', reason: /not a GeoJSON FeatureCollection/ });
  });

  it('refuses an empty FeatureCollection (it would wipe the city)', async () => {
    await refuse({ type: 'FeatureCollection', features: [] }, { location: 'file', reason: /has no features/ });
  });

  it('refuses a missing property', async () => {
    await refuse(
      gridsWith(CODES.l2a1, (f) => delete f.properties.name),
      { location: at(CODES.l2a1), reason: /property "name" is missing/ },
    );
  });

  it('refuses a wrong-typed property (households = -3)', async () => {
    await refuse(
      gridsWith(CODES.l3a1, (f) => (f.properties.households = -3)),
      { location: at(CODES.l3a1), reason: /property "households" must be a whole number ≥ 0, got -3/ },
    );
  });

  it('refuses a wrong-typed property (name is a number)', async () => {
    await refuse(
      gridsWith(CODES.l2b1, (f) => (f.properties.name = 42)),
      { location: at(CODES.l2b1), reason: /property "name" must be a string, got 42/ },
    );
  });

  it('refuses an unknown level', async () => {
    await refuse(
      gridsWith(CODES.l2a2, (f) => (f.properties.level = 'L4')),
      { location: at(CODES.l2a2), reason: /unknown level "L4"/ },
    );
  });

  it('refuses an unknown enum value (exclusiveKind)', async () => {
    await refuse(
      gridsWith(CODES.exclusive, (f) => (f.properties.exclusiveKind = 'casino')),
      { location: at(CODES.exclusive), reason: /unknown exclusiveKind "casino" \(expected one of airport/ },
    );
  });

  it('refuses an unknown enum value (type)', async () => {
    await refuse(
      gridsWith(CODES.l2a1, (f) => (f.properties.type = 'suburban')),
      { location: at(CODES.l2a1), reason: /unknown type "suburban"/ },
    );
  });

  it('refuses a self-intersecting polygon', async () => {
    const bowtie = [
      [
        [113.555, 34.705],
        [113.56, 34.71],
        [113.56, 34.705],
        [113.555, 34.71],
        [113.555, 34.705],
      ],
    ];
    await refuse(
      gridsWith(CODES.micro, (f) => (f.geometry = { type: 'Polygon', coordinates: bowtie })),
      {
        location: at(CODES.micro),
        reason:
          /self-intersecting polygon: polygon 1, ring 1 \(outer\) edges 1 and 3 meet near \(113\.5575, 34\.7075\)/,
      },
    );
  });

  it('refuses a ring that is not closed', async () => {
    await refuse(
      gridsWith(CODES.micro, (f) => {
        const coordinates = rect(113.555, 34.705, 113.56, 34.71).coordinates;
        coordinates[0]!.pop();
        f.geometry = { type: 'Polygon', coordinates };
      }),
      { location: at(CODES.micro), reason: /ring 1 \(outer\) is not closed/ },
    );
  });

  it('refuses a child outside its parent', async () => {
    await refuse(
      gridsWith(CODES.micro, (f) => (f.geometry = rect(113.57, 34.705, 113.58, 34.71))),
      { location: at(CODES.micro), reason: new RegExp(`^child lies outside its parent ${CODES.l3a1} \\(vertex`) },
    );
  });

  it('refuses an unknown parent code', async () => {
    await refuse(
      gridsWith(CODES.l2b1, (f) => (f.properties.parentCode = '410199999')),
      { location: at(CODES.l2b1), reason: /^unknown parent code 410199999$/ },
    );
  });

  it('refuses a parent of the wrong level', async () => {
    await refuse(
      gridsWith(CODES.l3a1, (f) => (f.properties.parentCode = CODES.l1a)),
      {
        location: at(CODES.l3a1),
        reason: /parent 410102001 is an L1 grid, but the parent of an L3 grid must be an L2 grid/,
      },
    );
  });

  it('refuses a micro grid under a rural L3', async () => {
    await refuse(
      gridsWith(CODES.micro, (f) => {
        f.properties.parentCode = CODES.l3a2;
        f.geometry = rect(113.555, 34.755, 113.56, 34.76);
      }),
      { location: at(CODES.micro), reason: /rural L3 grid; micro grids subdivide urban L3 grids only/ },
    );
  });

  it('refuses a duplicate code', async () => {
    const collection = validGrids();
    collection.features.push({ ...collection.features[0]!, properties: { ...collection.features[0]!.properties } });
    await refuse(collection, {
      location: `feature ${collection.features.length} (code ${CODES.micro})`,
      reason: /^duplicate code 410102001001001001 \(also feature 1\)$/,
    });
  });

  it('refuses coordinates out of range', async () => {
    await refuse(
      gridsWith(CODES.micro, (f) => (f.geometry = rect(113.555, 34.705, 213.56, 34.71))),
      { location: at(CODES.micro), reason: /coordinates out of range: lon 213\.56, lat 34\.705/ },
    );
  });

  it('refuses a position that is not a pair of numbers', async () => {
    await refuse(
      gridsWith(CODES.micro, (f) => {
        const coordinates: unknown[][][] = rect(113.555, 34.705, 113.56, 34.71).coordinates;
        coordinates[0]![2] = ['113.56', 34.705];
        f.geometry = { type: 'Polygon', coordinates };
      }),
      { location: at(CODES.micro), reason: /is not a \[lon, lat\] pair of numbers/ },
    );
  });

  it('refuses a polygon outside the city', async () => {
    const collection = validGrids();
    collection.features.push({
      type: 'Feature',
      properties: { level: 'L1', code: '110101001', name: '东华门街道', parentCode: CODES.county },
      geometry: rect(116.39, 39.9, 116.41, 39.92),
    });
    await refuse(collection, {
      location: `feature ${collection.features.length} (code 110101001)`,
      reason: /lies outside the city: vertex \(116\.39, 39\.9\)/,
    });
  });
});
