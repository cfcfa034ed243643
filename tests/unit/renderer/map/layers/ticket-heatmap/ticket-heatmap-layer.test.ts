import { HeatmapLayer } from '@deck.gl/aggregation-layers';
import { describe, expect, it } from 'vitest';
import {
  createTicketHeatmapLayer,
  heatmapRadiusPixels,
  HEATMAP_COLORS,
  TICKET_HEATMAP_LAYER_ID,
  type TicketHeatmapState,
} from '../../../../../../renderer/map/layers/ticket-heatmap/ticket-heatmap-layer';

const heatmap = {
  positions: Float32Array.from([113.65, 34.76, 113.7, 34.8]),
  counts: Uint32Array.from([12, 3]),
  total: 15,
  maxCount: 12,
};
const weights = Float32Array.from(heatmap.counts);

const cases: { title: string; state: TicketHeatmapState; expected: Record<string, unknown> }[] = [
  {
    title: 'defaults: visible, translucent, summed weights, the console palette',
    state: { heatmap, weights },
    expected: { visible: true, opacity: 0.75, aggregation: 'SUM', colorRange: HEATMAP_COLORS, pickable: false },
  },
  { title: 'hidden', state: { heatmap, weights, visible: false }, expected: { visible: false } },
  { title: 'opaque', state: { heatmap, weights, opacity: 1 }, expected: { opacity: 1 } },
  { title: 'city zoom: 28 px bins', state: { heatmap, weights, zoom: 9 }, expected: { radiusPixels: 28 } },
  { title: 'two levels in: twice the radius', state: { heatmap, weights, zoom: 11 }, expected: { radiusPixels: 56 } },
  { title: 'close in: capped', state: { heatmap, weights, zoom: 16 }, expected: { radiusPixels: 90 } },
  { title: 'far out: floored', state: { heatmap, weights, zoom: 5 }, expected: { radiusPixels: 14 } },
];

describe('ticket heatmap layer', () => {
  it.each(cases)('$title', ({ state, expected }) => {
    const layer = createTicketHeatmapLayer(state);
    expect(layer).toBeInstanceOf(HeatmapLayer);
    expect(layer.id).toBe(TICKET_HEATMAP_LAYER_ID);
    expect(layer.props).toMatchObject(expected);
  });

  it('takes bins as binary attributes, without copying them', () => {
    const data = createTicketHeatmapLayer({ heatmap, weights }).props.data as {
      length: number;
      attributes: { getPosition: { value: Float32Array; size: number }; getWeight: { value: Float32Array } };
    };
    expect(data.length).toBe(2);
    expect(data.attributes.getPosition.value).toBe(heatmap.positions);
    expect(data.attributes.getPosition.size).toBe(2);
    expect(data.attributes.getWeight.value).toBe(weights);
  });
});

describe('heatmap updates', () => {
  it('keeps one data object per answer across zoom steps, and a new one per new answer', () => {
    const data = (zoom: number, w = weights): unknown =>
      createTicketHeatmapLayer({ heatmap, weights: w, zoom }).props.data;
    expect(data(9)).toBe(data(12));
    expect(data(9, Float32Array.from(heatmap.counts))).not.toBe(data(9));
    expect(heatmapRadiusPixels(10)).toBeGreaterThan(heatmapRadiusPixels(9));
  });
});
