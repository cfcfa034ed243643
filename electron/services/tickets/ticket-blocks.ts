/**
 * Columnar monthly blocks of the ticket history (migration 0002): written by the generator as it goes, rebuilt from
 * the row table after an import, and loaded whole for the heatmap.
 */
import type { Store } from '../store/store';
import { categoryGroupOf, heatmapCell } from '../../../shared/domain/heatmap-grid';

const BEIJING = 8 * 3600;

/** Months since January 1970, Beijing time. */
export function monthOf(epochSeconds: number): number {
  const date = new Date((epochSeconds + BEIJING) * 1000);
  return (date.getUTCFullYear() - 1970) * 12 + date.getUTCMonth();
}

export interface TicketColumns {
  size: number;
  time: Int32Array;
  cell: Uint16Array;
  channel: Uint8Array;
  group: Uint8Array;
}

/** Bytes per ticket in a block. */
const ROW_BYTES = 8;

export function encodeBlock(columns: TicketColumns): Uint8Array {
  const n = columns.size;
  const bytes = new Uint8Array(n * ROW_BYTES);
  new Int32Array(bytes.buffer, 0, n).set(columns.time.subarray(0, n));
  new Uint16Array(bytes.buffer, n * 4, n).set(columns.cell.subarray(0, n));
  bytes.set(columns.channel.subarray(0, n), n * 6);
  bytes.set(columns.group.subarray(0, n), n * 7);
  return bytes;
}

export function decodeBlock(blob: Uint8Array, n: number): TicketColumns {
  if (blob.byteLength !== n * ROW_BYTES) throw new Error('ticket block has the wrong length');
  const bytes = blob.slice();
  return {
    size: n,
    time: new Int32Array(bytes.buffer, 0, n),
    cell: new Uint16Array(bytes.buffer, n * 4, n),
    channel: bytes.subarray(n * 6, n * 7),
    group: bytes.subarray(n * 7, n * 8),
  };
}

/** Collects tickets (in any order) and writes them as sorted monthly blocks. */
export class TicketBlockWriter {
  private readonly months = new Map<number, { time: number[]; cell: number[]; channel: number[]; group: number[] }>();

  constructor(private readonly categoryCodes: ReadonlyMap<number, string>) {}

  add(reportedAt: number, lng: number, lat: number, channelId: number, categoryId: number): void {
    const month = monthOf(reportedAt);
    let block = this.months.get(month);
    if (!block) {
      block = { time: [], cell: [], channel: [], group: [] };
      this.months.set(month, block);
    }
    block.time.push(reportedAt);
    block.cell.push(Math.max(0, heatmapCell(lng, lat)));
    block.channel.push(channelId);
    block.group.push(categoryGroupOf(this.categoryCodes.get(categoryId) ?? '00'));
  }

  /** Replaces every block in the store (call inside the caller's transaction or on its own). */
  write(store: Store): void {
    const insert = store.writer.prepare('INSERT INTO ticket_blocks (month, tickets, data) VALUES (?, ?, ?)');
    store.writer.transaction(() => {
      store.writer.exec('DELETE FROM ticket_blocks');
      for (const [month, block] of [...this.months].sort((a, b) => a[0] - b[0])) {
        const n = block.time.length;
        const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => block.time[a]! - block.time[b]!);
        const columns: TicketColumns = {
          size: n,
          time: Int32Array.from(order, (i) => block.time[i]!),
          cell: Uint16Array.from(order, (i) => block.cell[i]!),
          channel: Uint8Array.from(order, (i) => block.channel[i]!),
          group: Uint8Array.from(order, (i) => block.group[i]!),
        };
        insert.run(month, n, encodeBlock(columns));
      }
    })();
  }
}

/** Category id → code, for the category groups. */
export function categoryCodes(store: Store): Map<number, string> {
  const rows = store.reader().prepare('SELECT id, code FROM categories').all() as { id: number; code: string }[];
  return new Map(rows.map((row) => [row.id, row.code]));
}

/**
 * Rebuilds every block from the row table (after an import; seconds at full scale). Live tickets (issue #7) are left
 * out: the heatmap reads them from the row table as its tail, so intake never invalidates the blocks.
 */
export function rebuildTicketBlocks(store: Store): void {
  const writer = new TicketBlockWriter(categoryCodes(store));
  const rows = store
    .reader()
    .prepare(
      'SELECT reported_at, lon, lat, channel_id, category_id FROM tickets ' +
        'WHERE id NOT IN (SELECT ticket_id FROM live_tickets)',
    )
    .raw();
  for (const row of rows.iterate() as Iterable<[number, number, number, number, number]>) {
    writer.add(row[0], row[1], row[2], row[3], row[4]);
  }
  writer.write(store);
}
