/**
 * Boundaries of one level — county-level units, the grid hierarchy L1 → micro, exclusive overlays — as lines, drawn
 * straight from the flat typed arrays the main process sends (deck.gl binary attributes, no per-vertex objects).
 * Finer levels appear as the map zooms in, so the city view stays legible and cheap.
 */
import { PathLayer } from '@deck.gl/layers';
import type { Boundaries } from '../../../../shared/contract';
import { memoize } from '../binary-data';

type Rgba = [number, number, number, number];

export interface BoundariesState {
  boundaries: Boundaries;
  /** The map's zoom: a level shows from its minZoom on. */
  zoom: number;
  visible?: boolean;
  opacity?: number;
}

/** Style and the zoom from which each level is drawn (city view ≈ zoom 9). */
export const BOUNDARY_STYLE: Record<Boundaries['level'], { color: Rgba; widthPx: number; minZoom: number }> = {
  county: { color: [255, 196, 87, 230], widthPx: 1.8, minZoom: 0 },
  L1: { color: [120, 170, 220, 150], widthPx: 0.8, minZoom: 0 },
  L2: { color: [120, 170, 220, 120], widthPx: 0.7, minZoom: 10.5 },
  L3: { color: [110, 150, 200, 110], widthPx: 0.6, minZoom: 12 },
  micro: { color: [100, 140, 190, 100], widthPx: 0.5, minZoom: 14 },
  exclusive: { color: [236, 94, 196, 255], widthPx: 2.5, minZoom: 11 },
};

/** Drawing order, bottom to top: finer levels under coarser ones, the overlays on top. */
export const BOUNDARY_ORDER: readonly Boundaries['level'][] = ['micro', 'L3', 'L2', 'L1', 'county', 'exclusive'];

export const boundariesLayerId = (level: Boundaries['level']): string => `boundaries-${level}`;

/** One path per ring, straight from the typed arrays; built once per boundary set (zoom steps reuse it). */
export const boundaryPaths = memoize((boundaries: Boundaries) => {
  const rings = boundaries.ringStarts.length - 1;
  return {
    length: rings,
    startIndices: boundaries.ringStarts.subarray(0, rings),
    attributes: { getPath: { value: boundaries.coords, size: 2 } },
  };
});

export function createBoundariesLayer({ boundaries, zoom, visible = true, opacity = 1 }: BoundariesState): PathLayer {
  const style = BOUNDARY_STYLE[boundaries.level];
  return new PathLayer({
    id: boundariesLayerId(boundaries.level),
    data: boundaryPaths(boundaries),
    // Rings arrive closed; 'open' tells deck not to re-close or normalise them.
    _pathType: 'open',
    positionFormat: 'XY',
    visible: visible && zoom >= style.minZoom,
    opacity,
    getColor: style.color,
    getWidth: style.widthPx,
    widthUnits: 'pixels',
    widthMinPixels: 0.5,
    pickable: false,
  });
}
