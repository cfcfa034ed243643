/**
 * The KPI figures computed by plain SQL over the `tickets` row table, straight from the definitions in
 * electron/services/tickets/kpi/kpi-index.ts: the oracle the unit tests and the benchmark hold the index to, and the
 * "naive" timing the benchmark compares it with. The median is exact here; the index gives the middle of the
 * histogram bucket that holds it, so `expectedFromOracle` maps it to that before comparing.
 */
import type Database from 'better-sqlite3';
import type { KpiFigures, KpiQuery, KpiRow } from '../../../electron/services/tickets/kpi/kpi-index';
import { handlingBucket, handlingBucketValue } from '../../../electron/services/tickets/kpi/kpi-structures';

const FROM_TICKETS = `FROM tickets t
  JOIN grids g ON g.id = t.grid_id
  JOIN categories c ON c.id = t.category_id
  LEFT JOIN categories p ON p.id = c.parent_id
  LEFT JOIN categories pp ON pp.id = p.parent_id`;

function groupKey(query: KpiQuery): string {
  switch (query.groupBy) {
    case 'county':
      return 'g.county_id';
    case 'channel':
      return 't.channel_id';
    case 'category':
      return (
        {
          1: 'CASE c.level WHEN 1 THEN c.id WHEN 2 THEN p.id ELSE pp.id END',
          2: 'CASE WHEN c.level <= 2 THEN c.id ELSE p.id END',
          3: 'c.id',
        } as const
      )[query.categoryLevel ?? 1];
    default:
      return '0';
  }
}

function filterSql(query: KpiQuery): string {
  const list = (ids: readonly number[]): string => `(${ids.map((id) => Math.trunc(id)).join(', ') || 'NULL'})`;
  const where: string[] = [];
  const { counties, channels, categories } = query.filters ?? {};
  if (counties) where.push(`g.county_id IN ${list(counties)}`);
  if (channels) where.push(`t.channel_id IN ${list(channels)}`);
  if (categories) {
    const ids = list(categories);
    where.push(`(c.id IN ${ids} OR p.id IN ${ids} OR pp.id IN ${ids})`);
  }
  return where.map((condition) => ` AND ${condition}`).join('');
}

interface Intake {
  k: number;
  reported: number;
  closed: number;
  overdueOpen: number;
}

interface Closure {
  k: number;
  handled: number;
  handlingSum: number;
  late: number;
  evaluated: number;
  satisfied: number;
  median: number;
}

/** The figures straight from SQL (exact median), totals and per group, keyed by group id (0 for the totals). */
export function sqlKpi(db: Database.Database, query: KpiQuery): { intake: Intake[]; closure: Closure[] }[] {
  const filters = filterSql(query);
  const run = (key: string) => {
    const intake = db
      .prepare(
        `SELECT ${key} AS k, COUNT(*) AS reported, COALESCE(SUM(t.status BETWEEN 4 AND 6), 0) AS closed,
                COALESCE(SUM(t.status NOT BETWEEN 4 AND 6 AND t.reported_at + c.deadline_hours * 3600 < :now), 0)
                  AS overdueOpen
         ${FROM_TICKETS}
         WHERE t.reported_at >= :from AND t.reported_at < :to${filters}
         GROUP BY k`,
      )
      .all({ from: query.from, to: query.to, now: query.now }) as Intake[];
    const closure = db
      .prepare(
        `WITH closed AS (
           SELECT ${key} AS k, t.closed_at - t.reported_at AS h,
                  t.closed_at > t.reported_at + c.deadline_hours * 3600 AS late, t.satisfaction AS s
           ${FROM_TICKETS}
           WHERE t.status BETWEEN 4 AND 6 AND t.closed_at >= :from AND t.closed_at < :to${filters}),
         ranked AS (
           SELECT k, h, ROW_NUMBER() OVER (PARTITION BY k ORDER BY h) AS rank, COUNT(*) OVER (PARTITION BY k) AS n
           FROM closed)
         SELECT f.k, f.handled, f.handlingSum, f.late, f.evaluated, f.satisfied, m.h AS median
         FROM (SELECT k, COUNT(*) AS handled, SUM(h) AS handlingSum, COALESCE(SUM(late), 0) AS late,
                      COUNT(s) AS evaluated, COALESCE(SUM(s >= 4), 0) AS satisfied
               FROM closed GROUP BY k) f
         JOIN ranked m ON m.k = f.k AND m.rank = (m.n - 1) / 2 + 1`,
      )
      .all({ from: query.from, to: query.to }) as Closure[];
    return { intake, closure };
  };
  return query.groupBy === null ? [run('0')] : [run('0'), run(groupKey(query))];
}

function figures(intake: Intake | undefined, closure: Closure | undefined): KpiFigures {
  const reported = intake?.reported ?? 0;
  const closed = intake?.closed ?? 0;
  const handled = closure?.handled ?? 0;
  const evaluated = closure?.evaluated ?? 0;
  const satisfied = closure?.satisfied ?? 0;
  const overdueOpen = intake?.overdueOpen ?? 0;
  const closedLate = closure?.late ?? 0;
  return {
    reported,
    closed,
    open: reported - closed,
    closureRate: reported > 0 ? closed / reported : null,
    overdueOpen,
    handled,
    meanHandlingSeconds: closure && handled > 0 ? closure.handlingSum / handled : null,
    // The index's resolution: the middle of the histogram bucket that holds the exact median.
    medianHandlingSeconds: closure && handled > 0 ? handlingBucketValue(handlingBucket(closure.median)) : null,
    closedLate,
    overdue: overdueOpen + closedLate,
    evaluated,
    satisfied,
    satisfaction: evaluated > 0 ? satisfied / evaluated : null,
  };
}

/** What the index must answer for `query`: totals and rows (groups with a ticket on either axis, dimension order). */
export function expectedFromOracle(
  db: Database.Database,
  query: KpiQuery,
): { totals: KpiFigures; rows: KpiRow[]; sqlMs: number } {
  const started = performance.now();
  const [all, grouped] = sqlKpi(db, query);
  const sqlMs = performance.now() - started;
  const totals = figures(all!.intake[0], all!.closure[0]);
  if (!grouped) return { totals, rows: [], sqlMs };
  const members = db
    .prepare(
      {
        county: 'SELECT id, code, name, name_en AS nameEn FROM counties ORDER BY id',
        channel: 'SELECT id, code, name, name_en AS nameEn FROM channels ORDER BY id',
        category: 'SELECT id, code, name, name_en AS nameEn FROM categories ORDER BY code',
      }[query.groupBy!],
    )
    .all() as { id: number; code: string; name: string; nameEn: string }[];
  const intake = new Map(grouped.intake.map((row) => [row.k, row]));
  const closure = new Map(grouped.closure.map((row) => [row.k, row]));
  const rows = members
    .filter((member) => intake.has(member.id) || closure.has(member.id))
    .map((member) => ({ ...member, ...figures(intake.get(member.id), closure.get(member.id)) }));
  return { totals, rows, sqlMs };
}
