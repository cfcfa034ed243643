import type { Migration } from './migration';

/**
 * Broadcasts this console sent: what, to whom (the target as the commander chose it and the number of workers it
 * covered), when and by whom. Receipts live in the hub tier; the console keeps the record.
 */
export const migration0005: Migration = {
  version: 5,
  name: 'broadcasts',
  sql: `
CREATE TABLE broadcasts (
  id TEXT PRIMARY KEY,
  seq INTEGER NOT NULL,
  text TEXT NOT NULL,
  priority TEXT NOT NULL CHECK (priority IN ('routine', 'urgent', 'emergency')),
  target TEXT NOT NULL,
  targeted INTEGER NOT NULL CHECK (targeted >= 0),
  ack_required INTEGER NOT NULL CHECK (ack_required IN (0, 1)),
  sent_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  deadline_at INTEGER,
  sender TEXT NOT NULL
) STRICT;
CREATE INDEX broadcasts_by_time ON broadcasts (sent_at);
`,
};
