/**
 * The building blocks of the KPI index (kpi-index.ts): the handling-time histogram's buckets, the sorted segments of a
 * time axis, the id → slot map, and column helpers (growth, in-place reordering, a radix sort by time).
 */

const HOUR = 3600;
const DAY = 86_400;
/** Handling-time histogram: hourly below 60 days, daily to 60 + 1,095 days, then one open bucket. */
const HOURLY_BUCKETS = 60 * 24;
const HOURLY_LIMIT = HOURLY_BUCKETS * HOUR;
const DAILY_BUCKETS = 3 * 365;
export const HANDLING_BUCKETS = HOURLY_BUCKETS + DAILY_BUCKETS + 1;

/** The histogram bucket of a handling time in seconds (negative times count as 0). */
export function handlingBucket(seconds: number): number {
  if (seconds < HOURLY_LIMIT) return seconds <= 0 ? 0 : Math.floor(seconds / HOUR);
  return Math.min(HANDLING_BUCKETS - 1, HOURLY_BUCKETS + Math.floor((seconds - HOURLY_LIMIT) / DAY));
}

/** The handling time a bucket stands for: its middle, or the lower bound of the open last bucket. */
export function handlingBucketValue(bucket: number): number {
  if (bucket < HOURLY_BUCKETS) return bucket * HOUR + HOUR / 2;
  if (bucket < HANDLING_BUCKETS - 1) return HOURLY_LIMIT + (bucket - HOURLY_BUCKETS) * DAY + DAY / 2;
  return HOURLY_LIMIT + DAILY_BUCKETS * DAY;
}

/** The lower median (rank ⌊(n − 1) ÷ 2⌋) of `n` handling times in a histogram, as its bucket's value. */
export function histogramMedian(histogram: Uint32Array, n: number): number {
  const rank = Math.floor((n - 1) / 2);
  let seen = 0;
  for (let b = 0; b < histogram.length; b++) {
    seen += histogram[b]!;
    if (seen > rank) return handlingBucketValue(b);
  }
  return handlingBucketValue(histogram.length - 1);
}

export interface Segment {
  start: number;
  end: number;
  min: number;
  max: number;
}

/**
 * Slot ranges of one time axis: segments each sorted by time, plus the open (unsorted) tail [openStart, size). A
 * sealed tail whose times follow the last segment's joins it, so in-order intake keeps one long sorted run.
 */
export class Segments {
  private sealed: Segment[] = [];
  openStart = 0;
  private openMin = Infinity;
  private openMax = -Infinity;

  /** One sorted segment [0, size). */
  reset(size: number, min: number, max: number): void {
    this.sealed = size > 0 ? [{ start: 0, end: size, min, max }] : [];
    this.openStart = size;
    this.openMin = Infinity;
    this.openMax = -Infinity;
  }

  note(time: number): void {
    if (time < this.openMin) this.openMin = time;
    if (time > this.openMax) this.openMax = time;
  }

  /** Records [openStart, size) as sorted (the caller sorted it). */
  seal(size: number): void {
    if (size === this.openStart) return;
    const last = this.sealed[this.sealed.length - 1];
    if (last && last.end === this.openStart && last.max <= this.openMin) {
      last.end = size;
      last.max = this.openMax;
    } else {
      this.sealed.push({ start: this.openStart, end: size, min: this.openMin, max: this.openMax });
    }
    this.openStart = size;
    this.openMin = Infinity;
    this.openMax = -Infinity;
  }

  get count(): number {
    return this.sealed.length;
  }

  /** The end of the sorted run that starts at slot 0 (0 when there is none). */
  get baseEnd(): number {
    const first = this.sealed[0];
    return first && first.start === 0 ? first.end : 0;
  }

  /** Calls `visit` for each slot range whose times may lie in [from, to); `checkTime` when it is not sorted. */
  visit(
    time: Int32Array,
    size: number,
    from: number,
    to: number,
    visit: (lo: number, hi: number, checkTime: boolean) => void,
  ): void {
    for (const segment of this.sealed) {
      if (segment.max < from || segment.min >= to) continue;
      const lo = segment.min >= from ? segment.start : lowerBound(time, segment.start, segment.end, from);
      const hi = segment.max < to ? segment.end : lowerBound(time, lo, segment.end, to);
      if (hi > lo) visit(lo, hi, false);
    }
    if (size > this.openStart && this.openMax >= from && this.openMin < to) visit(this.openStart, size, true);
  }
}

/** First index in [lo, hi) with time ≥ t. */
export function lowerBound(time: Int32Array, lo: number, hi: number, t: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (time[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Ticket id → slot: a dense array for ids below 2²⁵, a map beyond. */
export class IdSlots {
  private dense = new Int32Array(0);
  private readonly sparse = new Map<number, number>();
  private static readonly DENSE_LIMIT = 1 << 25;

  get(id: number): number {
    if (id >= 0 && id < this.dense.length) return this.dense[id]!;
    return this.sparse.get(id) ?? -1;
  }

  set(id: number, slot: number): void {
    if (Number.isInteger(id) && id >= 0 && id < IdSlots.DENSE_LIMIT) {
      if (id >= this.dense.length) this.reserve(Math.max(id + 1, Math.ceil(this.dense.length * 1.5)));
      this.dense[id] = slot;
    } else {
      this.sparse.set(id, slot);
    }
  }

  reserve(length: number): void {
    const size = Math.min(IdSlots.DENSE_LIMIT, length);
    if (size <= this.dense.length) return;
    const next = new Int32Array(size).fill(-1);
    next.set(this.dense);
    this.dense = next;
  }

  get byteLength(): number {
    return this.dense.byteLength + this.sparse.size * 16;
  }
}

export type Column = Int32Array | Uint8Array | Uint16Array | Uint32Array;

/** A copy of `column` with room for `capacity` entries. */
export function grown<T extends Column>(column: T, capacity: number): T {
  const next = new (column.constructor as new (length: number) => T)(capacity);
  next.set(column.subarray(0, Math.min(column.length, capacity)));
  return next;
}

/** Reorders in place: column[start + k] = old column[start + order[k]]. */
export function permute(column: Column, start: number, order: ArrayLike<number>): void {
  const copy = column.slice(start, start + order.length);
  for (let k = 0; k < order.length; k++) column[start + k] = copy[order[k]!]!;
}

/** Stable order of entries by an unsigned 32-bit key (LSD radix sort, two 16-bit passes). */
export function radixOrder(keys: Uint32Array): Int32Array {
  const n = keys.length;
  const counts = new Int32Array(65_537);
  const low = new Int32Array(n);
  for (let i = 0; i < n; i++) counts[(keys[i]! & 0xffff) + 1]!++;
  for (let d = 1; d <= 65_536; d++) counts[d]! += counts[d - 1]!;
  for (let i = 0; i < n; i++) low[counts[keys[i]! & 0xffff]!++] = i;
  counts.fill(0);
  for (let i = 0; i < n; i++) counts[(keys[i]! >>> 16) + 1]!++;
  for (let d = 1; d <= 65_536; d++) counts[d]! += counts[d - 1]!;
  const order = new Int32Array(n);
  for (let j = 0; j < n; j++) {
    const i = low[j]!;
    order[counts[keys[i]! >>> 16]!++] = i;
  }
  return order;
}

/** Stable order of a short range by time (sealing an open segment). */
export function orderByTime(time: Int32Array, start: number, end: number): number[] {
  return Array.from({ length: end - start }, (_, k) => k).sort((a, b) => time[start + a]! - time[start + b]! || a - b);
}
