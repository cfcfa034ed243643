/**
 * Point → grid lookup, the basis of ticket dispatch: for a position, the L1, L2, L3, micro and exclusive grid that
 * contain it, at well over a million lookups per second on one core with the full city (75k polygons).
 *
 * Each level gets its own uniform raster. Building one rasterises every edge of every polygon of the level
 * (conservatively, with a small pad): a cell that no edge touches is inside or outside each polygon as a whole, so it
 * stores its answer outright (found once, at the cell centre, by a scanline fill); a cell that an edge touches holds
 * a short, ordered candidate list that the lookup tests with `flatContains`'s own crossing test. Most lookups are one
 * array read per level; the rest test about two small polygons.
 *
 * The levels are indexed independently, not derived from each other through `parent_id`. Generated children tile
 * their parents only up to rounding (they are clipped, not copied), so deriving L2 from L3 could disagree with the
 * geometry by a hair; independent rasters answer exactly what a scan of each level answers (`naiveLocate`), which
 * is the definition the tests hold the index to. Where polygons of one level overlap, both answer the first grid in
 * input order.
 */
import type Database from 'better-sqlite3';
import { decodePolygonBlob, flatBBox, flatContains } from '../../../shared/geo/polygon-blob';
import { GRID_LEVELS, type GridGeometry, type GridLevel } from './grid-model';

/** The grids containing a point, by level; -1 where none does. */
export interface GridLocation {
  l1: number;
  l2: number;
  l3: number;
  /** -1 in rural L3 grids, which have no micro grids. */
  micro: number;
  /** Exclusive overlays take precedence in dispatch; -1 outside all of them. */
  exclusive: number;
}

/** Slot of each level in the records `locateInto` writes: [l1, l2, l3, micro, exclusive]. */
export const LOCATION_SLOTS: Readonly<Record<GridLevel, number>> = { L1: 0, L2: 1, L3: 2, micro: 3, exclusive: 4 };

/** Int32 words per record written by `locateInto`. */
export const LOCATION_STRIDE = 5;

/** Whether a `locateInto` record (at `offset`) names the same grids as a location. */
export function sameLocation(record: Int32Array, location: GridLocation, offset = 0): boolean {
  return (
    record[offset] === location.l1 &&
    record[offset + 1] === location.l2 &&
    record[offset + 2] === location.l3 &&
    record[offset + 3] === location.micro &&
    record[offset + 4] === location.exclusive
  );
}

export interface GridIndexOptions {
  /** Raster cell size per level in degrees; by default about a sixth of the level's median grid size. */
  cellDegrees?: Partial<Record<GridLevel, number>>;
  /** Upper bound on cells per level raster (4 bytes each); coarser cells beyond it. Default 4 Mi. */
  maxCellsPerLevel?: number;
}

/** What one level's raster costs, for benchmarks and tuning. */
export interface GridLevelStats {
  level: GridLevel;
  grids: number;
  cellDegrees: number;
  cols: number;
  rows: number;
  /** Cells touched by an edge, answered by testing candidates. */
  edgeCells: number;
  /** Mean candidates to test in an edge cell. */
  meanCandidates: number;
  bytes: number;
}

/** Edges are widened by this much (degrees, ~0.1 mm) so rounding in cell arithmetic never hides one from a cell. */
const EDGE_PAD = 1e-9;
const DEFAULT_MAX_CELLS = 4 * 1024 * 1024;
/**
 * Cells across a level's median grid. Measured on the full generated city: 4 loses ~10% of lookup speed for 30% less
 * memory, 8 gains ~3% for 38% more (random reads into bigger rasters miss the cache more often).
 */
const CELLS_PER_GRID = 6;
/** Cap on cells per grid of a level, which only binds where grids are sparse. */
const MAX_CELLS_PER_GRID = 64;

/**
 * One level. `cells[i]` is the id of the grid the whole cell lies in, -1 (in none), or, for a cell an edge touches,
 * -2 - k for candidate list k: `items[starts[k]]` is the answer when no candidate contains the point (the id of a grid
 * covering the whole cell, or -1), then the candidates in input order, each as the offset of its block in `shapes`.
 *
 * A block is [id, west, south, east, north, ringCount, ringStart…, end, lng0, lat0, lng1, lat1, …] with the ring
 * starts as offsets into `shapes`: one contiguous read per candidate, instead of chasing a FlatPolygons object to its
 * arrays, which is what the lookup time went on.
 */
interface LevelRaster {
  level: GridLevel;
  originLng: number;
  originLat: number;
  cellDegrees: number;
  /** Cells per degree. */
  scale: number;
  cols: number;
  rows: number;
  cells: Int32Array;
  starts: Int32Array;
  items: Int32Array;
  shapes: Float64Array;
  grids: number;
}

/** A growable Int32 list for build-time bookkeeping (pair lists run to millions). */
class IntList {
  data = new Int32Array(1024);
  length = 0;

  push(value: number): void {
    if (this.length === this.data.length) {
      const grown = new Int32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = value;
  }
}

function medianGridSize(grids: readonly GridGeometry[]): number {
  const sizes = grids
    .map((g) => Math.sqrt(Math.max(g.bbox[2] - g.bbox[0], 1e-9) * Math.max(g.bbox[3] - g.bbox[1], 1e-9)))
    .sort((a, b) => a - b);
  return sizes[sizes.length >> 1] ?? 0.01;
}

/** Packs every grid of a level into one array of blocks (layout on LevelRaster); returns each block's offset. */
function packShapes(grids: readonly GridGeometry[]): { shapes: Float64Array; offsets: Int32Array } {
  let size = 0;
  for (const g of grids) size += 6 + g.polygons.ringStarts.length + g.polygons.coords.length;
  const shapes = new Float64Array(size);
  const offsets = new Int32Array(grids.length);
  let o = 0;
  grids.forEach((g, p) => {
    const { coords, ringStarts } = g.polygons;
    const rings = ringStarts.length - 1;
    const coordsAt = o + 6 + rings + 1;
    offsets[p] = o;
    shapes[o] = g.id;
    shapes.set(g.bbox, o + 1);
    shapes[o + 5] = rings;
    for (let r = 0; r <= rings; r++) shapes[o + 6 + r] = coordsAt + 2 * (ringStarts[r]! - ringStarts[0]!);
    shapes.set(coords.subarray(2 * ringStarts[0]!, 2 * ringStarts[rings]!), coordsAt);
    o = coordsAt + 2 * (ringStarts[rings]! - ringStarts[0]!);
  });
  return { shapes: o === size ? shapes : shapes.slice(0, o), offsets };
}

function buildLevel(level: GridLevel, grids: readonly GridGeometry[], options: GridIndexOptions): LevelRaster {
  const n = grids.length;
  let west = Infinity;
  let south = Infinity;
  let east = -Infinity;
  let north = -Infinity;
  for (const g of grids) {
    if (!Number.isInteger(g.id) || g.id < 0 || g.id > 0x7fffffff) throw new RangeError(`grid id ${g.id} out of range`);
    west = Math.min(west, g.bbox[0]);
    south = Math.min(south, g.bbox[1]);
    east = Math.max(east, g.bbox[2]);
    north = Math.max(north, g.bbox[3]);
  }
  const { shapes, offsets } = packShapes(grids);
  if (n === 0) {
    return {
      level,
      originLng: 0,
      originLat: 0,
      cellDegrees: 1,
      scale: 1,
      cols: 0,
      rows: 0,
      cells: new Int32Array(0),
      starts: new Int32Array(1),
      items: new Int32Array(0),
      shapes,
      grids: 0,
    };
  }

  const chosen = options.cellDegrees?.[level];
  let cell = chosen ?? medianGridSize(grids) / CELLS_PER_GRID;
  let maxCells = options.maxCellsPerLevel ?? DEFAULT_MAX_CELLS;
  // Sparse levels (exclusive overlays) would otherwise spend most of their cells on empty ground.
  if (chosen === undefined) maxCells = Math.min(maxCells, Math.max(4096, MAX_CELLS_PER_GRID * n));
  // One cell of margin on every side, so grids on the extent's rim still have cells around their edges.
  const spanCells = ((east - west) / cell + 3) * ((north - south) / cell + 3);
  if (spanCells > maxCells) cell = Math.sqrt(((east - west + 3 * cell) * (north - south + 3 * cell)) / maxCells);
  const scale = 1 / cell;
  const originLng = west - cell;
  const originLat = south - cell;
  const cols = Math.floor((east - originLng) * scale) + 2;
  const rows = Math.floor((north - originLat) * scale) + 2;
  const cellCount = cols * rows;

  // stamp[c] = the last grid whose edges touched cell c; since each grid's fill follows its own edges, it tells the
  // fill which cells that grid's boundary crosses.
  const stamp = new Int32Array(cellCount).fill(-1);
  // The first grid (input order) that covers cell c entirely, as the scan would find it first.
  const cover = new Int32Array(cellCount).fill(-1);
  const pairCells = new IntList();
  const pairGrids = new IntList();
  let crossings = new Float64Array(64);

  const colOf = (lng: number): number => Math.min(cols - 1, Math.max(0, Math.floor((lng - originLng) * scale)));
  const rowOf = (lat: number): number => Math.min(rows - 1, Math.max(0, Math.floor((lat - originLat) * scale)));

  for (let p = 0; p < n; p++) {
    const { polygons, bbox } = grids[p]!;
    const { coords, ringStarts } = polygons;

    // Edges, walked in the order flatContains walks them (including each ring's closing edge).
    for (let r = 0; r + 1 < ringStarts.length; r++) {
      const start = ringStarts[r]!;
      const end = ringStarts[r + 1]!;
      for (let i = start, j = end - 1; i < end; j = i++) {
        const x0 = coords[j * 2]!;
        const y0 = coords[j * 2 + 1]!;
        const x1 = coords[i * 2]!;
        const y1 = coords[i * 2 + 1]!;
        const dx = x1 - x0;
        const dy = y1 - y0;
        const rowFirst = rowOf(Math.min(y0, y1) - EDGE_PAD);
        const rowLast = rowOf(Math.max(y0, y1) + EDGE_PAD);
        for (let row = rowFirst; row <= rowLast; row++) {
          // The stretch of the edge inside this row's band (padded), as a range of longitudes.
          let xLow = Math.min(x0, x1);
          let xHigh = Math.max(x0, x1);
          if (dy !== 0) {
            const bandLow = originLat + row * cell - EDGE_PAD;
            const bandHigh = originLat + (row + 1) * cell + EDGE_PAD;
            const ta = Math.min(1, Math.max(0, (bandLow - y0) / dy));
            const tb = Math.min(1, Math.max(0, (bandHigh - y0) / dy));
            const xa = x0 + dx * ta;
            const xb = x0 + dx * tb;
            xLow = Math.min(xa, xb);
            xHigh = Math.max(xa, xb);
          }
          const colLast = colOf(xHigh + EDGE_PAD);
          for (let col = colOf(xLow - EDGE_PAD); col <= colLast; col++) {
            const c = row * cols + col;
            if (stamp[c] !== p) {
              stamp[c] = p;
              pairCells.push(c);
              pairGrids.push(p);
            }
          }
        }
      }
    }

    // Scanline fill at cell centres. The crossing test and its arithmetic are flatContains's own, so the centre's
    // answer is the one a scan gives for every point of a cell that no edge touches.
    const vertexCount = coords.length / 2;
    if (crossings.length < vertexCount) crossings = new Float64Array(vertexCount * 2);
    const colFirst = colOf(bbox[0]);
    const colLast = colOf(bbox[2]);
    const rowLast = rowOf(bbox[3]);
    for (let row = rowOf(bbox[1]); row <= rowLast; row++) {
      const lat = originLat + (row + 0.5) * cell;
      let m = 0;
      for (let r = 0; r + 1 < ringStarts.length; r++) {
        const start = ringStarts[r]!;
        const end = ringStarts[r + 1]!;
        for (let i = start, j = end - 1; i < end; j = i++) {
          const xi = coords[i * 2]!;
          const yi = coords[i * 2 + 1]!;
          const xj = coords[j * 2]!;
          const yj = coords[j * 2 + 1]!;
          if (yi > lat !== yj > lat) {
            const x = ((xj - xi) * (lat - yi)) / (yj - yi) + xi;
            // Insertion sort: a row crosses a handful of edges.
            let k = m++;
            while (k > 0 && crossings[k - 1]! > x) {
              crossings[k] = crossings[k - 1]!;
              k--;
            }
            crossings[k] = x;
          }
        }
      }
      if (m === 0) continue;
      // flatContains counts the crossings strictly east of the point; odd means inside.
      let passed = 0;
      for (let col = colFirst; col <= colLast; col++) {
        const lng = originLng + (col + 0.5) * cell;
        while (passed < m && crossings[passed]! <= lng) passed++;
        if (passed === m) break;
        if ((m - passed) % 2 === 1) {
          const c = row * cols + col;
          if (stamp[c] !== p && cover[c] === -1) cover[c] = p;
        }
      }
    }
  }

  // Group the (cell, grid) pairs by cell with a counting sort; it is stable, so each cell's grids stay in input order.
  const pairs = pairCells.length;
  const firstPair = new Int32Array(cellCount + 1);
  for (let k = 0; k < pairs; k++) firstPair[pairCells.data[k]! + 1]!++;
  for (let c = 0; c < cellCount; c++) firstPair[c + 1]! += firstPair[c]!;
  const fillAt = firstPair.slice(0, cellCount);
  const gridsByCell = new Int32Array(pairs);
  for (let k = 0; k < pairs; k++) gridsByCell[fillAt[pairCells.data[k]!]!++] = pairGrids.data[k]!;

  const cells = new Int32Array(cellCount);
  const starts = new IntList();
  const items = new IntList();
  for (let c = 0; c < cellCount; c++) {
    const fallback = cover[c]!;
    const fallbackId = fallback >= 0 ? grids[fallback]!.id : -1;
    const first = firstPair[c]!;
    // Candidates after a covering grid can never be the first match, so they are dropped.
    let last = firstPair[c + 1]!;
    if (fallback >= 0) {
      let k = first;
      while (k < last && gridsByCell[k]! < fallback) k++;
      last = k;
    }
    if (last === first) {
      cells[c] = fallbackId;
      continue;
    }
    cells[c] = -2 - starts.length;
    starts.push(items.length);
    items.push(fallbackId);
    for (let k = first; k < last; k++) items.push(offsets[gridsByCell[k]!]!);
  }
  starts.push(items.length);

  return {
    level,
    originLng,
    originLat,
    cellDegrees: cell,
    scale,
    cols,
    rows,
    cells,
    starts: starts.data.slice(0, starts.length),
    items: items.data.slice(0, items.length),
    shapes,
    grids: n,
  };
}

/**
 * The grid of one level containing the point, or -1. Allocation-free: this is the hot path. The candidate test is
 * `flatContains` (bbox prefilter included) over the packed block, with the same comparisons and the same arithmetic in
 * the same order, so it answers bit for bit what `naiveLocate` answers.
 */
function lookupLevel(raster: LevelRaster, lng: number, lat: number): number {
  const x = (lng - raster.originLng) * raster.scale;
  const y = (lat - raster.originLat) * raster.scale;
  // Written so that NaN falls through to -1 as well.
  if (!(x >= 0 && y >= 0 && x < raster.cols && y < raster.rows)) return -1;
  const value = raster.cells[(y | 0) * raster.cols + (x | 0)]!;
  if (value >= -1) return value;
  const list = -2 - value;
  const { starts, items, shapes } = raster;
  const first = starts[list]!;
  const end = starts[list + 1]!;
  for (let k = first + 1; k < end; k++) {
    const o = items[k]!;
    if (lng < shapes[o + 1]! || lat < shapes[o + 2]! || lng > shapes[o + 3]! || lat > shapes[o + 4]!) continue;
    const rings = shapes[o + 5]!;
    let inside = false;
    for (let r = 0; r < rings; r++) {
      // Offsets are stored as doubles; as int32 they keep the loop on integer indices.
      const start = shapes[o + 6 + r]! | 0;
      const stop = shapes[o + 7 + r]! | 0;
      for (let i = start, j = stop - 2; i < stop; j = i, i += 2) {
        const xi = shapes[i]!;
        const yi = shapes[i + 1]!;
        const xj = shapes[j]!;
        const yj = shapes[j + 1]!;
        if (yi > lat !== yj > lat && lng < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside;
      }
    }
    if (inside) return shapes[o]!;
  }
  return items[first]!;
}

/** A built point → grid index. Immutable; safe to share. */
export interface GridIndex {
  /**
   * Writes [l1, l2, l3, micro, exclusive] grid ids (-1 for none) to `out` at `offset` (LOCATION_STRIDE words).
   * Allocates nothing: the call for loops over many points.
   */
  locateInto(lng: number, lat: number, out: Int32Array, offset?: number): void;
  locate(lng: number, lat: number): GridLocation;
  /** The grid of one level containing (lng, lat), or -1. */
  locateLevel(level: GridLevel, lng: number, lat: number): number;
  /** Size and shape of each level's raster. */
  stats(): GridLevelStats[];
}

class RasterGridIndex implements GridIndex {
  private readonly l1: LevelRaster;
  private readonly l2: LevelRaster;
  private readonly l3: LevelRaster;
  private readonly micro: LevelRaster;
  private readonly exclusive: LevelRaster;

  constructor(rasters: Readonly<Record<GridLevel, LevelRaster>>) {
    this.l1 = rasters.L1;
    this.l2 = rasters.L2;
    this.l3 = rasters.L3;
    this.micro = rasters.micro;
    this.exclusive = rasters.exclusive;
  }

  locateInto(lng: number, lat: number, out: Int32Array, offset = 0): void {
    out[offset] = lookupLevel(this.l1, lng, lat);
    out[offset + 1] = lookupLevel(this.l2, lng, lat);
    out[offset + 2] = lookupLevel(this.l3, lng, lat);
    out[offset + 3] = lookupLevel(this.micro, lng, lat);
    out[offset + 4] = lookupLevel(this.exclusive, lng, lat);
  }

  locate(lng: number, lat: number): GridLocation {
    return {
      l1: lookupLevel(this.l1, lng, lat),
      l2: lookupLevel(this.l2, lng, lat),
      l3: lookupLevel(this.l3, lng, lat),
      micro: lookupLevel(this.micro, lng, lat),
      exclusive: lookupLevel(this.exclusive, lng, lat),
    };
  }

  locateLevel(level: GridLevel, lng: number, lat: number): number {
    return lookupLevel(this.raster(level), lng, lat);
  }

  stats(): GridLevelStats[] {
    return GRID_LEVELS.map((level) => {
      const r = this.raster(level);
      const edgeCells = r.starts.length - 1;
      return {
        level,
        grids: r.grids,
        cellDegrees: r.cellDegrees,
        cols: r.cols,
        rows: r.rows,
        edgeCells,
        meanCandidates: edgeCells > 0 ? (r.items.length - edgeCells) / edgeCells : 0,
        bytes: r.cells.byteLength + r.starts.byteLength + r.items.byteLength + r.shapes.byteLength,
      };
    });
  }

  private raster(level: GridLevel): LevelRaster {
    switch (level) {
      case 'L1':
        return this.l1;
      case 'L2':
        return this.l2;
      case 'L3':
        return this.l3;
      case 'micro':
        return this.micro;
      case 'exclusive':
        return this.exclusive;
    }
  }
}

/**
 * Builds the index over `grids` (any order; where grids of one level overlap, the earlier one wins, as in
 * `naiveLocate`). Each grid's `bbox` must cover its geometry, as `loadGridGeometries` guarantees; ids must be
 * non-negative int32. About a second at full scale.
 */
export function buildGridIndex(grids: readonly GridGeometry[], options: GridIndexOptions = {}): GridIndex {
  const byLevel: Record<GridLevel, GridGeometry[]> = { L1: [], L2: [], L3: [], micro: [], exclusive: [] };
  for (const grid of grids) byLevel[grid.level].push(grid);
  return new RasterGridIndex({
    L1: buildLevel('L1', byLevel.L1, options),
    L2: buildLevel('L2', byLevel.L2, options),
    L3: buildLevel('L3', byLevel.L3, options),
    micro: buildLevel('micro', byLevel.micro, options),
    exclusive: buildLevel('exclusive', byLevel.exclusive, options),
  });
}

/**
 * The reference answer: every grid of every level, bbox prefilter then `flatContains`, first match per level in
 * input order. About a millisecond a point at full scale: for tests and benchmarks only.
 */
export function naiveLocate(grids: readonly GridGeometry[], lng: number, lat: number): GridLocation {
  const found = [-1, -1, -1, -1, -1];
  for (const grid of grids) {
    const slot = LOCATION_SLOTS[grid.level];
    if (found[slot] !== -1) continue;
    const bbox = grid.bbox;
    if (lng >= bbox[0] && lat >= bbox[1] && lng <= bbox[2] && lat <= bbox[3] && flatContains(grid.polygons, lng, lat)) {
      found[slot] = grid.id;
    }
  }
  return { l1: found[0]!, l2: found[1]!, l3: found[2]!, micro: found[3]!, exclusive: found[4]! };
}

interface GridRow {
  id: number;
  level: GridLevel;
  parent_id: number | null;
  geometry: Uint8Array;
}

/**
 * Every grid in the store, ordered by id, geometry decoded. The bbox is taken from the decoded geometry rather than
 * the stored columns, so it is certain to cover what `flatContains` tests.
 */
export function loadGridGeometries(db: Database.Database): GridGeometry[] {
  const rows = db.prepare<[], GridRow>('SELECT id, level, parent_id, geometry FROM grids ORDER BY id').all();
  return rows.map((row) => {
    const polygons = decodePolygonBlob(row.geometry);
    return { id: row.id, level: row.level, parentId: row.parent_id, polygons, bbox: flatBBox(polygons) };
  });
}
