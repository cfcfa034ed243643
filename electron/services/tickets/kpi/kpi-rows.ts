/**
 * Reads the ticket columns the KPI index needs from the row table, in chunks of consecutive ids, as typed arrays of
 * raw store values (ids, not index positions), so a chunk can also be read on a worker thread and transferred.
 *
 * Stepping through 7.2 million rows one by one costs better-sqlite3 about 6 s on this project's build machine, most of
 * it turning each value into a JavaScript number. Here SQLite itself packs every row into 40 hexadecimal digits
 * (`printf`) and concatenates a chunk's rows into one string (`group_concat`), which `Buffer.from(…, 'hex')` decodes
 * natively: 3.5–4 s at full scale, most of it inside SQLite. Ids outside the packing's ranges (a channel
 * id ≥ 1024 or a category id ≥ 65,536) fall back to plain row-by-row reading.
 */
import type Database from 'better-sqlite3';

/** One chunk of tickets, store values as they are; `closedAt` and `satisfaction` are 0 where the row has NULL. */
export interface KpiRows {
  size: number;
  id: Int32Array;
  reportedAt: Int32Array;
  closedAt: Int32Array;
  gridId: Int32Array;
  categoryId: Int32Array;
  channelId: Int32Array;
  status: Uint8Array;
  satisfaction: Uint8Array;
}

export const KPI_CHUNK_ROWS = 65_536;
const TWO_32 = 4_294_967_296;
/** Packing limits: status 3 bits, satisfaction 3, channel 10, category 16 (`packed` below). */
const MAX_PACKED_CHANNEL = 1023;
const MAX_PACKED_CATEGORY = 65_535;

function emptyRows(size: number): KpiRows {
  return {
    size,
    id: new Int32Array(size),
    reportedAt: new Int32Array(size),
    closedAt: new Int32Array(size),
    gridId: new Int32Array(size),
    categoryId: new Int32Array(size),
    channelId: new Int32Array(size),
    status: new Uint8Array(size),
    satisfaction: new Uint8Array(size),
  };
}

/** Yields every ticket, a chunk of consecutive ids at a time. */
export function* readKpiRows(db: Database.Database, chunkRows = KPI_CHUNK_ROWS): Generator<KpiRows> {
  const limits = db.prepare('SELECT MAX(channel_id) AS channel, MAX(category_id) AS category FROM tickets').get() as {
    channel: number | null;
    category: number | null;
  };
  const packable = (limits.channel ?? 0) <= MAX_PACKED_CHANNEL && (limits.category ?? 0) <= MAX_PACKED_CATEGORY;
  yield* packable ? readPacked(db, chunkRows) : readPlain(db, chunkRows);
}

function* readPacked(db: Database.Database, chunkRows: number): Generator<KpiRows> {
  // id (8 digits) | reported_at · 2³² + closed_at (16) | grid_id · 2³² + the small fields (16), big-endian.
  const chunk = db.prepare(
    `SELECT COUNT(*) AS n, MAX(id) AS last,
            group_concat(printf('%08x%016llx%016llx', id, reported_at * ${TWO_32} + IFNULL(closed_at, 0),
              grid_id * ${TWO_32} + status + 8 * IFNULL(satisfaction, 0) + 64 * channel_id + 65536 * category_id),
              '') AS hex
     FROM (SELECT id, reported_at, closed_at, grid_id, status, satisfaction, channel_id, category_id
           FROM tickets WHERE id > ? ORDER BY id LIMIT ?)`,
  );
  let last = -Infinity;
  for (;;) {
    const row = chunk.get(last, chunkRows) as { n: number; last: number | null; hex: string | null };
    if (row.n === 0 || row.hex === null || row.last === null) return;
    const bytes = Buffer.from(row.hex, 'hex');
    if (bytes.byteLength !== row.n * 20) throw new Error('ticket chunk has the wrong length');
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const rows = emptyRows(row.n);
    for (let i = 0, at = 0; i < row.n; i++, at += 20) {
      rows.id[i] = view.getInt32(at);
      rows.reportedAt[i] = view.getInt32(at + 4);
      rows.closedAt[i] = view.getInt32(at + 8);
      rows.gridId[i] = view.getInt32(at + 12);
      const small = view.getUint32(at + 16);
      rows.status[i] = small & 7;
      rows.satisfaction[i] = (small >>> 3) & 7;
      rows.channelId[i] = (small >>> 6) & 1023;
      rows.categoryId[i] = small >>> 16;
    }
    yield rows;
    last = row.last;
  }
}

function* readPlain(db: Database.Database, chunkRows: number): Generator<KpiRows> {
  const chunk = db
    .prepare(
      `SELECT id, reported_at, IFNULL(closed_at, 0), grid_id, category_id, channel_id, status, IFNULL(satisfaction, 0)
       FROM tickets WHERE id > ? ORDER BY id LIMIT ?`,
    )
    .raw();
  let last = -Infinity;
  for (;;) {
    const values = chunk.all(last, chunkRows) as [number, number, number, number, number, number, number, number][];
    if (values.length === 0) return;
    const rows = emptyRows(values.length);
    values.forEach((value, i) => {
      rows.id[i] = value[0];
      rows.reportedAt[i] = value[1];
      rows.closedAt[i] = value[2];
      rows.gridId[i] = value[3];
      rows.categoryId[i] = value[4];
      rows.channelId[i] = value[5];
      rows.status[i] = value[6];
      rows.satisfaction[i] = value[7];
    });
    yield rows;
    last = values[values.length - 1]![0];
  }
}
