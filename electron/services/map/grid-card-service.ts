/**
 * The card a click on the map opens: the grid of the chosen level under the point (the point → grid index), its
 * parent chain, and who and what is in it — workers (on duty now), open tickets, cameras and sensors of its whole
 * subtree, counted in the store.
 */
import type { GridCard } from '../../../shared/contract';
import { shiftOnDuty } from '../../../shared/domain/point-classes';
import type { GridLocator } from '../city/grid-locator';
import type { GridLevel } from '../city/grid-model';
import { workerOffline } from '../simulators/field-state-simulator';
import type { Store } from '../store/store';

/** Levels a card can be opened for: the hierarchy (exclusive grids get their own card later). */
export type CardLevel = Exclude<GridLevel, 'exclusive'>;

const BEIJING = 8 * 3600;
/** Statuses that count as open: reported, dispatched, accepted, handling, reopened. */
const OPEN_STATUSES = '0, 1, 2, 3, 7';

const SUBTREE = `WITH RECURSIVE subtree(id) AS (
  SELECT ? UNION ALL SELECT g.id FROM grids g JOIN subtree s ON g.parent_id = s.id WHERE g.level <> 'exclusive'
)`;

interface GridRow {
  id: number;
  code: string;
  name: string;
  level: GridLevel;
  parentId: number | null;
  countyId: number;
  households: number;
  areaKm2: number;
}

export class GridCardService {
  constructor(
    private readonly store: Store,
    private readonly grids: GridLocator,
    private readonly now: () => number = () => Math.floor(Date.now() / 1000),
  ) {}

  /** The card of the `level` grid at a point, or null outside the city (or where that level has no grid). */
  cardAt(lng: number, lat: number, level: CardLevel): GridCard | null {
    const id = this.grids.index().locateLevel(level, lng, lat);
    return id < 0 ? null : this.card(id);
  }

  card(id: number): GridCard | null {
    const db = this.store.reader();
    const gridById = db.prepare(
      `SELECT id, code, name, level, parent_id AS parentId, county_id AS countyId, households, area_km2 AS areaKm2
       FROM grids WHERE id = ?`,
    );
    const grid = gridById.get(id) as GridRow | undefined;
    if (!grid) return null;
    const parents: GridCard['parents'] = [];
    for (let parentId = grid.parentId; parentId !== null;) {
      const parent = gridById.get(parentId) as GridRow;
      parents.unshift({ id: parent.id, code: parent.code, name: parent.name, level: parent.level });
      parentId = parent.parentId;
    }
    const county = db.prepare('SELECT name FROM counties WHERE id = ?').get(grid.countyId) as { name: string };
    const count = (sql: string): number => (db.prepare(`${SUBTREE} ${sql}`).get(id) as { n: number }).n;
    const workers = db.prepare(`${SUBTREE} SELECT id, shift FROM workers WHERE grid_id IN subtree`).all(id) as {
      id: number;
      shift: string;
    }[];
    const now = this.now();
    const hour = new Date((now + BEIJING) * 1000).getUTCHours();
    return {
      grid: {
        id: grid.id,
        code: grid.code,
        name: grid.name,
        level: grid.level,
        households: grid.households,
        areaKm2: grid.areaKm2,
      },
      parents,
      county: county.name,
      workers: workers.length,
      workersOnDuty: workers.filter((worker) => !workerOffline(worker.id, now) && shiftOnDuty(worker.shift, hour))
        .length,
      openTickets: count(`SELECT COUNT(*) AS n FROM tickets WHERE grid_id IN subtree AND status IN (${OPEN_STATUSES})`),
      cameras: count('SELECT COUNT(*) AS n FROM cameras WHERE grid_id IN subtree'),
      sensors: count('SELECT COUNT(*) AS n FROM sensors WHERE grid_id IN subtree'),
    };
  }
}
