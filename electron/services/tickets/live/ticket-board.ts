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
import {
  DEFAULT_DEADLINE_POLICY,
  deadlineState,
  PRIORITY_DEADLINE_FACTORS,
} from '../../../../shared/domain/tickets/deadlines';
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
CROSS JOIN categories c ON c.id = t.category_id
CROSS JOIN grids g ON g.id = t.grid_id
CROSS JOIN counties co ON co.id = g.county_id
LEFT JOIN live_tickets l ON l.ticket_id = t.id`;

/**
 * Counting: tickets first (CROSS JOIN keeps SQLite from driving the count from the grids, a random walk over
 * millions of rows), only the joins the deadline filters need, and no further than COUNT_CAP + 1.
 */
const FROM_FOR_COUNT = `
FROM tickets t
CROSS JOIN categories c ON c.id = t.category_id
LEFT JOIN live_tickets l ON l.ticket_id = t.id`;

/** Beyond this many matches the board says "10,000+": an exact count of millions would cost a second each refresh. */
export const BOARD_COUNT_CAP = 10_000;

/** The first line of a report, for the board (the detail shows it whole). */
export function excerptOf(text: string | null, max = 80): string | null {
  if (text === null) return null;
  const line = text.split('\n')[0]!.trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

export function readBoard(db: Database.Database, query: TicketQuery, now: number): TicketBoard {
  const statuses: readonly TicketStatus[] = query.statuses ?? OPEN_STATUSES;
  const where: string[] = [];
  const params: (string | number)[] = [];
  if (query.channels) {
    where.push(`t.channel_id IN (${query.channels.map(() => '?').join(', ')})`);
    params.push(...query.channels);
  }
  // Filters read the ticket's own columns (through small subqueries), so every query is driven from the tickets.
  if (query.category) {
    where.push('t.category_id IN (SELECT id FROM categories WHERE code LIKE ?)');
    params.push(`${query.category}%`);
  }
  if (query.county) {
    where.push('t.grid_id IN (SELECT gc.id FROM grids gc JOIN counties cc ON cc.id = gc.county_id WHERE cc.code = ?)');
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
  if (query.liveOnly) {
    // Live tickets are the newest: the index range starts at the earliest of them, not at the history's beginning.
    const earliest = db
      .prepare('SELECT MIN(t.reported_at) FROM live_tickets l JOIN tickets t ON t.id = l.ticket_id')
      .pluck()
      .get() as number | null;
    where.push('t.reported_at >= ?', 't.id IN (SELECT ticket_id FROM live_tickets)');
    params.push(earliest ?? Number.MAX_SAFE_INTEGER);
  }
  if (query.deadline === 'overdue') {
    where.push(`${DEADLINE} < COALESCE(CASE WHEN t.status BETWEEN 4 AND 6 THEN t.closed_at END, ?)`);
    params.push(now);
  } else if (query.deadline === 'warning') {
    where.push(`${WARN_FROM} <= COALESCE(CASE WHEN t.status BETWEEN 4 AND 6 THEN t.closed_at END, ?)`);
    params.push(now);
  }
  const filters = where;
  const statusCodes = statuses.map((status) => ticketStatusCode(status));
  const whereSql = `WHERE t.status IN (${statusCodes.join(', ')})${filters.map((clause) => ` AND ${clause}`).join('')}`;
  const counted = db
    .prepare(`SELECT count(*) FROM (SELECT 1 ${FROM_FOR_COUNT} ${whereSql} LIMIT ${BOARD_COUNT_CAP + 1})`)
    .pluck()
    .get(...params) as number;
  const limit = query.limit ?? DEFAULT_LIMIT;
  const offset = query.offset ?? 0;
  const sort = query.sort ?? 'deadline';
  let rows: BoardRow[];
  if (query.gridId !== undefined) {
    // A grid's subtree is a small share of the city: SQLite's own plan (the grid index) reads only its tickets.
    const order =
      sort === 'newest'
        ? 't.reported_at DESC, t.id DESC'
        : sort === 'oldest'
          ? 't.reported_at, t.id'
          : `${DEADLINE}, t.id`;
    rows = db
      .prepare(`${SELECT} ${whereSql} ORDER BY ${order} LIMIT ? OFFSET ?`)
      .all(...params, limit, offset) as BoardRow[];
  } else {
    rows = pageByStatus(db, statusCodes, filters, params, sort, offset + limit).slice(offset, offset + limit);
  }
  return {
    total: Math.min(counted, BOARD_COUNT_CAP),
    totalCapped: counted > BOARD_COUNT_CAP,
    rows: rows.map((row) => boardRow(row, now)),
    now,
  };
}

/**
 * The first `wanted` rows of the board in its order, read status by status from the (status, report time) index:
 * newest or oldest first, the first `wanted` matches of each status; by time to deadline, in report order while a
 * later report could still be due sooner than the `wanted`-th found — every deadline is at least the shortest a
 * category allows after the report (a quarter of it for the most urgent priority), so the scan stops a few days of
 * tickets after the earliest match instead of reading millions.
 */
function pageByStatus(
  db: Database.Database,
  statusCodes: readonly number[],
  filters: readonly string[],
  params: readonly (string | number)[],
  sort: 'deadline' | 'newest' | 'oldest',
  wanted: number,
): BoardRow[] {
  const minDeadline = Math.floor(
    ((db.prepare('SELECT MIN(deadline_hours) FROM categories WHERE deadline_hours IS NOT NULL').pluck().get() as
      number | null) ?? 1) *
      3600 *
      PRIORITY_DEADLINE_FACTORS.emergency,
  );
  const found: BoardRow[] = [];
  const direction = sort === 'newest' ? 'DESC' : 'ASC';
  for (const status of statusCodes) {
    const statement = db.prepare(
      `${SELECT.replace('FROM tickets t', 'FROM tickets t INDEXED BY tickets_by_status_time')} ` +
        `WHERE t.status = ?${filters.map((clause) => ` AND ${clause}`).join('')} ` +
        `ORDER BY t.reported_at ${direction}, t.id ${direction}`,
    );
    const best: BoardRow[] = [];
    for (const row of statement.iterate(status, ...params) as Iterable<BoardRow>) {
      if (sort !== 'deadline') {
        best.push(row);
        if (best.length >= wanted) break;
        continue;
      }
      if (best.length >= wanted && row.reported_at + minDeadline > best[best.length - 1]!.deadline_at) break;
      insertByDeadline(best, row, wanted);
    }
    found.push(...best);
  }
  const compare =
    sort === 'deadline'
      ? (a: BoardRow, b: BoardRow) => a.deadline_at - b.deadline_at || a.id - b.id
      : sort === 'newest'
        ? (a: BoardRow, b: BoardRow) => b.reported_at - a.reported_at || b.id - a.id
        : (a: BoardRow, b: BoardRow) => a.reported_at - b.reported_at || a.id - b.id;
  return found.sort(compare).slice(0, wanted);
}

/** Keeps `best` the `wanted` rows due soonest, in order (a sorted insert: `wanted` is a page or a few). */
function insertByDeadline(best: BoardRow[], row: BoardRow, wanted: number): void {
  let at = best.length;
  while (
    at > 0 &&
    (best[at - 1]!.deadline_at > row.deadline_at ||
      (best[at - 1]!.deadline_at === row.deadline_at && best[at - 1]!.id > row.id))
  )
    at--;
  if (at >= wanted) return;
  best.splice(at, 0, row);
  if (best.length > wanted) best.pop();
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
