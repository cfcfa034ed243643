import { describe, expect, it } from 'vitest';
import { AUTHALIC_RADIUS_M, multiPolygonAreaKm2, polygonAreaKm2, ringAreaM2 } from '../../../../shared/geo/area';
import type { Ring } from '../../../../shared/geo/types';

const WGS84_SURFACE_KM2 = 510_065_621.7;

function box(west: number, south: number, east: number, north: number): Ring {
  return [
    [west, south],
    [east, south],
    [east, north],
    [west, north],
    [west, south],
  ];
}

describe('ellipsoidal area', () => {
  it('uses the WGS-84 authalic radius', () => {
    expect(AUTHALIC_RADIUS_M).toBeCloseTo(6371007.18, 1);
  });

  it('gives half the WGS-84 surface for the northern hemisphere', () => {
    expect(polygonAreaKm2([box(-180, 0, 180, 90)]) / (WGS84_SURFACE_KM2 / 2)).toBeCloseTo(1, 6);
  });

  it('agrees with the local radii of curvature for a small cell at Zhengzhou', () => {
    const lat = (34.76 * Math.PI) / 180;
    const a = 6378137;
    const e2 = 0.00669437999014;
    const w = Math.sqrt(1 - e2 * Math.sin(lat) ** 2);
    const meridian = (a * (1 - e2)) / w ** 3;
    const primeVertical = a / w;
    const d = (0.01 * Math.PI) / 180;
    const expectedM2 = d * meridian * d * primeVertical * Math.cos(lat);
    expect(ringAreaM2(box(113.645, 34.755, 113.655, 34.765)) / expectedM2).toBeCloseTo(1, 4);
  });

  it('does not depend on ring orientation and subtracts holes', () => {
    const outer = box(113, 34, 114, 35);
    const reversed = [...outer].reverse();
    expect(ringAreaM2(reversed)).toBeCloseTo(ringAreaM2(outer), 3);
    const hole = box(113.25, 34.25, 113.75, 34.75);
    expect(polygonAreaKm2([outer, hole])).toBeCloseTo(polygonAreaKm2([outer]) - polygonAreaKm2([hole]), 6);
    expect(multiPolygonAreaKm2([[outer], [hole]])).toBeCloseTo(polygonAreaKm2([outer]) + polygonAreaKm2([hole]), 6);
  });

  it('is zero for degenerate rings', () => {
    expect(ringAreaM2([])).toBe(0);
    expect(
      ringAreaM2([
        [1, 1],
        [2, 2],
        [1, 1],
      ]),
    ).toBe(0);
  });
});
