/**
 * Duplicate reports across channels (issue #7): the same event reported by a citizen on 12345, by 郑好拍 and by a
 * patrolling worker becomes three tickets; the console suggests merging them into one case. Two reports are taken
 * for the same event when they are of the same category, within `radiusM` metres of each other (50 by default,
 * configurable) and reported within `windowS` seconds (a day by default) — and the earlier one is still an open case
 * of its own (not closed, not merged into another).
 *
 * The open live cases sit in a hash of cells about `radiusM` wide, so a new report looks at its own cell and the
 * eight around it: constant work however many tickets are open.
 */
const METRES_PER_DEGREE_LAT = 111_320;

export interface DuplicatePolicy {
  /** How close two reports must be, in metres. */
  radiusM: number;
  /** How close in time, in seconds. */
  windowS: number;
}

export const DEFAULT_DUPLICATE_POLICY: DuplicatePolicy = { radiusM: 50, windowS: 24 * 3600 };

export interface OpenCase {
  id: number;
  lng: number;
  lat: number;
  categoryId: number;
  reportedAt: number;
}

export interface DuplicateMatch {
  id: number;
  distanceM: number;
  secondsApart: number;
}

/** Metres between two nearby WGS-84 points (equirectangular: exact enough within a few kilometres). */
export function metresBetween(lng1: number, lat1: number, lng2: number, lat2: number): number {
  const meanLat = ((lat1 + lat2) / 2) * (Math.PI / 180);
  const dx = (lng2 - lng1) * Math.cos(meanLat) * METRES_PER_DEGREE_LAT;
  const dy = (lat2 - lat1) * METRES_PER_DEGREE_LAT;
  return Math.hypot(dx, dy);
}

export class DuplicateFinder {
  private readonly cells = new Map<string, Map<number, OpenCase>>();
  private readonly cellOf = new Map<number, string>();
  private readonly cellDegrees: number;

  constructor(readonly policy: DuplicatePolicy = DEFAULT_DUPLICATE_POLICY) {
    if (!(policy.radiusM > 0) || !(policy.windowS > 0)) {
      throw new RangeError('duplicate policy: radius and window must be positive');
    }
    // A cell at least as wide as the radius in both directions (longitude degrees shrink with latitude: at 35°N by
    // 0.82; the factor 1.5 covers any latitude below 48°).
    this.cellDegrees = (policy.radiusM / METRES_PER_DEGREE_LAT) * 1.5;
  }

  private key(cx: number, cy: number): string {
    return `${cx}:${cy}`;
  }

  get size(): number {
    return this.cellOf.size;
  }

  /** Adds (or moves) an open case. */
  add(open: OpenCase): void {
    this.remove(open.id);
    const key = this.key(Math.floor(open.lng / this.cellDegrees), Math.floor(open.lat / this.cellDegrees));
    let cell = this.cells.get(key);
    if (!cell) this.cells.set(key, (cell = new Map<number, OpenCase>()));
    cell.set(open.id, open);
    this.cellOf.set(open.id, key);
  }

  /** Drops a case that closed or was merged. */
  remove(id: number): void {
    const key = this.cellOf.get(id);
    if (key === undefined) return;
    const cell = this.cells.get(key)!;
    cell.delete(id);
    if (cell.size === 0) this.cells.delete(key);
    this.cellOf.delete(id);
  }

  /**
   * The open cases a report may duplicate, nearest first (excluding `report.id` itself). Cases reported after the
   * report count too, within the window: a late-forwarded report duplicates an earlier-filed case all the same.
   */
  matches(report: OpenCase, limit = 5): DuplicateMatch[] {
    const cx = Math.floor(report.lng / this.cellDegrees);
    const cy = Math.floor(report.lat / this.cellDegrees);
    const found: DuplicateMatch[] = [];
    for (let dx = -1; dx <= 1; dx++) {
      for (let dy = -1; dy <= 1; dy++) {
        const cell = this.cells.get(this.key(cx + dx, cy + dy));
        if (!cell) continue;
        for (const open of cell.values()) {
          if (open.id === report.id || open.categoryId !== report.categoryId) continue;
          const secondsApart = Math.abs(open.reportedAt - report.reportedAt);
          if (secondsApart > this.policy.windowS) continue;
          const distanceM = metresBetween(report.lng, report.lat, open.lng, open.lat);
          if (distanceM <= this.policy.radiusM) found.push({ id: open.id, distanceM, secondsApart });
        }
      }
    }
    found.sort((a, b) => a.distanceM - b.distanceM || a.secondsApart - b.secondsApart || a.id - b.id);
    return found.slice(0, limit);
  }
}
