/**
 * Packed (multi)polygons: the store's geometry format and the shape large geometry takes on its way to deck.gl.
 *
 * Flat layout, one allocation, no per-vertex objects:
 *   coords        Float64Array  [lng0, lat0, lng1, lat1, …]           all vertices, rings closed (first = last)
 *   ringStarts    Uint32Array   vertex index where each ring starts, plus one final entry = vertex count
 *   polygonStarts Uint32Array   ring index where each polygon starts (its outer ring), plus a final entry = ring count
 *
 * Blob encoding (little-endian): Uint32 header [version 1, polygons, rings, vertices], polygonStarts, ringStarts,
 * padding to 8 bytes, coords.
 */
import type { BBox, LngLat, PolygonRings } from './types';

export interface FlatPolygons {
  coords: Float64Array;
  ringStarts: Uint32Array;
  polygonStarts: Uint32Array;
}

const BLOB_VERSION = 1;

/** Packs polygons (each an outer ring then holes; rings closed) into the flat layout. */
export function flattenPolygons(polygons: readonly PolygonRings[]): FlatPolygons {
  let vertices = 0;
  let rings = 0;
  for (const polygon of polygons) {
    rings += polygon.length;
    for (const ring of polygon) vertices += ring.length;
  }
  const coords = new Float64Array(vertices * 2);
  const ringStarts = new Uint32Array(rings + 1);
  const polygonStarts = new Uint32Array(polygons.length + 1);
  let v = 0;
  let r = 0;
  polygons.forEach((polygon, p) => {
    polygonStarts[p] = r;
    for (const ring of polygon) {
      ringStarts[r++] = v;
      for (const [lng, lat] of ring) {
        coords[v * 2] = lng;
        coords[v * 2 + 1] = lat;
        v++;
      }
    }
  });
  ringStarts[rings] = v;
  polygonStarts[polygons.length] = r;
  return { coords, ringStarts, polygonStarts };
}

/** Unpacks to nested arrays (for GeoJSON export and tests; hot paths read the flat arrays). */
export function unflattenPolygons(flat: FlatPolygons): LngLat[][][] {
  const polygons: LngLat[][][] = [];
  for (let p = 0; p + 1 < flat.polygonStarts.length; p++) {
    const polygon: LngLat[][] = [];
    for (let r = flat.polygonStarts[p]!; r < flat.polygonStarts[p + 1]!; r++) {
      const ring: LngLat[] = [];
      for (let v = flat.ringStarts[r]!; v < flat.ringStarts[r + 1]!; v++) {
        ring.push([flat.coords[v * 2]!, flat.coords[v * 2 + 1]!]);
      }
      polygon.push(ring);
    }
    polygons.push(polygon);
  }
  return polygons;
}

export function encodePolygonBlob(flat: FlatPolygons): Uint8Array {
  const polygons = flat.polygonStarts.length - 1;
  const rings = flat.ringStarts.length - 1;
  const vertices = flat.coords.length / 2;
  const headerWords = 4 + polygons + 1 + rings + 1;
  const coordsOffset = Math.ceil((headerWords * 4) / 8) * 8;
  const bytes = new Uint8Array(coordsOffset + flat.coords.byteLength);
  const words = new Uint32Array(bytes.buffer, 0, headerWords);
  words.set([BLOB_VERSION, polygons, rings, vertices]);
  words.set(flat.polygonStarts, 4);
  words.set(flat.ringStarts, 4 + polygons + 1);
  new Float64Array(bytes.buffer, coordsOffset, vertices * 2).set(flat.coords);
  return bytes;
}

export function decodePolygonBlob(blob: Uint8Array): FlatPolygons {
  // Copy to an aligned buffer: SQLite hands out blobs at arbitrary offsets.
  const bytes = blob.byteOffset % 8 === 0 ? blob : blob.slice();
  const header = new Uint32Array(bytes.buffer, bytes.byteOffset, 4);
  const [version, polygons, rings, vertices] = [header[0]!, header[1]!, header[2]!, header[3]!];
  if (version !== BLOB_VERSION) throw new Error(`unknown polygon blob version ${version}`);
  const headerWords = 4 + polygons + 1 + rings + 1;
  const coordsOffset = Math.ceil((headerWords * 4) / 8) * 8;
  if (bytes.byteLength !== coordsOffset + vertices * 16) throw new Error('polygon blob has the wrong length');
  const words = new Uint32Array(bytes.buffer, bytes.byteOffset, headerWords);
  return {
    polygonStarts: words.slice(4, 4 + polygons + 1),
    ringStarts: words.slice(4 + polygons + 1, headerWords),
    coords: new Float64Array(bytes.buffer.slice(bytes.byteOffset + coordsOffset, bytes.byteOffset + bytes.byteLength)),
  };
}

export function flatBBox(flat: FlatPolygons): BBox {
  let west = Infinity;
  let south = Infinity;
  let east = -Infinity;
  let north = -Infinity;
  for (let i = 0; i < flat.coords.length; i += 2) {
    const lng = flat.coords[i]!;
    const lat = flat.coords[i + 1]!;
    if (lng < west) west = lng;
    if (lng > east) east = lng;
    if (lat < south) south = lat;
    if (lat > north) north = lat;
  }
  return [west, south, east, north];
}

/**
 * Even-odd point-in-polygon over every ring of every polygon (holes and multi-parts handled by parity).
 * Points exactly on an edge may fall either way; callers that partition space accept that.
 */
export function flatContains(flat: FlatPolygons, lng: number, lat: number): boolean {
  const { coords, ringStarts } = flat;
  let inside = false;
  for (let r = 0; r + 1 < ringStarts.length; r++) {
    const start = ringStarts[r]!;
    const end = ringStarts[r + 1]!;
    for (let i = start, j = end - 1; i < end; j = i++) {
      const xi = coords[i * 2]!;
      const yi = coords[i * 2 + 1]!;
      const xj = coords[j * 2]!;
      const yj = coords[j * 2 + 1]!;
      if (yi > lat !== yj > lat && lng < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside;
    }
  }
  return inside;
}

/** Area-weighted centroid of the outer rings (planar in degrees: fine at city scale). */
export function flatCentroid(flat: FlatPolygons): LngLat {
  let area = 0;
  let cx = 0;
  let cy = 0;
  const { coords, ringStarts } = flat;
  for (let r = 0; r + 1 < ringStarts.length; r++) {
    for (let i = ringStarts[r]!; i < ringStarts[r + 1]! - 1; i++) {
      const x0 = coords[i * 2]!;
      const y0 = coords[i * 2 + 1]!;
      const x1 = coords[i * 2 + 2]!;
      const y1 = coords[i * 2 + 3]!;
      const cross = x0 * y1 - x1 * y0;
      area += cross;
      cx += (x0 + x1) * cross;
      cy += (y0 + y1) * cross;
    }
  }
  if (area === 0) {
    const [west, south, east, north] = flatBBox(flat);
    return [(west + east) / 2, (south + north) / 2];
  }
  return [cx / (3 * area), cy / (3 * area)];
}
