/**
 * SIMULATOR — where simulated reports happen. With a console's store (its data directory's SQLite file) a report
 * falls inside a grid's own polygon: the worker's own grid for a patrol report, a random micro-grid (or L3 grid) for a
 * citizen's; with the grid's names for an address. Without a store, somewhere in the urban core inside the city
 * outline (resources/city, shared/geo/point-in-city.ts). Every point is checked against the outline the intake checks
 * it against, so a simulated report is never refused for its place.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { decodePolygonBlob, flatContains, type FlatPolygons } from '../../shared/geo/polygon-blob';
import type { InsideCity } from '../../shared/geo/point-in-city';
import { loadIntakeResources } from '../intake/intake-resources';

export interface ReportPlace {
  lng: number;
  lat: number;
  /** The grid's names from the county down, as a phone or a hotline operator writes an address. */
  address?: string;
  /** The grid the point is in (a store's grids only). */
  grid?: number;
}

export interface ReportPlaces {
  /** A point inside this grid (and the city); undefined when the grid is unknown or none was found. */
  inGrid(grid: number, random: () => number): ReportPlace | undefined;
  /** A point anywhere in the city where people live and report. */
  anywhere(random: () => number): ReportPlace;
  /** `metres` from `place` in a random direction, still inside the city (the place itself if no such point). */
  near(place: ReportPlace, metres: number, random: () => number): ReportPlace;
  close(): void;
}

/** The store file inside a console's data directory (electron/services/store/store.ts STORE_FILE). */
const STORE_FILE = 'gridline.sqlite';
/** The urban core, where places fall without a store: 二七塔 is at about 113.665, 34.754. */
const URBAN_CORE = { west: 113.55, south: 34.68, east: 113.8, north: 34.84 } as const;
const TWO_SEVEN_TOWER = { lng: 113.6653, lat: 34.7536 } as const;
const METRES_PER_DEGREE_LAT = 111_320;
const TRIES = 40;
/** Grid shapes kept in memory at most (a worker's grid is looked up when it reports). */
const SHAPE_CACHE = 5000;

export function offsetPoint(
  from: { lng: number; lat: number },
  metres: number,
  bearing: number,
): { lng: number; lat: number } {
  const north = (metres * Math.cos(bearing)) / METRES_PER_DEGREE_LAT;
  const east = (metres * Math.sin(bearing)) / (METRES_PER_DEGREE_LAT * Math.cos((from.lat * Math.PI) / 180));
  return { lng: from.lng + east, lat: from.lat + north };
}

/** Metres between two points (equirectangular: exact enough over a city). */
export function distanceM(a: { lng: number; lat: number }, b: { lng: number; lat: number }): number {
  const x = (b.lng - a.lng) * Math.cos((((a.lat + b.lat) / 2) * Math.PI) / 180);
  return Math.hypot(x, b.lat - a.lat) * METRES_PER_DEGREE_LAT;
}

/** Six decimals (about 0.1 m), as a phone's GPS gives them. */
const round6 = (n: number): number => Math.round(n * 1e6) / 1e6;

function nearIn(insideCity: InsideCity) {
  return (place: ReportPlace, metres: number, random: () => number): ReportPlace => {
    for (let i = 0; i < TRIES; i++) {
      const point = offsetPoint(place, metres, random() * 2 * Math.PI);
      const at = { lng: round6(point.lng), lat: round6(point.lat) };
      if (insideCity([at.lng, at.lat])) return { ...place, ...at };
    }
    return place;
  };
}

function corePoint(insideCity: InsideCity, random: () => number): ReportPlace {
  for (let i = 0; i < TRIES; i++) {
    const lng = round6(URBAN_CORE.west + random() * (URBAN_CORE.east - URBAN_CORE.west));
    const lat = round6(URBAN_CORE.south + random() * (URBAN_CORE.north - URBAN_CORE.south));
    if (insideCity([lng, lat])) return { lng, lat };
  }
  return { ...TWO_SEVEN_TOWER };
}

/** Places in the urban core inside the city outline; no grids, no addresses. */
export function outlinePlaces(resourcesDir?: string): ReportPlaces {
  const { insideCity } = loadIntakeResources(resourcesDir);
  return {
    inGrid: () => undefined,
    anywhere: (random) => corePoint(insideCity, random),
    near: nearIn(insideCity),
    close: () => {},
  };
}

interface GridShape {
  flat: FlatPolygons;
  bbox: [number, number, number, number];
  centroid: { lng: number; lat: number };
  address: string;
}

interface GridRow {
  geometry: Uint8Array;
  west: number;
  south: number;
  east: number;
  north: number;
  lng: number;
  lat: number;
  name: string;
  parent: number | null;
  county: string;
}

/** Places inside the grids of a console's store (read-only; the console keeps writing beside it). */
export function storePlaces(dataDir: string, resourcesDir?: string): ReportPlaces {
  const file = join(dataDir, STORE_FILE);
  if (!existsSync(file)) throw new Error(`--city: no ${STORE_FILE} in ${dataDir} (generate one with npm run city)`);
  const { insideCity } = loadIntakeResources(resourcesDir);
  const db = new Database(file, { readonly: true, fileMustExist: true });
  const gridRow = db.prepare(
    `SELECT g.geometry, g.min_lon AS west, g.min_lat AS south, g.max_lon AS east, g.max_lat AS north,
            g.centroid_lon AS lng, g.centroid_lat AS lat, g.name, g.parent_id AS parent, c.name AS county
       FROM grids g JOIN counties c ON c.id = g.county_id WHERE g.id = ?`,
  );
  const nameOf = db.prepare('SELECT name, parent_id AS parent, level FROM grids WHERE id = ?');
  const shapes = new Map<number, GridShape | null>();

  function address(row: GridRow): string {
    // The county, the L1 grid (a street office or town) and the grid itself.
    let l1 = row.name;
    for (let at = row.parent, depth = 0; at !== null && depth < 16; depth++) {
      const up = nameOf.get(at) as { name: string; parent: number | null; level: string } | undefined;
      if (!up) break;
      if (up.level === 'L1') {
        l1 = up.name;
        break;
      }
      at = up.parent;
    }
    return l1 === row.name ? `${row.county}${row.name}` : `${row.county}${l1}${row.name}`;
  }

  function shape(grid: number): GridShape | undefined {
    if (shapes.has(grid)) return shapes.get(grid) ?? undefined;
    const row = gridRow.get(grid) as GridRow | undefined;
    let found: GridShape | null = null;
    if (row) {
      found = {
        flat: decodePolygonBlob(row.geometry),
        bbox: [row.west, row.south, row.east, row.north],
        centroid: { lng: row.lng, lat: row.lat },
        address: address(row),
      };
    }
    if (shapes.size >= SHAPE_CACHE) shapes.clear();
    shapes.set(grid, found);
    return found ?? undefined;
  }

  function inGrid(grid: number, random: () => number): ReportPlace | undefined {
    const known = shape(grid);
    if (!known) return undefined;
    const [west, south, east, north] = known.bbox;
    for (let i = 0; i < TRIES; i++) {
      const lng = round6(west + random() * (east - west));
      const lat = round6(south + random() * (north - south));
      if (flatContains(known.flat, lng, lat) && insideCity([lng, lat])) {
        return { lng, lat, address: known.address, grid };
      }
    }
    const { lng, lat } = known.centroid;
    return insideCity([lng, lat]) ? { lng, lat, address: known.address, grid } : undefined;
  }

  let candidates: number[] | undefined;
  function anywhere(random: () => number): ReportPlace {
    // Micro-grids (a building or a block) where the city has them, else L3 grids, else any grid.
    candidates ??= (() => {
      for (const where of ["level = 'micro'", "level = 'L3'", '1 = 1']) {
        const ids = (db.prepare(`SELECT id FROM grids WHERE ${where} ORDER BY id`).all() as { id: number }[]).map(
          ({ id }) => id,
        );
        if (ids.length > 0) return ids;
      }
      return [];
    })();
    for (let i = 0; i < 8 && candidates.length > 0; i++) {
      const place = inGrid(candidates[Math.floor(random() * candidates.length)]!, random);
      if (place) return place;
    }
    return corePoint(insideCity, random);
  }

  return {
    inGrid,
    anywhere,
    near: nearIn(insideCity),
    close: () => db.close(),
  };
}

/** The store's places when a data directory is given, else the outline's. */
export function reportPlaces(city: string | undefined, resourcesDir?: string): ReportPlaces {
  return city ? storePlaces(city, resourcesDir) : outlinePlaces(resourcesDir);
}
