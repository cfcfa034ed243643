import { PathLayer } from '@deck.gl/layers';
import { describe, expect, it } from 'vitest';
import {
  BOUNDARY_ORDER,
  BOUNDARY_STYLE,
  boundariesLayerId,
  createBoundariesLayer,
  type BoundariesState,
} from '../../../../../../renderer/map/layers/boundaries/boundaries-layer';
import type { Boundaries } from '../../../../../../shared/contract';

/** Two square grids, as the main process sends them: flat arrays, rings closed. */
function squares(level: Boundaries['level']): Boundaries {
  const ring = (x: number): number[] => [x, 0, x + 1, 0, x + 1, 1, x, 1, x, 0];
  return {
    level,
    ids: Int32Array.from([7, 8]),
    codes: [],
    names: [],
    coords: Float64Array.from([...ring(0), ...ring(1)]),
    ringStarts: Uint32Array.from([0, 5, 10]),
    polygonStarts: Uint32Array.from([0, 1, 2]),
    featureStarts: Uint32Array.from([0, 1, 2]),
  };
}

const cases: { title: string; state: BoundariesState; expected: Record<string, unknown> }[] = [
  {
    title: 'county lines at city zoom',
    state: { boundaries: squares('county'), zoom: 9 },
    expected: { visible: true },
  },
  {
    title: 'micro-grids hidden at city zoom',
    state: { boundaries: squares('micro'), zoom: 9 },
    expected: { visible: false },
  },
  {
    title: 'micro-grids shown at building zoom',
    state: { boundaries: squares('micro'), zoom: 15 },
    expected: { visible: true },
  },
  { title: 'L3 from zoom 12', state: { boundaries: squares('L3'), zoom: 12 }, expected: { visible: true } },
  {
    title: 'hidden by the panel',
    state: { boundaries: squares('L1'), zoom: 9, visible: false },
    expected: { visible: false },
  },
  {
    title: 'faded',
    state: { boundaries: squares('L2'), zoom: 11, opacity: 0.4 },
    expected: { opacity: 0.4, visible: true },
  },
];

describe('boundaries layer', () => {
  it.each(cases)('$title', ({ state, expected }) => {
    const layer = createBoundariesLayer(state);
    expect(layer).toBeInstanceOf(PathLayer);
    expect(layer.id).toBe(boundariesLayerId(state.boundaries.level));
    expect(layer.props).toMatchObject({
      ...expected,
      getColor: BOUNDARY_STYLE[state.boundaries.level].color,
      widthUnits: 'pixels',
    });
  });

  it('draws one path per ring straight from the typed arrays', () => {
    const boundaries = squares('L1');
    const data = createBoundariesLayer({ boundaries, zoom: 9 }).props.data as unknown as {
      length: number;
      startIndices: Uint32Array;
      attributes: { getPath: { value: Float64Array; size: number } };
    };
    expect(data.length).toBe(2);
    expect([...data.startIndices]).toEqual([0, 5]);
    expect(data.attributes.getPath.value).toBe(boundaries.coords);
    expect(data.attributes.getPath.size).toBe(2);
  });

  it('stacks every level once, finer under coarser, overlays on top', () => {
    expect([...BOUNDARY_ORDER].sort()).toEqual(Object.keys(BOUNDARY_STYLE).sort());
    expect(BOUNDARY_ORDER.at(-1)).toBe('exclusive');
    expect(BOUNDARY_ORDER.indexOf('micro')).toBeLessThan(BOUNDARY_ORDER.indexOf('L1'));
  });
});
