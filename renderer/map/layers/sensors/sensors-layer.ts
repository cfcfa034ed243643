/** Lifeline sensors by kind (gas, water, heat, water level, rainfall), with warnings, alarms and offline ones marked. */
import { ScatterplotLayer } from '@deck.gl/layers';
import type { PointLayerData } from '../../../../shared/contract';
import { coloredPoints } from '../binary-data';

export interface SensorsState {
  data: PointLayerData;
  colors: Uint8Array;
  zoom: number;
  visible?: boolean;
  opacity?: number;
}

export function createSensorsLayer({
  data,
  colors,
  zoom,
  visible = true,
  opacity = 1,
}: SensorsState): ScatterplotLayer {
  return new ScatterplotLayer({
    id: 'sensors',
    data: coloredPoints(data.positions, colors, 'getFillColor'),
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
  });
}
