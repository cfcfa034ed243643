/**
 * BD-09 (Baidu Maps' coordinates) ↔ GCJ-02 ↔ WGS-84.
 *
 * BD-09 is GCJ-02 with a second, smaller distortion on top (a shift of about 0.0065° east and 0.006° north plus a
 * small rotation and scaling). Apps built on Baidu's SDK report positions in it, so the intake accepts it and converts
 * at the edge, like GCJ-02 (see gcj02.ts): Gridline stores WGS-84 only.
 *
 * The forward transform (GCJ-02 → BD-09) is the closed form the common open-source converters use (coordtransform
 * and others; Baidu does not publish its own). Its usual "inverse" formula is only approximate (up to
 * about 15 cm off around Zhengzhou), so the inverse here starts from it and iterates the forward transform until a
 * step moves less than a millimetre.
 */
import { gcj02ToWgs84, wgs84ToGcj02 } from './gcj02';
import type { LngLat } from './types';

const X_PI = (Math.PI * 3000) / 180;
const SHIFT_LNG = 0.0065;
const SHIFT_LAT = 0.006;

/** GCJ-02 → BD-09 (closed form). */
export function gcj02ToBd09([lng, lat]: LngLat): LngLat {
  const z = Math.sqrt(lng * lng + lat * lat) + 0.00002 * Math.sin(lat * X_PI);
  const theta = Math.atan2(lat, lng) + 0.000003 * Math.cos(lng * X_PI);
  return [z * Math.cos(theta) + SHIFT_LNG, z * Math.sin(theta) + SHIFT_LAT];
}

/** The published approximate inverse: the starting guess for the iteration. */
function bd09ToGcj02Approximate([lng, lat]: LngLat): LngLat {
  const x = lng - SHIFT_LNG;
  const y = lat - SHIFT_LAT;
  const z = Math.sqrt(x * x + y * y) - 0.00002 * Math.sin(y * X_PI);
  const theta = Math.atan2(y, x) - 0.000003 * Math.cos(x * X_PI);
  return [z * Math.cos(theta), z * Math.sin(theta)];
}

/** About 1 mm in degrees at Zhengzhou's latitude: the inverse stops once a step is smaller. */
const INVERSE_TOLERANCE_DEG = 1e-8;
const INVERSE_MAX_STEPS = 30;

/** BD-09 → GCJ-02, by fixed-point iteration on the forward transform (sub-millimetre). */
export function bd09ToGcj02(point: LngLat): LngLat {
  let guess = bd09ToGcj02Approximate(point);
  for (let step = 0; step < INVERSE_MAX_STEPS; step++) {
    const forward = gcj02ToBd09(guess);
    const dLng = point[0] - forward[0];
    const dLat = point[1] - forward[1];
    guess = [guess[0] + dLng, guess[1] + dLat];
    if (Math.abs(dLng) < INVERSE_TOLERANCE_DEG && Math.abs(dLat) < INVERSE_TOLERANCE_DEG) break;
  }
  return guess;
}

/** BD-09 → WGS-84 (through GCJ-02). */
export function bd09ToWgs84(point: LngLat): LngLat {
  return gcj02ToWgs84(bd09ToGcj02(point));
}

/** WGS-84 → BD-09 (through GCJ-02). */
export function wgs84ToBd09(point: LngLat): LngLat {
  return gcj02ToBd09(wgs84ToGcj02(point));
}
