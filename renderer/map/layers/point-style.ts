/**
 * Colours of the point layers by class byte (shared/domain/point-classes.ts), and the per-point colour attribute built
 * once per data set — never per frame.
 */
import type { PointLayerData } from '../../../shared/contract';
import { SENSOR_KINDS, sensorKindOf, sensorStateOf } from '../../../shared/domain/point-classes';

export type Rgba = [number, number, number, number];

export const WORKER_COLORS: Rgba[] = [
  [62, 207, 142, 230], // on duty
  [138, 163, 191, 160], // off duty
  [235, 87, 87, 230], // offline
];

export const CAMERA_COLORS: Rgba[] = [
  [170, 190, 255, 255], // public
  [120, 220, 255, 255], // traffic
  [255, 170, 90, 255], // station
  [255, 140, 200, 255], // airport
  [255, 120, 120, 255], // hospital
  [200, 160, 255, 255], // commercial
  [150, 230, 150, 255], // school
];

export const SENSOR_KIND_COLORS: Rgba[] = [
  [255, 160, 60, 255], // gas
  [80, 160, 255, 255], // water
  [255, 100, 80, 255], // heat
  [60, 220, 220, 255], // water level
  [140, 200, 255, 255], // rainfall
];
export const SENSOR_STATE_COLORS: Record<'warning' | 'alarm' | 'offline', Rgba> = {
  warning: [255, 210, 60, 255],
  alarm: [255, 40, 40, 255],
  offline: [100, 110, 120, 180],
};

/** The colour of one point, by layer and class. */
export function pointColor(layer: PointLayerData['layer'], value: number): Rgba {
  if (layer === 'workers') return WORKER_COLORS[value] ?? WORKER_COLORS[1]!;
  if (layer === 'cameras') return CAMERA_COLORS[value] ?? CAMERA_COLORS[0]!;
  const state = sensorStateOf(value);
  if (state === 1) return SENSOR_STATE_COLORS.warning;
  if (state === 2) return SENSOR_STATE_COLORS.alarm;
  if (state === 3) return SENSOR_STATE_COLORS.offline;
  return SENSOR_KIND_COLORS[Math.min(sensorKindOf(value), SENSOR_KINDS.length - 1)]!;
}

/** RGBA bytes per point, for deck.gl's binary getFillColor/getColor. */
export function colorAttribute(data: PointLayerData): Uint8Array {
  const colors = new Uint8Array(data.classes.length * 4);
  data.classes.forEach((value, i) => colors.set(pointColor(data.layer, value), i * 4));
  return colors;
}
