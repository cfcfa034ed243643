import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ContractError } from '../../../../../shared/contract';
import {
  beijingDate,
  beijingDayStart,
  beijingMonthStart,
  dateRangeWindow,
  formatBeijingDate,
  parseBeijingDate,
  presetWindow,
} from '../../../../../shared/domain/beijing-time';
import { generateCity } from '../../../../../electron/services/city/generator/generate-city';
import { Random } from '../../../../../electron/services/city/generator/random';
import { TICKET_HISTORY } from '../../../../../electron/services/city/generator/scale';
import { openStore, type Store } from '../../../../../electron/services/store/store';
import { KpiDimensions } from '../../../../../electron/services/tickets/kpi/kpi-dimensions';
import {
  KpiIndex,
  type KpiQuery,
  type KpiTicket,
  type KpiTicketChanges,
} from '../../../../../electron/services/tickets/kpi/kpi-index';
import { readKpiRows } from '../../../../../electron/services/tickets/kpi/kpi-rows';
import { KpiService, loadKpiIndex } from '../../../../../electron/services/tickets/kpi/kpi-service';
import {
  handlingBucket,
  handlingBucketValue,
  HANDLING_BUCKETS,
} from '../../../../../electron/services/tickets/kpi/kpi-structures';
import { expectedFromOracle } from '../../../../bench/tickets-kpi/sql-oracle';

const resourcesDir = join(import.meta.dirname, '..', '..', '..', '..', '..', 'resources');
const DAY = 86_400;
const { start, end } = TICKET_HISTORY;

type Grouping = Pick<KpiQuery, 'groupBy' | 'categoryLevel'>;
const GROUPINGS: Grouping[] = [
  { groupBy: null },
  { groupBy: 'county' },
  { groupBy: 'channel' },
  { groupBy: 'category' },
  { groupBy: 'category', categoryLevel: 2 },
  { groupBy: 'category', categoryLevel: 3 },
];

/** The index's answer, held to the SQL oracle's. */
function expectOracle(store: Store, index: KpiIndex, query: KpiQuery): void {
  const { totals, rows } = expectedFromOracle(store.reader(), query);
  const answer = index.query(query);
  expect(answer.totals).toEqual(totals);
  expect(answer.rows).toEqual(rows);
}

function ticketRow(store: Store, id: number): KpiTicket {
  return store
    .reader()
    .prepare(
      `SELECT id, channel_id AS channelId, category_id AS categoryId, grid_id AS gridId, status,
              reported_at AS reportedAt, closed_at AS closedAt, satisfaction FROM tickets WHERE id = ?`,
    )
    .get(id) as KpiTicket;
}

describe('ticket KPIs', () => {
  let store: Store;
  let index: KpiIndex;
  const now = end - 5 * 3600;

  beforeAll(async () => {
    store = openStore(mkdtempSync(join(tmpdir(), 'gridline-kpi-')));
    await generateCity(store, { scale: 'small', seed: 5, resourcesDir });
    // Blocks of running counts as a full-scale city has them (the default is too large for a small one).
    index = loadKpiIndex(store, { block: 4096 });
    expect(index.stats.blocks).toBe(17);
  }, 120_000);

  it('reads the city-wide figures DOMAIN.md publishes from the generated history', () => {
    expect(index.size).toBe(72_000);
    const { totals } = index.query({ from: start, to: end, now: end, groupBy: null });
    expect(totals.reported).toBe(72_000);
    expect(totals.closureRate).toBeCloseTo(0.965, 2);
    expect(totals.satisfaction).toBeCloseTo(0.964, 2);
    expect(totals.meanHandlingSeconds! / DAY).toBeCloseTo(4.1, 0);
    expect(totals.medianHandlingSeconds!).toBeLessThan(totals.meanHandlingSeconds!);
  });

  it('equals plain SQL over the tickets table for every window and grouping', () => {
    const windows = [
      { from: start, to: end },
      presetWindow('today', now),
      presetWindow('month', now),
      dateRangeWindow('2025-07-15', '2025-07-28'),
      { from: beijingDate(2024, 12, 1), to: beijingDate(2025, 3, 1) },
      { from: start + 12_345, to: start + 200 * DAY + 777 },
    ];
    for (const window of windows) {
      for (const grouping of GROUPINGS) expectOracle(store, index, { ...window, now, ...grouping });
    }
  }, 120_000);

  it('applies county, channel and category filters as SQL does', () => {
    const dimensions = index.dimensions;
    const counties = dimensions.counties.map((county) => county.id);
    const field = dimensions.categories.find((category) => category.level === 1)!;
    const subject = dimensions.categories.find((category) => category.level === 2 && category.parentId !== field.id)!;
    const leaf = dimensions.categories.find((category) => category.level === 3 && category.parentId !== subject.id)!;
    const filters = [
      { counties: counties.slice(0, 3) },
      { channels: [1, 4, 7] },
      { categories: [field.id, subject.id, leaf.id] },
      { counties: [counties[5]!], channels: [1, 2], categories: [field.id] },
      { channels: [] },
      { counties: [999_999] },
    ];
    const window = { from: beijingDate(2025, 6, 1), to: beijingDate(2025, 9, 1), now };
    for (const filter of filters) {
      for (const grouping of GROUPINGS.slice(0, 4))
        expectOracle(store, index, { ...window, ...grouping, filters: filter });
    }
    expect(index.query({ ...window, groupBy: 'county', filters: { channels: [] } }).rows).toEqual([]);
  }, 120_000);

  it('gives the median to the histogram resolution', () => {
    expect(handlingBucket(-5)).toBe(0);
    expect(handlingBucketValue(handlingBucket(3599))).toBe(1800);
    expect(handlingBucketValue(handlingBucket(4 * DAY + 100))).toBe(4 * DAY + 1800);
    expect(handlingBucketValue(handlingBucket(90 * DAY + 5))).toBe(90 * DAY + DAY / 2);
    expect(handlingBucket(100 * 365 * DAY)).toBe(HANDLING_BUCKETS - 1);
    for (const seconds of [1, 3600, 59 * DAY, 60 * DAY, 61 * DAY + 1, 1100 * DAY]) {
      const bucket = handlingBucket(seconds);
      expect(Math.abs(handlingBucketValue(bucket) - seconds)).toBeLessThanOrEqual(bucket < 1440 ? 1800 : DAY / 2);
    }
  });

  it('keeps in step with appends and transitions: the same figures as a rebuild and as SQL', () => {
    // Small blocks of running counts, so a small city has many.
    const live = loadKpiIndex(store, { block: 1000 });
    const db = store.writer;
    const random = new Random(11);
    const later = end + 12 * DAY;
    const ids = (sql: string): number[] => db.prepare(sql).pluck().all() as number[];
    const change = (id: number, changes: KpiTicketChanges): void => {
      const columns = {
        status: 'status',
        closedAt: 'closed_at',
        satisfaction: 'satisfaction',
        categoryId: 'category_id',
        gridId: 'grid_id',
        channelId: 'channel_id',
      } as const;
      const set = Object.entries(changes).map(([key, value]) => [columns[key as keyof typeof columns], value]);
      db.prepare(`UPDATE tickets SET ${set.map(([column]) => `${column} = ?`).join(', ')} WHERE id = ?`).run(
        ...set.map(([, value]) => value),
        id,
      );
      expect(live.update(id, changes)).toBe(true);
    };
    const leaves = ids('SELECT id FROM categories WHERE level = 3');
    const grids = ids("SELECT id FROM grids WHERE level IN ('micro', 'L3') ORDER BY id LIMIT 500");
    const reportedOf = (id: number): number =>
      db.prepare('SELECT reported_at FROM tickets WHERE id = ?').pluck().get(id) as number;

    // Open tickets close (some evaluated); closed ones reopen, enough to trigger a rebuild of the closing axis.
    for (const id of ids('SELECT id FROM tickets WHERE status NOT BETWEEN 4 AND 6 ORDER BY id LIMIT 1500')) {
      const closedAt = Math.max(reportedOf(id) + 60, end + random.int(0, 10 * DAY));
      change(id, { status: 6, closedAt, satisfaction: random.next() < 0.8 ? random.int(1, 5) : null });
    }
    for (const id of ids('SELECT id FROM tickets WHERE status BETWEEN 4 AND 6 ORDER BY id DESC LIMIT 9000')) {
      change(id, { status: 7, closedAt: null, satisfaction: null });
    }
    // Closed again later, a new closed_at; categories, grids and channels corrected; evaluations arrive.
    for (const id of ids('SELECT id FROM tickets WHERE status = 7 ORDER BY id LIMIT 400')) {
      change(id, { status: 5, closedAt: end + random.int(0, 11 * DAY) });
    }
    for (const id of ids('SELECT id FROM tickets WHERE id % 97 = 0')) {
      change(id, { categoryId: random.pick(leaves), gridId: random.pick(grids), channelId: random.int(1, 10) });
    }
    for (const id of ids('SELECT id FROM tickets WHERE status = 5 AND id % 7 = 0')) {
      change(id, { status: 6, satisfaction: random.int(1, 5) });
    }
    // New tickets: first in report-time order (they join the first sorted run and its counted blocks), then out of
    // order (back to two months before the end; their own segments), some closing at once.
    const insert = db.prepare(
      `INSERT INTO tickets (channel_id, category_id, grid_id, l1_id, lon, lat, status, reported_at, dispatched_at,
         closed_at, satisfaction) VALUES (?, ?, ?, ?, 113.6, 34.7, ?, ?, ?, ?, ?)`,
    );
    const l1Of = db.prepare('SELECT l1_id FROM tickets WHERE grid_id = ? LIMIT 1').pluck();
    const usedGrids = ids('SELECT DISTINCT grid_id FROM tickets ORDER BY grid_id LIMIT 300');
    const blocksBefore = live.stats.blocks;
    for (let k = 0; k < 15_000; k++) {
      const gridId = random.pick(usedGrids);
      const reportedAt = k < 5000 ? end + k * 60 : end - 60 * DAY + random.int(0, 70 * DAY);
      const closes = random.next() < 0.4;
      const ticket: Omit<KpiTicket, 'id'> = {
        channelId: random.int(1, 10),
        categoryId: random.pick(leaves),
        gridId,
        status: closes ? random.pick([4, 5, 6]) : random.int(0, 3),
        reportedAt,
        closedAt: closes ? reportedAt + random.int(0, 9 * DAY) : null,
        satisfaction: closes && random.next() < 0.5 ? random.int(1, 5) : null,
      };
      const { lastInsertRowid } = insert.run(
        ticket.channelId,
        ticket.categoryId,
        gridId,
        l1Of.get(gridId),
        ticket.status,
        reportedAt,
        reportedAt + 30,
        ticket.closedAt,
        ticket.satisfaction,
      );
      live.append({ id: Number(lastInsertRowid), ...ticket });
    }
    // Corrections after the running counts were extended move tickets between cells of counted blocks.
    for (const id of ids('SELECT id FROM tickets WHERE id % 89 = 0')) {
      change(id, { categoryId: random.pick(leaves), channelId: random.int(1, 10) });
    }
    // Appending a held ticket again (a replayed event) changes nothing.
    live.append(ticketRow(store, 1));
    expect(live.update(99_999_999, { status: 4 })).toBe(false);

    const stats = live.stats;
    expect(live.size).toBe(87_000);
    expect(stats.segments).toBeGreaterThan(1);
    expect(stats.blocks).toBeGreaterThanOrEqual(blocksBefore + 4);
    // 9,000 + 400 closing entries died: the closing axis was rebuilt on the way.
    expect(stats.deadEntries).toBeLessThan(9000);

    const rebuilt = loadKpiIndex(store);
    const windows = [
      { from: start + 40 * DAY, to: end + 2 * DAY + 5 },
      { from: start, to: later + DAY },
      { from: end - 30 * DAY, to: end + 5 * DAY },
      presetWindow('month', end + DAY),
      presetWindow('today', later - DAY),
    ];
    for (const window of windows) {
      for (const grouping of GROUPINGS) {
        const query = { ...window, now: later, ...grouping };
        expect(live.query(query)).toEqual(rebuilt.query(query));
        expectOracle(store, live, query);
      }
    }
    expect(() => live.update(1, { categoryId: 99_999 })).toThrow(/unknown category/);
    expect(() => live.update(1, { reportedAt: 5 })).toThrow(/report time/);
    expect(live.query({ from: start, to: later, now: later, groupBy: null })).toEqual(
      rebuilt.query({ from: start, to: later, now: later, groupBy: null }),
    );
  }, 120_000);

  it('builds the same index from appends in any order', () => {
    const dimensions = KpiDimensions.load(store);
    const appended = KpiIndex.empty(dimensions);
    const tickets: KpiTicket[] = [];
    for (const rows of readKpiRows(store.reader(), 10_000)) {
      for (let i = 0; i < rows.size; i++) {
        tickets.push({
          id: rows.id[i]!,
          channelId: rows.channelId[i]!,
          categoryId: rows.categoryId[i]!,
          gridId: rows.gridId[i]!,
          status: rows.status[i]!,
          reportedAt: rows.reportedAt[i]!,
          closedAt: rows.closedAt[i]! || null,
          satisfaction: rows.satisfaction[i]! || null,
        });
      }
    }
    const random = new Random(3);
    for (let i = tickets.length - 1; i > 0; i--) {
      const j = random.int(0, i);
      [tickets[i], tickets[j]] = [tickets[j]!, tickets[i]!];
    }
    for (const ticket of tickets) appended.append(ticket);
    const loaded = loadKpiIndex(store);
    expect(appended.size).toBe(loaded.size);
    expect(appended.stats.segments).toBeGreaterThan(1);
    for (const window of [
      { from: start, to: end + 30 * DAY },
      { from: end - 45 * DAY, to: end },
    ]) {
      for (const grouping of GROUPINGS) {
        const query = { ...window, now: end + 30 * DAY, ...grouping };
        expect(appended.query(query)).toEqual(loaded.query(query));
      }
    }
  }, 120_000);

  it('answers the service: presets in Beijing time, unavailable until the city is ready, invalidated on import', async () => {
    let ready = false;
    let clock = now;
    const service = new KpiService(
      store,
      () => ready,
      () => clock,
    );
    expect(() => service.query({ range: 'today', groupBy: null })).toThrow(ContractError);
    await expect(service.warmUp()).rejects.toThrow(/generated/);
    ready = true;

    const warming = service.warmUp();
    expect(() => service.query({ range: 'month', groupBy: 'county' })).toThrow(/loading/);
    // A change seen while the index loads is replayed once it is ready.
    const first = ticketRow(store, 2);
    store.writer.prepare('UPDATE tickets SET status = 7, closed_at = NULL, satisfaction = NULL WHERE id = 2').run();
    service.update(2, { status: 7, closedAt: null, satisfaction: null });
    await warming;

    const month = service.query({ range: 'month', groupBy: 'channel' });
    expect(month.preset).toBe('month');
    expect(month.from).toBe(beijingMonthStart(now));
    const count = (): number => store.reader().prepare('SELECT COUNT(*) FROM tickets').pluck().get() as number;
    expect(month.tickets).toBe(count());
    const { totals, rows } = expectedFromOracle(store.reader(), {
      ...presetWindow('month', now),
      now,
      groupBy: 'channel',
    });
    expect(month).toMatchObject({ totals, rows });
    const today = service.query({ range: 'today', groupBy: 'category', categoryLevel: 2 });
    expect([today.from, today.to]).toEqual([beijingDayStart(now), beijingDayStart(now) + DAY]);
    const custom = service.query({ range: dateRangeWindow('2025-01-01', '2025-01-31'), groupBy: null });
    expect(custom.preset).toBeNull();
    expect(() => service.query({ range: { from: 10, to: 10 }, groupBy: null })).toThrow(/end after/);

    // Live intake reaches the figures at once.
    clock = end + 13 * DAY + 3600;
    const before = service.query({ range: 'today', groupBy: null }).totals.reported;
    const { lastInsertRowid } = store.writer
      .prepare(
        `INSERT INTO tickets (channel_id, category_id, grid_id, l1_id, lon, lat, status, reported_at)
         SELECT channel_id, category_id, grid_id, l1_id, lon, lat, 0, ? FROM tickets WHERE id = 3`,
      )
      .run(clock - 60);
    service.append({ ...ticketRow(store, Number(lastInsertRowid)) });
    expect(service.query({ range: 'today', groupBy: null }).totals.reported).toBe(before + 1);

    store.writer
      .prepare('UPDATE tickets SET status = ?, closed_at = ?, satisfaction = NULL WHERE id = 2')
      .run(first.status, first.closedAt);
    service.invalidate();
    expect(service.query({ range: { from: start, to: clock }, groupBy: null }).tickets).toBe(count());
  }, 120_000);

  it('reads calendar days and months in Beijing time', () => {
    // 2025-07-31 16:00 UTC is 1 August, 00:00 in Beijing.
    const midnight = Date.UTC(2025, 6, 31, 16) / 1000;
    expect(beijingDayStart(midnight + 5)).toBe(midnight);
    expect(beijingDayStart(midnight - 5)).toBe(midnight - DAY);
    expect(beijingMonthStart(midnight + 5)).toBe(midnight);
    expect(presetWindow('month', midnight - 1)).toEqual({ from: beijingDate(2025, 7, 1), to: midnight });
    expect(presetWindow('month', beijingDate(2025, 12, 31) + 100)).toEqual({
      from: beijingDate(2025, 12, 1),
      to: beijingDate(2026, 1, 1),
    });
    expect(parseBeijingDate('2025-08-01')).toBe(midnight);
    expect(formatBeijingDate(midnight)).toBe('2025-08-01');
    expect(dateRangeWindow('2025-08-01', '2025-08-07')).toEqual({ from: midnight, to: midnight + 7 * DAY });
    expect(() => parseBeijingDate('2025-02-30')).toThrow(/no such date/);
    expect(() => parseBeijingDate('yesterday')).toThrow(/not a date/);
    expect(() => dateRangeWindow('2025-08-07', '2025-08-01')).toThrow(/ends before/);
  });
});
