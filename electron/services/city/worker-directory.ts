/**
 * Grid workers' personal details (name, phone, role, shift), read one at a time on an operator's request. The access
 * gate has checked the operator's scope over the worker's grid and records every read on the audit trail; nothing
 * else in the console hands these fields to a window.
 */
import { ContractError, type WorkerPersonal } from '../../../shared/contract';
import type { Store } from '../store/store';

export class WorkerDirectory {
  constructor(private readonly store: Store) {}

  personal(id: number): WorkerPersonal {
    const row = this.store
      .reader()
      .prepare(
        `SELECT w.id, w.code, w.name, w.phone, w.role, w.shift, g.code AS gridCode, g.name AS gridName
         FROM workers w JOIN grids g ON g.id = w.grid_id WHERE w.id = ?`,
      )
      .get(id) as (Omit<WorkerPersonal, 'grid'> & { gridCode: string; gridName: string }) | undefined;
    if (!row) throw new ContractError({ code: 'refused', message: `worker ${id} not found` });
    const { gridCode, gridName, ...worker } = row;
    return { ...worker, grid: { code: gridCode, name: gridName } };
  }
}
