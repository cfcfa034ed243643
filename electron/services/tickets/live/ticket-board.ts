/**
 * The ticket board's query (issue #7): live tickets and the history together, filtered by status, channel, category,
 * county, grid subtree and deadline, sorted by time to deadline (or age), one page at a time.
 *
 * A ticket's deadline: a live ticket's own (its round, its priority); a history ticket's report time plus its
 * category's hours, as the map's overdue counts read it. Open tickets go through the open-ticket index (a few hundred
 * thousand at full scale); a closed status filter reads the time index.
 */
import type Database from 'better-sqlite3';
import type { TicketBoard, TicketQuery, TicketRow } from '../../../../shared/contract';
import { TICKET_STATUSES, ticketStatusCode, type TicketStatus } from '../../../../shared/domain/channels';
import { DEFAULT_DEADLINE_POLICY, deadlineState } from '../../../../shared/domain/tickets/deadlines';
import { OPEN_STATUSES } from '../../../../shared/domain/tickets/lifecycle';

const DEFAULT_LIMIT = 50;

/** The deadline of a row, as SQL (live: its own; history: report + category hours). */
const DEADLINE = 'COALESCE(l.deadline_at, t.reported_at + c.deadline_hours * 3600)';
/**
 * The first moment it warns: live tickets store theirs; for the history, the policy's window (the last 20% or the
 * last 2 hours, whichever is longer, never more than the whole time) before the deadline.
 */
const WARN_FROM =
  'COALESCE(l.warn_from, t.reported_at + c.deadline_hours * 3600 - ' +
  `MIN(c.deadline_hours * 3600, MAX(ROUND(c.deadline_hours * 3600 * ${DEFAULT_DEADLINE_POLICY.warnShare}), ` +
  `${DEFAULT_DEADLINE_POLICY.warnSeconds})))`;

interface BoardRow {
  id: number;
  hub_id: string | null;
  channel_id: number;
  category_code: string;
  category_name: string;
  category_name_en: string;
  status: number;
  reported_at: number;
  closed_at: number | null;
  deadline_at: number;
  deadline_hours: number;
  round_started_at: number | null;
  escalated_flag: number | null;
  grid_id: number;
  grid_name: string;
  county_name: string;
  department: string | null;
  text: string | null;
  lon: number;
  lat: number;
  merged_into: number | null;
  joint: number | null;
  duplicate_of: number | null;
}

const SELECT = `
SELECT t.id, l.hub_id, t.channel_id, c.code AS category_code, c.name AS category_name, c.name_en AS category_name_en,
  t.status, t.reported_at, t.closed_at, ${DEADLINE} AS deadline_at, c.deadline_hours,
  json_extract(l.state, '$.roundStartedAt') AS round_started_at, l.escalated AS escalated_flag,
  t.grid_id, g.name AS grid_name, co.name AS county_name, l.department, l.text, t.lon, t.lat, l.merged_into,
  l.joint, l.duplicate_of
FROM tickets t
JOIN categories c ON c.id = t.category_id
JOIN grids g ON g.id = t.grid_id
JOIN counties co ON co.id = g.county_id
LEFT JOIN live_tickets l ON l.ticket_id = t.id`;

const FROM_FOR_COUNT = `
FROM tickets t
JOIN categories c ON c.id = t.category_id
JOIN grids g ON g.id = t.grid_id
JOIN counties co ON co.id = g.county_id
LEFT JOIN live_tickets l ON l.ticket_id = t.id`;

/** The first line of a report, for the board (the detail shows it whole). */
export function excerptOf(text: string | null, max = 80): string | null {
  if (text === null) return null;
  const line = text.split('\n')[0]!.trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

export function readBoard(db: Database.Database, query: TicketQuery, now: number): TicketBoard {
  const statuses: readonly TicketStatus[] = query.statuses ?? OPEN_STATUSES;
  const where: string[] = [`t.status IN (${statuses.map((status) => ticketStatusCode(status)).join(', ')})`];
  const params: (string | number)[] = [];
  if (query.channels) {
    where.push(`t.channel_id IN (${query.channels.map(() => '?').join(', ')})`);
    params.push(...query.channels);
  }
  if (query.category) {
    where.push('c.code LIKE ?');
    params.push(`${query.category}%`);
  }
  if (query.county) {
    where.push('co.code = ?');
    params.push(query.county);
  }
  if (query.gridId !== undefined) {
    // The grid and everything beneath it: one recursive walk down the hierarchy (a few thousand ids at most).
    where.push(
      't.grid_id IN (WITH RECURSIVE sub(id) AS (SELECT ? UNION ALL SELECT g2.id FROM grids g2 JOIN sub ON ' +
        'g2.parent_id = sub.id) SELECT id FROM sub)',
    );
    params.push(query.gridId);
  }
  if (query.liveOnly) where.push('l.ticket_id IS NOT NULL');
  if (query.deadline === 'overdue') {
    where.push(`${DEADLINE} < COALESCE(CASE WHEN t.status BETWEEN 4 AND 6 THEN t.closed_at END, ?)`);
    params.push(now);
  } else if (query.deadline === 'warning') {
    where.push(`${WARN_FROM} <= COALESCE(CASE WHEN t.status BETWEEN 4 AND 6 THEN t.closed_at END, ?)`);
    params.push(now);
  }
  const order =
    query.sort === 'newest'
      ? 't.reported_at DESC, t.id DESC'
      : query.sort === 'oldest'
        ? 't.reported_at, t.id'
        : `${DEADLINE}, t.id`;
  const whereSql = `WHERE ${where.join(' AND ')}`;
  const total = db
    .prepare(`SELECT count(*) ${FROM_FOR_COUNT} ${whereSql}`)
    .pluck()
    .get(...params) as number;
  const limit = query.limit ?? DEFAULT_LIMIT;
  const rows = db
    .prepare(`${SELECT} ${whereSql} ORDER BY ${order} LIMIT ? OFFSET ?`)
    .all(...params, limit, query.offset ?? 0) as BoardRow[];
  return { total, rows: rows.map((row) => boardRow(row, now)), now };
}

/** One board row, its clock read at `now`. */
export function boardRow(row: BoardRow, now: number): TicketRow {
  const status = TICKET_STATUSES[row.status]!;
  const closed = row.status >= 4 && row.status <= 6;
  const clock = deadlineState(
    {
      roundStartedAt: row.round_started_at ?? row.reported_at,
      deadlineAt: row.deadline_at,
      resolvedAt: closed ? (row.closed_at ?? row.deadline_at) : null,
      escalatedAt: row.escalated_flag === 1 ? row.reported_at : null,
    },
    now,
    DEFAULT_DEADLINE_POLICY,
  );
  return {
    id: row.id,
    hubId: row.hub_id,
    channel: row.channel_id,
    category: { code: row.category_code, name: row.category_name, nameEn: row.category_name_en },
    status,
    reportedAt: row.reported_at,
    deadlineAt: row.deadline_at,
    deadline: clock.state,
    secondsLeft: clock.secondsLeft > 0 ? clock.secondsLeft : -clock.secondsOverdue,
    grid: { id: row.grid_id, name: row.grid_name },
    county: row.county_name,
    department: row.department,
    excerpt: excerptOf(row.text),
    lng: row.lon,
    lat: row.lat,
    mergedInto: row.merged_into,
    joint: row.joint === 1,
    escalated: row.escalated_flag === 1,
    duplicateOf: row.duplicate_of,
  };
}

/** One row by id (the detail's header), or undefined. */
export function readBoardRow(db: Database.Database, id: number, now: number): TicketRow | undefined {
  const row = db.prepare(`${SELECT} WHERE t.id = ?`).get(id) as BoardRow | undefined;
  return row && boardRow(row, now);
}
