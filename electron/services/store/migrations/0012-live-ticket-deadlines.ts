import type { Migration } from './migration';

/**
 * Issue #7: the deadline watcher looks every minute for open live tickets past their deadline that are not yet under
 * supervision. After days of intake the live tickets number in the hundreds of thousands, most of them closed; an
 * `open` flag kept by the stream's applier and this partial index keep the look to the few that are due.
 */
export const migration0012: Migration = {
  version: 12,
  name: 'live-ticket-deadlines',
  sql: `
ALTER TABLE live_tickets ADD COLUMN open INTEGER NOT NULL DEFAULT 1 CHECK (open IN (0, 1));
CREATE INDEX live_tickets_due ON live_tickets (deadline_at) WHERE open = 1 AND escalated = 0 AND merged_into IS NULL;
`,
};
