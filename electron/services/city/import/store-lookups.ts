/** What a CSV import needs to know about rows already in the store: grids by code, their L1, channel/category codes. */
import type { Database } from 'better-sqlite3';
import type { LngLat } from '../../../../shared/geo/types';
import { formatPosition } from './datum';
import { ImportProblem } from './import-error';

interface GridRow {
  id: number;
  code: string;
  level: string;
  parent_id: number | null;
}

/** The store's grids, read once per import (75k rows at full scale: a few megabytes). */
export class GridLookup {
  private readonly idByCode = new Map<string, number>();
  private readonly parentById = new Map<number, number | null>();
  private readonly levelById = new Map<number, string>();

  constructor(db: Database) {
    for (const row of db
      .prepare('SELECT id, code, level, parent_id FROM grids')
      .iterate() as IterableIterator<GridRow>) {
      this.idByCode.set(row.code, row.id);
      this.parentById.set(row.id, row.parent_id);
      this.levelById.set(row.id, row.level);
    }
  }

  get size(): number {
    return this.idByCode.size;
  }

  /** The id of a grid code, or a problem naming the code. */
  idOf(code: string): number {
    const id = this.idByCode.get(code);
    if (id === undefined) throw new ImportProblem(`unknown grid code ${code} (no such grid in the store)`);
    return id;
  }

  has(id: number): boolean {
    return this.levelById.has(id);
  }

  /** The L1 grid a grid belongs to (itself for an L1; an exclusive grid's parent is its L1). */
  l1Of(id: number): number {
    let current = id;
    for (let step = 0; step < 8; step++) {
      if (this.levelById.get(current) === 'L1') return current;
      const parent = this.parentById.get(current);
      if (parent === null || parent === undefined) break;
      current = parent;
    }
    throw new ImportProblem(`grid ${id} has no L1 ancestor in the store`);
  }

  /**
   * The grid of a row: its grid code when given, else the locator's answer at the point (the deepest grid there).
   */
  gridFor(code: string | null, point: LngLat, locate: ((lng: number, lat: number) => number) | undefined): number {
    if (code !== null) return this.idOf(code);
    if (!locate) throw new ImportProblem('column grid_code is empty and no locator was given to find the grid');
    const id = locate(point[0], point[1]);
    if (id < 0) throw new ImportProblem(`no grid at ${formatPosition(...point)} (WGS-84) and no grid_code given`);
    if (!this.has(id)) throw new ImportProblem(`the locator answered grid id ${id}, which is not in the store`);
    return id;
  }
}

/** Code → id of a small lookup table (channels, categories). */
export function loadCodeIds(db: Database, table: 'channels' | 'categories'): Map<string, number> {
  const rows = db.prepare(`SELECT id, code FROM ${table}`).all() as { id: number; code: string }[];
  return new Map(rows.map((row) => [row.code, row.id]));
}
