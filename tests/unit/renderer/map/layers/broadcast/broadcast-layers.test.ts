import { PolygonLayer, ScatterplotLayer, SolidPolygonLayer } from '@deck.gl/layers';
import { describe, expect, it } from 'vitest';
import {
  ACK_RAMP,
  ackColor,
  ackRatios,
  createAckFillLayer,
  createTargetDrawingLayers,
  createTargetGridsLayer,
  DRAWING_COLOR,
} from '../../../../../../renderer/map/layers/broadcast/broadcast-layers';
import { gridFillGeometry } from '../../../../../../renderer/map/layers/grid-fill/grid-fill-layer';
import type { Boundaries, BroadcastStatus } from '../../../../../../shared/contract';

const status = (ackRequired: boolean): BroadcastStatus => ({
  id: 'b-1',
  seq: 1,
  text: 't',
  priority: 'urgent',
  sender: 's',
  sentAt: 0,
  ackRequired,
  deadlineAt: null,
  targeted: 30,
  sent: 20,
  delivered: 15,
  read: 5,
  l1: Int32Array.from([7, 8]),
  l1Sent: Uint32Array.from([10, 10]),
  l1Delivered: Uint32Array.from([10, 5]),
  l1Read: Uint32Array.from([5, 0]),
  p50Ms: 5,
  p99Ms: 9,
  escalated: 0,
  escalatedAt: null,
});

const ring = (x: number): number[] => [x, 0, x + 1, 0, x + 1, 1, x, 1, x, 0];
const l1: Boundaries = {
  level: 'L1',
  ids: Int32Array.from([7, 8, 9]),
  codes: [],
  names: [],
  coords: Float64Array.from([...ring(0), ...ring(2), ...ring(4)]),
  ringStarts: Uint32Array.from([0, 5, 10, 15]),
  polygonStarts: Uint32Array.from([0, 1, 2, 3]),
  featureStarts: Uint32Array.from([0, 1, 2, 3]),
};

describe('acknowledgement map', () => {
  it.each([
    { ackRequired: true, expected: [0.5, 0] },
    { ackRequired: false, expected: [1, 0.5] },
  ])('counts read (required: $ackRequired) or delivered per L1 against those sent', ({ ackRequired, expected }) => {
    expect([...ackRatios(status(ackRequired)).values()]).toEqual(expected);
  });

  it.each([
    { ratio: 0, step: 0 },
    { ratio: 0.5, step: 2 },
    { ratio: 1, step: 4 },
  ])('ratio $ratio takes ramp step $step', ({ ratio, step }) => expect(ackColor(ratio)).toEqual(ACK_RAMP[step]));

  it('colours reached grids and leaves the others clear', () => {
    const layer = createAckFillLayer(gridFillGeometry(l1), status(false));
    expect(layer).toBeInstanceOf(SolidPolygonLayer);
    const color = layer.props.getFillColor as unknown as (o: unknown, c: { index: number }) => number[];
    expect(color(null, { index: 0 })).toEqual(ackColor(1));
    expect(color(null, { index: 1 })).toEqual(ackColor(0.5));
    expect(color(null, { index: 2 })[3]).toBe(0);
  });
});

describe('target drawing', () => {
  it.each([
    { title: 'nothing yet', drawing: { polygon: [], radius: undefined }, layers: [] },
    {
      title: 'two corners: edges, no fill',
      drawing: {
        polygon: [
          [113.6, 34.7],
          [113.7, 34.7],
        ] as [number, number][],
        radius: undefined,
      },
      layers: [PolygonLayer, ScatterplotLayer],
    },
    {
      title: 'a circle in metres',
      drawing: { polygon: [], radius: { center: [113.6, 34.7] as [number, number], meters: 800 } },
      layers: [ScatterplotLayer],
    },
  ])('$title', ({ drawing, layers }) => {
    const made = createTargetDrawingLayers(drawing);
    expect(made.map((layer) => layer.constructor)).toEqual(layers);
    if (drawing.polygon.length === 2) expect(made[0]!.props).toMatchObject({ filled: false });
    if (drawing.radius) expect(made[0]!.props).toMatchObject({ radiusUnits: 'meters' });
  });
});

describe('picked target grids', () => {
  it.each([
    { title: 'two picked grids: one polygon each', ids: [7, 9], polygons: 2 },
    { title: 'an id of another level is not drawn', ids: [7, 4242], polygons: 1 },
    { title: 'nothing picked', ids: [], polygons: 0 },
  ])('$title', ({ ids, polygons }) => {
    const layer = createTargetGridsLayer(l1, ids);
    expect(layer).toBeInstanceOf(PolygonLayer);
    expect(layer.props.data).toHaveLength(polygons);
    expect(layer.props).toMatchObject({ filled: true, stroked: true, getLineColor: DRAWING_COLOR, pickable: false });
  });

  it('keeps each polygon as its rings, so the outline follows the grid', () => {
    const [polygon] = createTargetGridsLayer(l1, [9]).props.data as [number, number][][][];
    expect(polygon).toEqual([
      [
        [4, 0],
        [5, 0],
        [5, 1],
        [4, 1],
        [4, 0],
      ],
    ]);
  });
});
