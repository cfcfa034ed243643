/**
 * Point-in-polygon and near-the-boundary tests for one (multi)polygon, fast enough to test every vertex of tens of
 * thousands of grids against the city outline or their parent: the polygon's edges are sorted into horizontal bands,
 * so a test reads only the edges of its own band (a horizontal ray from the point can cross no other edge).
 */
import type { FlatPolygons } from '../../../../shared/geo/polygon-blob';

/** Metres per degree of latitude (and of longitude at the equator): local distances only, map precision. */
const METRES_PER_DEGREE = 111_320;

export class PolygonIndex {
  private readonly south: number;
  private readonly north: number;
  private readonly west: number;
  private readonly east: number;
  private readonly bandHeight: number;
  private readonly bands: number;
  /** Edge endpoints, four numbers an edge: x0, y0, x1, y1. */
  private readonly edges: Float64Array;
  /** CSR layout: the edges of band b are bandEdges[bandStarts[b] .. bandStarts[b + 1]). */
  private readonly bandStarts: Uint32Array;
  private readonly bandEdges: Uint32Array;

  constructor(flat: FlatPolygons) {
    const { coords, ringStarts } = flat;
    let edgeCount = 0;
    for (let r = 0; r + 1 < ringStarts.length; r++) edgeCount += Math.max(0, ringStarts[r + 1]! - ringStarts[r]! - 1);
    this.edges = new Float64Array(edgeCount * 4);
    let west = Infinity;
    let south = Infinity;
    let east = -Infinity;
    let north = -Infinity;
    let e = 0;
    for (let r = 0; r + 1 < ringStarts.length; r++) {
      for (let v = ringStarts[r]!; v + 1 < ringStarts[r + 1]!; v++) {
        const x0 = coords[v * 2]!;
        const y0 = coords[v * 2 + 1]!;
        const x1 = coords[v * 2 + 2]!;
        const y1 = coords[v * 2 + 3]!;
        this.edges[e * 4] = x0;
        this.edges[e * 4 + 1] = y0;
        this.edges[e * 4 + 2] = x1;
        this.edges[e * 4 + 3] = y1;
        e++;
        west = Math.min(west, x0, x1);
        east = Math.max(east, x0, x1);
        south = Math.min(south, y0, y1);
        north = Math.max(north, y0, y1);
      }
    }
    this.west = west;
    this.east = east;
    this.south = south;
    this.north = north;
    // About four edges a band on a wiggly outline; small polygons get one band and behave like a plain scan.
    this.bands = Math.max(1, Math.min(4096, Math.ceil(edgeCount / 4)));
    this.bandHeight = north > south ? (north - south) / this.bands : 1;

    const counts = new Uint32Array(this.bands + 1);
    this.forEachEdgeBand((_edge, band) => counts[band + 1]!++);
    for (let b = 0; b < this.bands; b++) counts[b + 1]! += counts[b]!;
    this.bandStarts = counts.slice();
    this.bandEdges = new Uint32Array(counts[this.bands]!);
    const fill = counts.slice(0, this.bands);
    this.forEachEdgeBand((edge, band) => {
      this.bandEdges[fill[band]!++] = edge;
    });
  }

  /** Even-odd containment (holes and multi-parts by parity); points exactly on an edge may fall either way. */
  contains(lng: number, lat: number): boolean {
    if (!(lng >= this.west && lng <= this.east && lat >= this.south && lat <= this.north)) return false;
    const band = this.bandOf(lat);
    const { edges, bandEdges } = this;
    let inside = false;
    for (let k = this.bandStarts[band]!; k < this.bandStarts[band + 1]!; k++) {
      const e = bandEdges[k]! * 4;
      const x0 = edges[e]!;
      const y0 = edges[e + 1]!;
      const x1 = edges[e + 2]!;
      const y1 = edges[e + 3]!;
      if (y0 > lat !== y1 > lat && lng < ((x1 - x0) * (lat - y0)) / (y1 - y0) + x0) inside = !inside;
    }
    return inside;
  }

  /** Whether the point is within `toleranceM` metres of an edge (local equirectangular distance). */
  isNearBoundary(lng: number, lat: number, toleranceM: number): boolean {
    const toleranceDeg = toleranceM / METRES_PER_DEGREE;
    const kx = Math.cos((lat * Math.PI) / 180);
    if (
      lat < this.south - toleranceDeg ||
      lat > this.north + toleranceDeg ||
      (lng - this.east) * kx > toleranceDeg ||
      (this.west - lng) * kx > toleranceDeg
    ) {
      return false;
    }
    const limit = toleranceDeg * toleranceDeg;
    const { edges, bandEdges } = this;
    const first = this.bandOf(lat - toleranceDeg);
    const last = this.bandOf(lat + toleranceDeg);
    for (let band = first; band <= last; band++) {
      for (let k = this.bandStarts[band]!; k < this.bandStarts[band + 1]!; k++) {
        const e = bandEdges[k]! * 4;
        // Scale longitudes by cos(lat) so that distances come out in degrees of latitude, i.e. in metres / 111 km.
        const ax = (edges[e]! - lng) * kx;
        const ay = edges[e + 1]! - lat;
        const bx = (edges[e + 2]! - lng) * kx;
        const by = edges[e + 3]! - lat;
        const dx = bx - ax;
        const dy = by - ay;
        const length2 = dx * dx + dy * dy;
        const t = length2 > 0 ? Math.max(0, Math.min(1, -(ax * dx + ay * dy) / length2)) : 0;
        const px = ax + t * dx;
        const py = ay + t * dy;
        if (px * px + py * py <= limit) return true;
      }
    }
    return false;
  }

  /** Inside, or outside by no more than `toleranceM` metres. */
  covers(lng: number, lat: number, toleranceM: number): boolean {
    return this.contains(lng, lat) || this.isNearBoundary(lng, lat, toleranceM);
  }

  private bandOf(lat: number): number {
    return Math.max(0, Math.min(this.bands - 1, Math.floor((lat - this.south) / this.bandHeight)));
  }

  private forEachEdgeBand(visit: (edge: number, band: number) => void): void {
    const edgeCount = this.edges.length / 4;
    for (let edge = 0; edge < edgeCount; edge++) {
      const y0 = this.edges[edge * 4 + 1]!;
      const y1 = this.edges[edge * 4 + 3]!;
      const last = this.bandOf(Math.max(y0, y1));
      for (let band = this.bandOf(Math.min(y0, y1)); band <= last; band++) visit(edge, band);
    }
  }
}
