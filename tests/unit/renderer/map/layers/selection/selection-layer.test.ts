import { PathLayer, ScatterplotLayer } from '@deck.gl/layers';
import { describe, expect, it } from 'vitest';
import { createSelectionLayer, gridRings } from '../../../../../../renderer/map/layers/selection/selection-layer';
import type { Boundaries } from '../../../../../../shared/contract';

const ring = (x: number): number[] => [x, 0, x + 1, 0, x + 1, 1, x, 1, x, 0];
const boundaries: Boundaries = {
  level: 'L3',
  ids: Int32Array.from([3, 4]),
  codes: [],
  names: [],
  coords: Float64Array.from([...ring(0), ...ring(5), ...ring(9)]),
  ringStarts: Uint32Array.from([0, 5, 10, 15]),
  polygonStarts: Uint32Array.from([0, 1, 3]),
  featureStarts: Uint32Array.from([0, 1, 2]),
};

describe('selection', () => {
  it.each([
    { id: 3, rings: 1, firstX: 0 },
    { id: 4, rings: 2, firstX: 5 },
    { id: 99, rings: 0, firstX: undefined },
  ])('outlines grid $id with $rings ring(s)', ({ id, rings, firstX }) => {
    const found = gridRings(boundaries, id);
    expect(found).toHaveLength(rings);
    expect(found[0]?.[0]?.[0]).toBe(firstX);
    const layer = createSelectionLayer({ kind: 'grid', boundaries, id });
    expect(layer).toBeInstanceOf(PathLayer);
  });

  it('rings a device', () => {
    const layer = createSelectionLayer({ kind: 'point', position: [113.6, 34.7] });
    expect(layer).toBeInstanceOf(ScatterplotLayer);
    expect(layer.props).toMatchObject({ stroked: true, filled: false, data: [[113.6, 34.7]] });
  });
});
