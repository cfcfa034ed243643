import { SolidPolygonLayer } from '@deck.gl/layers';
import { describe, expect, it } from 'vitest';
import {
  EXCLUSIVE_MIN_ZOOM,
  FILL_RAMP,
  createExclusiveFillLayer,
  createGridFillLayer,
  fillLevelAt,
  gridFillGeometry,
  gridIdAt,
  metricScaleMax,
  metricValues,
  rampColor,
} from '../../../../../../renderer/map/layers/grid-fill/grid-fill-layer';
import type { Boundaries, GridMetrics } from '../../../../../../shared/contract';

const ring = (x: number, size = 1): number[] => [x, 0, x + size, 0, x + size, size, x, size, x, 0];

/**
 * Grid 7: one square with a hole; grid 8: two squares (a multipolygon). Flat as the main process sends them:
 * rings closed, ring → polygon → feature starts.
 */
const boundaries = (level: Boundaries['level'] = 'L2'): Boundaries => ({
  level,
  ids: Int32Array.from([7, 8]),
  codes: [],
  names: [],
  coords: Float64Array.from([...ring(0, 4), ...ring(1), ...ring(10), ...ring(20)]),
  ringStarts: Uint32Array.from([0, 5, 10, 15, 20]),
  polygonStarts: Uint32Array.from([0, 2, 3, 4]),
  featureStarts: Uint32Array.from([0, 1, 3]),
});

const metrics = (ids: number[], open: number[]): GridMetrics => ({
  level: 'L2',
  ids: Int32Array.from(ids),
  openTickets: Uint32Array.from(open),
  overdueTickets: Uint32Array.from(open, (n) => Math.floor(n / 2)),
  workersOnDuty: Uint32Array.from(open, () => 3),
  asOf: 0,
});

describe('grid fill geometry', () => {
  it('keeps outer rings only, one fill polygon per polygon, each knowing its grid', () => {
    const geometry = gridFillGeometry(boundaries());
    expect(geometry.data.length).toBe(3);
    expect([...geometry.data.startIndices]).toEqual([0, 5, 10]);
    // The hole (second ring of grid 7) is not filled; grid 8's two squares are.
    expect([...geometry.data.attributes.getPolygon.value.subarray(0, 10)]).toEqual(ring(0, 4));
    expect([...geometry.data.attributes.getPolygon.value.subarray(10, 20)]).toEqual(ring(10));
    expect([...geometry.featureOf]).toEqual([0, 1, 1]);
    expect([0, 1, 2].map((index) => gridIdAt(geometry, index))).toEqual([7, 8, 8]);
    expect(gridIdAt(geometry, 3)).toBeUndefined();
  });

  it('is built once per boundary set (a zoom step must not re-tessellate)', () => {
    const set = boundaries();
    expect(gridFillGeometry(set)).toBe(gridFillGeometry(set));
    expect(gridFillGeometry(boundaries())).not.toBe(gridFillGeometry(set));
  });
});

describe('grid fill scale', () => {
  it.each([
    { zoom: 8, level: 'L1' },
    { zoom: 10.5, level: 'L2' },
    { zoom: 12, level: 'L3' },
    { zoom: 13.5, level: 'L3' },
    { zoom: 14, level: 'micro' },
  ])('fills $level at zoom $zoom', ({ zoom, level }) => expect(fillLevelAt(zoom)).toBe(level));

  const ramp = FILL_RAMP.openTickets;
  it.each([
    { value: 0, max: 10, step: 0 },
    { value: 5, max: 0, step: 0 },
    { value: 10, max: 10, step: 4 },
    { value: 99, max: 10, step: 4 },
    // Square root: a quarter of the top is already half-way up the ramp.
    { value: 2.5, max: 10, step: 2 },
  ])('value $value of $max takes ramp step $step', ({ value, max, step }) => {
    expect(rampColor(ramp, value, max)).toEqual(ramp[step]);
  });

  it('tops the scale at the 98th percentile, so one outlier does not flatten the map', () => {
    const values = Uint32Array.from({ length: 100 }, (_, i) => (i === 99 ? 10_000 : i));
    expect(metricScaleMax(values)).toBe(98);
    expect(metricScaleMax(new Uint32Array())).toBe(0);
  });

  it('uses the values as they come when ids agree, and maps by id when they do not', () => {
    const same = metrics([7, 8], [4, 9]);
    expect(metricValues(Int32Array.from([7, 8]), same, 'openTickets')).toBe(same.openTickets);
    expect([...metricValues(Int32Array.from([8, 7, 5]), same, 'overdueTickets')]).toEqual([4, 2, 0]);
  });
});

describe('grid fill layer', () => {
  const geometry = gridFillGeometry(boundaries());
  const values = Uint32Array.from([0, 12]);
  it.each([
    { title: 'shown', state: {}, expected: { visible: true, opacity: 1 } },
    { title: 'hidden by the panel', state: { visible: false }, expected: { visible: false } },
    { title: 'faded', state: { opacity: 0.3 }, expected: { opacity: 0.3 } },
  ])('$title', ({ state, expected }) => {
    const layer = createGridFillLayer({ geometry, metric: 'openTickets', values, max: 12, ...state });
    expect(layer).toBeInstanceOf(SolidPolygonLayer);
    expect(layer.id).toBe('grid-fill-L2');
    expect(layer.props).toMatchObject({ ...expected, pickable: true, autoHighlight: true, _normalize: false });
    expect(layer.props.data).toBe(geometry.data);
  });

  it('colours each polygon by its grid value, and re-colours only on new values', () => {
    const layer = createGridFillLayer({ geometry, metric: 'workersOnDuty', values, max: 12 });
    const color = layer.props.getFillColor as unknown as (object: unknown, context: { index: number }) => number[];
    expect(color(null, { index: 0 })).toEqual(FILL_RAMP.workersOnDuty[0]);
    expect(color(null, { index: 2 })).toEqual(FILL_RAMP.workersOnDuty[4]);
    expect(layer.props.updateTriggers).toEqual({ getFillColor: ['workersOnDuty', values, 12] });
  });

  it.each([
    { zoom: EXCLUSIVE_MIN_ZOOM - 0.5, visible: true, expected: false },
    { zoom: EXCLUSIVE_MIN_ZOOM, visible: true, expected: true },
    { zoom: 15, visible: false, expected: false },
  ])('exclusive grids at zoom $zoom (panel $visible): visible $expected', ({ zoom, visible, expected }) => {
    const layer = createExclusiveFillLayer({ geometry: gridFillGeometry(boundaries('exclusive')), zoom, visible });
    expect(layer.id).toBe('grid-fill-exclusive');
    expect(layer.props).toMatchObject({ visible: expected, pickable: true });
  });
});
