/**
 * Ticket density as a heatmap, from the non-empty bins the main process counted for the chosen window (typed arrays:
 * bin centres and counts, used as deck.gl binary attributes; no objects per bin).
 */
import { HeatmapLayer } from '@deck.gl/aggregation-layers';
import type { Heatmap } from '../../../../shared/contract';
import { positionsAttribute, type BinaryPoints } from '../binary-data';

type Rgb = [number, number, number];

export interface TicketHeatmapState {
  heatmap: Heatmap;
  /** Bin counts as float weights (converted once per answer, not per frame). */
  weights: Float32Array;
  /** The map's zoom: bins are fixed on the ground, so their radius on screen grows as the map zooms in. */
  zoom?: number;
  visible?: boolean;
  opacity?: number;
}

export const TICKET_HEATMAP_LAYER_ID = 'ticket-heatmap';

/** Cool to hot, readable on the dark basemap; the end-to-end test looks for the hot end. */
export const HEATMAP_COLORS: Rgb[] = [
  [32, 64, 128],
  [40, 120, 180],
  [80, 190, 160],
  [230, 220, 90],
  [245, 150, 50],
  [235, 60, 40],
];

/** Radius on screen for a zoom: 28 px at city zoom, doubling every two zoom levels, within readable bounds. */
export function heatmapRadiusPixels(zoom: number): number {
  return Math.round(Math.min(90, Math.max(14, 28 * 2 ** ((zoom - 9) / 2))));
}

// One data object per answer (its weights are converted once per answer): a zoom step re-creates the layer only.
const dataByWeights = new WeakMap<Float32Array, BinaryPoints>();
function binaryHeatmap(heatmap: Heatmap, weights: Float32Array): BinaryPoints {
  let data = dataByWeights.get(weights);
  if (!data) {
    data = {
      length: heatmap.counts.length,
      attributes: { getPosition: positionsAttribute(heatmap.positions), getWeight: { value: weights, size: 1 } },
    };
    dataByWeights.set(weights, data);
  }
  return data;
}

export function createTicketHeatmapLayer({
  heatmap,
  weights,
  zoom = 9,
  visible = true,
  opacity = 0.75,
}: TicketHeatmapState): HeatmapLayer {
  return new HeatmapLayer({
    id: TICKET_HEATMAP_LAYER_ID,
    data: binaryHeatmap(heatmap, weights),
    visible,
    opacity,
    radiusPixels: heatmapRadiusPixels(zoom),
    // The weight map is redrawn at every zoom step: 1024² is a quarter of the default's work, and looks the same at
    // console sizes.
    weightsTextureSize: 1024,
    intensity: 1.2,
    threshold: 0.04,
    colorRange: HEATMAP_COLORS,
    aggregation: 'SUM',
    pickable: false,
  });
}
