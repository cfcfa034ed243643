/**
 * What the open card is about, marked on the map: the grid's outline drawn bold, or a ring round the device — so after
 * a search the commander sees at once which place the card means.
 */
import { PathLayer, ScatterplotLayer } from '@deck.gl/layers';
import type { Boundaries } from '../../../../shared/contract';

type Rgba = [number, number, number, number];

export type Selection =
  { kind: 'grid'; boundaries: Boundaries; id: number } | { kind: 'point'; position: [number, number] };

export const SELECTION_LAYER_ID = 'selection';
export const SELECTION_COLOR: Rgba = [0, 212, 255, 255];

/**
 * The polygons of one grid, each as its rings (outer first, then holes) of [lng, lat] — small arrays: a grid or a few
 * picked ones need no typed-array path.
 */
export function gridPolygons(boundaries: Boundaries, id: number): [number, number][][][] {
  const feature = boundaries.ids.indexOf(id);
  if (feature < 0) return [];
  const { coords, ringStarts, polygonStarts, featureStarts } = boundaries;
  const polygons: [number, number][][][] = [];
  for (let polygon = featureStarts[feature]!; polygon < featureStarts[feature + 1]!; polygon++) {
    const rings: [number, number][][] = [];
    for (let ring = polygonStarts[polygon]!; ring < polygonStarts[polygon + 1]!; ring++) {
      const path: [number, number][] = [];
      for (let v = ringStarts[ring]!; v < ringStarts[ring + 1]!; v++) path.push([coords[v * 2]!, coords[v * 2 + 1]!]);
      rings.push(path);
    }
    polygons.push(rings);
  }
  return polygons;
}

/** Every ring of one grid, for an outline. */
export function gridRings(boundaries: Boundaries, id: number): [number, number][][] {
  return gridPolygons(boundaries, id).flat();
}

export function createSelectionLayer(
  selection: Selection,
): PathLayer<[number, number][]> | ScatterplotLayer<[number, number]> {
  if (selection.kind === 'grid') {
    return new PathLayer<[number, number][]>({
      id: SELECTION_LAYER_ID,
      data: gridRings(selection.boundaries, selection.id),
      getPath: (ring) => ring,
      getColor: SELECTION_COLOR,
      getWidth: 3,
      widthUnits: 'pixels',
      pickable: false,
    });
  }
  return new ScatterplotLayer<[number, number]>({
    id: `${SELECTION_LAYER_ID}-point`,
    data: [selection.position],
    getPosition: (position) => position,
    radiusUnits: 'pixels',
    getRadius: 14,
    stroked: true,
    filled: false,
    getLineColor: SELECTION_COLOR,
    lineWidthUnits: 'pixels',
    getLineWidth: 2.5,
    pickable: false,
  });
}
