/** A grids file (GeoJSON FeatureCollection) → checked features, each error placed at its feature. */
import type { LngLat } from '../../../../shared/geo/types';
import { checkCoordinateRange, formatPosition, type ToWgs84 } from './datum';
import { CITY_TOLERANCE_M, readGridGeometry, type CheckedGeometry, type GeometryDatum } from './grid-geometry';
import { readCode, readGridProperties, type GridProperties } from './grid-properties';
import { ImportError, ImportProblem } from './import-error';
import type { PolygonIndex } from './polygon-index';

export interface GridFeature extends GridProperties, CheckedGeometry {
  /** Position in the file's feature list, from 1. */
  index: number;
  /** Counties: the seat in WGS-84 (the given one, or the centroid). */
  seatWgs84: LngLat;
}

/** `feature 3 (code 410102001)`: features count from 1, as a person reading the file would. */
export const featureLocation = (index: number, code: string | null): string =>
  code ? `feature ${index} (code ${code})` : `feature ${index}`;

/** JSON.parse's message carries a character position (and, in newer V8, line and column): point at it. */
function jsonErrorLocation(text: string, message: string): string {
  const lineColumn = /line (\d+) column (\d+)/.exec(message);
  if (lineColumn) return `line ${lineColumn[1]}, column ${lineColumn[2]}`;
  const position = /position (\d+)/.exec(message);
  if (!position) return 'file';
  const offset = Number(position[1]);
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return `line ${line}, column ${offset - before.lastIndexOf('\n')}`;
}

/** Parses the document and returns its features array (malformed JSON or a wrong top level is refused). */
export function parseFeatureCollection(text: string, file: string): unknown[] {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let document: unknown;
  try {
    document = JSON.parse(body);
  } catch (error) {
    const message = (error as Error).message;
    throw new ImportError(file, jsonErrorLocation(body, message), `malformed JSON: ${message}`);
  }
  const { type, features } = (document ?? {}) as { type?: unknown; features?: unknown };
  if (type !== 'FeatureCollection' || !Array.isArray(features)) {
    throw new ImportError(
      file,
      'file',
      'not a GeoJSON FeatureCollection (need "type": "FeatureCollection" and "features")',
    );
  }
  // A grids import replaces the city: an empty collection would silently wipe it.
  if (features.length === 0) throw new ImportError(file, 'file', 'the FeatureCollection has no features');
  return features;
}

function readSeat(properties: GridProperties, geometry: CheckedGeometry, toWgs84: ToWgs84, city: PolygonIndex): LngLat {
  if (!properties.seat) return geometry.centroid;
  const [lng, lat] = properties.seat;
  try {
    checkCoordinateRange(lng, lat);
  } catch (error) {
    throw new ImportProblem(`seat: ${(error as Error).message}`);
  }
  const seat = toWgs84(lng, lat);
  if (!city.covers(seat[0], seat[1], CITY_TOLERANCE_M)) {
    throw new ImportProblem(`seat ${formatPosition(...seat)} lies outside the city`);
  }
  return seat;
}

/** The feature's code if it has a readable one, for naming the feature in a message. */
function codeForMessages(properties: unknown): string | null {
  if (typeof properties !== 'object' || properties === null) return null;
  try {
    return readCode(properties as Record<string, unknown>, 'code');
  } catch {
    return null;
  }
}

/**
 * Checks every feature on its own (properties, geometry, datum, self-intersection, city outline) and refuses
 * duplicate codes; the hierarchy is checked afterwards (grid-hierarchy.ts), once every parent has been read.
 */
export function readGridFeatures(
  features: readonly unknown[],
  context: { file: string; datum: GeometryDatum; city: PolygonIndex; onFeature?: (done: number) => void },
): GridFeature[] {
  const { file, datum, city } = context;
  const firstIndexByCode = new Map<string, number>();
  return features.map((raw, offset) => {
    const index = offset + 1;
    const { properties: rawProperties, geometry: rawGeometry } = (raw ?? {}) as {
      properties?: unknown;
      geometry?: unknown;
    };
    // The code names the feature in messages even when other properties are wrong.
    const code = codeForMessages(rawProperties);
    try {
      if (typeof raw !== 'object' || raw === null || (raw as { type?: unknown }).type !== 'Feature') {
        throw new ImportProblem('not a GeoJSON Feature');
      }
      const properties = readGridProperties(rawProperties);
      const earlier = firstIndexByCode.get(properties.code);
      if (earlier !== undefined) throw new ImportProblem(`duplicate code ${properties.code} (also feature ${earlier})`);
      firstIndexByCode.set(properties.code, index);
      const geometry = readGridGeometry(rawGeometry, datum, city);
      const seatWgs84 = readSeat(properties, geometry, datum.toWgs84, city);
      context.onFeature?.(index);
      return { ...properties, ...geometry, index, seatWgs84 };
    } catch (error) {
      if (error instanceof ImportProblem) throw new ImportError(file, featureLocation(index, code), error.message);
      throw error;
    }
  });
}
