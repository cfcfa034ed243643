/** Where a grid sits: its county-level unit and its parents from L1 down — what every card shows first. */
import type Database from 'better-sqlite3';
import type { GridCard } from '../../../shared/contract';

export type GridRef = GridCard['parents'][number];

export interface GridLineage {
  county: string;
  /** L1 down to the grid's parent. */
  parents: GridRef[];
}

export function gridLineage(db: Database.Database, grid: { parentId: number | null; countyId: number }): GridLineage {
  const parentById = db.prepare('SELECT id, code, name, level, parent_id AS parentId FROM grids WHERE id = ?');
  const parents: GridRef[] = [];
  for (let parentId = grid.parentId; parentId !== null;) {
    const parent = parentById.get(parentId) as GridRef & { parentId: number | null };
    parents.unshift({ id: parent.id, code: parent.code, name: parent.name, level: parent.level });
    parentId = parent.parentId;
  }
  const county = db.prepare('SELECT name FROM counties WHERE id = ?').get(grid.countyId) as { name: string };
  return { county: county.name, parents };
}
