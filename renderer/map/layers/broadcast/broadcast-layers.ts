/**
 * The broadcast on the map: the area being drawn as a target (a polygon's corners and edges, or a circle of a radius
 * in metres), and, once sent, L1 grids coloured by how many of the workers reached have acknowledged — red where few
 * have, green where all have.
 */
import { PolygonLayer, ScatterplotLayer, SolidPolygonLayer } from '@deck.gl/layers';
import type { BroadcastStatus } from '../../../../shared/contract';
import type { GridFillGeometry } from '../grid-fill/grid-fill-layer';

type Rgba = [number, number, number, number];

export const DRAWING_COLOR: Rgba = [255, 214, 0, 255];
export const ACK_LAYER_ID = 'broadcast-ack';
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
        getFillColor: [255, 214, 0, 40],
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
        getFillColor: [255, 214, 0, 40],
        stroked: true,
        getLineColor: DRAWING_COLOR,
        lineWidthUnits: 'pixels',
        getLineWidth: 2,
      }),
    );
  }
  return layers;
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
