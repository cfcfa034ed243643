import { describe, expect, it } from 'vitest';
import { gcj02ToWgs84, isOutsideChina, wgs84ToGcj02 } from '../../../../shared/geo/gcj02';
import type { LngLat } from '../../../../shared/geo/types';

/** Metres between two nearby points (equirectangular; exact enough below a kilometre). */
function metresBetween(a: LngLat, b: LngLat): number {
  const lat = (((a[1] + b[1]) / 2) * Math.PI) / 180;
  const dx = ((b[0] - a[0]) * Math.PI * 6378137 * Math.cos(lat)) / 180;
  const dy = ((b[1] - a[1]) * Math.PI * 6378137) / 180;
  return Math.hypot(dx, dy);
}

describe('GCJ-02 ↔ WGS-84', () => {
  // Published reference pair (Tiananmen, as used by the widely used coordtransform library's documentation).
  const wgs: LngLat = [116.404, 39.915];
  const gcj: LngLat = [116.41024449916938, 39.91640428150164];

  it('matches the published WGS-84 → GCJ-02 pair', () => {
    const [lng, lat] = wgs84ToGcj02(wgs);
    expect(lng).toBeCloseTo(gcj[0], 9);
    expect(lat).toBeCloseTo(gcj[1], 9);
  });

  it('inverts the published pair to within a millimetre', () => {
    expect(metresBetween(gcj02ToWgs84(gcj), wgs)).toBeLessThan(0.001);
  });

  it('round-trips every point of a grid over Zhengzhou within 1 m', () => {
    for (let lng = 112.7; lng <= 114.3; lng += 0.1) {
      for (let lat = 34.2; lat <= 35.0; lat += 0.1) {
        const start: LngLat = [lng, lat];
        expect(metresBetween(gcj02ToWgs84(wgs84ToGcj02(start)), start)).toBeLessThan(1);
        expect(metresBetween(wgs84ToGcj02(gcj02ToWgs84(start)), start)).toBeLessThan(1);
      }
    }
  });

  it('shifts Zhengzhou about 556 m east and 125 m south (DOMAIN.md)', () => {
    const centre: LngLat = [113.65, 34.76];
    const shifted = wgs84ToGcj02(centre);
    const east = metresBetween(centre, [shifted[0], centre[1]]);
    const south = metresBetween(centre, [centre[0], shifted[1]]);
    expect(shifted[0]).toBeGreaterThan(centre[0]);
    expect(shifted[1]).toBeLessThan(centre[1]);
    expect(east).toBeGreaterThan(530);
    expect(east).toBeLessThan(580);
    expect(south).toBeGreaterThan(110);
    expect(south).toBeLessThan(140);
  });

  it('leaves coordinates outside China unchanged', () => {
    const paris: LngLat = [2.35, 48.85];
    expect(isOutsideChina(paris)).toBe(true);
    expect(wgs84ToGcj02(paris)).toEqual([2.35, 48.85]);
    expect(gcj02ToWgs84(paris)).toEqual([2.35, 48.85]);
  });
});
