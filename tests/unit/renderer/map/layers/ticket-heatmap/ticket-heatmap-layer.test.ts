import { HeatmapLayer } from '@deck.gl/aggregation-layers';
import { describe, expect, it } from 'vitest';
import {
  createTicketHeatmapLayer,
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
