import { describe, expect, it } from 'vitest';
import { bd09ToGcj02, bd09ToWgs84, gcj02ToBd09, wgs84ToBd09 } from '../../../../shared/geo/bd09';
import type { LngLat } from '../../../../shared/geo/types';

/** Metres between two nearby points (equirectangular; exact enough below a few kilometres). */
function metresBetween(a: LngLat, b: LngLat): number {
  const lat = (((a[1] + b[1]) / 2) * Math.PI) / 180;
  const dx = ((b[0] - a[0]) * Math.PI * 6378137 * Math.cos(lat)) / 180;
  const dy = ((b[1] - a[1]) * Math.PI * 6378137) / 180;
  return Math.hypot(dx, dy);
}

describe('BD-09 ↔ GCJ-02 ↔ WGS-84', () => {
  // Published reference pair (the coordtransform library's documentation, the same source as the GCJ-02 pair).
  const gcj: LngLat = [116.404, 39.915];
  const bd: LngLat = [116.41036949371029, 39.92133699351021];

  it('matches the published GCJ-02 → BD-09 pair', () => {
    const [lng, lat] = gcj02ToBd09(gcj);
    expect(lng).toBeCloseTo(bd[0], 9);
    expect(lat).toBeCloseTo(bd[1], 9);
  });

  it('inverts it to within a millimetre', () => {
    expect(metresBetween(bd09ToGcj02(bd), gcj)).toBeLessThan(0.001);
  });

  it('round-trips every point of a grid over Zhengzhou through WGS-84 within a millimetre', () => {
    for (let lng = 112.7; lng <= 114.3; lng += 0.1) {
      for (let lat = 34.2; lat <= 35.0; lat += 0.1) {
        const wgs: LngLat = [lng, lat];
        const there = wgs84ToBd09(wgs);
        // BD-09 lies roughly a kilometre from WGS-84 here: the conversion is not a no-op.
        expect(metresBetween(there, wgs)).toBeGreaterThan(500);
        expect(metresBetween(bd09ToWgs84(there), wgs)).toBeLessThan(0.001);
      }
    }
  });
});
