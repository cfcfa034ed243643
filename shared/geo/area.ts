/**
 * Area of WGS-84 polygons in km², on the ellipsoid.
 *
 * Latitudes are mapped to authalic latitudes, which turns the WGS-84 ellipsoid into a sphere of equal area (radius
 * R_q); the spherical ring-area sum on that sphere then gives the ellipsoidal area (the edges between vertices count
 * as rhumb-like segments, which is negligible at vertex spacings of a few hundred metres).
 */
import type { PolygonRings, Ring } from './types';

const WGS84_A = 6378137;
const WGS84_F = 1 / 298.257223563;
const E2 = WGS84_F * (2 - WGS84_F);
const E = Math.sqrt(E2);

function authalicQ(sinPhi: number): number {
  const eSin = E * sinPhi;
  return (1 - E2) * (sinPhi / (1 - E2 * sinPhi * sinPhi) - (1 / (2 * E)) * Math.log((1 - eSin) / (1 + eSin)));
}

const Q_POLE = authalicQ(1);
/** Radius of the sphere with the same surface area as the WGS-84 ellipsoid (≈ 6,371,007 m). */
export const AUTHALIC_RADIUS_M = WGS84_A * Math.sqrt(Q_POLE / 2);

function sinAuthalicLatitude(latDeg: number): number {
  return authalicQ(Math.sin((latDeg * Math.PI) / 180)) / Q_POLE;
}

/** Unsigned area of one ring in m². */
export function ringAreaM2(ring: Ring): number {
  const n = ring.length;
  if (n < 4) return 0;
  let sum = 0;
  for (let i = 0; i < n - 1; i++) {
    const a = ring[i]!;
    const b = ring[i + 1]!;
    const dLng = ((b[0] - a[0]) * Math.PI) / 180;
    sum += dLng * (2 + sinAuthalicLatitude(a[1]) + sinAuthalicLatitude(b[1]));
  }
  return Math.abs((sum * AUTHALIC_RADIUS_M * AUTHALIC_RADIUS_M) / 2);
}

/** Area of a polygon (outer ring minus holes) in km². */
export function polygonAreaKm2(polygon: PolygonRings): number {
  let m2 = 0;
  polygon.forEach((ring, index) => {
    m2 += index === 0 ? ringAreaM2(ring) : -ringAreaM2(ring);
  });
  return m2 / 1e6;
}

/** Area of a multipolygon in km². */
export function multiPolygonAreaKm2(polygons: readonly PolygonRings[]): number {
  return polygons.reduce((total, polygon) => total + polygonAreaKm2(polygon), 0);
}
