/**
 * The KPI dashboard's queries (electron/services/tickets/kpi/): the index's load time and memory, then p50/p95 over a
 * seeded dashboard mix — today, this month and custom windows in turn, grouped by county, channel and category in
 * turn, a quarter of them filtered (a district commander's county, some channels, a category field) — and the same
 * figures by plain SQL over the row table (the oracle of the unit tests) for the first few queries of the mix, which
 * must match exactly and give the naive time for comparison. "Now" is the last report in the store. Prints progress
 * on stderr and one JSON object as the last line of stdout.
 *
 *   npm run bench -- tickets-kpi [--data-dir DIR] [--scale full|medium|small] [--queries N] [--oracle-queries N]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { generateCity } from '../../electron/services/city/generator/generate-city';
import { Random } from '../../electron/services/city/generator/random';
import { CITY_SCALES } from '../../electron/services/city/generator/scale';
import { openStore } from '../../electron/services/store/store';
import type { KpiGroupBy, KpiQuery } from '../../electron/services/tickets/kpi/kpi-index';
import { loadKpiIndex } from '../../electron/services/tickets/kpi/kpi-service';
import { presetWindow } from '../../shared/domain/beijing-time';
import { expectedFromOracle } from './tickets-kpi/sql-oracle';

const { values } = parseArgs({
  options: {
    'data-dir': { type: 'string' },
    scale: { type: 'string', default: 'full' },
    queries: { type: 'string', default: '240' },
    'oracle-queries': { type: 'string', default: '6' },
  },
});
const scale =
  CITY_SCALES.find((known) => known === values.scale) ??
  ((): never => {
    throw new Error(`--scale must be one of ${CITY_SCALES.join(', ')}`);
  })();
const queryCount = Number(values.queries);
const oracleCount = Number(values['oracle-queries']);
const log = (message: string): void => void process.stderr.write(`[tickets-kpi] ${message}\n`);

const DAY = 86_400;
const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
const round = (value: number): number => Number(value.toFixed(2));
const stats = (times: number[]): { p50: number; p95: number; max: number } => {
  const sorted = [...times].sort((a, b) => a - b);
  return {
    p50: round(percentile(sorted, 0.5)),
    p95: round(percentile(sorted, 0.95)),
    max: round(sorted[sorted.length - 1] ?? 0),
  };
};

const dir = values['data-dir'] ?? mkdtempSync(join(tmpdir(), 'gridline-kpi-'));
const store = openStore(dir);
try {
  if (!values['data-dir']) {
    log(`no --data-dir: generating a ${scale} city in ${dir}`);
    await generateCity(store, { scale, seed: 1 });
  }
  const heapBefore = process.memoryUsage().arrayBuffers;
  let started = performance.now();
  const index = loadKpiIndex(store);
  const loadMs = performance.now() - started;
  const memoryMB = index.byteLength / 2 ** 20;
  const arrayBuffersMB = (process.memoryUsage().arrayBuffers - heapBefore) / 2 ** 20;
  log(`loaded ${index.size} tickets in ${loadMs.toFixed(0)} ms, ${memoryMB.toFixed(0)} MB`);

  const db = store.reader();
  const span = db.prepare('SELECT MIN(reported_at) AS first, MAX(reported_at) AS last FROM tickets').get() as {
    first: number;
    last: number;
  };
  const now = span.last + 1;
  const counties = index.dimensions.counties.map((county) => county.id);
  const fields = index.dimensions.categories.filter((category) => category.level === 1).map((field) => field.id);
  const random = new Random(42);
  const groupings: KpiGroupBy[] = ['county', 'channel', 'category'];
  const kinds = ['today', 'month', 'custom'] as const;
  type Kind = (typeof kinds)[number];
  const mix: { kind: Kind; query: KpiQuery }[] = Array.from({ length: queryCount }, (_, q) => {
    const kind = kinds[q % 3]!;
    const groupBy = groupings[Math.floor(q / 3) % 3]!;
    let window = kind === 'custom' ? { from: 0, to: 0 } : presetWindow(kind, now);
    if (kind === 'custom') {
      // Half "the last N days", half any span anywhere in the history.
      const days = random.pick([7, 30, 90, 180, 365, 0]) || Math.ceil((now - span.first) / DAY);
      if (random.next() < 0.5) {
        window = { from: now - days * DAY, to: now };
      } else {
        const length = random.int(1, Math.ceil((now - span.first) / DAY)) * DAY;
        const from = random.int(span.first, Math.max(span.first, now - length));
        window = { from, to: from + length };
      }
    }
    const filter = random.next();
    const filters =
      filter < 0.1
        ? { counties: [random.pick(counties)] }
        : filter < 0.2
          ? { channels: [1, random.int(2, 10)] }
          : filter < 0.25
            ? { categories: [random.pick(fields)] }
            : undefined;
    return { kind, query: { ...window, now, groupBy, ...(filters ? { filters } : {}) } };
  });

  // Warm-up, then the timed runs.
  for (const { query } of mix.slice(0, 12)) index.query(query);
  const times: number[] = [];
  const byKind: Record<Kind, number[]> = { today: [], month: [], custom: [] };
  const answers = mix.map(({ kind, query }) => {
    started = performance.now();
    const answer = index.query(query);
    const ms = performance.now() - started;
    times.push(ms);
    byKind[kind].push(ms);
    return answer;
  });
  const whole = { from: span.first, to: now, now };
  const wholeTimes = groupings.map((groupBy) => {
    started = performance.now();
    index.query({ ...whole, groupBy });
    return performance.now() - started;
  });
  const all = stats(times);
  log(`kpi p50 ${all.p50} ms, p95 ${all.p95} ms over ${times.length} queries`);

  const sqlTimes: number[] = [];
  let figuresMatch = true;
  mix.slice(0, oracleCount).forEach(({ query }, q) => {
    const expected = expectedFromOracle(db, query);
    sqlTimes.push(expected.sqlMs);
    const answer = answers[q]!;
    const same =
      JSON.stringify(answer.totals) === JSON.stringify(expected.totals) &&
      JSON.stringify(answer.rows) === JSON.stringify(expected.rows);
    if (!same) {
      figuresMatch = false;
      log(`query ${q} differs from SQL: ${JSON.stringify(query)}`);
    }
    log(`SQL oracle ${q + 1}/${oracleCount}: ${expected.sqlMs.toFixed(0)} ms`);
  });
  const sql = stats(sqlTimes);
  const sameQueries = stats(times.slice(0, oracleCount));

  const result = {
    bench: 'tickets-kpi',
    tickets: index.size,
    queries: times.length,
    loadMs: round(loadMs),
    memoryMB: round(memoryMB),
    arrayBuffersMB: round(arrayBuffersMB),
    kpiP50Ms: all.p50,
    kpiP95Ms: all.p95,
    kpiMaxMs: all.max,
    todayP95Ms: stats(byKind.today).p95,
    monthP95Ms: stats(byKind.month).p95,
    customP95Ms: stats(byKind.custom).p95,
    wholeHistoryMs: Object.fromEntries(
      groupings.map((groupBy, i) => [String(groupBy), round(wholeTimes[i]!)]),
    ) as Record<string, number>,
    oracleQueries: sqlTimes.length,
    sqlP50Ms: sql.p50,
    sqlMaxMs: sql.max,
    kpiOnOracleQueriesMaxMs: sameQueries.max,
    figuresMatch,
    node: process.version,
    cpu: cpus()[0]?.model ?? 'unknown',
  };
  console.log(JSON.stringify(result));
  if (!figuresMatch) process.exitCode = 1;
} finally {
  store.close();
  if (!values['data-dir']) rmSync(dir, { recursive: true, force: true });
}
