import type { Migration } from './migration';

/**
 * Issue #7: which hub tier's ticket stream this store follows. The cursor (`ticket_stream.seq`) is a position in one
 * stream; a hub whose log was reset, or another tier, numbers its events from 1 again, and a console that went on
 * from its old cursor would skip them without a word. The hub names its stream (`TicketsSince.stream`); the store
 * keeps the name it follows (NULL until the first answer: a store from before this migration adopts its hub's), and
 * a console refuses, loudly, to apply another stream's events. A new city or an import starts a new following.
 */
export const migration0014: Migration = {
  version: 14,
  name: 'ticket-stream-identity',
  sql: `
ALTER TABLE ticket_stream ADD COLUMN stream TEXT;
`,
};
