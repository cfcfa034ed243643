/**
 * Ticket density as a heatmap, from the non-empty bins the main process counted for the chosen window (typed arrays:
 * bin centres and counts, used as deck.gl binary attributes; no objects per bin).
 */
import { HeatmapLayer } from '@deck.gl/aggregation-layers';
import type { Heatmap } from '../../../../shared/contract';

type Rgb = [number, number, number];

export interface TicketHeatmapState {
  heatmap: Heatmap;
  /** Bin counts as float weights (converted once per answer, not per frame). */
  weights: Float32Array;
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

export function createTicketHeatmapLayer({
  heatmap,
  weights,
  visible = true,
  opacity = 0.75,
}: TicketHeatmapState): HeatmapLayer {
  return new HeatmapLayer({
    id: TICKET_HEATMAP_LAYER_ID,
    data: {
      length: heatmap.counts.length,
      attributes: {
        getPosition: { value: heatmap.positions, size: 2 },
        getWeight: { value: weights, size: 1 },
      },
    },
    visible,
    opacity,
    radiusPixels: 28,
    intensity: 1.2,
    threshold: 0.04,
    colorRange: HEATMAP_COLORS,
    aggregation: 'SUM',
    pickable: false,
  });
}
