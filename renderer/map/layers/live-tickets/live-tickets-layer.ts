/**
 * The open live tickets (those that came in through the hub's intake) as points coloured by how their deadline clock
 * reads: on time, warning, overdue, escalated to supervision. Binary attributes (positions and one RGBA per ticket,
 * built once per answer), pickable: a click opens the ticket.
 */
import { ScatterplotLayer } from '@deck.gl/layers';
import type { LiveTicketPoints } from '../../../../shared/contract';
import { DEADLINE_STATES, type DeadlineStateName } from '../../../../shared/domain/tickets/deadlines';
import { coloredPoints, memoize } from '../binary-data';
import type { Rgba } from '../point-style';

export const LIVE_TICKETS_LAYER_ID = 'live-tickets';

/** Green, amber, red, magenta: the board's badges use the same. */
export const DEADLINE_COLORS: Readonly<Record<DeadlineStateName, Rgba>> = {
  'on-time': [62, 207, 142, 255],
  warning: [245, 185, 66, 255],
  overdue: [255, 80, 80, 255],
  escalated: [226, 80, 255, 255],
};

/** RGBA bytes per ticket by its deadline state index (an unknown index reads as on time). */
export const liveTicketColors = memoize((deadlines: Uint8Array): Uint8Array => {
  const colors = new Uint8Array(deadlines.length * 4);
  deadlines.forEach((state, i) => colors.set(DEADLINE_COLORS[DEADLINE_STATES[state] ?? 'on-time'], i * 4));
  return colors;
});

export interface LiveTicketsState {
  points: LiveTicketPoints;
  zoom: number;
  visible?: boolean;
  opacity?: number;
}

export function createLiveTicketsLayer({
  points,
  zoom,
  visible = true,
  opacity = 1,
}: LiveTicketsState): ScatterplotLayer {
  return new ScatterplotLayer({
    id: LIVE_TICKETS_LAYER_ID,
    data: coloredPoints(points.positions, liveTicketColors(points.deadlines), 'getFillColor'),
    visible,
    opacity,
    radiusUnits: 'pixels',
    // A few hundred open cases at most: big enough to click at city zoom, with a dark ring to stand off the heatmap.
    getRadius: zoom < 11 ? 4 : zoom < 14 ? 6 : 8,
    updateTriggers: { getRadius: [zoom < 11, zoom < 14] },
    stroked: true,
    getLineColor: [10, 20, 34, 230],
    lineWidthUnits: 'pixels',
    getLineWidth: 1.5,
    pickable: true,
    autoHighlight: true,
    highlightColor: [255, 255, 255, 200],
  });
}
