import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../../../../../electron/services/store/migrate';
import { MIGRATIONS } from '../../../../../../electron/services/store/migrations';

describe('migration 0003: tickets by grid', () => {
  it('indexes tickets by grid and status, so a grid card counts open tickets without a table scan', () => {
    const db = new Database(':memory:');
    expect(migrate(db, MIGRATIONS.slice(0, 3)).applied).toEqual([1, 2, 3]);
    const plan = db
      .prepare('EXPLAIN QUERY PLAN SELECT COUNT(*) FROM tickets WHERE grid_id IN (1, 2) AND status IN (0, 1, 2, 3, 7)')
      .all() as { detail: string }[];
    expect(plan.map((row) => row.detail).join(' ')).toContain('tickets_by_grid');
  });
});
