import type { Migration } from './migration';

/**
 * Tickets by the grid they lie in, for grid cards (open tickets of a grid and its subtree) and dispatch queries.
 * Bulk loads drop it and build it again afterwards (one sort instead of millions of random B-tree inserts).
 */
export const TICKETS_BY_GRID_INDEX = 'CREATE INDEX tickets_by_grid ON tickets (grid_id, status);';

export const migration0003: Migration = {
  version: 3,
  name: 'ticket-grid-index',
  sql: `
${TICKETS_BY_GRID_INDEX}
`,
};
