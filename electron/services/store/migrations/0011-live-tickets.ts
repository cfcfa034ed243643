import type { Migration } from './migration';

/**
 * Issue #7, the live ticket loop. A ticket that comes in through the hub's intake is a row of `tickets` like the
 * history (so the map, the heatmap and the KPIs count it with no special case) plus what only a live ticket has:
 *
 * - `live_tickets`: its hub id (`t-<seq>`), the sequence number of its latest event on the hub's ticket stream (the
 *   version a console names when it submits a transition), the report (text, address, the reporter — personal data,
 *   never sent to a window unmasked — and its source), the category suggestion and where the category came from, the
 *   dispatch reason, the lifecycle state (shared/domain/tickets/lifecycle.ts `TicketState`, as JSON: the pure state
 *   machine reads and writes it whole), and the columns the board filters and sorts by (deadline, warning, lead
 *   department, merge, suggested duplicate).
 * - `ticket_timeline`: every step of a live ticket, in stream order, as the lifecycle's timeline entry.
 * - `ticket_photos`: inline photos as bytes (at most six of 5 MB each per report), links as URLs.
 * - `ticket_stream`: the last sequence number of the hub's ticket stream this store has applied; after a restart or a
 *   dropped connection the console asks the hub for what came after it.
 * - `ticket_stream_rejects`: events this store could not apply (a point in no grid of this city's data, a transition
 *   that does not fit the ticket here), kept whole with the reason: nothing from the hub is silently lost.
 */
export const migration0011: Migration = {
  version: 11,
  name: 'live-tickets',
  sql: `
CREATE TABLE live_tickets (
  ticket_id INTEGER PRIMARY KEY REFERENCES tickets (id),
  hub_id TEXT NOT NULL UNIQUE CHECK (hub_id GLOB 't-[1-9]*'),
  last_seq INTEGER NOT NULL CHECK (last_seq > 0),
  channel_code TEXT NOT NULL,
  source_key TEXT NOT NULL,
  text TEXT NOT NULL,
  address TEXT,
  reporter TEXT,
  source TEXT,
  priority TEXT NOT NULL,
  category_source TEXT NOT NULL CHECK (category_source IN ('sender', 'suggested', 'default')),
  suggestion TEXT,
  route TEXT,
  state TEXT NOT NULL,
  deadline_at INTEGER NOT NULL,
  warn_from INTEGER NOT NULL,
  department TEXT,
  joint INTEGER NOT NULL DEFAULT 0 CHECK (joint IN (0, 1)),
  escalated INTEGER NOT NULL DEFAULT 0 CHECK (escalated IN (0, 1)),
  merged_into INTEGER REFERENCES tickets (id),
  duplicate_of INTEGER REFERENCES tickets (id),
  received_at_ms INTEGER NOT NULL
) STRICT;
CREATE INDEX live_tickets_by_case ON live_tickets (merged_into) WHERE merged_into IS NOT NULL;

CREATE TABLE ticket_timeline (
  id INTEGER PRIMARY KEY,
  ticket_id INTEGER NOT NULL REFERENCES tickets (id),
  seq INTEGER,
  at INTEGER NOT NULL,
  entry TEXT NOT NULL
) STRICT;
CREATE INDEX ticket_timeline_by_ticket ON ticket_timeline (ticket_id, id);

CREATE TABLE ticket_photos (
  ticket_id INTEGER NOT NULL REFERENCES tickets (id),
  idx INTEGER NOT NULL CHECK (idx BETWEEN 0 AND 5),
  kind TEXT NOT NULL CHECK (kind IN ('inline', 'url')),
  media_type TEXT,
  data BLOB,
  url TEXT,
  PRIMARY KEY (ticket_id, idx),
  CHECK ((kind = 'inline') = (data IS NOT NULL AND url IS NULL))
) STRICT;

CREATE TABLE ticket_stream (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  seq INTEGER NOT NULL CHECK (seq >= 0)
) STRICT;
INSERT INTO ticket_stream (id, seq) VALUES (1, 0);

CREATE TABLE ticket_stream_rejects (
  seq INTEGER PRIMARY KEY,
  hub_id TEXT NOT NULL,
  reason TEXT NOT NULL,
  event TEXT NOT NULL,
  at INTEGER NOT NULL
) STRICT;
`,
};
