/**
 * The board's pages (ticket-board.ts reads each status as an index range and stops early) are exactly what plain SQL
 * over the whole table answers: the same tickets in the same order, for every sort and the filters.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCity } from '../../../../../../electron/services/city/generator/generate-city';
import { openStore, type Store } from '../../../../../../electron/services/store/store';
import { readBoard } from '../../../../../../electron/services/tickets/live/ticket-board';
import type { TicketQuery } from '../../../../../../shared/contract';
import { ticketStatusCode } from '../../../../../../shared/domain/channels';
import { OPEN_STATUSES } from '../../../../../../shared/domain/tickets/lifecycle';

let store: Store;
let now: number;

beforeAll(async () => {
  store = openStore(mkdtempSync(join(tmpdir(), 'gridline-board-')));
  await generateCity(store, { scale: 'small', seed: 3 });
  now = store.reader().prepare('SELECT MAX(reported_at) FROM tickets').pluck().get() as number;
}, 60_000);

afterAll(() => store.close());

/** The board's order by plain SQL: every matching ticket sorted, then the page. */
function oracle(query: TicketQuery): number[] {
  const statuses = (query.statuses ?? OPEN_STATUSES).map((status) => ticketStatusCode(status));
  const where = [`t.status IN (${statuses.join(', ')})`];
  const params: (string | number)[] = [];
  if (query.channels) where.push(`t.channel_id IN (${query.channels.join(', ')})`);
  if (query.category) {
    where.push('c.code LIKE ?');
    params.push(`${query.category}%`);
  }
  if (query.county) {
    where.push('co.code = ?');
    params.push(query.county);
  }
  const deadline = 't.reported_at + c.deadline_hours * 3600';
  if (query.deadline === 'overdue') {
    where.push(`${deadline} < COALESCE(CASE WHEN t.status BETWEEN 4 AND 6 THEN t.closed_at END, ?)`);
    params.push(now);
  }
  const order =
    query.sort === 'newest'
      ? 't.reported_at DESC, t.id DESC'
      : query.sort === 'oldest'
        ? 't.reported_at, t.id'
        : `${deadline}, t.id`;
  return store
    .reader()
    .prepare(
      `SELECT t.id FROM tickets t JOIN categories c ON c.id = t.category_id JOIN grids g ON g.id = t.grid_id
       JOIN counties co ON co.id = g.county_id WHERE ${where.join(' AND ')} ORDER BY ${order} LIMIT ? OFFSET ?`,
    )
    .pluck()
    .all(...params, query.limit ?? 50, query.offset ?? 0) as number[];
}

describe('the ticket board', () => {
  const county = (): string =>
    store.reader().prepare('SELECT code FROM counties ORDER BY id LIMIT 1 OFFSET 2').pluck().get() as string;
  const cases: [string, () => TicketQuery][] = [
    ['open, by time to deadline', () => ({})],
    ['open and overdue', () => ({ deadline: 'overdue' })],
    ['a channel', () => ({ channels: [1, 6] })],
    ['a category field', () => ({ category: '03' })],
    ['a county', () => ({ county: county() })],
    ['evaluated, by time to deadline', () => ({ statuses: ['evaluated'] })],
    ['evaluated, newest first', () => ({ statuses: ['evaluated'], sort: 'newest' })],
    [
      'closed, oldest first, page 3',
      () => ({ statuses: ['resolved', 'feedback', 'evaluated'], sort: 'oldest', offset: 100 }),
    ],
    ['open, newest first, a deep page', () => ({ sort: 'newest', offset: 400, limit: 30 })],
    [
      'every status, by time to deadline, page 2',
      () => ({
        statuses: ['reported', 'dispatched', 'accepted', 'handling', 'resolved', 'feedback', 'evaluated', 'reopened'],
        offset: 50,
      }),
    ],
  ];
  for (const [name, make] of cases) {
    it(`${name}: the same page as plain SQL`, () => {
      const query = make();
      const board = readBoard(store.reader(), query, now);
      expect(board.rows.map((row) => row.id)).toEqual(oracle(query));
      expect(board.rows.length).toBeGreaterThan(0);
    });
  }

  it('counts up to 10,000 and says when there are more', () => {
    const all = readBoard(store.reader(), { statuses: ['evaluated'] }, now);
    expect(all.total).toBe(10_000);
    expect(all.totalCapped).toBe(true);
    const few = readBoard(store.reader(), { category: '03', deadline: 'overdue' }, now);
    const exact = store
      .reader()
      .prepare(
        `SELECT count(*) FROM tickets t JOIN categories c ON c.id = t.category_id WHERE t.status IN (0, 1, 2, 3, 7)
         AND c.code LIKE '03%' AND t.reported_at + c.deadline_hours * 3600 < ?`,
      )
      .pluck()
      .get(now) as number;
    expect(few.total).toBe(exact);
    expect(few.totalCapped).toBe(false);
  });
});
