/**
 * The city's outline, read once from resources/city/ (derived from echarts@4.9.0, converted to WGS-84 at derivation
 * time) and served with its ellipsoidal area and bounding box.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Boundaries, BoundaryLevel, CityOutline, MapLabels } from '../../../shared/contract';
import { ZHENGZHOU } from '../../../shared/domain/city';
import { multiPolygonAreaKm2 } from '../../../shared/geo/area';
import { bboxOfPolygons } from '../../../shared/geo/bbox';
import { decodePolygonBlob, type FlatPolygons } from '../../../shared/geo/polygon-blob';
import type { LngLat } from '../../../shared/geo/types';
import type { Store } from '../store/store';

interface OutlineFile {
  crs: string;
  convertedFrom: string;
  source: string;
  features: {
    properties: { name: string; nameEn: string };
    geometry: { type: 'Polygon'; coordinates: LngLat[][] } | { type: 'MultiPolygon'; coordinates: LngLat[][][] };
  }[];
}

export const OUTLINE_FILE = join('city', 'zhengzhou-outline.geojson');

export class CityService {
  private outline: CityOutline | undefined;

  constructor(
    private readonly resourcesDir: string,
    private readonly store?: Store,
  ) {}

  getOutline(): CityOutline {
    this.outline ??= this.loadOutline();
    return this.outline;
  }

  /** One level's boundaries, concatenated into flat typed arrays (empty until the grids exist). */
  getBoundaries(level: BoundaryLevel, labels = false): Boundaries {
    if (!this.store) throw new Error('CityService has no store');
    const rows = (
      level === 'county'
        ? this.store.reader().prepare('SELECT id, code, name, geometry FROM counties ORDER BY id').all()
        : this.store
            .reader()
            .prepare('SELECT id, code, name, geometry FROM grids WHERE level = ? ORDER BY id')
            .all(level)
    ) as { id: number; code: string; name: string; geometry: Buffer }[];
    return {
      level,
      ...concatenate(rows.map((row) => decodePolygonBlob(row.geometry))),
      ids: Int32Array.from(rows, (row) => row.id),
      codes: labels ? rows.map((row) => row.code) : [],
      names: labels ? rows.map((row) => row.name) : [],
    };
  }

  /** County-level units first (rank 0), then L1 grids (rank 1): the map draws them in this order of priority. */
  getLabels(): MapLabels {
    if (!this.store) throw new Error('CityService has no store');
    const rows = this.store
      .reader()
      .prepare(
        `SELECT name, name_en, centroid_lon, centroid_lat, 0 AS rank, id FROM counties
         UNION ALL
         SELECT name, '' AS name_en, centroid_lon, centroid_lat, 1 AS rank, id FROM grids WHERE level = 'L1'
         ORDER BY rank, id`,
      )
      .raw()
      .all() as [string, string, number, number, number, number][];
    return {
      ids: Int32Array.from(rows, (row) => row[5]),
      names: rows.map((row) => row[0]),
      namesEn: rows.map((row) => row[1]),
      positions: Float64Array.from(rows.flatMap((row) => [row[2], row[3]])),
      ranks: Uint8Array.from(rows, (row) => row[4]),
    };
  }

  private loadOutline(): CityOutline {
    const file = JSON.parse(readFileSync(join(this.resourcesDir, OUTLINE_FILE), 'utf8')) as OutlineFile;
    const feature = file.features[0];
    if (!feature || file.crs !== 'WGS-84') throw new Error(`${OUTLINE_FILE} is not a WGS-84 outline`);
    const polygons =
      feature.geometry.type === 'Polygon' ? [feature.geometry.coordinates] : feature.geometry.coordinates;
    return {
      name: feature.properties.name,
      nameEn: feature.properties.nameEn,
      crs: 'WGS-84',
      source: file.source,
      convertedFrom: file.convertedFrom,
      areaKm2: multiPolygonAreaKm2(polygons),
      officialAreaKm2: ZHENGZHOU.officialAreaKm2,
      bbox: [...bboxOfPolygons(polygons)],
      polygons: polygons.map((polygon) =>
        polygon.map((ring) => ring.map(([lng, lat]) => [lng, lat] as [number, number])),
      ),
    };
  }
}

/** Joins per-feature flat polygons into one set of arrays, with featureStarts indexing polygons. */
export function concatenate(
  features: readonly FlatPolygons[],
): Pick<Boundaries, 'coords' | 'ringStarts' | 'polygonStarts' | 'featureStarts'> {
  let vertices = 0;
  let rings = 0;
  let polygons = 0;
  for (const feature of features) {
    vertices += feature.coords.length / 2;
    rings += feature.ringStarts.length - 1;
    polygons += feature.polygonStarts.length - 1;
  }
  const coords = new Float64Array(vertices * 2);
  const ringStarts = new Uint32Array(rings + 1);
  const polygonStarts = new Uint32Array(polygons + 1);
  const featureStarts = new Uint32Array(features.length + 1);
  let v = 0;
  let r = 0;
  let p = 0;
  features.forEach((feature, f) => {
    featureStarts[f] = p;
    coords.set(feature.coords, v * 2);
    for (let i = 0; i + 1 < feature.ringStarts.length; i++) ringStarts[r + i] = feature.ringStarts[i]! + v;
    for (let i = 0; i + 1 < feature.polygonStarts.length; i++) polygonStarts[p + i] = feature.polygonStarts[i]! + r;
    v += feature.coords.length / 2;
    r += feature.ringStarts.length - 1;
    p += feature.polygonStarts.length - 1;
  });
  ringStarts[rings] = v;
  polygonStarts[polygons] = r;
  featureStarts[features.length] = p;
  return { coords, ringStarts, polygonStarts, featureStarts };
}
