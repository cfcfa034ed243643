/**
 * Grids filled by a metric — open tickets, overdue tickets or workers on duty — so the commander sees where work piles
 * up. Each grid's outer rings become flat polygons once per boundary set (typed arrays, no per-grid objects); the
 * colours follow the metric's values, and a new set of values re-colours without re-tessellating. Hover highlights the
 * grid under the pointer; a click tells which grid it was (`gridIdAt`).
 */
import { SolidPolygonLayer } from '@deck.gl/layers';
import type { Boundaries, GridMetricName, GridMetrics } from '../../../../shared/contract';
import { memoize } from '../binary-data';

type Rgba = [number, number, number, number];
export type FillLevel = 'L1' | 'L2' | 'L3' | 'micro';
type GeometryLevel = FillLevel | 'exclusive';

export interface GridFillGeometry {
  level: GeometryLevel;
  /** Grid ids in boundary order (feature index → id). */
  ids: Int32Array;
  /** The feature (grid) each fill polygon belongs to. */
  featureOf: Uint32Array;
  /** deck.gl binary data: outer rings only, one after another. */
  data: { length: number; startIndices: Uint32Array; attributes: { getPolygon: { value: Float64Array; size: 2 } } };
}

export interface GridFillState {
  geometry: GridFillGeometry;
  metric: GridMetricName;
  /** One value per grid, in the geometry's id order. */
  values: Uint32Array;
  /** The value that takes the full colour (the legend's top). */
  max: number;
  visible?: boolean;
  opacity?: number;
}

/** Low to high: from a quiet blue to an alarming red, translucent so the map shows through. */
export const FILL_RAMP: Record<GridMetricName, Rgba[]> = {
  openTickets: [
    [40, 70, 110, 40],
    [70, 120, 170, 90],
    [240, 200, 90, 130],
    [245, 140, 60, 160],
    [235, 70, 60, 190],
  ],
  overdueTickets: [
    [60, 50, 70, 40],
    [120, 70, 110, 90],
    [200, 90, 120, 130],
    [235, 70, 80, 160],
    [255, 40, 40, 200],
  ],
  workersOnDuty: [
    [30, 60, 60, 40],
    [40, 110, 100, 90],
    [50, 160, 130, 130],
    [62, 207, 142, 160],
    [160, 245, 200, 190],
  ],
};
export const HIGHLIGHT_COLOR: Rgba = [255, 255, 255, 90];

export const GRID_FILL_PREFIX = 'grid-fill-';
export const gridFillLayerId = (level: GeometryLevel): string => `${GRID_FILL_PREFIX}${level}`;
/** Exclusive grids (stations, hospitals…) get a faint fill of their own, so a click inside one opens its card. */
export const EXCLUSIVE_FILL_COLOR: Rgba = [236, 94, 196, 40];
export const EXCLUSIVE_MIN_ZOOM = 11;

/** The fill level drawn at a zoom: the finest hierarchy level whose boundaries are drawn there. */
export function fillLevelAt(zoom: number): FillLevel {
  return zoom < 10.5 ? 'L1' : zoom < 12 ? 'L2' : zoom < 14 ? 'L3' : 'micro';
}

/** The colour of a value on a ramp (five steps, square-root scale: a few hot grids must not wash out the rest). */
export function rampColor(ramp: readonly Rgba[], value: number, max: number): Rgba {
  if (max <= 0 || value <= 0) return ramp[0]!;
  const t = Math.sqrt(Math.min(1, value / max));
  return ramp[Math.min(ramp.length - 1, Math.floor(t * (ramp.length - 1) + 0.5))]!;
}

/** Outer rings of every polygon, copied once into one flat array (holes would need their own triangulation). */
export const gridFillGeometry = memoize((boundaries: Boundaries): GridFillGeometry => {
  const { coords, ringStarts, polygonStarts, featureStarts } = boundaries;
  const polygons = polygonStarts.length - 1;
  let size = 0;
  for (let p = 0; p < polygons; p++) size += ringStarts[polygonStarts[p]! + 1]! - ringStarts[polygonStarts[p]!]!;
  const value = new Float64Array(size * 2);
  const startIndices = new Uint32Array(polygons);
  const featureOf = new Uint32Array(polygons);
  let at = 0;
  let feature = 0;
  for (let p = 0; p < polygons; p++) {
    while (featureStarts[feature + 1]! <= p) feature++;
    const from = ringStarts[polygonStarts[p]!]!;
    const to = ringStarts[polygonStarts[p]! + 1]!;
    startIndices[p] = at;
    featureOf[p] = feature;
    value.set(coords.subarray(from * 2, to * 2), at * 2);
    at += to - from;
  }
  return {
    level: boundaries.level as GeometryLevel,
    ids: boundaries.ids,
    featureOf,
    data: { length: polygons, startIndices, attributes: { getPolygon: { value, size: 2 } } },
  };
});

/** The grid id of a picked fill polygon. */
export function gridIdAt(geometry: GridFillGeometry, index: number): number | undefined {
  const feature = geometry.featureOf[index];
  return feature === undefined ? undefined : geometry.ids[feature];
}

/**
 * One metric's values in the geometry's grid order. Both sides come ordered by id, so this is the array itself; a
 * mismatch (an import between the two answers) is mapped by id rather than drawn wrong.
 */
export function metricValues(ids: Int32Array, metrics: GridMetrics, metric: GridMetricName): Uint32Array {
  const values = metrics[metric];
  if (ids.length === metrics.ids.length && ids.every((id, i) => id === metrics.ids[i])) return values;
  const byId = new Map<number, number>();
  metrics.ids.forEach((id, i) => byId.set(id, values[i]!));
  return Uint32Array.from(ids, (id) => byId.get(id) ?? 0);
}

/** A high value for the legend and the colour scale: the 98th percentile, so one outlier does not flatten the map. */
export function metricScaleMax(values: Uint32Array): number {
  if (values.length === 0) return 0;
  const sorted = Uint32Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.98))]!;
}

export function createGridFillLayer({
  geometry,
  metric,
  values,
  max,
  visible = true,
  opacity = 1,
}: GridFillState): SolidPolygonLayer {
  const ramp = FILL_RAMP[metric];
  return new SolidPolygonLayer({
    id: gridFillLayerId(geometry.level),
    data: geometry.data,
    // Rings arrive closed and consistently wound from the store.
    _normalize: false,
    positionFormat: 'XY',
    visible,
    opacity,
    filled: true,
    getFillColor: (_: unknown, { index }: { index: number }) =>
      rampColor(ramp, values[geometry.featureOf[index]!] ?? 0, max),
    // Only the colours follow the values: the polygons stay tessellated.
    updateTriggers: { getFillColor: [metric, values, max] },
    pickable: true,
    autoHighlight: true,
    highlightColor: HIGHLIGHT_COLOR,
  });
}

export function createExclusiveFillLayer({
  geometry,
  zoom,
  visible = true,
}: {
  geometry: GridFillGeometry;
  zoom: number;
  visible?: boolean;
}): SolidPolygonLayer {
  return new SolidPolygonLayer({
    id: gridFillLayerId('exclusive'),
    data: geometry.data,
    _normalize: false,
    positionFormat: 'XY',
    visible: visible && zoom >= EXCLUSIVE_MIN_ZOOM,
    filled: true,
    getFillColor: EXCLUSIVE_FILL_COLOR,
    pickable: true,
    autoHighlight: true,
    highlightColor: HIGHLIGHT_COLOR,
  });
}
