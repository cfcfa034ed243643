/** Tickets files: channel and category by code, status by code or name, ISO times, the grid at the point. */
import { TICKET_STATUSES } from '../../../../shared/domain/channels';
import type { CsvRow } from './csv-fields';
import type { CsvKind } from './csv-import';
import { ImportProblem } from './import-error';
import { loadCodeIds } from './store-lookups';

function readStatus(row: CsvRow): number {
  const text = row.required('status');
  if (/^\d+$/.test(text) && Number(text) < TICKET_STATUSES.length) return Number(text);
  const code = (TICKET_STATUSES as readonly string[]).indexOf(text.toLowerCase());
  if (code >= 0) return code;
  throw new ImportProblem(`unknown status "${text}" (expected 0–7 or one of ${TICKET_STATUSES.join(', ')})`);
}

function codeId(ids: Map<string, number>, row: CsvRow, column: string, table: string): number {
  const code = row.required(column);
  const id = ids.get(code);
  if (id === undefined) throw new ImportProblem(`unknown ${column} ${code} (not in the ${table} table)`);
  return id;
}

/**
 * A ticket's grid is its grid code's grid when given, else the deepest grid at its point (the locator's answer);
 * its l1_id is that grid's L1 ancestor, so street-level statistics need no join.
 */
export const ticketsKind: CsvKind = {
  columns: {
    required: ['channel_code', 'category_code', 'lon', 'lat', 'status', 'reported_at'],
    optional: ['dispatched_at', 'closed_at', 'satisfaction', 'grid_code'],
  },
  table: 'tickets',
  uniqueCode: false,
  prepare(db, { toWgs84, city, grids, locate }) {
    const channels = loadCodeIds(db, 'channels');
    const categories = loadCodeIds(db, 'categories');
    const insert = db.prepare(
      'INSERT INTO tickets (channel_id, category_id, grid_id, l1_id, lon, lat, status, reported_at, dispatched_at, ' +
        'closed_at, satisfaction) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    return (row) => {
      const channelId = codeId(channels, row, 'channel_code', 'channels');
      const categoryId = codeId(categories, row, 'category_code', 'categories');
      const point = row.point(toWgs84, city);
      const status = readStatus(row);
      const reportedAt = row.time('reported_at');
      const dispatchedAt = row.optionalTime('dispatched_at');
      const closedAt = row.optionalTime('closed_at');
      if (dispatchedAt !== null && dispatchedAt < reportedAt) {
        throw new ImportProblem('dispatched_at is earlier than reported_at');
      }
      if (closedAt !== null && closedAt < reportedAt) throw new ImportProblem('closed_at is earlier than reported_at');
      const satisfaction = row.optionalInteger('satisfaction', 1, 5);
      const gridId = grids.gridFor(row.optional('grid_code'), point, locate);
      insert.run(
        channelId,
        categoryId,
        gridId,
        grids.l1Of(gridId),
        point[0],
        point[1],
        status,
        reportedAt,
        dispatchedAt,
        closedAt,
        satisfaction,
      );
    };
  },
};
