import type { Migration } from './migration';

/**
 * Issue #7, the ticket board: tickets by status in report order. The board reads each status it shows as one range of
 * this index, newest or oldest first, or in report order until no later ticket can be due sooner (ticket-board.ts),
 * so a page of the 5.5 million evaluated tickets costs milliseconds instead of a scan. Bulk loads drop it and build
 * it again afterwards.
 */
export const TICKETS_BY_STATUS_TIME_INDEX = 'CREATE INDEX tickets_by_status_time ON tickets (status, reported_at);';

export const migration0013: Migration = {
  version: 13,
  name: 'ticket-status-time-index',
  sql: `
${TICKETS_BY_STATUS_TIME_INDEX}
`,
};
