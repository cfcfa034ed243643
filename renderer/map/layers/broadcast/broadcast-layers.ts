/**
 * The broadcast on the map: the target being composed (a polygon's corners and edges, a circle of a radius in metres,
 * or the grids picked — outlined and tinted in the drawing colour), and, once sent, L1 grids coloured by how many of
 * the workers reached have acknowledged — red where few have, green where all have.
 */
import { PolygonLayer, ScatterplotLayer, SolidPolygonLayer } from '@deck.gl/layers';
import type { Boundaries, BroadcastStatus } from '../../../../shared/contract';
import type { GridFillGeometry } from '../grid-fill/grid-fill-layer';
import { gridPolygons } from '../selection/selection-layer';

type Rgba = [number, number, number, number];

export const DRAWING_COLOR: Rgba = [255, 214, 0, 255];
export const DRAWING_FILL: Rgba = [255, 214, 0, 40];
export const ACK_LAYER_ID = 'broadcast-ack';
export const TARGET_GRIDS_LAYER_ID = 'broadcast-target-grids';
/** Few acknowledgements → many. */
export const ACK_RAMP: Rgba[] = [
  [235, 64, 52, 170],
  [245, 140, 50, 160],
  [240, 210, 70, 150],
  [140, 210, 90, 150],
  [62, 207, 142, 160],
];

export interface TargetDrawing {
  polygon: [number, number][];
  radius: { center: [number, number]; meters: number } | undefined;
}

export function createTargetDrawingLayers({ polygon, radius }: TargetDrawing) {
  const layers = [];
  if (polygon.length > 0) {
    layers.push(
      new PolygonLayer<[number, number][]>({
        id: 'broadcast-target-polygon',
        data: [polygon],
        getPolygon: (ring) => ring,
        filled: polygon.length >= 3,
        getFillColor: DRAWING_FILL,
        stroked: true,
        getLineColor: DRAWING_COLOR,
        lineWidthUnits: 'pixels',
        getLineWidth: 2,
      }),
      new ScatterplotLayer<[number, number]>({
        id: 'broadcast-target-corners',
        data: polygon,
        getPosition: (point) => point,
        radiusUnits: 'pixels',
        getRadius: 4,
        getFillColor: DRAWING_COLOR,
      }),
    );
  }
  if (radius) {
    layers.push(
      new ScatterplotLayer<{ center: [number, number]; meters: number }>({
        id: 'broadcast-target-radius',
        data: [radius],
        getPosition: (circle) => circle.center,
        getRadius: (circle) => circle.meters,
        radiusUnits: 'meters',
        filled: true,
        getFillColor: DRAWING_FILL,
        stroked: true,
        getLineColor: DRAWING_COLOR,
        lineWidthUnits: 'pixels',
        getLineWidth: 2,
      }),
    );
  }
  return layers;
}

/** The grids picked as a target, of the level the boundaries hold (ids of another level are not drawn). */
export function createTargetGridsLayer(boundaries: Boundaries, ids: readonly number[]) {
  return new PolygonLayer<[number, number][][]>({
    id: TARGET_GRIDS_LAYER_ID,
    data: ids.flatMap((id) => gridPolygons(boundaries, id)),
    getPolygon: (rings) => rings,
    filled: true,
    getFillColor: DRAWING_FILL,
    stroked: true,
    getLineColor: DRAWING_COLOR,
    lineWidthUnits: 'pixels',
    getLineWidth: 2.5,
    pickable: false,
  });
}

/** Acknowledged share per L1 grid (read where reading must be acknowledged, else delivered), by grid id. */
export function ackRatios(status: BroadcastStatus): Map<number, number> {
  const done = status.ackRequired ? status.l1Read : status.l1Delivered;
  const ratios = new Map<number, number>();
  status.l1.forEach((id, i) => {
    const sent = status.l1Sent[i] ?? 0;
    if (sent > 0) ratios.set(id, (done[i] ?? 0) / sent);
  });
  return ratios;
}

export function ackColor(ratio: number): Rgba {
  return ACK_RAMP[Math.min(ACK_RAMP.length - 1, Math.floor(Math.max(0, ratio) * ACK_RAMP.length))]!;
}

/** L1 grids the broadcast reached, coloured by their acknowledged share; the rest stay clear. */
export function createAckFillLayer(geometry: GridFillGeometry, status: BroadcastStatus): SolidPolygonLayer {
  const ratios = ackRatios(status);
  return new SolidPolygonLayer({
    id: ACK_LAYER_ID,
    data: geometry.data,
    _normalize: false,
    positionFormat: 'XY',
    getFillColor: (_: unknown, { index }: { index: number }) => {
      const ratio = ratios.get(geometry.ids[geometry.featureOf[index]!]!);
      return ratio === undefined ? [0, 0, 0, 0] : ackColor(ratio);
    },
    updateTriggers: { getFillColor: [status] },
    pickable: false,
  });
}
