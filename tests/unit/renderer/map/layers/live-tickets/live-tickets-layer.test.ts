import { ScatterplotLayer } from '@deck.gl/layers';
import { describe, expect, it } from 'vitest';
import {
  DEADLINE_COLORS,
  LIVE_TICKETS_LAYER_ID,
  createLiveTicketsLayer,
  liveTicketColors,
} from '../../../../../../renderer/map/layers/live-tickets/live-tickets-layer';
import type { LiveTicketPoints } from '../../../../../../shared/contract';

const points: LiveTicketPoints = {
  ids: Int32Array.from([7, 8, 9]),
  positions: Float32Array.from([113.6, 34.7, 113.7, 34.8, 113.8, 34.75]),
  deadlines: Uint8Array.from([0, 2, 3]),
  statuses: Uint8Array.from([1, 3, 7]),
};

describe('live tickets layer', () => {
  it('colours each ticket by its deadline state', () => {
    const colors = liveTicketColors(points.deadlines);
    expect([...colors.subarray(0, 4)]).toEqual(DEADLINE_COLORS['on-time']);
    expect([...colors.subarray(4, 8)]).toEqual(DEADLINE_COLORS.overdue);
    expect([...colors.subarray(8, 12)]).toEqual(DEADLINE_COLORS.escalated);
    expect(liveTicketColors(points.deadlines)).toBe(colors);
  });

  it('is a pickable scatterplot over binary attributes', () => {
    const layer = createLiveTicketsLayer({ points, zoom: 12 });
    expect(layer).toBeInstanceOf(ScatterplotLayer);
    expect(layer.id).toBe(LIVE_TICKETS_LAYER_ID);
    expect(layer.props.pickable).toBe(true);
    const data = layer.props.data as unknown as { length: number; attributes: Record<string, { value: unknown }> };
    expect(data.length).toBe(3);
    expect(data.attributes.getPosition!.value).toBe(points.positions);
  });

  it('follows the layer panel', () => {
    const layer = createLiveTicketsLayer({ points, zoom: 9, visible: false, opacity: 0.5 });
    expect(layer.props.visible).toBe(false);
    expect(layer.props.opacity).toBe(0.5);
  });
});
