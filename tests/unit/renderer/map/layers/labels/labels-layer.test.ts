import { CollisionFilterExtension } from '@deck.gl/extensions';
import { TextLayer } from '@deck.gl/layers';
import { describe, expect, it } from 'vitest';
import {
  L1_LABELS_ZOOM,
  LABEL_STYLE,
  createLabelsLayer,
} from '../../../../../../renderer/map/layers/labels/labels-layer';
import type { MapLabels } from '../../../../../../shared/contract';

const labels: MapLabels = {
  ids: Int32Array.from([1, 2, 101, 102]),
  names: ['金水区', '中原区', '花园路街道', '杜岭街道'],
  namesEn: ['Jinshui', 'Zhongyuan', '', ''],
  positions: Float64Array.from([113.68, 34.8, 113.6, 34.75, 113.67, 34.79, 113.69, 34.76]),
  ranks: Uint8Array.from([0, 0, 1, 1]),
};

describe('place labels', () => {
  it.each([
    { zoom: 9, shown: ['金水区', '中原区'] },
    { zoom: L1_LABELS_ZOOM, shown: ['金水区', '中原区', '花园路街道', '杜岭街道'] },
  ])('at zoom $zoom: $shown', ({ zoom, shown }) => {
    const layer = createLabelsLayer({ labels, zoom });
    expect(layer).toBeInstanceOf(TextLayer);
    const data = layer.props.data as number[];
    const text = layer.props.getText as (i: number) => string;
    expect(data.map(text)).toEqual(shown);
  });

  it('draws in Chinese with a local font, county names above street names when they collide', () => {
    const layer = createLabelsLayer({ labels, zoom: 12 });
    expect(layer.props).toMatchObject({ characterSet: 'auto', sizeUnits: 'pixels', visible: true });
    expect(layer.props.fontFamily).toContain('Noto Sans CJK SC');
    expect(layer.props.extensions.some((extension) => extension instanceof CollisionFilterExtension)).toBe(true);
    const props = layer.props as unknown as { getCollisionPriority: (i: number) => number };
    expect(props.getCollisionPriority(0)).toBeGreaterThan(props.getCollisionPriority(2));
    const size = layer.props.getSize as (i: number) => number;
    expect([size(0), size(3)]).toEqual([LABEL_STYLE.county.size, LABEL_STYLE.L1.size]);
    const position = layer.props.getPosition as unknown as (i: number) => number[];
    expect(position(3)).toEqual([113.69, 34.76]);
  });

  it('hides when the panel says so', () => {
    expect(createLabelsLayer({ labels, zoom: 9, visible: false }).props.visible).toBe(false);
  });
});
