import type { Migration } from './migration';

/**
 * The ticket history as columnar blocks, one per calendar month (Beijing time), each sorted by report time:
 * Int32 reported_at[n], Uint16 heatmap cell[n], Uint8 channel[n], Uint8 category group[n]. Loaded into memory in
 * a fraction of a second, they answer heatmap windows over millions of tickets without touching the row table.
 * Derived data: rebuilt from `tickets` whenever they disagree.
 */
export const migration0002: Migration = {
  version: 2,
  name: 'ticket-blocks',
  sql: `
CREATE TABLE ticket_blocks (
  month INTEGER PRIMARY KEY,
  tickets INTEGER NOT NULL CHECK (tickets >= 0),
  data BLOB NOT NULL
) STRICT;
`,
};
