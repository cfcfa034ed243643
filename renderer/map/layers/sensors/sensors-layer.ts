/**
 * Lifeline sensors by kind (gas, water, heat, water level, rainfall), with warnings, alarms and offline ones marked.
 * An emergency mode's layer preset may show only some kinds (a flood: water level and rainfall gauges): the others are
 * filtered out on the GPU (DataFilterExtension over a 0/1 value per sensor), so they are neither drawn nor picked and
 * the indices the map's click handler reads stay those of the full data set.
 */
import { DataFilterExtension } from '@deck.gl/extensions';
import { ScatterplotLayer } from '@deck.gl/layers';
import type { PointLayerData } from '../../../../shared/contract';
import { SENSOR_KINDS, sensorKindOf, type SensorKind } from '../../../../shared/domain/point-classes';
import { coloredPoints, type BinaryPoints } from '../binary-data';

export interface SensorsState {
  data: PointLayerData;
  colors: Uint8Array;
  zoom: number;
  visible?: boolean;
  opacity?: number;
  /** The kinds shown; all when absent. */
  kinds?: readonly SensorKind[];
}

const filter = new DataFilterExtension({ filterSize: 1 });

/** 1 for a sensor of a shown kind, 0 otherwise. */
export function kindMask(classes: Uint8Array, kinds: readonly SensorKind[] | undefined): Float32Array {
  const mask = new Float32Array(classes.length);
  if (!kinds) return mask.fill(1);
  const shown = SENSOR_KINDS.map((kind) => (kinds.includes(kind) ? 1 : 0));
  for (let i = 0; i < classes.length; i++) mask[i] = shown[sensorKindOf(classes[i]!)] ?? 0;
  return mask;
}

// Built once per colour attribute (new statuses) and set of kinds, so a zoom step hands deck.gl the same data object.
const filteredCache = new WeakMap<Uint8Array, Map<string, BinaryPoints>>();
function filteredPoints(data: PointLayerData, colors: Uint8Array, kinds: readonly SensorKind[] | undefined) {
  const key = kinds ? [...kinds].sort().join(',') : '*';
  let byKinds = filteredCache.get(colors);
  if (!byKinds) {
    byKinds = new Map();
    filteredCache.set(colors, byKinds);
  }
  let points = byKinds.get(key);
  if (!points) {
    const base = coloredPoints(data.positions, colors, 'getFillColor');
    points = {
      length: base.length,
      attributes: { ...base.attributes, getFilterValue: { value: kindMask(data.classes, kinds), size: 1 } },
    };
    byKinds.set(key, points);
  }
  return points;
}

export function createSensorsLayer({
  data,
  colors,
  zoom,
  visible = true,
  opacity = 1,
  kinds,
}: SensorsState): ScatterplotLayer {
  return new ScatterplotLayer({
    id: 'sensors',
    data: filteredPoints(data, colors, kinds),
    visible,
    opacity,
    radiusUnits: 'pixels',
    // Points grow as the map zooms in; at city zoom 219,300 sensors stay specks.
    getRadius: zoom < 11 ? 1.2 : zoom < 14 ? 2.5 : 4,
    updateTriggers: { getRadius: [zoom < 11, zoom < 14] },
    stroked: false,
    // A click opens the device's card.
    pickable: true,
    autoHighlight: true,
    highlightColor: [255, 255, 255, 200],
    extensions: [filter],
    filterRange: [0.5, 1.5],
  });
}
