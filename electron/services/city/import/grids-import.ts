/**
 * A grids import: read and check the whole file first (features, then the hierarchy), then replace the city in one
 * synchronous transaction — tickets, workers, cameras, sensors, grids and counties go, the file's counties and grids
 * come in — so a refused file never touches the store and no other write can interleave with the replacement.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Database } from 'better-sqlite3';
import { encodePolygonBlob } from '../../../../shared/geo/polygon-blob';
import type { Store } from '../../store/store';
import { maxEdgeBeforeConversion, type ToWgs84 } from './datum';
import { readGridFeatures, parseFeatureCollection, type GridFeature } from './grid-features';
import { LEVEL_ORDER, resolveHierarchy, type GridHierarchy } from './grid-hierarchy';
import { ImportError } from './import-error';
import type { ImportCrs, ImportProgress } from './import-types';
import type { PolygonIndex } from './polygon-index';
import { EMERGENCY_TABLES } from '../../store/migrations/0015-emergency-modes';

/**
 * Emptied by a grids import, children before parents (foreign keys). Live tickets go too: they are placed on the old
 * grids, and the stream cursor goes back to 0 so the hub's ticket stream is applied again onto the new city.
 */
const REPLACED_TABLES = [
  'ticket_photos',
  'ticket_timeline',
  'live_tickets',
  'ticket_stream_rejects',
  // Emergencies are replayed from the stream onto the new city, like the live tickets.
  ...EMERGENCY_TABLES,
  'ticket_blocks',
  'tickets',
  'workers',
  'cameras',
  'sensors',
  'grids',
  'counties',
] as const;
const PROGRESS_STEP = 1000;

export interface GridsResult {
  rows: number;
  inserted: number;
  replaced: boolean;
  /** Departments whose county code is not in the new city: kept, as city-wide departments. */
  unlinkedDepartments: number;
}

const blob = (feature: GridFeature): Buffer => {
  const bytes = encodePolygonBlob(feature.flat);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
};

const geometryColumns = (feature: GridFeature): [Buffer, number, number, number, number, number, number, number] => [
  blob(feature),
  ...feature.bbox,
  ...feature.centroid,
  feature.areaKm2,
];

function writeCity(
  db: Database,
  features: readonly GridFeature[],
  hierarchy: GridHierarchy,
  meta: { file: string; crs: ImportCrs },
  report: (done: number) => void,
): Omit<GridsResult, 'rows'> {
  const countRows = (table: string): number => db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
  const replaced = REPLACED_TABLES.some((table) => countRows(table) > 0);

  // Departments may point at a county; keep them by county code across the replacement.
  const departments = db
    .prepare('SELECT d.id AS id, c.code AS code FROM departments d JOIN counties c ON c.id = d.county_id')
    .all() as { id: number; code: string }[];
  db.prepare('UPDATE departments SET county_id = NULL WHERE county_id IS NOT NULL').run();
  for (const table of REPLACED_TABLES) db.prepare(`DELETE FROM ${table}`).run();
  db.prepare('UPDATE ticket_stream SET seq = 0, stream = NULL').run();

  const insertCounty = db.prepare(
    'INSERT INTO counties (code, name, name_en, kind, seat_lon, seat_lat, geometry, min_lon, min_lat, max_lon, ' +
      'max_lat, centroid_lon, centroid_lat, area_km2) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const insertGrid = db.prepare(
    'INSERT INTO grids (code, name, level, parent_id, county_id, type, exclusive_kind, households, geometry, ' +
      'min_lon, min_lat, max_lon, max_lat, centroid_lon, centroid_lat, area_km2) ' +
      'VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const countyIds = new Map<string, number>();
  const gridIds = new Map<string, number>();
  let done = 0;
  for (const level of LEVEL_ORDER) {
    for (const feature of features) {
      if (feature.level !== level) continue;
      if (level === 'county') {
        const { lastInsertRowid } = insertCounty.run(
          feature.code,
          feature.name,
          feature.nameEn,
          feature.countyKind,
          ...feature.seatWgs84,
          ...geometryColumns(feature),
        );
        countyIds.set(feature.code, Number(lastInsertRowid));
      } else {
        const parent = hierarchy.parentOf.get(feature.code)!;
        const { lastInsertRowid } = insertGrid.run(
          feature.code,
          feature.name,
          level,
          parent.level === 'county' ? null : gridIds.get(parent.code)!,
          countyIds.get(hierarchy.countyOf.get(feature.code)!.code)!,
          feature.type,
          feature.exclusiveKind,
          feature.households,
          ...geometryColumns(feature),
        );
        gridIds.set(feature.code, Number(lastInsertRowid));
      }
      if (++done % PROGRESS_STEP === 0) report(done);
    }
  }
  report(done);

  const relink = db.prepare('UPDATE departments SET county_id = ? WHERE id = ?');
  let unlinkedDepartments = 0;
  for (const department of departments) {
    const countyId = countyIds.get(department.code);
    if (countyId === undefined) unlinkedDepartments++;
    else relink.run(countyId, department.id);
  }

  // The facts about the old data set (a generator's seed and scale, an earlier import) no longer hold.
  db.prepare('DELETE FROM city_meta').run();
  const setMeta = db.prepare('INSERT INTO city_meta (key, value) VALUES (?, ?)');
  setMeta.run('source', 'import');
  // A complete city as far as the console is concerned: it must never be replaced by a generated one.
  setMeta.run('state', 'complete');
  setMeta.run('scale', 'imported');
  setMeta.run('import_file', basename(meta.file));
  setMeta.run('import_crs', meta.crs);
  setMeta.run('imported_at', new Date().toISOString());
  return { inserted: done, replaced, unlinkedDepartments };
}

export async function importGrids(
  store: Store,
  file: string,
  context: { crs: ImportCrs; toWgs84: ToWgs84; city: PolygonIndex },
  onProgress: ((progress: ImportProgress) => void) | undefined,
): Promise<GridsResult> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ImportError(file, 'file', `cannot read the file: ${(error as Error).message}`);
  }
  const raw = parseFeatureCollection(text, file);
  const total = raw.length;
  const progress = (phase: string) => (done: number) => {
    if (done % PROGRESS_STEP === 0 || done === total) onProgress?.({ phase, done, total });
  };
  const datum = { toWgs84: context.toWgs84, maxEdgeM: maxEdgeBeforeConversion(context.crs) };
  const features = readGridFeatures(raw, { file, datum, city: context.city, onFeature: progress('checking') });
  const hierarchy = resolveHierarchy(features, file, progress('checking hierarchy'));

  const db = store.writer;
  if (db.inTransaction) {
    throw new ImportError(file, 'file', 'the store is in the middle of another write; try again when it is done');
  }
  try {
    const result = db.transaction(() =>
      writeCity(db, features, hierarchy, { file, crs: context.crs }, progress('writing')),
    )();
    return { rows: total, ...result };
  } catch (error) {
    throw new ImportError(file, 'store', `the store refused the city: ${(error as Error).message}`);
  }
}
