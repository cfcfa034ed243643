/**
 * The card a click on the map (or a search hit) opens: a grid, its parent chain, and who and what is in it — workers
 * (on duty now), open and overdue tickets, cameras and sensors — counted in the store.
 *
 * A hierarchy grid counts its whole subtree (exclusive overlays excluded: they have their own staff). An exclusive
 * grid (a station, a hospital…) counts its own workers and devices, and the open tickets that lie inside its outline:
 * tickets are dispatched to hierarchy grids, so those are found through the leaf grids under its bounding box and
 * kept by the point → grid index.
 */
import type { GridCard } from '../../../shared/contract';
import type { GridLocator } from '../city/grid-locator';
import type { GridLevel } from '../city/grid-model';
import { onDutyAt } from '../simulators/field-state-simulator';
import { gridLineage } from './grid-lineage';
import { OPEN_TICKET_STATUSES, openTicketIndexHint } from '../store/migrations/0004-open-ticket-index';
import type { Store } from '../store/store';

/** Levels a click opens a card for: the hierarchy (exclusive grids open through their own pick or a search). */
export type CardLevel = Exclude<GridLevel, 'exclusive'>;

const SUBTREE = `WITH RECURSIVE subtree(id) AS (
  SELECT ? UNION ALL SELECT g.id FROM grids g JOIN subtree s ON g.parent_id = s.id WHERE g.level <> 'exclusive'
)`;
const OVERDUE = 't.reported_at + c.deadline_hours * 3600 < ?';

interface GridRow {
  id: number;
  code: string;
  name: string;
  level: GridLevel;
  parentId: number | null;
  countyId: number;
  exclusiveKind: string | null;
  households: number;
  areaKm2: number;
  minLon: number;
  minLat: number;
  maxLon: number;
  maxLat: number;
  centroidLon: number;
  centroidLat: number;
}

export class GridCardService {
  constructor(
    private readonly store: Store,
    private readonly grids: GridLocator,
    private readonly now: () => number = () => Math.floor(Date.now() / 1000),
  ) {}

  /** The card of the `level` grid at a point, or null outside the city (or where that level has no grid). */
  cardAt(lng: number, lat: number, level: GridLevel): GridCard | null {
    const id = this.grids.index().locateLevel(level, lng, lat);
    return id < 0 ? null : this.card(id);
  }

  /** The card of a grid by id, or null for an unknown id. */
  card(id: number): GridCard | null {
    const db = this.store.reader();
    const grid = db
      .prepare(
        `SELECT id, code, name, level, parent_id AS parentId, county_id AS countyId, exclusive_kind AS exclusiveKind,
              households, area_km2 AS areaKm2, min_lon AS minLon, min_lat AS minLat, max_lon AS maxLon, max_lat AS maxLat,
              centroid_lon AS centroidLon, centroid_lat AS centroidLat
       FROM grids WHERE id = ?`,
      )
      .get(id) as GridRow | undefined;
    if (!grid) return null;
    const { county, parents } = gridLineage(db, grid);
    const now = this.now();
    // An exclusive grid's "subtree" is itself: nothing hangs below an overlay.
    const count = (sql: string, ...more: unknown[]): number =>
      (db.prepare(`${SUBTREE} ${sql}`).get(id, ...more) as { n: number }).n;
    const workers = db.prepare(`${SUBTREE} SELECT id, shift FROM workers WHERE grid_id IN subtree`).raw().all(id) as [
      number,
      string,
    ][];
    const onDuty = onDutyAt(now);
    const tickets = grid.level === 'exclusive' ? this.ticketsInside(grid, now) : this.ticketsBelow(id, now);
    return {
      grid: {
        id: grid.id,
        code: grid.code,
        name: grid.name,
        level: grid.level,
        exclusiveKind: grid.exclusiveKind,
        households: grid.households,
        areaKm2: grid.areaKm2,
        centroid: [grid.centroidLon, grid.centroidLat],
      },
      parents,
      county,
      workers: workers.length,
      workersOnDuty: workers.filter(([workerId, shift]) => onDuty(workerId, shift)).length,
      openTickets: tickets.open,
      overdueTickets: tickets.overdue,
      cameras: count('SELECT COUNT(*) AS n FROM cameras WHERE grid_id IN subtree'),
      sensors: count('SELECT COUNT(*) AS n FROM sensors WHERE grid_id IN subtree'),
    };
  }

  private ticketsBelow(id: number, now: number): { open: number; overdue: number } {
    const db = this.store.reader();
    const row = db
      .prepare(
        `${SUBTREE} SELECT COUNT(*) AS open, COALESCE(SUM(${OVERDUE}), 0) AS overdue
         FROM tickets t ${openTicketIndexHint(this.store.reader())} JOIN categories c ON c.id = t.category_id
         WHERE t.grid_id IN subtree AND t.status IN (${OPEN_TICKET_STATUSES})`,
      )
      .get(id, now) as { open: number; overdue: number };
    return row;
  }

  private ticketsInside(grid: GridRow, now: number): { open: number; overdue: number } {
    const index = this.grids.index();
    const candidates = this.store
      .reader()
      .prepare(
        `SELECT t.lon, t.lat, ${OVERDUE} AS late
         FROM tickets t ${openTicketIndexHint(this.store.reader())} JOIN categories c ON c.id = t.category_id
         WHERE t.status IN (${OPEN_TICKET_STATUSES}) AND t.grid_id IN (
           SELECT id FROM grids WHERE level <> 'exclusive'
             AND max_lon >= ? AND min_lon <= ? AND max_lat >= ? AND min_lat <= ?)`,
      )
      .raw()
      .all(now, grid.minLon, grid.maxLon, grid.minLat, grid.maxLat) as [number, number, number][];
    let open = 0;
    let overdue = 0;
    for (const [lng, lat, late] of candidates) {
      if (index.locateLevel('exclusive', lng, lat) !== grid.id) continue;
      open++;
      overdue += late;
    }
    return { open, overdue };
  }
}
