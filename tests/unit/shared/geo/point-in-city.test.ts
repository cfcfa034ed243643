import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { makeInsideCity } from '../../../../shared/geo/point-in-city';
import type { PolygonRings } from '../../../../shared/geo/types';

const outline = JSON.parse(
  readFileSync(new URL('../../../../resources/city/zhengzhou-outline.geojson', import.meta.url), 'utf8'),
) as { features: { geometry: { coordinates: PolygonRings } }[] };

describe('makeInsideCity', () => {
  const inside = makeInsideCity([outline.features[0]!.geometry.coordinates]);

  it('finds the city centre, the airport and the county seats inside the real outline', () => {
    // Erqi Tower, Xinzheng airport, Gongyi (west), Xinmi (south-west), Zhongmu (east).
    for (const point of [
      [113.6653, 34.7536],
      [113.84, 34.53],
      [113.02, 34.75],
      [113.39, 34.54],
      [113.98, 34.72],
    ] as const) {
      expect(inside(point), String(point)).toBe(true);
    }
  });

  it('finds the neighbours, a point inside the bounding box but outside the outline, and nonsense outside', () => {
    for (const point of [
      [114.31, 34.8], // Kaifeng
      [112.45, 34.62], // Luoyang
      [114.2, 34.3], // in the box, outside the outline
      [116.404, 39.915], // Beijing
      [Number.NaN, 34.75],
      [113.66, Number.POSITIVE_INFINITY],
    ] as const) {
      expect(inside(point), String(point)).toBe(false);
    }
  });

  it('handles holes and several parts by parity', () => {
    const square = (west: number, south: number, size: number) =>
      [
        [west, south],
        [west + size, south],
        [west + size, south + size],
        [west, south + size],
        [west, south],
      ] as const;
    const donutAndIsland = makeInsideCity([[square(0, 0, 10), square(4, 4, 2)], [square(20, 0, 2)]]);
    expect(donutAndIsland([1, 1])).toBe(true);
    expect(donutAndIsland([5, 5])).toBe(false);
    expect(donutAndIsland([21, 1])).toBe(true);
    expect(donutAndIsland([15, 1])).toBe(false);
  });
});
