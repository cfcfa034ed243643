/** The properties of one grids-file feature, type-checked into a record (geometry is grid-geometry.ts's job). */
import { EXCLUSIVE_KINDS, type ExclusiveKind } from '../grid-model';
import { ImportProblem } from './import-error';

/** The levels a grids file may hold: counties (their own table) and the grid levels. */
export const FEATURE_LEVELS = ['county', 'L1', 'L2', 'L3', 'micro', 'exclusive'] as const;
export type FeatureLevel = (typeof FEATURE_LEVELS)[number];

export const COUNTY_KINDS = ['district', 'county', 'city', 'zone'] as const;
export type CountyKind = (typeof COUNTY_KINDS)[number];

export const GRID_TYPES = ['urban', 'rural'] as const;
export type GridType = (typeof GRID_TYPES)[number] | 'exclusive';

export interface GridProperties {
  level: FeatureLevel;
  code: string;
  name: string;
  /** County features: English name (defaults to the name). */
  nameEn: string;
  /** null for counties. */
  parentCode: string | null;
  countyKind: CountyKind;
  type: GridType;
  exclusiveKind: ExclusiveKind | null;
  households: number;
  /** County features: the seat, in the file's datum (defaults to the centroid). */
  seat: readonly [number, number] | null;
}

type Properties = Record<string, unknown>;

const describe = (value: unknown): string => (typeof value === 'string' ? `"${value}"` : JSON.stringify(value));

/** A code as a string; integer codes are accepted too, since spreadsheets and GIS tools turn 410102 into a number. */
export function readCode(properties: Properties, key: string): string | null {
  const value = properties[key];
  if (value === undefined || value === null || value === '') return null;
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return String(value);
  throw new ImportProblem(`property "${key}" must be a code (a string), got ${describe(value)}`);
}

function requiredCode(properties: Properties, key: string): string {
  const code = readCode(properties, key);
  if (code === null || code === '') throw new ImportProblem(`property "${key}" is missing`);
  return code;
}

function optionalString(properties: Properties, key: string): string | null {
  const value = properties[key];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw new ImportProblem(`property "${key}" must be a string, got ${describe(value)}`);
  return value.trim() === '' ? null : value.trim();
}

function requiredString(properties: Properties, key: string): string {
  const value = optionalString(properties, key);
  if (value === null) throw new ImportProblem(`property "${key}" is missing`);
  return value;
}

function optionalEnum<T extends string>(properties: Properties, key: string, values: readonly T[]): T | null {
  const value = properties[key];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || !(values as readonly string[]).includes(value)) {
    throw new ImportProblem(`unknown ${key} ${describe(value)} (expected one of ${values.join(', ')})`);
  }
  return value as T;
}

function optionalNumber(properties: Properties, key: string): number | null {
  const value = properties[key];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new ImportProblem(`property "${key}" must be a number, got ${describe(value)}`);
  }
  return value;
}

/** Refuses properties that belong to another level, so a misplaced value is noticed rather than dropped. */
function forbid(properties: Properties, key: string, level: FeatureLevel): void {
  const value = properties[key];
  if (value !== undefined && value !== null) {
    throw new ImportProblem(`property "${key}" does not apply to a ${level} feature (got ${describe(value)})`);
  }
}

export function readGridProperties(raw: unknown): GridProperties {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ImportProblem('feature has no "properties" object');
  }
  const properties = raw as Properties;
  const level = optionalEnum(properties, 'level', FEATURE_LEVELS);
  if (level === null) throw new ImportProblem('property "level" is missing');
  const code = requiredCode(properties, 'code');
  const name = requiredString(properties, 'name');
  const parentCode = readCode(properties, 'parentCode');

  const households = optionalNumber(properties, 'households') ?? 0;
  if (!Number.isSafeInteger(households) || households < 0) {
    throw new ImportProblem(`property "households" must be a whole number ≥ 0, got ${households}`);
  }

  if (level === 'county') {
    forbid(properties, 'parentCode', level);
    forbid(properties, 'type', level);
    forbid(properties, 'exclusiveKind', level);
    const seatLon = optionalNumber(properties, 'seatLon');
    const seatLat = optionalNumber(properties, 'seatLat');
    if ((seatLon === null) !== (seatLat === null)) {
      throw new ImportProblem('properties "seatLon" and "seatLat" must be given together');
    }
    return {
      level,
      code,
      name,
      nameEn: optionalString(properties, 'nameEn') ?? name,
      parentCode: null,
      countyKind: optionalEnum(properties, 'countyKind', COUNTY_KINDS) ?? 'district',
      type: 'urban',
      exclusiveKind: null,
      households,
      seat: seatLon === null || seatLat === null ? null : [seatLon, seatLat],
    };
  }

  if (parentCode === null) throw new ImportProblem('property "parentCode" is missing');
  for (const key of ['countyKind', 'seatLon', 'seatLat']) forbid(properties, key, level);
  // Exclusive grids carry their kind; the hierarchy levels must not, and default to urban.
  const exclusive = level === 'exclusive';
  const exclusiveKind = exclusive ? optionalEnum(properties, 'exclusiveKind', EXCLUSIVE_KINDS) : null;
  if (exclusive && exclusiveKind === null) throw new ImportProblem('property "exclusiveKind" is missing');
  if (!exclusive) forbid(properties, 'exclusiveKind', level);
  return {
    level,
    code,
    name,
    nameEn: optionalString(properties, 'nameEn') ?? name,
    parentCode,
    countyKind: 'district',
    type: exclusive
      ? (optionalEnum(properties, 'type', ['exclusive'] as const) ?? 'exclusive')
      : (optionalEnum(properties, 'type', GRID_TYPES) ?? 'urban'),
    exclusiveKind,
    households,
    seat: null,
  };
}
