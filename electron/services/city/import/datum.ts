/** Source datum → WGS-84, and the range check every coordinate passes first. */
import { gcj02ToWgs84 } from '../../../../shared/geo/gcj02';
import type { LngLat } from '../../../../shared/geo/types';
import { ImportProblem } from './import-error';
import type { ImportCrs } from './import-types';

const METRES_PER_DEGREE = 111_320;

/** Converts one source position to WGS-84. */
export type ToWgs84 = (lng: number, lat: number) => LngLat;

/**
 * The converter for a declared datum. CGCS2000 and WGS-84 differ by centimetres (the datums' realisations, not the
 * ellipsoids, which agree to 0.1 mm), far below map precision, so CGCS2000 passes unchanged.
 */
export function datumConverter(crs: ImportCrs): ToWgs84 {
  return crs === 'GCJ-02' ? (lng, lat) => gcj02ToWgs84([lng, lat]) : (lng, lat) => [lng, lat];
}

/** Formats a position for a message: 6 decimals is ~0.1 m, enough to find the vertex in a GIS. */
export const formatPosition = (lng: number, lat: number): string => `(${+lng.toFixed(6)}, ${+lat.toFixed(6)})`;

/** Refuses NaN, infinities and positions off the globe (checked in the source datum, before any conversion). */
export function checkCoordinateRange(lng: number, lat: number): void {
  if (!Number.isFinite(lng) || !Number.isFinite(lat) || Math.abs(lng) > 180 || Math.abs(lat) > 90) {
    throw new ImportProblem(
      `coordinates out of range: lon ${lng}, lat ${lat} (need |lon| ≤ 180 and |lat| ≤ 90, as finite numbers)`,
    );
  }
}

/**
 * GCJ-02 bends straight lines: the middle of a 7 km edge at Zhengzhou lands ~3 m off the converted edge, so a child
 * vertex drawn on its parent's long edge would fall metres outside it after conversion. Source edges longer than this
 * are therefore split before converting (as GDAL's -segmentize does when reprojecting); the bend left over a 200 m
 * edge is a few millimetres. WGS-84 and CGCS2000 sources are stored vertex for vertex.
 */
export const GCJ02_MAX_EDGE_M = 200;

export const maxEdgeBeforeConversion = (crs: ImportCrs): number | null => (crs === 'GCJ-02' ? GCJ02_MAX_EDGE_M : null);

/** Splits every edge longer than `maxEdgeM` (local metres) into equal parts; the ring's own vertices are kept. */
export function densifyRing(ring: readonly (readonly [number, number])[], maxEdgeM: number): [number, number][] {
  const dense: [number, number][] = [];
  for (let i = 0; i < ring.length; i++) {
    const [x1, y1] = ring[i]!;
    const previous = ring[i - 1];
    if (previous) {
      const [x0, y0] = previous;
      const metres = Math.hypot((x1 - x0) * Math.cos((y0 * Math.PI) / 180), y1 - y0) * METRES_PER_DEGREE;
      const parts = Math.ceil(metres / maxEdgeM);
      for (let k = 1; k < parts; k++) dense.push([x0 + ((x1 - x0) * k) / parts, y0 + ((y1 - y0) * k) / parts]);
    }
    dense.push([x1, y1]);
  }
  return dense;
}
