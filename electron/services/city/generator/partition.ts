/**
 * Splits a (multi)polygon into cells, one per seed, that tile it exactly: each seed's Voronoi cell (d3-delaunay)
 * intersected with the parent by a robust boolean intersection (polygon-clipping). Children therefore lie inside
 * their parent and siblings never overlap, by construction. A concave parent can cut a cell in two, so a cell may come
 * out as several polygons. Density decides where the seeds are, so cells are small where many people live.
 */
import { Delaunay } from 'd3-delaunay';
// Default import: the package is CommonJS, whose named exports Node's ESM loader cannot see.
import polygonClipping, { type Geom } from 'polygon-clipping';
import type { LngLat } from '../../../../shared/geo/types';

/** A polygon set: polygons → rings (outer first) → closed rings of [lng, lat]. */
export type MultiPolygonRings = [number, number][][][];

export function partitionPolygons(parent: MultiPolygonRings, seeds: readonly LngLat[]): MultiPolygonRings[] {
  if (seeds.length === 1) return [parent];
  let west = Infinity;
  let south = Infinity;
  let east = -Infinity;
  let north = -Infinity;
  for (const polygon of parent) {
    for (const [x, y] of polygon[0]!) {
      west = Math.min(west, x);
      east = Math.max(east, x);
      south = Math.min(south, y);
      north = Math.max(north, y);
    }
  }
  const pad = Math.max(east - west, north - south) * 0.01 + 1e-9;
  const voronoi = Delaunay.from(seeds.map(([x, y]) => [x, y] as [number, number])).voronoi([
    west - pad,
    south - pad,
    east + pad,
    north + pad,
  ]);
  const subject = parent as unknown as Geom;
  return seeds.map((_, i) => {
    const cell = voronoi.cellPolygon(i) as [number, number][] | null;
    return cell ? polygonClipping.intersection(subject, [cell]) : [];
  });
}
