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

export function createWorkersLayer({ data, colors, zoom, visible = true, opacity = 1 }: WorkersState) {
  if (zoom < WORKERS_DETAIL_ZOOM) {
    // A different id from the dots: deck.gl must not reuse one layer's state for another layer class.
    return new ScreenGridLayer({
      id: 'workers-density',
      data: pointPositions(data.positions),
      visible,
      opacity: opacity * 0.7,
      cellSizePixels: 14,
      colorRange: WORKERS_DENSITY_COLORS,
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
