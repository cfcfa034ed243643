/**
 * Ticket density for any time window, filtered by channel and category group, over the fixed heatmap bins. The whole
 * history lives in memory as time-sorted columns (8 bytes a ticket, 58 MB at full scale), loaded from the monthly
 * blocks; a query is two binary searches and one tight scan of the window, a few milliseconds for a month and tens
 * for the whole 30 months, and answers as typed arrays of the non-empty bins only.
 */
import { categoryGroupOf, HEATMAP_CELLS, heatmapCell } from '../../../shared/domain/heatmap-grid';
import type { Store } from '../store/store';
import { decodeBlock, rebuildTicketBlocks, type TicketColumns } from './ticket-blocks';

export interface HeatmapQuery {
  /** Epoch seconds, inclusive. */
  from: number;
  /** Epoch seconds, exclusive. */
  to: number;
  /** Channel ids to include (all when absent). */
  channels?: readonly number[];
  /** Category groups (level-1 field index) to include (all when absent). */
  categoryGroups?: readonly number[];
}

export interface HeatmapBins {
  /** Indices of the non-empty bins (shared/domain/heatmap-grid.ts). */
  cells: Uint32Array<ArrayBuffer>;
  counts: Uint32Array<ArrayBuffer>;
  total: number;
}

const ALL = 0xffffffff;
const maskOf = (values: readonly number[] | undefined): number =>
  values === undefined ? ALL : values.reduce((mask, value) => (mask | (1 << value)) >>> 0, 0);

/** Live tickets since the load, in arrival order: scanned whole by each query (a day's storm is a few ms). */
interface Tail {
  time: number[];
  cell: number[];
  channel: number[];
  group: number[];
}

export class TicketHeatmap {
  private readonly tail: Tail = { time: [], cell: [], channel: [], group: [] };

  private constructor(private readonly columns: TicketColumns) {}

  /**
   * A live ticket: counted by every later query whose window and filters hold it, without reloading the columns (the
   * heatmap's rollups update incrementally). `group` is the category's level-1 field index.
   */
  append(reportedAt: number, lng: number, lat: number, channelId: number, group: number): void {
    this.tail.time.push(reportedAt);
    this.tail.cell.push(Math.max(0, heatmapCell(lng, lat)));
    this.tail.channel.push(channelId);
    this.tail.group.push(group);
  }

  /**
   * Loads the blocks, rebuilding them first when they do not account for every ticket but the live ones (an import
   * changed them), then adds the live tickets (issue #7) as the tail: a restart after a day of intake reads them from
   * the row table instead of rebuilding 7.2 million tickets' blocks.
   */
  static load(store: Store): TicketHeatmap {
    const read = (): { n: number; blocks: { tickets: number; data: Buffer }[] } => ({
      n: (
        store
          .reader()
          .prepare('SELECT (SELECT COUNT(*) FROM tickets) - (SELECT COUNT(*) FROM live_tickets) AS n')
          .get() as { n: number }
      ).n,
      blocks: store.reader().prepare('SELECT tickets, data FROM ticket_blocks ORDER BY month').all() as {
        tickets: number;
        data: Buffer;
      }[],
    });
    let { n, blocks } = read();
    if (blocks.reduce((sum, block) => sum + block.tickets, 0) !== n) {
      rebuildTicketBlocks(store);
      ({ n, blocks } = read());
    }
    const columns: TicketColumns = {
      size: n,
      time: new Int32Array(n),
      cell: new Uint16Array(n),
      channel: new Uint8Array(n),
      group: new Uint8Array(n),
    };
    let offset = 0;
    for (const block of blocks) {
      const part = decodeBlock(block.data, block.tickets);
      columns.time.set(part.time, offset);
      columns.cell.set(part.cell, offset);
      columns.channel.set(part.channel, offset);
      columns.group.set(part.group, offset);
      offset += block.tickets;
    }
    const heatmap = new TicketHeatmap(columns);
    const live = store
      .reader()
      .prepare(
        'SELECT t.reported_at, t.lon, t.lat, t.channel_id, c.code FROM live_tickets l JOIN tickets t ON t.id = ' +
          'l.ticket_id JOIN categories c ON c.id = t.category_id',
      )
      .raw()
      .iterate() as Iterable<[number, number, number, number, string]>;
    for (const [time, lng, lat, channel, code] of live) heatmap.append(time, lng, lat, channel, categoryGroupOf(code));
    return heatmap;
  }

  get size(): number {
    return this.columns.size + this.tail.time.length;
  }

  /** First index with time ≥ t. */
  private lowerBound(t: number): number {
    let lo = 0;
    let hi = this.columns.size;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.columns.time[mid]! < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  query(query: HeatmapQuery): HeatmapBins {
    const { cell, channel, group } = this.columns;
    const counts = new Uint32Array(HEATMAP_CELLS);
    const channels = maskOf(query.channels);
    const groups = maskOf(query.categoryGroups);
    const start = this.lowerBound(query.from);
    const end = this.lowerBound(query.to);
    let total = 0;
    if (channels === ALL && groups === ALL) {
      for (let i = start; i < end; i++) counts[cell[i]!]!++;
      total = end - start;
    } else {
      for (let i = start; i < end; i++) {
        if ((channels >>> channel[i]!) & 1 && (groups >>> group[i]!) & 1) {
          counts[cell[i]!]!++;
          total++;
        }
      }
    }
    const tail = this.tail;
    for (let i = 0; i < tail.time.length; i++) {
      const time = tail.time[i]!;
      if (time < query.from || time >= query.to) continue;
      if ((channels >>> tail.channel[i]!) & 1 && (groups >>> tail.group[i]!) & 1) {
        counts[tail.cell[i]!]!++;
        total++;
      }
    }
    let nonEmpty = 0;
    for (let c = 0; c < HEATMAP_CELLS; c++) if (counts[c]! > 0) nonEmpty++;
    const cells = new Uint32Array(nonEmpty);
    const values = new Uint32Array(nonEmpty);
    for (let c = 0, k = 0; c < HEATMAP_CELLS; c++) {
      if (counts[c]! > 0) {
        cells[k] = c;
        values[k++] = counts[c]!;
      }
    }
    return { cells, counts: values, total };
  }
}
