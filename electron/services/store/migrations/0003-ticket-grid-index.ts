import type { Migration } from './migration';

/** Tickets by the grid they lie in, for grid cards (open tickets of a grid and its subtree) and dispatch queries. */
export const migration0003: Migration = {
  version: 3,
  name: 'ticket-grid-index',
  sql: `
CREATE INDEX tickets_by_grid ON tickets (grid_id, status);
`,
};
