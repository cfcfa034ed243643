import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateCity } from '../../../../../electron/services/city/generator/generate-city';
import { Random } from '../../../../../electron/services/city/generator/random';
import { TICKET_HISTORY } from '../../../../../electron/services/city/generator/scale';
import { openStore, type Store } from '../../../../../electron/services/store/store';
import { decodeBlock, encodeBlock, monthOf } from '../../../../../electron/services/tickets/ticket-blocks';
import { TicketHeatmap, type HeatmapQuery } from '../../../../../electron/services/tickets/ticket-heatmap';
import { categoryGroupOf, heatmapCell } from '../../../../../shared/domain/heatmap-grid';

const resourcesDir = join(import.meta.dirname, '..', '..', '..', '..', '..', 'resources');

/** The same counts straight from the row table, row by row. */
function naiveBins(store: Store, query: HeatmapQuery): Map<number, number> {
  const rows = store
    .reader()
    .prepare(
      `SELECT t.lon, t.lat, t.channel_id, c.code FROM tickets t JOIN categories c ON c.id = t.category_id
       WHERE t.reported_at >= ? AND t.reported_at < ?`,
    )
    .raw()
    .all(query.from, query.to) as [number, number, number, string][];
  const bins = new Map<number, number>();
  for (const [lng, lat, channel, code] of rows) {
    if (query.channels && !query.channels.includes(channel)) continue;
    if (query.categoryGroups && !query.categoryGroups.includes(categoryGroupOf(code))) continue;
    const cell = heatmapCell(lng, lat);
    bins.set(cell, (bins.get(cell) ?? 0) + 1);
  }
  return bins;
}

describe('ticket heatmap', () => {
  let store: Store;
  let heatmap: TicketHeatmap;

  beforeAll(async () => {
    store = openStore(mkdtempSync(join(tmpdir(), 'gridline-heatmap-')));
    await generateCity(store, { scale: 'small', seed: 5, resourcesDir });
    heatmap = TicketHeatmap.load(store);
  });

  it('holds every ticket, and the whole history sums to it', () => {
    expect(heatmap.size).toBe(72_000);
    const all = heatmap.query({ from: TICKET_HISTORY.start, to: TICKET_HISTORY.end });
    expect(all.total).toBe(72_000);
    expect(all.counts.reduce((sum, n) => sum + n, 0)).toBe(72_000);
  });

  it('counts exactly what the row table holds, for random windows and filters', () => {
    const random = new Random(9);
    for (let q = 0; q < 30; q++) {
      const span = random.pick([86_400, 7 * 86_400, 30 * 86_400, 200 * 86_400]);
      const from = random.int(TICKET_HISTORY.start, TICKET_HISTORY.end - span);
      const query: HeatmapQuery = {
        from,
        to: from + span,
        ...(q % 3 === 1 ? { channels: [1, 4] } : {}),
        ...(q % 3 === 2 ? { categoryGroups: [0, 3, 7] } : {}),
      };
      const bins = heatmap.query(query);
      const expected = naiveBins(store, query);
      expect(new Map([...bins.cells].map((cell, i) => [cell, bins.counts[i]!]))).toEqual(expected);
    }
  });

  it('rebuilds its blocks when the tickets changed behind them (an import)', () => {
    store.writer.prepare('DELETE FROM tickets WHERE id % 10 = 0').run();
    const reloaded = TicketHeatmap.load(store);
    expect(reloaded.size).toBe(72_000 - 7_200);
    expect(reloaded.query({ from: TICKET_HISTORY.start, to: TICKET_HISTORY.end }).total).toBe(64_800);
  });

  it('packs blocks losslessly and dates months in Beijing time', () => {
    const columns = {
      size: 3,
      time: Int32Array.from([1, 2, 3]),
      cell: Uint16Array.from([0, 18_000, 7]),
      channel: Uint8Array.from([1, 10, 4]),
      group: Uint8Array.from([0, 20, 5]),
    };
    const back = decodeBlock(encodeBlock(columns), 3);
    expect([...back.time, ...back.cell, ...back.channel, ...back.group]).toEqual([
      1, 2, 3, 0, 18_000, 7, 1, 10, 4, 0, 20, 5,
    ]);
    expect(() => decodeBlock(new Uint8Array(7), 1)).toThrow(/length/);
    // 2025-07-31 16:00 UTC is 1 August, 00:00 in Beijing.
    expect(monthOf(Date.UTC(2025, 6, 31, 16) / 1000)).toBe(monthOf(Date.UTC(2025, 7, 15) / 1000));
    expect(monthOf(Date.UTC(2025, 6, 31, 15, 59) / 1000)).toBe(monthOf(Date.UTC(2025, 6, 15) / 1000));
  });
});
