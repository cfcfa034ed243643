/**
 * The closed-loop KPIs of the ticket history — closure rate, satisfaction, mean and median handling time, overdue
 * tickets — for any time window, in total and by county-level unit, channel or category, computed live from an
 * in-memory columnar copy of the `tickets` table that intake and transitions keep in step. No figure is stored.
 *
 * Definitions (each checked against plain SQL over `tickets` in tests/unit/electron/services/tickets/kpi.test.ts):
 *
 * - Window: epoch seconds, `from` inclusive, `to` exclusive. Two kinds of figures, each on its own time axis:
 *   - by report time (the window's intake): reported, closed, open, closure rate, open overdue;
 *   - by closing time (the window's output): handled, mean and median handling time, closed late, satisfaction.
 *   Over the whole history both axes hold every ticket, which is how DOMAIN.md's city-wide figures read.
 * - Closed: status resolved (4), feedback (5) or evaluated (6). Every other status (reported, dispatched, accepted,
 *   handling, reopened) is open.
 * - Closure rate = closed ÷ reported, over the tickets reported in the window, as they stand now (96.51% over the
 *   whole history in DOMAIN.md; `npm run city -- stats` reads it the same way). A recent window is naturally lower:
 *   its tickets are still being handled.
 * - Handling time = closed_at − reported_at, over the tickets closed in the window (status closed and closed_at in the
 *   window); the mean is exact (4.12 days in DOMAIN.md); the median comes from a histogram: the handling time of rank
 *   ⌊(n − 1) ÷ 2⌋ (the lower median), given as the middle of its bucket. Buckets are 1 hour wide below 60 days (the
 *   median is within 30 minutes), 1 day wide from 60 days to about 3.2 years (within 12 hours), and one bucket
 *   beyond, given as its lower bound.
 * - Satisfaction = evaluations scoring 4 or 5 of 5 ÷ evaluations, over the tickets closed in the window that carry
 *   an evaluation (satisfaction 1–5) — the evaluation follows closure, and its own time is not stored. The share, not
 *   the mean score: DOMAIN.md's 96.43% is a share satisfied (the generated history's score weights give 96.4%
 *   scoring 4 or 5, while the mean score, 4.80 of 5, would read 96.0%), and a share is what 12345 platforms publish.
 * - Deadline = reported_at + the category's deadline_hours (the rule the map's grid cards and grid fill use); a
 *   category without deadline_hours has none. Overdue = open overdue + closed late, where
 *   - open overdue: tickets reported in the window, open now, whose deadline is before `now`;
 *   - closed late: tickets closed in the window whose closed_at is after their deadline.
 *   Over the whole history, open overdue is the city's overdue backlog at `now`.
 * - Groups: a ticket's county-level unit is its grid's `county_id`; its channel is `channel_id`; its category is the
 *   ancestor of its category at the level asked for (1: field, 2: subject, 3: the leaf itself). Rows are given for
 *   every group with a ticket on either axis, in the dimension's order (county and channel id, category code).
 *
 * The index. Each ticket is one slot on the report-time axis (reported_at, closed_at, status, satisfaction, its
 * cell — county × channel × category, see kpi-dimensions.ts — and a position: 18 bytes); each closed ticket is also
 * an entry on the closing-time axis (closed_at, cell, handling seconds, histogram bucket with late / evaluated /
 * satisfied bits, slot: 18 bytes); each open ticket is also on the open list (reported_at, cell, slot: 12 bytes, a
 * few percent of the tickets). An axis is a list of segments sorted by its time plus one unsorted tail where new
 * entries land; a query binary-searches the sorted segments and checks the tail's times one by one. A query folds
 * its grouping and filters into one table, cell → group, then:
 * - reported per group: per-cell running counts every block of the report axis's first sorted run answer whole
 *   blocks (two reads per cell, whatever the window's length), and the slots at the window's edges are counted one
 *   by one; open and open overdue per group: one pass over the open list; closed = reported − open;
 * - the closing-axis figures: one tight pass over the window's entries (a histogram per group for the median).
 * At 7.2 million tickets: 309 MB; 4 ms for today or this month, 60–70 ms for the whole 30 months (p95 of a
 * dashboard mix 49 ms; tests/bench/results/tickets-kpi.json).
 *
 * Keeping in step, O(1) amortised: `append(ticket)` adds a slot to the report axis's tail (sorted and sealed every
 * 4,096 slots, so out-of-order report times cost nothing extra; a tail that follows the first run joins it and its
 * whole blocks get running counts); `update(id, changes)` rewrites a ticket's fields in place and moves it between
 * the open list (swap-remove) and the closing axis; reopening, or a new closed_at, leaves the old closing entry dead
 * (counted nowhere; the axis is rebuilt once dead entries pass an eighth of it). `append` of a ticket already held
 * is an update, so replaying an event stream after a reconnection is harmless.
 */
import type { CategoryLevel, KpiDimensions, KpiMember } from './kpi-dimensions';
import type { KpiRows } from './kpi-rows';
import {
  grown,
  handlingBucket,
  HANDLING_BUCKETS,
  histogramMedian,
  IdSlots,
  orderByTime,
  permute,
  radixOrder,
  Segments,
} from './kpi-structures';

/** A ticket as the KPI index needs it (store values; null where the row has NULL). */
export interface KpiTicket {
  id: number;
  channelId: number;
  categoryId: number;
  gridId: number;
  /** 0 reported … 7 reopened (migration 0001). */
  status: number;
  reportedAt: number;
  closedAt: number | null;
  satisfaction: number | null;
}

/** What a transition may change; the report time never changes. */
export type KpiTicketChanges = Partial<Omit<KpiTicket, 'id' | 'reportedAt'>>;

export type KpiGroupBy = 'county' | 'channel' | 'category' | null;

export interface KpiFilters {
  /** County-level unit ids (all when absent; none when empty). */
  counties?: readonly number[];
  /** Channel ids. */
  channels?: readonly number[];
  /** Category ids at any level: a ticket matches when its category or one of its ancestors is listed. */
  categories?: readonly number[];
}

export interface KpiQuery {
  /** Epoch seconds, inclusive. */
  from: number;
  /** Epoch seconds, exclusive. */
  to: number;
  /** The instant "overdue" is judged at. */
  now: number;
  groupBy: KpiGroupBy;
  /** The category level to group by (groupBy 'category'); 1 when absent. */
  categoryLevel?: CategoryLevel;
  filters?: KpiFilters;
}

export interface KpiFigures {
  /** Tickets reported in the window. */
  reported: number;
  /** Of those, closed now. */
  closed: number;
  /** Of those, open now. */
  open: number;
  /** closed ÷ reported; null when nothing was reported. */
  closureRate: number | null;
  /** Of the tickets reported in the window, open now and past their deadline. */
  overdueOpen: number;
  /** Tickets closed in the window. */
  handled: number;
  /** Mean of closed_at − reported_at over the tickets closed in the window, seconds; null when none. */
  meanHandlingSeconds: number | null;
  /** Lower median of the same, to the histogram's resolution (see the header); null when none. */
  medianHandlingSeconds: number | null;
  /** Of the tickets closed in the window, closed after their deadline. */
  closedLate: number;
  /** overdueOpen + closedLate. */
  overdue: number;
  /** Of the tickets closed in the window, those evaluated. */
  evaluated: number;
  /** Of those, scoring 4 or 5. */
  satisfied: number;
  /** satisfied ÷ evaluated; null when none. */
  satisfaction: number | null;
}

export interface KpiRow extends KpiFigures {
  /** County, channel or category id. */
  id: number;
  code: string;
  name: string;
  nameEn: string;
}

export interface KpiResult {
  from: number;
  to: number;
  now: number;
  groupBy: KpiGroupBy;
  categoryLevel: CategoryLevel;
  totals: KpiFigures;
  rows: KpiRow[];
}

const isClosed = (status: number): boolean => status >= 4 && status <= 6;
/** Slots or entries in an unsorted tail before it is sorted and sealed. */
const SEAL_AT = 4096;
const GROWTH = 1.5;
/** Room for intake beyond the history at load. */
const SLACK = 1.0625;

/** Closing-axis entry bits beside the histogram bucket (bucket · 8 + bits): one counter each per group. */
const LATE = 1;
const EVALUATED = 2;
const SATISFIED = 4;
const CODES = 8;

interface IntakeCounts {
  reported: Float64Array;
  open: Uint32Array;
  overdueOpen: Uint32Array;
}

interface ClosureCounts {
  /** [group · 8 + bits]. */
  codes: Uint32Array;
  handlingSum: Float64Array;
  /** [group · HANDLING_BUCKETS + bucket]. */
  histogram: Uint32Array;
}

/** Reported per group over report-axis slots [lo, hi); `checkTime` for the unsorted tail. */
function countReported(
  lo: number,
  hi: number,
  checkTime: boolean,
  from: number,
  to: number,
  reported: Int32Array,
  cell: Int32Array,
  cellGroup: Int32Array,
  counts: Float64Array,
): void {
  for (let i = lo; i < hi; i++) {
    if (checkTime && (reported[i]! < from || reported[i]! >= to)) continue;
    const g = cellGroup[cell[i]!]!;
    if (g >= 0) counts[g]!++;
  }
}

/** Open and open overdue per group: the open list's tickets reported in [from, to). */
function countOpen(
  size: number,
  from: number,
  to: number,
  now: number,
  time: Int32Array,
  cell: Int32Array,
  cellGroup: Int32Array,
  cellDeadline: Float64Array,
  counts: IntakeCounts,
): void {
  const { open, overdueOpen } = counts;
  for (let j = 0; j < size; j++) {
    const t = time[j]!;
    if (t < from || t >= to) continue;
    const c = cell[j]!;
    const g = cellGroup[c]!;
    if (g < 0) continue;
    open[g]!++;
    if (t + cellDeadline[c]! < now) overdueOpen[g]!++;
  }
}

/** Closing-axis figures per group over entries [lo, hi); `checkTime` for the unsorted tail. */
function countClosure(
  lo: number,
  hi: number,
  checkTime: boolean,
  from: number,
  to: number,
  closedAt: Int32Array,
  cell: Int32Array,
  handling: Int32Array,
  bucketBits: Uint16Array,
  cellGroup: Int32Array,
  counts: ClosureCounts,
): void {
  const { codes, handlingSum, histogram } = counts;
  // A local copy: an imported binding can compile to a getter call (tsx, vitest), once per entry in this loop.
  const buckets = HANDLING_BUCKETS;
  for (let i = lo; i < hi; i++) {
    if (checkTime && (closedAt[i]! < from || closedAt[i]! >= to)) continue;
    const g = cellGroup[cell[i]!]!;
    if (g < 0) continue;
    const packed = bucketBits[i]!;
    histogram[g * buckets + (packed >>> 3)]!++;
    codes[g * CODES + (packed & 7)]!++;
    handlingSum[g]! += handling[i]!;
  }
}

export interface KpiIndexOptions {
  /**
   * Report-axis slots per block of running counts: by default the power of two at or above the number of cells and
   * at least 65,536, so the counts take at most 4 bytes a ticket (about 16 MB at 7.2 million). Tests make it small.
   */
  block?: number;
}

export class KpiIndex {
  private readonly cells: number;
  /** The cell no group counts: where dead closing entries go. */
  private readonly deadCell: number;
  /** Report-axis slots per block of running counts. */
  private readonly block: number;

  // The report-time axis: one slot per ticket.
  private n = 0;
  private reported: Int32Array;
  private closedAt: Int32Array;
  private cell: Int32Array;
  private status: Uint8Array;
  private satisfaction: Uint8Array;
  /** Open ticket: its place on the open list. Closed: its closing-axis entry, or −1 (no closed_at). */
  private pos: Int32Array;
  private readonly intake = new Segments();
  private readonly slots = new IdSlots();
  /** Ids of the unsorted tail's slots (the only slots that ever move). */
  private tailIds = new Int32Array(SEAL_AT);
  /** Row b: per cell, the slots in [0, b · block) — for b up to `blocks`, all within the first sorted run. */
  private runningCounts: Uint32Array;
  private blocks = 0;

  // The open list: one entry per open ticket, in no order.
  private openSize = 0;
  private oTime: Int32Array;
  private oCell: Int32Array;
  private oSlot: Int32Array;

  // The closing-time axis: one entry per closed ticket, plus dead ones until the next rebuild.
  private m = 0;
  private dead = 0;
  private cTime = new Int32Array(0);
  private cCell = new Int32Array(0);
  private cHandling = new Int32Array(0);
  private cBucketBits = new Uint16Array(0);
  private cSlot = new Int32Array(0);
  private readonly closure = new Segments();

  private constructor(
    readonly dimensions: KpiDimensions,
    capacity: number,
    options: KpiIndexOptions,
  ) {
    this.cells = dimensions.cells;
    this.deadCell = dimensions.cells;
    this.block = options.block ?? Math.max(65_536, 2 ** Math.ceil(Math.log2(this.cells)));
    this.reported = new Int32Array(capacity);
    this.closedAt = new Int32Array(capacity);
    this.cell = new Int32Array(capacity);
    this.status = new Uint8Array(capacity);
    this.satisfaction = new Uint8Array(capacity);
    this.pos = new Int32Array(capacity);
    this.runningCounts = new Uint32Array(this.cells);
    this.oTime = new Int32Array(SEAL_AT);
    this.oCell = new Int32Array(SEAL_AT);
    this.oSlot = new Int32Array(SEAL_AT);
  }

  /**
   * An index of the tickets in `chunks` (any order, each ticket once), sorted once and ready to query. `expected`
   * (the number of tickets, when known) sizes the columns up front, with room for a few months of intake.
   */
  static build(
    dimensions: KpiDimensions,
    chunks: Iterable<KpiRows>,
    expected = 0,
    options: KpiIndexOptions = {},
  ): KpiIndex {
    const builder = KpiIndex.builder(dimensions, expected, options);
    for (const rows of chunks) builder.add(rows);
    return builder.finish();
  }

  /** The same, a chunk at a time (so a caller can yield between chunks). */
  static builder(
    dimensions: KpiDimensions,
    expected = 0,
    options: KpiIndexOptions = {},
  ): { add(rows: KpiRows): void; finish(): KpiIndex } {
    const index = new KpiIndex(dimensions, Math.max(SEAL_AT, Math.ceil(expected * SLACK)), options);
    let ids = new Int32Array(Math.max(SEAL_AT, expected));
    return {
      add: (rows) => {
        if (index.n + rows.size > ids.length) ids = grown(ids, Math.ceil((index.n + rows.size) * GROWTH));
        ids.set(rows.id.subarray(0, rows.size), index.n);
        index.fill(rows);
      },
      finish: () => {
        index.sortAll(ids);
        return index;
      },
    };
  }

  /** An empty index, for tickets to be appended. */
  static empty(dimensions: KpiDimensions, options: KpiIndexOptions = {}): KpiIndex {
    return KpiIndex.build(dimensions, [], 0, options);
  }

  /** Tickets held. */
  get size(): number {
    return this.n;
  }

  /** Bytes of typed arrays held. */
  get byteLength(): number {
    const arrays = [
      this.reported,
      this.closedAt,
      this.cell,
      this.status,
      this.satisfaction,
      this.pos,
      this.tailIds,
      this.runningCounts,
      this.oTime,
      this.oCell,
      this.oSlot,
      this.cTime,
      this.cCell,
      this.cHandling,
      this.cBucketBits,
      this.cSlot,
    ];
    return arrays.reduce((sum, array) => sum + array.byteLength, this.slots.byteLength);
  }

  /** Shape of the index, for tests and diagnostics. */
  get stats(): { segments: number; closingSegments: number; blocks: number; open: number; deadEntries: number } {
    return {
      segments: this.intake.count,
      closingSegments: this.closure.count,
      blocks: this.blocks,
      open: this.openSize,
      deadEntries: this.dead,
    };
  }

  /** Copies raw rows to the end of the report axis, unsorted (build only). */
  private fill(rows: KpiRows): void {
    const d = this.dimensions;
    this.ensureIntake(this.n + rows.size);
    for (let i = 0; i < rows.size; i++) {
      const s = this.n++;
      this.reported[s] = rows.reportedAt[i]!;
      this.closedAt[s] = rows.closedAt[i]!;
      this.cell[s] = d.cellOfTicket(rows.gridId[i]!, rows.channelId[i]!, rows.categoryId[i]!);
      this.status[s] = rows.status[i]!;
      this.satisfaction[s] = rows.satisfaction[i]!;
    }
  }

  /** Sorts the whole report axis by time, maps ids, and builds the open list, the running counts and the closing axis. */
  private sortAll(unsortedIds: Int32Array): void {
    const n = this.n;
    const reported = this.reported;
    let min = Infinity;
    let max = -Infinity;
    for (let s = 0; s < n; s++) {
      const t = reported[s]!;
      if (t < min) min = t;
      if (t > max) max = t;
    }
    const ids = unsortedIds.subarray(0, n);
    if (n > 0) {
      const keys = new Uint32Array(n);
      for (let s = 0; s < n; s++) keys[s] = reported[s]! - min;
      const order = radixOrder(keys);
      for (const column of [reported, this.closedAt, this.cell, this.status, this.satisfaction, ids]) {
        permute(column, 0, order);
      }
    }
    this.intake.reset(n, min, max);
    let maxId = 0;
    for (let s = 0; s < n; s++) maxId = Math.max(maxId, ids[s]!);
    this.slots.reserve(maxId + 1 + SEAL_AT);
    for (let s = 0; s < n; s++) {
      if (this.slots.get(ids[s]!) >= 0) throw new Error(`ticket ${ids[s]} appears twice`);
      this.slots.set(ids[s]!, s);
    }

    this.pos.fill(-1);
    let open = 0;
    for (let s = 0; s < n; s++) if (!isClosed(this.status[s]!)) open++;
    const capacity = Math.max(SEAL_AT, Math.ceil(open * GROWTH));
    this.oTime = new Int32Array(capacity);
    this.oCell = new Int32Array(capacity);
    this.oSlot = new Int32Array(capacity);
    for (let s = 0; s < n; s++) if (!isClosed(this.status[s]!)) this.addOpen(s);
    this.extendRunningCounts();
    this.rebuildClosure();
  }

  /** Adds running-count rows for every whole block of the first sorted run not yet counted. */
  private extendRunningCounts(): void {
    const cells = this.cells;
    const end = this.intake.baseEnd;
    while ((this.blocks + 1) * this.block <= end) {
      const b = this.blocks + 1;
      if ((b + 1) * cells > this.runningCounts.length) {
        this.runningCounts = grown(this.runningCounts, Math.ceil((b + 1) * GROWTH) * cells);
      }
      const row = this.runningCounts.subarray(b * cells, (b + 1) * cells);
      row.set(this.runningCounts.subarray((b - 1) * cells, b * cells));
      for (let s = (b - 1) * this.block; s < b * this.block; s++) row[this.cell[s]!]!++;
      this.blocks = b;
    }
  }

  /** Rebuilds the closing axis from the report axis: one sorted segment, no dead entries. */
  private rebuildClosure(): void {
    const n = this.n;
    const closedAt = this.closedAt;
    let m = 0;
    let min = Infinity;
    let max = -Infinity;
    for (let s = 0; s < n; s++) {
      if (!isClosed(this.status[s]!)) continue;
      this.pos[s] = -1;
      const t = closedAt[s]!;
      if (t > 0) {
        m++;
        if (t < min) min = t;
        if (t > max) max = t;
      }
    }
    const closedSlots = new Int32Array(m);
    const keys = new Uint32Array(m);
    for (let s = 0, k = 0; s < n; s++) {
      if (isClosed(this.status[s]!) && closedAt[s]! > 0) {
        closedSlots[k] = s;
        keys[k++] = closedAt[s]! - min;
      }
    }
    const order = radixOrder(keys);
    const capacity = Math.max(SEAL_AT, Math.ceil(m * SLACK));
    this.cTime = new Int32Array(capacity);
    this.cCell = new Int32Array(capacity);
    this.cHandling = new Int32Array(capacity);
    this.cBucketBits = new Uint16Array(capacity);
    this.cSlot = new Int32Array(capacity);
    for (let p = 0; p < m; p++) this.writeEntry(p, closedSlots[order[p]!]!);
    this.m = m;
    this.dead = 0;
    this.closure.reset(m, min, max);
  }

  /** Writes closing-axis entry `p` from report-axis slot `s`. */
  private writeEntry(p: number, s: number): void {
    const closedAt = this.closedAt[s]!;
    const cell = this.cell[s]!;
    const handling = closedAt - this.reported[s]!;
    const score = this.satisfaction[s]!;
    this.cTime[p] = closedAt;
    this.cCell[p] = cell;
    this.cHandling[p] = handling;
    this.cBucketBits[p] =
      handlingBucket(handling) * CODES +
      (handling > this.dimensions.cellDeadline[cell]! ? LATE : 0) +
      (score > 0 ? EVALUATED : 0) +
      (score >= 4 ? SATISFIED : 0);
    this.cSlot[p] = s;
    this.pos[s] = p;
  }

  private addEntry(s: number): void {
    if (this.m + 1 > this.cTime.length) {
      const capacity = Math.max(SEAL_AT, Math.ceil((this.m + 1) * GROWTH));
      this.cTime = grown(this.cTime, capacity);
      this.cCell = grown(this.cCell, capacity);
      this.cHandling = grown(this.cHandling, capacity);
      this.cBucketBits = grown(this.cBucketBits, capacity);
      this.cSlot = grown(this.cSlot, capacity);
    }
    const p = this.m++;
    this.writeEntry(p, s);
    this.closure.note(this.cTime[p]!);
    if (this.m - this.closure.openStart >= SEAL_AT) this.sealClosure();
  }

  /** Leaves slot `s`'s closing entry dead (counted nowhere). */
  private killEntry(s: number): void {
    this.cCell[this.pos[s]!] = this.deadCell;
    this.pos[s] = -1;
    this.dead++;
  }

  private addOpen(s: number): void {
    if (this.openSize + 1 > this.oTime.length) {
      const capacity = Math.ceil((this.openSize + 1) * GROWTH);
      this.oTime = grown(this.oTime, capacity);
      this.oCell = grown(this.oCell, capacity);
      this.oSlot = grown(this.oSlot, capacity);
    }
    const j = this.openSize++;
    this.oTime[j] = this.reported[s]!;
    this.oCell[j] = this.cell[s]!;
    this.oSlot[j] = s;
    this.pos[s] = j;
  }

  /** Takes slot `s` off the open list: the last entry takes its place. */
  private removeOpen(s: number): void {
    const j = this.pos[s]!;
    const last = --this.openSize;
    if (j !== last) {
      this.oTime[j] = this.oTime[last]!;
      this.oCell[j] = this.oCell[last]!;
      this.oSlot[j] = this.oSlot[last]!;
      this.pos[this.oSlot[j]] = j;
    }
    this.pos[s] = -1;
  }

  private ensureIntake(size: number): void {
    if (size <= this.reported.length) return;
    const capacity = Math.max(size, Math.ceil(this.reported.length * GROWTH), SEAL_AT);
    this.reported = grown(this.reported, capacity);
    this.closedAt = grown(this.closedAt, capacity);
    this.cell = grown(this.cell, capacity);
    this.status = grown(this.status, capacity);
    this.satisfaction = grown(this.satisfaction, capacity);
    this.pos = grown(this.pos, capacity);
  }

  /**
   * A new ticket (intake), in O(1) amortised. A ticket already held is updated instead, so an event stream may be
   * replayed. Throws for a grid, channel or category the dimensions do not know (reload after a city import).
   */
  append(ticket: KpiTicket): void {
    if (this.slots.get(ticket.id) >= 0) {
      this.update(ticket.id, ticket);
      return;
    }
    const cell = this.dimensions.cellOfTicket(ticket.gridId, ticket.channelId, ticket.categoryId);
    this.ensureIntake(this.n + 1);
    const s = this.n++;
    this.reported[s] = ticket.reportedAt;
    this.closedAt[s] = ticket.closedAt ?? 0;
    this.cell[s] = cell;
    this.status[s] = ticket.status;
    this.satisfaction[s] = ticket.satisfaction ?? 0;
    this.pos[s] = -1;
    this.tailIds[s - this.intake.openStart] = ticket.id;
    this.slots.set(ticket.id, s);
    this.intake.note(ticket.reportedAt);
    if (!isClosed(ticket.status)) this.addOpen(s);
    else if (this.closedAt[s] > 0) this.addEntry(s);
    if (this.n - this.intake.openStart >= SEAL_AT) this.sealIntake();
  }

  /**
   * A transition or correction of a held ticket, in O(1) amortised: status, closed_at, satisfaction, category, grid,
   * channel. Returns false for a ticket the index does not hold; throws, changing nothing, for an unknown grid,
   * channel or category, or a different report time.
   */
  update(id: number, changes: KpiTicketChanges & { reportedAt?: number }): boolean {
    const s = this.slots.get(id);
    if (s < 0) return false;
    if (changes.reportedAt !== undefined && changes.reportedAt !== this.reported[s]) {
      throw new RangeError(`ticket ${id}: the report time does not change`);
    }
    const d = this.dimensions;
    let cell = this.cell[s]!;
    if (changes.gridId !== undefined || changes.channelId !== undefined || changes.categoryId !== undefined) {
      const [county, channel, category] = d.partsOf(cell);
      cell = d.cellOf(
        changes.gridId === undefined ? county : d.countyOfGrid(changes.gridId),
        changes.channelId === undefined ? channel : d.channelOf(changes.channelId),
        changes.categoryId === undefined ? category : d.categoryOf(changes.categoryId),
      );
    }
    const wasOpen = !isClosed(this.status[s]!);
    if (changes.status !== undefined) this.status[s] = changes.status;
    if (changes.closedAt !== undefined) this.closedAt[s] = changes.closedAt ?? 0;
    if (changes.satisfaction !== undefined) this.satisfaction[s] = changes.satisfaction ?? 0;
    if (cell !== this.cell[s]) this.moveCell(s, cell);
    const isOpen = !isClosed(this.status[s]!);

    if (wasOpen) {
      if (isOpen) {
        this.oCell[this.pos[s]!] = cell;
        return true;
      }
      this.removeOpen(s);
      if (this.closedAt[s]! > 0) this.addEntry(s);
    } else {
      const p = this.pos[s]!;
      if (!isOpen && p >= 0 && this.cTime[p] === this.closedAt[s]) {
        this.writeEntry(p, s);
        return true;
      }
      if (p >= 0) this.killEntry(s);
      if (isOpen) this.addOpen(s);
      else if (this.closedAt[s]! > 0) this.addEntry(s);
    }
    if (this.dead > SEAL_AT && this.dead * 8 > this.m) this.rebuildClosure();
    return true;
  }

  /** A slot's new cell, with the running counts of the blocks after it (O(blocks)). */
  private moveCell(s: number, cell: number): void {
    const old = this.cell[s]!;
    for (let b = Math.floor(s / this.block) + 1; b <= this.blocks; b++) {
      this.runningCounts[b * this.cells + old]!--;
      this.runningCounts[b * this.cells + cell]!++;
    }
    this.cell[s] = cell;
  }

  private sealIntake(): void {
    const start = this.intake.openStart;
    const order = orderByTime(this.reported, start, this.n);
    const ids = this.tailIds.subarray(0, this.n - start);
    for (const column of [this.reported, this.closedAt, this.cell, this.status, this.satisfaction, this.pos]) {
      permute(column, start, order);
    }
    permute(ids, 0, order);
    for (let s = start; s < this.n; s++) {
      this.slots.set(ids[s - start]!, s);
      const p = this.pos[s]!;
      if (p < 0) continue;
      if (isClosed(this.status[s]!)) this.cSlot[p] = s;
      else this.oSlot[p] = s;
    }
    this.intake.seal(this.n);
    this.extendRunningCounts();
  }

  private sealClosure(): void {
    const start = this.closure.openStart;
    const order = orderByTime(this.cTime, start, this.m);
    for (const column of [this.cTime, this.cCell, this.cHandling, this.cBucketBits, this.cSlot]) {
      permute(column, start, order);
    }
    for (let p = start; p < this.m; p++) {
      if (this.cCell[p] !== this.deadCell) this.pos[this.cSlot[p]!] = p;
    }
    this.closure.seal(this.m);
  }

  /** Cell → group for a grouping and filters (−1: left out), and the groups' members. */
  private grouping(
    groupBy: KpiGroupBy,
    level: CategoryLevel,
    filters: KpiFilters | undefined,
  ): { cellGroup: Int32Array; members: readonly KpiMember[] } {
    const d = this.dimensions;
    const counties = d.counties.length;
    const channels = d.channels.length;
    const categories = d.categories.length;
    const allow = (length: number, ids: readonly number[] | undefined, indexOf: (id: number) => number | undefined) => {
      const mask = new Uint8Array(length).fill(ids ? 0 : 1);
      for (const id of ids ?? []) {
        const index = indexOf(id);
        if (index !== undefined) mask[index] = 1;
      }
      return mask;
    };
    const countyOk = allow(counties, filters?.counties, (id) => d.countyIndexOf(id));
    const channelOk = allow(channels, filters?.channels, (id) => d.channelIndexOf(id));
    const listed = allow(categories, filters?.categories, (id) => d.categoryIndexOf(id));
    const [at1, at2, at3] = d.categoryAt;
    const categoryOk = listed.map((ok, i) => ok | listed[at1[i]!]! | listed[at2[i]!]! | listed[at3[i]!]!);

    // Each dimension's share of the group number (all zero but the grouped one).
    let members: readonly KpiMember[] = [];
    const countyGroup = new Int32Array(counties);
    const channelGroup = new Int32Array(channels);
    const categoryGroup = new Int32Array(categories);
    if (groupBy === 'county') {
      members = d.counties;
      countyGroup.forEach((_, i) => (countyGroup[i] = i));
    } else if (groupBy === 'channel') {
      members = d.channels;
      channelGroup.forEach((_, i) => (channelGroup[i] = i));
    } else if (groupBy === 'category') {
      const ancestor = d.categoryAt[level - 1]!;
      const used = [...new Set(ancestor)].sort((a, b) => a - b);
      const group = new Map(used.map((index, g) => [index, g]));
      members = used.map((index) => d.categories[index]!);
      ancestor.forEach((index, i) => (categoryGroup[i] = group.get(index)!));
    }

    const cellGroup = new Int32Array(d.cells + 1).fill(-1);
    for (let county = 0, cell = 0; county < counties; county++) {
      for (let channel = 0; channel < channels; channel++) {
        const ok = countyOk[county]! & channelOk[channel]!;
        const base = countyGroup[county]! + channelGroup[channel]!;
        for (let category = 0; category < categories; category++, cell++) {
          if (ok & categoryOk[category]!) cellGroup[cell] = base + categoryGroup[category]!;
        }
      }
    }
    return { cellGroup, members };
  }

  query(query: KpiQuery): KpiResult {
    const { from, to, now, groupBy } = query;
    const categoryLevel = query.categoryLevel ?? 1;
    const { cellGroup, members } = this.grouping(groupBy, categoryLevel, query.filters);
    const groups = groupBy === null ? 1 : members.length;

    const intake: IntakeCounts = {
      reported: new Float64Array(groups),
      open: new Uint32Array(groups),
      overdueOpen: new Uint32Array(groups),
    };
    this.intake.visit(this.reported, this.n, from, to, (lo, hi, checkTime) => {
      // Whole blocks of running counts inside [lo, hi) (they lie in the first sorted run, as [lo, hi) then does).
      const first = Math.ceil(lo / this.block);
      const last = Math.min(Math.floor(hi / this.block), this.blocks);
      if (checkTime || last <= first) {
        countReported(lo, hi, checkTime, from, to, this.reported, this.cell, cellGroup, intake.reported);
        return;
      }
      this.countBlocks(first, last, cellGroup, intake.reported);
      countReported(lo, first * this.block, false, from, to, this.reported, this.cell, cellGroup, intake.reported);
      countReported(last * this.block, hi, false, from, to, this.reported, this.cell, cellGroup, intake.reported);
    });
    countOpen(this.openSize, from, to, now, this.oTime, this.oCell, cellGroup, this.dimensions.cellDeadline, intake);

    const closure: ClosureCounts = {
      codes: new Uint32Array(groups * CODES),
      handlingSum: new Float64Array(groups),
      histogram: new Uint32Array(groups * HANDLING_BUCKETS),
    };
    this.closure.visit(this.cTime, this.m, from, to, (lo, hi, checkTime) =>
      countClosure(
        lo,
        hi,
        checkTime,
        from,
        to,
        this.cTime,
        this.cCell,
        this.cHandling,
        this.cBucketBits,
        cellGroup,
        closure,
      ),
    );

    const groupFigures = (g: number): KpiFigures =>
      figures(
        intake.reported[g]!,
        intake.open[g]!,
        intake.overdueOpen[g]!,
        closure.codes.subarray(g * CODES, (g + 1) * CODES),
        closure.handlingSum[g]!,
        closure.histogram.subarray(g * HANDLING_BUCKETS, (g + 1) * HANDLING_BUCKETS),
      );
    if (groupBy === null) {
      return { from, to, now, groupBy, categoryLevel, totals: groupFigures(0), rows: [] };
    }
    const rows: KpiRow[] = [];
    for (let g = 0; g < groups; g++) {
      const row = groupFigures(g);
      if (row.reported === 0 && row.handled === 0) continue;
      const { id, code, name, nameEn } = members[g]!;
      rows.push({ id, code, name, nameEn, ...row });
    }
    const codes = new Uint32Array(CODES);
    const buckets = HANDLING_BUCKETS;
    const histogram = new Uint32Array(buckets);
    for (let g = 0; g < groups; g++) {
      for (let c = 0; c < CODES; c++) codes[c]! += closure.codes[g * CODES + c]!;
      const offset = g * buckets;
      for (let b = 0; b < buckets; b++) histogram[b]! += closure.histogram[offset + b]!;
    }
    const sum = (values: ArrayLike<number>): number => {
      let total = 0;
      for (let g = 0; g < values.length; g++) total += values[g]!;
      return total;
    };
    const totals = figures(
      sum(intake.reported),
      sum(intake.open),
      sum(intake.overdueOpen),
      codes,
      sum(closure.handlingSum),
      histogram,
    );
    return { from, to, now, groupBy, categoryLevel, totals, rows };
  }

  /** Reported per group over whole blocks [first, last) of the first sorted run, from the running counts. */
  private countBlocks(first: number, last: number, cellGroup: Int32Array, counts: Float64Array): void {
    const cells = this.cells;
    const running = this.runningCounts;
    for (let c = 0, lo = first * cells, hi = last * cells; c < cells; c++) {
      const count = running[hi + c]! - running[lo + c]!;
      if (count === 0) continue;
      const g = cellGroup[c]!;
      if (g >= 0) counts[g]! += count;
    }
  }
}

function figures(
  reported: number,
  open: number,
  overdueOpen: number,
  codes: Uint32Array,
  handlingSum: number,
  histogram: Uint32Array,
): KpiFigures {
  let handled = 0;
  let closedLate = 0;
  let evaluated = 0;
  let satisfied = 0;
  for (let code = 0; code < CODES; code++) {
    const count = codes[code]!;
    handled += count;
    if (code & LATE) closedLate += count;
    if (code & EVALUATED) evaluated += count;
    if (code & SATISFIED) satisfied += count;
  }
  const closed = reported - open;
  return {
    reported,
    closed,
    open,
    closureRate: reported > 0 ? closed / reported : null,
    overdueOpen,
    handled,
    meanHandlingSeconds: handled > 0 ? handlingSum / handled : null,
    medianHandlingSeconds: handled > 0 ? histogramMedian(histogram, handled) : null,
    closedLate,
    overdue: overdueOpen + closedLate,
    evaluated,
    satisfied,
    satisfaction: evaluated > 0 ? satisfied / evaluated : null,
  };
}
