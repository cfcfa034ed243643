/**
 * Administrative boundaries (county-level units, L1 street grids) as lines, drawn straight from the flat typed arrays
 * the main process sends: deck.gl binary attributes, no per-vertex objects.
 */
import { PathLayer } from '@deck.gl/layers';
import type { Boundaries } from '../../../../shared/contract';

type Rgba = [number, number, number, number];

export interface BoundariesState {
  boundaries: Boundaries;
  visible?: boolean;
  opacity?: number;
}

export const BOUNDARY_STYLE: Record<Boundaries['level'], { color: Rgba; widthPx: number }> = {
  county: { color: [255, 196, 87, 230], widthPx: 1.8 },
  L1: { color: [120, 170, 220, 150], widthPx: 0.8 },
};

export const boundariesLayerId = (level: Boundaries['level']): string => `boundaries-${level}`;

export function createBoundariesLayer({ boundaries, visible = true, opacity = 1 }: BoundariesState): PathLayer {
  const style = BOUNDARY_STYLE[boundaries.level];
  const rings = boundaries.ringStarts.length - 1;
  return new PathLayer({
    id: boundariesLayerId(boundaries.level),
    data: {
      length: rings,
      startIndices: boundaries.ringStarts.subarray(0, rings),
      attributes: { getPath: { value: boundaries.coords, size: 2 } },
    },
    // Rings arrive closed; 'open' tells deck not to re-close or normalise them.
    _pathType: 'open',
    positionFormat: 'XY',
    visible,
    opacity,
    getColor: style.color,
    getWidth: style.widthPx,
    widthUnits: 'pixels',
    widthMinPixels: 0.5,
    pickable: false,
  });
}
