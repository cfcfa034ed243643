/**
 * The bare page's layer list: the app's own layer factories (renderer/map/layers/*), composed in the same order and
 * with the same props as the `layers` memo in renderer/app/shell/app-shell.tsx (no selection: the bench opens no
 * card). When the app's list changes, change this one the same way — or, better, move the app's composition into a
 * pure function under renderer/map/layers and call it from both.
 */
import type { Layer } from '@deck.gl/core';
import type {
  Boundaries,
  CityOutline,
  GridMetrics,
  Heatmap,
  MapLabels,
  PointLayerData,
  PointLayerName,
} from '../../../shared/contract';
import { BOUNDARY_ORDER, createBoundariesLayer } from '../../../renderer/map/layers/boundaries/boundaries-layer';
import { createCamerasLayer } from '../../../renderer/map/layers/cameras/cameras-layer';
import { createCityOutlineLayer } from '../../../renderer/map/layers/city-outline/city-outline-layer';
import {
  createExclusiveFillLayer,
  createGridFillLayer,
  fillLevelAt,
  gridFillGeometry,
  metricScaleMax,
  metricValues,
  type FillLevel,
} from '../../../renderer/map/layers/grid-fill/grid-fill-layer';
import { createLabelsLayer } from '../../../renderer/map/layers/labels/labels-layer';
import { createSensorsLayer } from '../../../renderer/map/layers/sensors/sensors-layer';
import { createTicketHeatmapLayer } from '../../../renderer/map/layers/ticket-heatmap/ticket-heatmap-layer';
import { createWorkersLayer } from '../../../renderer/map/layers/workers/workers-layer';
import type { LayerSettings } from '../../../renderer/state/use-layer-settings';

export const FILL_LEVELS: readonly FillLevel[] = ['L1', 'L2', 'L3', 'micro'];

/** What the bench sends the bare page: the contract answers the app asks for, and the layer settings it forces. */
export interface BareMapData {
  outline: CityOutline;
  boundaries: Boundaries[];
  labels: MapLabels;
  heatmap: Heatmap;
  points: Record<PointLayerName, PointLayerData>;
  /** Grid metrics of every fill level (the app asks for a level when it comes into view). */
  metrics: Record<FillLevel, GridMetrics>;
  settings: LayerSettings;
}

/** The data as the app holds it once its hooks have run (weights and colours built once, not per frame). */
export interface PreparedMapData extends Omit<BareMapData, 'heatmap' | 'points'> {
  heatmap: Heatmap & { weights: Float32Array };
  points: Record<PointLayerName, { data: PointLayerData; colors: Uint8Array }>;
  cameraAtlas: HTMLCanvasElement;
}

type Fill = Omit<Parameters<typeof createGridFillLayer>[0], 'metric' | 'visible' | 'opacity'>;

// The app's `fill` memo: one per level (its metrics answer), not one per zoom step.
const fills = new WeakMap<GridMetrics, Fill>();
function fillFor(data: PreparedMapData, level: FillLevel): Fill | undefined {
  const boundaries = data.boundaries.find((candidate) => candidate.level === level);
  const metrics = data.settings.fill.visible ? data.metrics[level] : undefined;
  if (!boundaries || !metrics) return undefined;
  let fill = fills.get(metrics);
  if (!fill) {
    const geometry = gridFillGeometry(boundaries);
    const values = metricValues(geometry.ids, metrics, data.settings.fill.metric ?? 'openTickets');
    fill = { geometry, values, max: metricScaleMax(values) };
    fills.set(metrics, fill);
  }
  return fill;
}

/** Mirrors AppShell's `layers` memo, in its order; `zoom` is the map's zoom rounded to half levels, as there. */
export function composeMapLayers(data: PreparedMapData, zoom: number): Layer[] {
  const { heatmap: heat, fill: fillSetting, grids, workers, cameras, sensors, labels } = data.settings;
  const { points } = data;
  const metric = fillSetting.metric ?? 'openTickets';
  const fill = fillFor(data, fillLevelAt(zoom));
  const exclusiveBoundaries = data.boundaries.find((boundaries) => boundaries.level === 'exclusive');
  return [
    ...(fill ? [createGridFillLayer({ ...fill, metric, ...fillSetting })] : []),
    createTicketHeatmapLayer({ heatmap: data.heatmap, weights: data.heatmap.weights, zoom, ...heat }),
    ...BOUNDARY_ORDER.flatMap((level) => data.boundaries.filter((boundaries) => boundaries.level === level)).map(
      (boundaries) => createBoundariesLayer({ boundaries, zoom, ...grids }),
    ),
    ...(exclusiveBoundaries
      ? [createExclusiveFillLayer({ geometry: gridFillGeometry(exclusiveBoundaries), zoom, visible: grids.visible })]
      : []),
    createWorkersLayer({ ...points.workers, zoom, ...workers }),
    createSensorsLayer({ ...points.sensors, zoom, ...sensors }),
    createCamerasLayer({ ...points.cameras, zoom, atlas: data.cameraAtlas, ...cameras }),
    createCityOutlineLayer({ outline: data.outline }),
    createLabelsLayer({ labels: data.labels, zoom, ...labels }),
  ];
}
