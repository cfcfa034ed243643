/**
 * GCJ-02 ("Mars coordinates", used by AMap/Gaode and the echarts maps) ↔ WGS-84.
 *
 * Gridline stores every coordinate in WGS-84 (≈ CGCS2000 at map scale). GCJ-02 is converted at the edges only:
 * when importing data that comes in GCJ-02, and when exporting to a GCJ-02 consumer.
 *
 * The forward transform is the published closed form (Krasovsky ellipsoid, fixed polynomial distortion). It has no
 * closed-form inverse, so the inverse iterates the forward transform until it moves less than a millimetre.
 */
import type { LngLat } from './types';

const KRASOVSKY_A = 6378245.0;
const KRASOVSKY_EE = 0.006693421622965943;

/** GCJ-02 is defined only inside mainland China's rough bounding box; outside it, coordinates pass unchanged. */
export function isOutsideChina([lng, lat]: LngLat): boolean {
  return lng < 72.004 || lng > 137.8347 || lat < 0.8293 || lat > 55.8271;
}

function distortLat(x: number, y: number): number {
  let r = -100 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
  r += ((20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2) / 3;
  r += ((20 * Math.sin(y * Math.PI) + 40 * Math.sin((y / 3) * Math.PI)) * 2) / 3;
  r += ((160 * Math.sin((y / 12) * Math.PI) + 320 * Math.sin((y * Math.PI) / 30)) * 2) / 3;
  return r;
}

function distortLng(x: number, y: number): number {
  let r = 300 + x + 2 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
  r += ((20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2) / 3;
  r += ((20 * Math.sin(x * Math.PI) + 40 * Math.sin((x / 3) * Math.PI)) * 2) / 3;
  r += ((150 * Math.sin((x / 12) * Math.PI) + 300 * Math.sin((x / 30) * Math.PI)) * 2) / 3;
  return r;
}

/** WGS-84 → GCJ-02 (closed form). */
export function wgs84ToGcj02(point: LngLat): LngLat {
  if (isOutsideChina(point)) return [point[0], point[1]];
  const [lng, lat] = point;
  const x = lng - 105;
  const y = lat - 35;
  const radLat = (lat / 180) * Math.PI;
  const sinLat = Math.sin(radLat);
  const magic = 1 - KRASOVSKY_EE * sinLat * sinLat;
  const sqrtMagic = Math.sqrt(magic);
  const dLat = (distortLat(x, y) * 180) / (((KRASOVSKY_A * (1 - KRASOVSKY_EE)) / (magic * sqrtMagic)) * Math.PI);
  const dLng = (distortLng(x, y) * 180) / ((KRASOVSKY_A / sqrtMagic) * Math.cos(radLat) * Math.PI);
  return [lng + dLng, lat + dLat];
}

/** About 1 mm in degrees at Zhengzhou's latitude: the inverse stops once a step is smaller. */
const INVERSE_TOLERANCE_DEG = 1e-8;
const INVERSE_MAX_STEPS = 30;

/** GCJ-02 → WGS-84, by fixed-point iteration on the forward transform (sub-millimetre). */
export function gcj02ToWgs84(point: LngLat): LngLat {
  if (isOutsideChina(point)) return [point[0], point[1]];
  let guess: LngLat = [point[0], point[1]];
  for (let step = 0; step < INVERSE_MAX_STEPS; step++) {
    const forward = wgs84ToGcj02(guess);
    const dLng = point[0] - forward[0];
    const dLat = point[1] - forward[1];
    guess = [guess[0] + dLng, guess[1] + dLat];
    if (Math.abs(dLng) < INVERSE_TOLERANCE_DEG && Math.abs(dLat) < INVERSE_TOLERANCE_DEG) break;
  }
  return guess;
}
