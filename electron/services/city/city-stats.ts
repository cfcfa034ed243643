/** Counts and closed-loop figures of the city in a store (`npm run city -- stats`, the console's data note). */
import type { Store } from '../store/store';

export interface CityStats {
  l1: number;
  l2: number;
  l3: number;
  micro: number;
  exclusive: number;
  workers: number;
  cameras: number;
  sensors: number;
  tickets: number;
  areaKm2: number;
  /** Share of tickets resolved, given feedback or evaluated. */
  closureRate: number;
  /** Share of evaluations scoring 4 or 5 of 5. */
  satisfaction: number;
  /** Mean days from report to closure, over closed tickets. */
  meanHandlingDays: number;
  generateSeconds: number | null;
}

const round = (value: number, digits: number): number => Number(value.toFixed(digits));

export function cityStats(store: Store): CityStats {
  const db = store.reader();
  const levels = Object.fromEntries(
    (db.prepare('SELECT level, COUNT(*) AS n FROM grids GROUP BY level').all() as { level: string; n: number }[]).map(
      (row) => [row.level, row.n],
    ),
  );
  const count = (table: string): number => (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
  const area = db.prepare("SELECT COALESCE(SUM(area_km2), 0) AS km2 FROM grids WHERE level = 'L1'").get() as {
    km2: number;
  };
  const loop = db
    .prepare(
      `SELECT COUNT(*) AS total,
              COALESCE(SUM(status BETWEEN 4 AND 6), 0) AS closed,
              COALESCE(SUM(satisfaction >= 4), 0) AS satisfied,
              COUNT(satisfaction) AS evaluated,
              AVG(closed_at - reported_at) AS handling
       FROM tickets`,
    )
    .get() as { total: number; closed: number; satisfied: number; evaluated: number; handling: number | null };
  const seconds = db.prepare("SELECT value FROM city_meta WHERE key = 'generate_seconds'").get() as
    { value: string } | undefined;
  return {
    l1: levels.L1 ?? 0,
    l2: levels.L2 ?? 0,
    l3: levels.L3 ?? 0,
    micro: levels.micro ?? 0,
    exclusive: levels.exclusive ?? 0,
    workers: count('workers'),
    cameras: count('cameras'),
    sensors: count('sensors'),
    tickets: loop.total,
    areaKm2: round(area.km2, 1),
    closureRate: loop.total ? round(loop.closed / loop.total, 4) : 0,
    satisfaction: loop.evaluated ? round(loop.satisfied / loop.evaluated, 4) : 0,
    meanHandlingDays: loop.handling === null ? 0 : round(loop.handling / 86_400, 2),
    generateSeconds: seconds ? Number(seconds.value) : null,
  };
}
