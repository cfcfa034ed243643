/**
 * Is a point inside the city? The outline's polygons are handed in (shared/ reads no files: the main process and the
 * hub read resources/city/zhengzhou-outline.geojson themselves), packed once, and every test after that is a bounding
 * box check and, inside the box, one even-odd pass over the rings (about 1,000 vertices for Zhengzhou: microseconds).
 */
import { flatBBox, flatContains, flattenPolygons } from './polygon-blob';
import type { LngLat, PolygonRings } from './types';

/** A test for WGS-84 points: true inside the outline (holes and multi-part outlines handled by parity). */
export type InsideCity = (point: LngLat) => boolean;

/**
 * Builds the test for an outline given as polygons (each an outer ring then holes, rings closed, WGS-84, GeoJSON
 * order). A point exactly on the outline may fall either way; a report on the city's edge is rare and either answer
 * is defensible.
 */
export function makeInsideCity(polygons: readonly PolygonRings[]): InsideCity {
  const flat = flattenPolygons(polygons);
  const [west, south, east, north] = flatBBox(flat);
  return ([lng, lat]) => {
    if (!Number.isFinite(lng) || !Number.isFinite(lat)) return false;
    if (lng < west || lng > east || lat < south || lat > north) return false;
    return flatContains(flat, lng, lat);
  };
}
