/**
 * The city's outline, read once from resources/city/ (derived from echarts@4.9.0, converted to WGS-84 at derivation
 * time) and served with its ellipsoidal area and bounding box.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CityOutline } from '../../../shared/contract';
import { ZHENGZHOU } from '../../../shared/domain/city';
import { multiPolygonAreaKm2 } from '../../../shared/geo/area';
import { bboxOfPolygons } from '../../../shared/geo/bbox';
import type { LngLat } from '../../../shared/geo/types';

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

  constructor(private readonly resourcesDir: string) {}

  getOutline(): CityOutline {
    this.outline ??= this.loadOutline();
    return this.outline;
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
