/**
 * Self-intersection of one ring: every pair of its edges is tested, but a sweep along x (edges sorted by their west
 * end, each compared only with the edges that start before it ends) keeps a ring of n edges near O(n log n), so tens
 * of thousands of grid polygons check in well under a second.
 */
import type { LngLat } from '../../../../shared/geo/types';

export interface RingCrossing {
  /** Edge numbers within the ring, from 1 (edge k runs from vertex k to vertex k + 1). */
  edges: readonly [number, number];
  /** Where they meet (approximately, for the message). */
  at: LngLat;
}

const orient = (ax: number, ay: number, bx: number, by: number, cx: number, cy: number): number =>
  Math.sign((bx - ax) * (cy - ay) - (by - ay) * (cx - ax));

/** Whether c (known collinear with a–b) lies on the closed segment a–b. */
const onSegment = (ax: number, ay: number, bx: number, by: number, cx: number, cy: number): boolean =>
  Math.min(ax, bx) <= cx && cx <= Math.max(ax, bx) && Math.min(ay, by) <= cy && cy <= Math.max(ay, by);

/**
 * The first pair of edges that cross or touch, or null for a simple ring. The ring is closed (last vertex = first)
 * and has no repeated consecutive vertices. Adjacent edges may share only their common vertex: folding back along
 * the same line (a spike) counts as an intersection. A ring that touches itself at a vertex counts too (OGC: a ring
 * must be simple).
 */
export function findRingCrossing(coords: Float64Array, start: number, end: number): RingCrossing | null {
  const n = end - start - 1;
  if (n < 3) return null;
  const x0 = (e: number): number => coords[(start + e) * 2]!;
  const y0 = (e: number): number => coords[(start + e) * 2 + 1]!;
  const x1 = (e: number): number => coords[(start + e + 1) * 2]!;
  const y1 = (e: number): number => coords[(start + e + 1) * 2 + 1]!;
  const minX = new Float64Array(n);
  const maxX = new Float64Array(n);
  for (let e = 0; e < n; e++) {
    minX[e] = Math.min(x0(e), x1(e));
    maxX[e] = Math.max(x0(e), x1(e));
  }
  const order = Array.from({ length: n }, (_, e) => e).sort((a, b) => minX[a]! - minX[b]!);

  for (let k = 0; k < n; k++) {
    const e = order[k]!;
    const eMinY = Math.min(y0(e), y1(e));
    const eMaxY = Math.max(y0(e), y1(e));
    for (let m = k + 1; m < n && minX[order[m]!]! <= maxX[e]!; m++) {
      const f = order[m]!;
      if (Math.max(y0(f), y1(f)) < eMinY || Math.min(y0(f), y1(f)) > eMaxY) continue;
      const [a, b] = e < f ? [e, f] : [f, e];
      const crossing =
        b === a + 1 ? foldsBack(a, b) : a === 0 && b === n - 1 ? foldsBack(b, a) : segmentsMeet(a, b) ? true : false;
      if (crossing) return { edges: [a + 1, b + 1], at: meetingPoint(a, b) };
    }
  }
  return null;

  /** Edge `first` ends where edge `second` starts: they meet elsewhere only if collinear and pointing back. */
  function foldsBack(first: number, second: number): boolean {
    if (orient(x0(first), y0(first), x1(first), y1(first), x1(second), y1(second)) !== 0) return false;
    const dot =
      (x1(first) - x0(first)) * (x1(second) - x0(second)) + (y1(first) - y0(first)) * (y1(second) - y0(second));
    return dot < 0;
  }

  function segmentsMeet(a: number, b: number): boolean {
    const [ax, ay, bx, by] = [x0(a), y0(a), x1(a), y1(a)];
    const [cx, cy, dx, dy] = [x0(b), y0(b), x1(b), y1(b)];
    const o1 = orient(ax, ay, bx, by, cx, cy);
    const o2 = orient(ax, ay, bx, by, dx, dy);
    const o3 = orient(cx, cy, dx, dy, ax, ay);
    const o4 = orient(cx, cy, dx, dy, bx, by);
    if (o1 !== o2 && o3 !== o4 && o1 !== 0 && o2 !== 0 && o3 !== 0 && o4 !== 0) return true;
    return (
      (o1 === 0 && onSegment(ax, ay, bx, by, cx, cy)) ||
      (o2 === 0 && onSegment(ax, ay, bx, by, dx, dy)) ||
      (o3 === 0 && onSegment(cx, cy, dx, dy, ax, ay)) ||
      (o4 === 0 && onSegment(cx, cy, dx, dy, bx, by))
    );
  }

  function meetingPoint(a: number, b: number): LngLat {
    const [ax, ay, bx, by] = [x0(a), y0(a), x1(a), y1(a)];
    const [cx, cy, dx, dy] = [x0(b), y0(b), x1(b), y1(b)];
    const denominator = (bx - ax) * (dy - cy) - (by - ay) * (dx - cx);
    if (denominator === 0) return [cx, cy];
    const t = ((cx - ax) * (dy - cy) - (cy - ay) * (dx - cx)) / denominator;
    return [ax + t * (bx - ax), ay + t * (by - ay)];
  }
}
