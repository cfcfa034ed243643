/**
 * Grid workers: density cells at city zoom (221,000 dots would be a smear), individual workers coloured by status
 * (on duty, off duty, offline) from district zoom in.
 */
import { ScreenGridLayer } from '@deck.gl/aggregation-layers';
import { ScatterplotLayer } from '@deck.gl/layers';
import type { PointLayerData } from '../../../../shared/contract';
import { coloredPoints, pointPositions } from '../binary-data';

export interface WorkersState {
  data: PointLayerData;
  colors: Uint8Array;
  zoom: number;
  visible?: boolean;
  opacity?: number;
}

/** From this zoom on, workers are drawn one by one. */
export const WORKERS_DETAIL_ZOOM = 11.5;
export const WORKERS_DENSITY_COLORS: [number, number, number][] = [
  [20, 60, 50],
  [30, 100, 80],
  [40, 150, 110],
  [62, 207, 142],
  [150, 240, 190],
];

const CELL_PX = 14;

/**
 * The density colour scale for a zoom, counted on the CPU: workers binned into cells of the layer's size in Web
 * Mercator pixels, the busiest 2% of cells taking the top colour. Given to deck.gl as a fixed domain, it spares the
 * GPU → CPU read-back of every frame's own maximum (which stalls a software renderer). Kept per data set and zoom.
 */
const domainCache = new WeakMap<Float32Array, Map<number, [number, number]>>();
export function densityColorDomain(positions: Float32Array, zoom: number, cellPx = CELL_PX): [number, number] {
  let byZoom = domainCache.get(positions);
  if (!byZoom) domainCache.set(positions, (byZoom = new Map<number, [number, number]>()));
  const cached = byZoom.get(zoom);
  if (cached) return cached;
  const world = (512 * 2 ** zoom) / cellPx;
  const cells = new Map<number, number>();
  for (let i = 0; i < positions.length; i += 2) {
    const x = Math.floor(((positions[i]! + 180) / 360) * world);
    const sin = Math.sin((positions[i + 1]! * Math.PI) / 180);
    const y = Math.floor((0.5 - Math.log((1 + sin) / (1 - sin)) / (4 * Math.PI)) * world);
    const key = x * 4_194_304 + y;
    cells.set(key, (cells.get(key) ?? 0) + 1);
  }
  const counts = [...cells.values()].sort((a, b) => a - b);
  const top = counts[Math.min(counts.length - 1, Math.floor(counts.length * 0.98))] ?? 1;
  const domain: [number, number] = [1, Math.max(2, top)];
  byZoom.set(zoom, domain);
  return domain;
}

export function createWorkersLayer({ data, colors, zoom, visible = true, opacity = 1 }: WorkersState) {
  if (zoom < WORKERS_DETAIL_ZOOM) {
    // A different id from the dots: deck.gl must not reuse one layer's state for another layer class.
    return new ScreenGridLayer({
      id: 'workers-density',
      data: pointPositions(data.positions),
      visible,
      opacity: opacity * 0.7,
      cellSizePixels: CELL_PX,
      colorRange: WORKERS_DENSITY_COLORS,
      colorDomain: densityColorDomain(data.positions, zoom),
      pickable: false,
    });
  }
  return new ScatterplotLayer({
    id: 'workers',
    data: coloredPoints(data.positions, colors, 'getFillColor'),
    visible,
    opacity,
    radiusUnits: 'pixels',
    getRadius: 3,
    stroked: false,
    pickable: false,
  });
}
