import type { Migration } from './migration';

/**
 * Workers each hub escalated (SMS/voice) for missing a broadcast's deadline: one row per broadcast and hub, the ids
 * as packed little-endian int32 (221,000 workers are 884 KB, not a row each). Kept with the broadcast's record, so a
 * window opened later, or the console after a restart, still says who was escalated and when.
 */
export const migration0006: Migration = {
  version: 6,
  name: 'broadcast-escalations',
  sql: `
CREATE TABLE broadcast_escalations (
  broadcast_id TEXT NOT NULL REFERENCES broadcasts (id),
  hub TEXT NOT NULL,
  at INTEGER NOT NULL,
  total INTEGER NOT NULL CHECK (total > 0),
  workers BLOB NOT NULL CHECK (length(workers) = 4 * total),
  PRIMARY KEY (broadcast_id, hub)
) STRICT, WITHOUT ROWID;
`,
};
