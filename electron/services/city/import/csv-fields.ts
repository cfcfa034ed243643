/** A CSV header checked against a kind's columns, and typed access to one row's fields. */
import type { LngLat } from '../../../../shared/geo/types';
import { checkCoordinateRange, formatPosition, type ToWgs84 } from './datum';
import { CITY_TOLERANCE_M } from './grid-geometry';
import { ImportProblem } from './import-error';
import type { PolygonIndex } from './polygon-index';

export interface CsvColumns {
  required: readonly string[];
  optional: readonly string[];
}

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
/** Spellings of non-finite numbers that spreadsheets and scripts write: numbers, but out of range. */
const NON_FINITE = /^[+-]?(?:nan|inf|infinity)$/i;

/**
 * ISO 8601 date and time: `2024-05-01T08:30:00Z`, `2024-05-01 08:30+08:00`, fractional seconds allowed. A time
 * without an offset is China Standard Time (+08:00, no daylight saving), the time every Zhengzhou system records.
 */
const ISO_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:(Z)|([+-])(\d{2}):?(\d{2}))?$/;
const CHINA_OFFSET_MINUTES = 8 * 60;

const daysInMonth = (year: number, month: number): number =>
  month === 2
    ? year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)
      ? 29
      : 28
    : [4, 6, 9, 11].includes(month)
      ? 30
      : 31;

/** Epoch seconds of an ISO 8601 time, or null when it is not one or names a moment that does not exist (31 April). */
export function parseIsoTime(text: string): number | null {
  const match = ISO_TIME.exec(text);
  if (!match) return null;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  const hour = Number(match[4]);
  const minute = Number(match[5]);
  const second = match[6] === undefined ? 0 : Number(match[6]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 59) {
    return null;
  }
  const offsetMinutes = match[7]
    ? 0
    : match[8]
      ? (match[8] === '-' ? -1 : 1) * (Number(match[9]) * 60 + Number(match[10]))
      : CHINA_OFFSET_MINUTES;
  return Date.UTC(year, month - 1, day, hour, minute, second) / 1000 - offsetMinutes * 60;
}

/** Maps column names to positions; refuses unknown, repeated and missing columns. */
export class CsvHeader {
  private readonly positions = new Map<string, number>();

  constructor(
    readonly names: readonly string[],
    columns: CsvColumns,
  ) {
    const known = [...columns.required, ...columns.optional];
    names.forEach((raw, position) => {
      const name = raw.trim();
      if (!known.includes(name)) {
        throw new ImportProblem(`unknown column "${name}" (the columns are ${known.join(', ')})`);
      }
      if (this.positions.has(name)) throw new ImportProblem(`column ${name} appears twice`);
      this.positions.set(name, position);
    });
    const missing = columns.required.filter((name) => !this.positions.has(name));
    if (missing.length > 0) {
      throw new ImportProblem(`missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`);
    }
  }

  position(name: string): number {
    return this.positions.get(name) ?? -1;
  }
}

/** One data row. Every reader throws an ImportProblem naming the column and the offending value. */
export class CsvRow {
  constructor(
    private readonly header: CsvHeader,
    private readonly fields: readonly string[],
  ) {
    if (fields.length !== header.names.length) {
      throw new ImportProblem(`wrong number of columns: ${fields.length}, but the header has ${header.names.length}`);
    }
  }

  /** The trimmed text of a column; '' when the column is empty or absent from this file. */
  text(name: string): string {
    const position = this.header.position(name);
    return position < 0 ? '' : this.fields[position]!.trim();
  }

  optional(name: string): string | null {
    const text = this.text(name);
    return text === '' ? null : text;
  }

  required(name: string): string {
    const text = this.text(name);
    if (text === '') throw new ImportProblem(`column ${name} is empty`);
    return text;
  }

  optionalNumber(name: string): number | null {
    const text = this.text(name);
    if (text === '') return null;
    if (!NUMBER.test(text)) throw new ImportProblem(`column ${name} must be a number, got "${text}"`);
    return Number(text);
  }

  optionalInteger(name: string, min: number, max: number): number | null {
    const value = this.optionalNumber(name);
    if (value === null) return null;
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new ImportProblem(`column ${name} must be a whole number from ${min} to ${max}, got "${this.text(name)}"`);
    }
    return value;
  }

  oneOf<T extends string>(name: string, values: readonly T[]): T {
    const text = this.required(name);
    if (!(values as readonly string[]).includes(text)) {
      throw new ImportProblem(`unknown ${name} "${text}" (expected one of ${values.join(', ')})`);
    }
    return text as T;
  }

  /** An ISO 8601 time as epoch seconds, or null when empty. */
  optionalTime(name: string): number | null {
    const text = this.text(name);
    if (text === '') return null;
    const seconds = parseIsoTime(text);
    if (seconds === null) {
      throw new ImportProblem(`column ${name} must be an ISO 8601 time like 2024-05-01T08:30:00+08:00, got "${text}"`);
    }
    return seconds;
  }

  time(name: string): number {
    const time = this.optionalTime(name);
    if (time === null) throw new ImportProblem(`column ${name} is empty`);
    return time;
  }

  /**
   * The row's position (lon, lat columns): typed, range-checked in the source datum, converted to WGS-84, then
   * refused when it lies outside the city.
   */
  point(toWgs84: ToWgs84, city: PolygonIndex): LngLat {
    const coordinate = (name: string): number => {
      const text = this.required(name);
      if (NON_FINITE.test(text)) return NaN;
      if (!NUMBER.test(text)) throw new ImportProblem(`column ${name} must be a number, got "${text}"`);
      return Number(text);
    };
    const lng = coordinate('lon');
    const lat = coordinate('lat');
    checkCoordinateRange(lng, lat);
    const point = toWgs84(lng, lat);
    if (!city.covers(point[0], point[1], CITY_TOLERANCE_M)) {
      throw new ImportProblem(
        `lies outside the city: ${formatPosition(...point)} (WGS-84) is more than ${CITY_TOLERANCE_M / 1000} km ` +
          'beyond the city outline',
      );
    }
    return point;
  }
}
