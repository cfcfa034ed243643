/**
 * Decoder for the compact map files shipped in the echarts 4 npm package (`map/json/**`): each ring is a string whose
 * character pairs are zig-zag, delta-encoded, quantised coordinates (1/1024 degree by default), offset by
 * `encodeOffsets`. Decoding yields plain GeoJSON in the file's own datum (GCJ-02 for the China maps).
 */
import type { LngLat, PolygonRings } from './types';

interface EncodedPolygon {
  type: 'Polygon';
  coordinates: string[];
  encodeOffsets: [number, number][];
}

interface EncodedMultiPolygon {
  type: 'MultiPolygon';
  coordinates: string[][];
  encodeOffsets: [number, number][][];
}

export interface EchartsMapFile {
  UTF8Encoding?: boolean;
  UTF8Scale?: number;
  features: { properties: { name: string; cp?: [number, number] }; geometry: EncodedPolygon | EncodedMultiPolygon }[];
}

export interface DecodedRegion {
  name: string;
  /** Polygons, each an outer ring then holes, in the source datum. */
  polygons: PolygonRings[];
}

function zigZag(value: number): number {
  return (value >> 1) ^ -(value & 1);
}

/** Decodes one ring; closes it if the source left it open. */
export function decodeRing(encoded: string, offset: readonly [number, number], scale: number): LngLat[] {
  if (encoded.length % 2 !== 0) throw new Error('echarts ring has an odd number of characters');
  const ring: LngLat[] = [];
  let x = offset[0];
  let y = offset[1];
  for (let i = 0; i < encoded.length; i += 2) {
    x += zigZag(encoded.charCodeAt(i) - 64);
    y += zigZag(encoded.charCodeAt(i + 1) - 64);
    ring.push([x / scale, y / scale]);
  }
  const first = ring[0];
  const last = ring[ring.length - 1];
  if (first && last && (first[0] !== last[0] || first[1] !== last[1])) ring.push([first[0], first[1]]);
  return ring;
}

/** Decodes every feature of an echarts map file. */
export function decodeEchartsMap(file: EchartsMapFile): DecodedRegion[] {
  if (!file.UTF8Encoding) throw new Error('expected an echarts map with UTF8Encoding');
  const scale = file.UTF8Scale ?? 1024;
  return file.features.map(({ properties, geometry }) => {
    if (geometry.type === 'Polygon') {
      const rings = geometry.coordinates.map((ring, i) => decodeRing(ring, geometry.encodeOffsets[i]!, scale));
      return { name: properties.name, polygons: [rings] };
    }
    const polygons = geometry.coordinates.map((polygon, p) =>
      polygon.map((ring, i) => decodeRing(ring, geometry.encodeOffsets[p]![i]!, scale)),
    );
    return { name: properties.name, polygons };
  });
}
