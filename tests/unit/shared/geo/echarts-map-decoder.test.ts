import { describe, expect, it } from 'vitest';
import { decodeEchartsMap, decodeRing, type EchartsMapFile } from '../../../../shared/geo/echarts-map-decoder';

/** The encoder the echarts map files were written with (test-only): quantise, delta, zig-zag, +64. */
function encodeRing(points: [number, number][], scale = 1024): { text: string; offset: [number, number] } {
  const quantised = points.map(([x, y]) => [Math.round(x * scale), Math.round(y * scale)] as const);
  const offset: [number, number] = [quantised[0]![0], quantised[0]![1]];
  let [px, py] = offset;
  let text = '';
  for (const [x, y] of quantised) {
    const dx = x - px;
    const dy = y - py;
    px = x;
    py = y;
    text += String.fromCharCode(((dx << 1) ^ (dx >> 31)) + 64, ((dy << 1) ^ (dy >> 31)) + 64);
  }
  return { text, offset };
}

describe('echarts map decoder', () => {
  const square: [number, number][] = [
    [113.5, 34.5],
    [113.75, 34.5],
    [113.75, 34.75],
    [113.5, 34.75],
    [113.5, 34.5],
  ];

  it('decodes an encoded ring back to its points', () => {
    const { text, offset } = encodeRing(square);
    expect(decodeRing(text, offset, 1024)).toEqual(square);
  });

  it('closes a ring the source left open', () => {
    const { text, offset } = encodeRing(square.slice(0, 4));
    const ring = decodeRing(text, offset, 1024);
    expect(ring).toHaveLength(5);
    expect(ring[4]).toEqual(ring[0]);
  });

  it('rejects a ring with an odd number of characters', () => {
    expect(() => decodeRing('ABC', [0, 0], 1024)).toThrow(/odd/);
  });

  it('decodes Polygon and MultiPolygon features', () => {
    const a = encodeRing(square);
    const b = encodeRing(square.map(([x, y]) => [x + 1, y] as [number, number]));
    const file: EchartsMapFile = {
      UTF8Encoding: true,
      features: [
        {
          properties: { name: 'one' },
          geometry: { type: 'Polygon', coordinates: [a.text], encodeOffsets: [a.offset] },
        },
        {
          properties: { name: 'two' },
          geometry: {
            type: 'MultiPolygon',
            coordinates: [[a.text], [b.text]],
            encodeOffsets: [[a.offset], [b.offset]],
          },
        },
      ],
    };
    const [one, two] = decodeEchartsMap(file);
    expect(one).toEqual({ name: 'one', polygons: [[square]] });
    expect(two?.polygons).toHaveLength(2);
    expect(two?.polygons[1]?.[0]?.[0]).toEqual([114.5, 34.5]);
  });

  it('refuses files that are not UTF8-encoded echarts maps', () => {
    expect(() => decodeEchartsMap({ features: [] })).toThrow(/UTF8Encoding/);
  });
});
