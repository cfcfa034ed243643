/**
 * Where people live: a smooth density surface that falls off from the city centre (about 113.65E 34.76N) with bumps
 * at the county seats. Grid sizes follow it (small grids where it is high), so do households, workers, cameras and
 * tickets.
 */
import { ZHENGZHOU } from '../../../../shared/domain/city';

export interface Seat {
  lng: number;
  lat: number;
  /** Relative size of the town's bump. */
  weight: number;
}

const KM_PER_DEG_LAT = 111.2;
const KM_PER_DEG_LNG = 111.2 * Math.cos((ZHENGZHOU.centre[1] * Math.PI) / 180);

function bump(lng: number, lat: number, cx: number, cy: number, radiusKm: number): number {
  const dx = (lng - cx) * KM_PER_DEG_LNG;
  const dy = (lat - cy) * KM_PER_DEG_LAT;
  return Math.exp(-(dx * dx + dy * dy) / (2 * radiusKm * radiusKm));
}

export function createDensity(seats: readonly Seat[]): (lng: number, lat: number) => number {
  const [cx, cy] = ZHENGZHOU.centre;
  return (lng, lat) => {
    // Rural floor + the metropolitan core + a wider urban ring + each county seat.
    let d = 0.035 + 1.0 * bump(lng, lat, cx, cy, 5) + 0.35 * bump(lng, lat, cx, cy, 14);
    for (const seat of seats) d += seat.weight * bump(lng, lat, seat.lng, seat.lat, 3.2);
    return d;
  };
}
