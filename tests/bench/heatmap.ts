/**
 * Ticket heatmap queries: p50/p95 over 100 seeded random windows (24 h, 7 d, 30 d and custom spans, half of them
 * filtered by channel or category group), against a naive SQL GROUP BY over the same windows in the same run — whose
 * bins must match exactly. Prints progress on stderr and one JSON object as the last line of stdout.
 *
 *   npm run bench -- heatmap [--data-dir DIR] [--scale full|medium|small] [--queries N]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { generateCity } from '../../electron/services/city/generator/generate-city';
import { Random } from '../../electron/services/city/generator/random';
import { CITY_SCALES, TICKET_HISTORY } from '../../electron/services/city/generator/scale';
import { openStore } from '../../electron/services/store/store';
import { TicketHeatmap, type HeatmapQuery } from '../../electron/services/tickets/ticket-heatmap';
import { CHANNELS } from '../../shared/domain/channels';
import { HEATMAP_GRID } from '../../shared/domain/heatmap-grid';

const { values } = parseArgs({
  options: {
    'data-dir': { type: 'string' },
    scale: { type: 'string', default: 'full' },
    queries: { type: 'string', default: '100' },
  },
});
const scale =
  CITY_SCALES.find((known) => known === values.scale) ??
  ((): never => {
    throw new Error(`--scale must be one of ${CITY_SCALES.join(', ')}`);
  })();
const queryCount = Number(values.queries);
const log = (message: string): void => void process.stderr.write(`[heatmap] ${message}\n`);

const DAY = 86_400;
const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
const round = (value: number): number => Number(value.toFixed(2));

const dir = values['data-dir'] ?? mkdtempSync(join(tmpdir(), 'gridline-heatmap-'));
const store = openStore(dir);
try {
  if (!values['data-dir']) {
    log(`no --data-dir: generating a ${scale} city in ${dir}`);
    await generateCity(store, { scale, seed: 1 });
  }
  let started = performance.now();
  const heatmap = TicketHeatmap.load(store);
  const loadMs = performance.now() - started;
  log(`loaded ${heatmap.size} tickets in ${loadMs.toFixed(0)} ms`);

  const groups = (store.reader().prepare('SELECT code FROM categories WHERE level = 1').all() as { code: string }[])
    .length;
  const random = new Random(42);
  const subset = (n: number, max: number): number[] =>
    [...new Set(Array.from({ length: random.int(1, max) }, () => random.int(0, n - 1)))].sort((a, b) => a - b);
  const queries: HeatmapQuery[] = Array.from({ length: queryCount }, () => {
    const span = random.pick([DAY, 7 * DAY, 30 * DAY, 0]) || random.int(1, 913) * DAY;
    const from = random.int(TICKET_HISTORY.start, TICKET_HISTORY.end - span);
    const filter = random.next();
    return {
      from,
      to: from + span,
      ...(filter < 0.25 ? { channels: subset(CHANNELS.length, 4).map((index) => CHANNELS[index]!.id) } : {}),
      ...(filter >= 0.25 && filter < 0.5 ? { categoryGroups: subset(groups, 5) } : {}),
    };
  });

  // Warm-up, then the timed runs.
  for (const query of queries.slice(0, 10)) heatmap.query(query);
  const times: number[] = [];
  const results = queries.map((query) => {
    started = performance.now();
    const bins = heatmap.query(query);
    times.push(performance.now() - started);
    return bins;
  });

  const naive = store.reader();
  const naiveTimes: number[] = [];
  let binsMatch = true;
  queries.forEach((query, q) => {
    const where = ['t.reported_at >= ?', 't.reported_at < ?'];
    if (query.channels) where.push(`t.channel_id IN (${query.channels.join(',')})`);
    if (query.categoryGroups)
      where.push(`CAST(substr(c.code, 1, 2) AS INTEGER) - 1 IN (${query.categoryGroups.join(',')})`);
    const sql = `SELECT CAST((t.lat - ${HEATMAP_GRID.south}) / ${HEATMAP_GRID.cellLat} AS INTEGER) * ${HEATMAP_GRID.cols}
                      + CAST((t.lon - ${HEATMAP_GRID.west}) / ${HEATMAP_GRID.cellLng} AS INTEGER) AS cell, COUNT(*) AS n
                 FROM tickets t JOIN categories c ON c.id = t.category_id
                 WHERE ${where.join(' AND ')} GROUP BY cell ORDER BY cell`;
    started = performance.now();
    const rows = naive.prepare(sql).all(query.from, query.to) as { cell: number; n: number }[];
    naiveTimes.push(performance.now() - started);
    const fast = results[q]!;
    const same =
      rows.length === fast.cells.length &&
      rows.every((row, i) => row.cell === fast.cells[i] && row.n === fast.counts[i]);
    if (!same) {
      binsMatch = false;
      log(`query ${q} differs: ${JSON.stringify(query)}`);
    }
    if (q % 20 === 19) log(`naive ${q + 1}/${queries.length}`);
  });

  times.sort((a, b) => a - b);
  naiveTimes.sort((a, b) => a - b);
  const result = {
    bench: 'heatmap',
    tickets: heatmap.size,
    queries: queries.length,
    loadMs: round(loadMs),
    p50Ms: round(percentile(times, 0.5)),
    p95Ms: round(percentile(times, 0.95)),
    maxMs: round(times[times.length - 1]!),
    naiveP50Ms: round(percentile(naiveTimes, 0.5)),
    naiveP95Ms: round(percentile(naiveTimes, 0.95)),
    ratio: round(percentile(naiveTimes, 0.95) / percentile(times, 0.95)),
    binsMatch,
    node: process.version,
    cpu: cpus()[0]?.model ?? 'unknown',
  };
  console.log(JSON.stringify(result));
  if (!binsMatch) process.exitCode = 1;
} finally {
  store.close();
  if (!values['data-dir']) rmSync(dir, { recursive: true, force: true });
}
