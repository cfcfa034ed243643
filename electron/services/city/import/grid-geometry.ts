/** The geometry of one grids-file feature: read, range-checked, converted to WGS-84, then checked as a polygon. */
import { multiPolygonAreaKm2 } from '../../../../shared/geo/area';
import { flatBBox, flatCentroid, flattenPolygons, type FlatPolygons } from '../../../../shared/geo/polygon-blob';
import type { BBox, LngLat } from '../../../../shared/geo/types';
import { checkCoordinateRange, densifyRing, formatPosition, type ToWgs84 } from './datum';
import { ImportProblem } from './import-error';
import type { PolygonIndex } from './polygon-index';
import { findRingCrossing } from './self-intersection';

/**
 * How far outside the city outline a vertex or point may lie. The outline is the simplified echarts boundary (694
 * vertices, edges up to 3.6 km, 3% under the official area, i.e. on average ~0.4 km inside the true boundary), so
 * real boundary data sits up to about a kilometre beyond it. A point from another city, or with swapped or mistyped
 * coordinates, is tens of kilometres out.
 */
export const CITY_TOLERANCE_M = 1000;

export interface CheckedGeometry {
  /** WGS-84 polygons (outer ring, then holes), closed rings without repeated consecutive vertices. */
  polygons: LngLat[][][];
  flat: FlatPolygons;
  bbox: BBox;
  centroid: LngLat;
  areaKm2: number;
}

const ringName = (polygon: number, ring: number): string =>
  `polygon ${polygon + 1}, ring ${ring + 1} (${ring === 0 ? 'outer' : 'hole'})`;

function readPosition(raw: unknown, where: () => string): [number, number] {
  if (!Array.isArray(raw) || raw.length < 2 || typeof raw[0] !== 'number' || typeof raw[1] !== 'number') {
    throw new ImportProblem(`${where()}: position ${JSON.stringify(raw)} is not a [lon, lat] pair of numbers`);
  }
  return [raw[0], raw[1]];
}

/** How source coordinates become WGS-84: the converter, and the longest source edge converted as one straight line. */
export interface GeometryDatum {
  toWgs84: ToWgs84;
  /** null: edges are kept as they are (the datum maps straight lines to straight lines at map precision). */
  maxEdgeM: number | null;
}

function readRing(raw: unknown, datum: GeometryDatum, polygon: number, ring: number): LngLat[] {
  const where = (): string => `geometry ${ringName(polygon, ring)}`;
  if (!Array.isArray(raw)) throw new ImportProblem(`${where()} is not an array of positions`);
  const source = raw.map((position) => readPosition(position, where));
  for (const [lng, lat] of source) {
    try {
      checkCoordinateRange(lng, lat);
    } catch (error) {
      throw new ImportProblem(`${where()}: ${(error as Error).message}`);
    }
  }
  const first = source[0];
  const last = source[source.length - 1];
  if (!first || !last || first[0] !== last[0] || first[1] !== last[1]) {
    throw new ImportProblem(`${where()} is not closed (its last position must repeat its first)`);
  }
  // Repeated consecutive positions are common in exported data and harmless, but they are zero-length edges, which
  // would make every collinearity test in the self-intersection check ambiguous: drop them.
  const converted: LngLat[] = [];
  for (const [lng, lat] of datum.maxEdgeM === null ? source : densifyRing(source, datum.maxEdgeM)) {
    const position = datum.toWgs84(lng, lat);
    const previous = converted[converted.length - 1];
    if (!previous || previous[0] !== position[0] || previous[1] !== position[1]) converted.push(position);
  }
  if (converted.length < 4) throw new ImportProblem(`${where()} has fewer than 4 distinct positions`);
  return converted;
}

function readPolygons(raw: unknown, datum: GeometryDatum): LngLat[][][] {
  if (typeof raw !== 'object' || raw === null) throw new ImportProblem('feature has no geometry');
  const { type, coordinates } = raw as { type?: unknown; coordinates?: unknown };
  if (type !== 'Polygon' && type !== 'MultiPolygon') {
    throw new ImportProblem(`geometry type ${JSON.stringify(type)} is not Polygon or MultiPolygon`);
  }
  if (!Array.isArray(coordinates) || coordinates.length === 0) {
    throw new ImportProblem(`${type} geometry has no coordinates`);
  }
  const polygons: unknown[] = type === 'Polygon' ? [coordinates] : coordinates;
  return polygons.map((polygon, p) => {
    if (!Array.isArray(polygon) || polygon.length === 0) {
      throw new ImportProblem(`geometry polygon ${p + 1} is not an array of rings`);
    }
    return polygon.map((ring, r) => readRing(ring, datum, p, r));
  });
}

/** Reads and checks a feature's geometry; `city` is the city outline's index. */
export function readGridGeometry(raw: unknown, datum: GeometryDatum, city: PolygonIndex): CheckedGeometry {
  const polygons = readPolygons(raw, datum);
  const flat = flattenPolygons(polygons);
  for (let p = 0; p + 1 < flat.polygonStarts.length; p++) {
    for (let r = flat.polygonStarts[p]!; r < flat.polygonStarts[p + 1]!; r++) {
      const crossing = findRingCrossing(flat.coords, flat.ringStarts[r]!, flat.ringStarts[r + 1]!);
      if (crossing) {
        const [a, b] = crossing.edges;
        throw new ImportProblem(
          `self-intersecting polygon: ${ringName(p, r - flat.polygonStarts[p]!)} edges ${a} and ${b} meet ` +
            `near ${formatPosition(...crossing.at)}`,
        );
      }
    }
  }
  for (let i = 0; i < flat.coords.length; i += 2) {
    const lng = flat.coords[i]!;
    const lat = flat.coords[i + 1]!;
    if (!city.covers(lng, lat, CITY_TOLERANCE_M)) {
      throw new ImportProblem(
        `lies outside the city: vertex ${formatPosition(lng, lat)} (WGS-84) is more than ` +
          `${CITY_TOLERANCE_M / 1000} km beyond the city outline`,
      );
    }
  }
  return { polygons, flat, bbox: flatBBox(flat), centroid: flatCentroid(flat), areaKm2: multiPolygonAreaKm2(polygons) };
}
