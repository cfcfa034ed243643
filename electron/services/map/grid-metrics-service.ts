/**
 * What the map fills grids by: open tickets, overdue tickets and workers on duty, for every grid of a level at once,
 * as typed arrays in the order of `city.getBoundaries(level)`. One pass over the open-ticket index and the workers,
 * rolled up the grid tree, serves every level; the answer is kept for a minute (statuses and deadlines move with the
 * clock, not faster) and dropped when the city changes.
 *
 * The roll-up follows the grid card's rule: a grid counts its whole hierarchy subtree; exclusive grids are overlays
 * with their own staff and do not add to their parents.
 */
import type { GridMetrics } from '../../../shared/contract';
import type { GridLevel } from '../city/grid-model';
import { onDutyAt } from '../simulators/field-state-simulator';
import { OPEN_TICKET_STATUSES, openTicketIndexHint } from '../store/migrations/0004-open-ticket-index';
import type { Store } from '../store/store';

export type MetricLevel = Exclude<GridLevel, 'exclusive'>;

const CACHE_SECONDS = 60;
const HOUR = 3600;

interface Rollup {
  asOf: number;
  byLevel: Map<MetricLevel, GridMetrics>;
}

export class GridMetricsService {
  private cached: Rollup | undefined;

  constructor(
    private readonly store: Store,
    private readonly now: () => number = () => Math.floor(Date.now() / 1000),
  ) {}

  /** Forget the cached answer (an import replaced the city, or tickets changed). */
  invalidate(): void {
    this.cached = undefined;
  }

  metrics(level: MetricLevel): GridMetrics {
    const now = this.now();
    if (!this.cached || now - this.cached.asOf >= CACHE_SECONDS || now < this.cached.asOf) {
      this.cached = this.rollup(now);
    }
    return this.cached.byLevel.get(level)!;
  }

  private rollup(asOf: number): Rollup {
    const db = this.store.reader();
    const grids = db.prepare('SELECT id, parent_id, level FROM grids ORDER BY id').raw().all() as [
      number,
      number | null,
      GridLevel,
    ][];
    const slot = new Map<number, number>();
    grids.forEach(([id], i) => slot.set(id, i));
    // Each grid's parent slot, or -1 at the top and for exclusive overlays (which do not add to their parents).
    const parentSlot = Int32Array.from(grids, ([, parentId, level]) =>
      parentId === null || level === 'exclusive' ? -1 : (slot.get(parentId) ?? -1),
    );
    const open = new Uint32Array(grids.length);
    const overdue = new Uint32Array(grids.length);
    const workersOnDuty = new Uint32Array(grids.length);
    const addUp = (counts: Uint32Array, gridId: number): void => {
      for (let s = slot.get(gridId) ?? -1; s >= 0; s = parentSlot[s]!) counts[s]!++;
    };

    const deadlineHours = new Map(
      db.prepare('SELECT id, deadline_hours FROM categories WHERE deadline_hours IS NOT NULL').raw().all() as [
        number,
        number,
      ][],
    );
    const openTickets = db
      .prepare(
        `SELECT grid_id, category_id, reported_at FROM tickets ${openTicketIndexHint(db)}
         WHERE status IN (${OPEN_TICKET_STATUSES})`,
      )
      .raw();
    for (const [gridId, categoryId, reportedAt] of openTickets.iterate() as IterableIterator<
      [number, number, number]
    >) {
      addUp(open, gridId);
      const hours = deadlineHours.get(categoryId);
      if (hours !== undefined && reportedAt + hours * HOUR < asOf) addUp(overdue, gridId);
    }
    const onDuty = onDutyAt(asOf);
    const workers = db.prepare('SELECT id, grid_id, shift FROM workers').raw();
    for (const [id, gridId, shift] of workers.iterate() as IterableIterator<[number, number, string]>) {
      if (onDuty(id, shift)) addUp(workersOnDuty, gridId);
    }

    const byLevel = new Map<MetricLevel, GridMetrics>();
    for (const level of ['L1', 'L2', 'L3', 'micro'] as const) {
      const slots = grids.flatMap(([, , gridLevel], i) => (gridLevel === level ? [i] : []));
      const pick = (counts: Uint32Array): Uint32Array<ArrayBuffer> => Uint32Array.from(slots, (s) => counts[s]!);
      byLevel.set(level, {
        level,
        ids: Int32Array.from(slots, (s) => grids[s]![0]),
        openTickets: pick(open),
        overdueTickets: pick(overdue),
        workersOnDuty: pick(workersOnDuty),
        asOf,
      });
    }
    return { asOf, byLevel };
  }
}
