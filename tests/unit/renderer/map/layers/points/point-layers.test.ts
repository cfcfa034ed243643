import { ScreenGridLayer } from '@deck.gl/aggregation-layers';
import { IconLayer, ScatterplotLayer } from '@deck.gl/layers';
import { describe, expect, it } from 'vitest';
import { CAMERAS_MIN_ZOOM, createCamerasLayer } from '../../../../../../renderer/map/layers/cameras/cameras-layer';
import {
  colorAttribute,
  pointColor,
  SENSOR_KIND_COLORS,
  SENSOR_STATE_COLORS,
  WORKER_COLORS,
} from '../../../../../../renderer/map/layers/point-style';
import { createSensorsLayer } from '../../../../../../renderer/map/layers/sensors/sensors-layer';
import {
  createWorkersLayer,
  densityColorDomain,
  WORKERS_DETAIL_ZOOM,
} from '../../../../../../renderer/map/layers/workers/workers-layer';
import type { PointLayerData } from '../../../../../../shared/contract';
import { sensorClass } from '../../../../../../shared/domain/point-classes';

const points = (layer: PointLayerData['layer'], classes: number[]): PointLayerData => ({
  layer,
  ids: Int32Array.from(classes, (_, i) => i + 1),
  positions: Float32Array.from(classes.flatMap((_, i) => [113.6 + i * 0.01, 34.7])),
  classes: Uint8Array.from(classes),
  asOf: 1_700_000_000,
});

describe('point colours', () => {
  it.each([
    ['workers', 0, WORKER_COLORS[0]],
    ['workers', 2, WORKER_COLORS[2]],
    ['sensors', sensorClass(1, 0), SENSOR_KIND_COLORS[1]],
    ['sensors', sensorClass(1, 1), SENSOR_STATE_COLORS.warning],
    ['sensors', sensorClass(4, 2), SENSOR_STATE_COLORS.alarm],
    ['sensors', sensorClass(0, 3), SENSOR_STATE_COLORS.offline],
  ] as const)('%s class %i', (layer, value, color) => {
    expect(pointColor(layer, value)).toEqual(color);
  });

  it('builds one RGBA quadruple per point', () => {
    const colors = colorAttribute(points('workers', [0, 1, 2]));
    expect(colors).toHaveLength(12);
    expect([...colors.subarray(8, 12)]).toEqual(WORKER_COLORS[2]);
  });
});

describe('point layers', () => {
  const workers = points('workers', [0, 1, 2]);
  const cameras = points('cameras', [0, 3]);
  const sensors = points('sensors', [sensorClass(0, 0), sensorClass(2, 2)]);
  const atlas = {} as HTMLCanvasElement;

  it.each([
    {
      title: 'workers as density cells at city zoom',
      make: () => createWorkersLayer({ data: workers, colors: colorAttribute(workers), zoom: 9 }),
      type: ScreenGridLayer,
      visible: true,
    },
    {
      title: 'workers one by one from district zoom',
      make: () => createWorkersLayer({ data: workers, colors: colorAttribute(workers), zoom: WORKERS_DETAIL_ZOOM }),
      type: ScatterplotLayer,
      visible: true,
    },
    {
      title: 'cameras hidden at city zoom',
      make: () => createCamerasLayer({ data: cameras, colors: colorAttribute(cameras), zoom: 9, atlas }),
      type: IconLayer,
      visible: false,
    },
    {
      title: 'cameras as icons from district zoom',
      make: () => createCamerasLayer({ data: cameras, colors: colorAttribute(cameras), zoom: CAMERAS_MIN_ZOOM, atlas }),
      type: IconLayer,
      visible: true,
    },
    {
      title: 'sensors at every zoom',
      make: () => createSensorsLayer({ data: sensors, colors: colorAttribute(sensors), zoom: 9 }),
      type: ScatterplotLayer,
      visible: true,
    },
    {
      title: 'a layer switched off in the panel',
      make: () => createSensorsLayer({ data: sensors, colors: colorAttribute(sensors), zoom: 14, visible: false }),
      type: ScatterplotLayer,
      visible: false,
    },
  ])('$title', ({ make, type, visible }) => {
    const layer = make();
    expect(layer).toBeInstanceOf(type);
    expect(layer.props.visible).toBe(visible);
    const data = layer.props.data as unknown as {
      length: number;
      attributes: { getPosition: { value: Float32Array } };
    };
    expect(data.attributes.getPosition.value).toBeInstanceOf(Float32Array);
  });

  it('never gives the density cells and the dots the same id (deck.gl would mix their state)', () => {
    const colors = colorAttribute(workers);
    expect(createWorkersLayer({ data: workers, colors, zoom: 9 }).id).not.toBe(
      createWorkersLayer({ data: workers, colors, zoom: 15 }).id,
    );
  });
});

describe('attribute-only updates', () => {
  type Binary = { attributes: Record<string, { value: ArrayBufferView }> };
  const dataOf = (layer: { props: { data: unknown } }): Binary => layer.props.data as Binary;

  it('reuses the data object across zoom steps: deck.gl recomputes nothing', () => {
    const data = points('sensors', [0, 4, 8]);
    const colors = colorAttribute(data);
    expect(dataOf(createSensorsLayer({ data, colors, zoom: 9 }))).toBe(
      dataOf(createSensorsLayer({ data, colors, zoom: 15 })),
    );
    const workers = points('workers', [0, 1]);
    const workerColors = colorAttribute(workers);
    expect(dataOf(createWorkersLayer({ data: workers, colors: workerColors, zoom: 12 }))).toBe(
      dataOf(createWorkersLayer({ data: workers, colors: workerColors, zoom: 13 })),
    );
  });

  it('on a status refresh, changes the colours and keeps the very same positions descriptor', () => {
    const before = points('workers', [0, 1, 2]);
    const after = { ...before, classes: Uint8Array.from([2, 2, 2]) };
    const first = dataOf(createWorkersLayer({ data: before, colors: colorAttribute(before), zoom: 13 }));
    const second = dataOf(createWorkersLayer({ data: after, colors: colorAttribute(after), zoom: 13 }));
    expect(second).not.toBe(first);
    // deck.gl compares descriptors by identity: the same one means no upload of the positions.
    expect(second.attributes.getPosition).toBe(first.attributes.getPosition);
    expect(second.attributes.getFillColor).not.toBe(first.attributes.getFillColor);
  });
});

describe('worker density scale', () => {
  it('tops the colour scale at the busiest cells, counted once per data set and zoom', () => {
    // 50 workers on one spot, 5 spread far apart: the busy cell sets the top of the scale.
    const positions = Float32Array.from([
      ...Array.from({ length: 50 }, () => [113.66, 34.75]).flat(),
      ...Array.from({ length: 5 }, (_, i) => [113 + i * 0.2, 34.5]).flat(),
    ]);
    const domain = densityColorDomain(positions, 9);
    expect(domain).toEqual([1, 50]);
    expect(densityColorDomain(positions, 9)).toBe(domain);
    const layer = createWorkersLayer({
      data: { ...points('workers', []), positions },
      colors: new Uint8Array(),
      zoom: 9,
    });
    expect(layer.props).toMatchObject({ colorDomain: [1, 50] });
  });
});
