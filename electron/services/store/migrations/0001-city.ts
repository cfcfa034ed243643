import type { Migration } from './migration';

/**
 * The city model: county-level units, the grid hierarchy, departments, the category taxonomy, workers, cameras,
 * sensors and tickets. Geometry is a packed binary polygon (shared/geo/polygon-blob.ts) with its bbox, centroid and
 * area beside it, so map and lookup code never parse text. Tickets use integer codes and epoch seconds: 7.2 million
 * rows must stay compact.
 */
export const migration0001: Migration = {
  version: 1,
  name: 'city',
  sql: `
CREATE TABLE counties (
  id INTEGER PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  name_en TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('district', 'county', 'city', 'zone')),
  seat_lon REAL NOT NULL,
  seat_lat REAL NOT NULL,
  geometry BLOB NOT NULL,
  min_lon REAL NOT NULL, min_lat REAL NOT NULL, max_lon REAL NOT NULL, max_lat REAL NOT NULL,
  centroid_lon REAL NOT NULL, centroid_lat REAL NOT NULL,
  area_km2 REAL NOT NULL
) STRICT;

CREATE TABLE grids (
  id INTEGER PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  level TEXT NOT NULL CHECK (level IN ('L1', 'L2', 'L3', 'micro', 'exclusive')),
  parent_id INTEGER REFERENCES grids (id),
  county_id INTEGER NOT NULL REFERENCES counties (id),
  type TEXT NOT NULL CHECK (type IN ('urban', 'rural', 'exclusive')),
  exclusive_kind TEXT CHECK (exclusive_kind IN
    ('airport', 'station', 'hospital', 'school', 'university', 'mall', 'market', 'park', 'stadium', 'government')),
  households INTEGER NOT NULL DEFAULT 0 CHECK (households >= 0),
  geometry BLOB NOT NULL,
  min_lon REAL NOT NULL, min_lat REAL NOT NULL, max_lon REAL NOT NULL, max_lat REAL NOT NULL,
  centroid_lon REAL NOT NULL, centroid_lat REAL NOT NULL,
  area_km2 REAL NOT NULL,
  CHECK ((level = 'exclusive') = (type = 'exclusive')),
  CHECK ((level = 'exclusive') = (exclusive_kind IS NOT NULL)),
  CHECK ((level = 'L1') = (parent_id IS NULL))
) STRICT;
CREATE INDEX grids_by_parent ON grids (parent_id);
CREATE INDEX grids_by_level ON grids (level, county_id);

CREATE TABLE departments (
  id INTEGER PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  name_en TEXT NOT NULL,
  kind TEXT NOT NULL,
  county_id INTEGER REFERENCES counties (id)
) STRICT;

CREATE TABLE categories (
  id INTEGER PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,
  parent_id INTEGER REFERENCES categories (id),
  level INTEGER NOT NULL CHECK (level BETWEEN 1 AND 3),
  name TEXT NOT NULL,
  name_en TEXT NOT NULL,
  department_kind TEXT,
  deadline_hours INTEGER CHECK (deadline_hours > 0),
  CHECK ((level = 1) = (parent_id IS NULL)),
  CHECK ((level = 3) = (department_kind IS NOT NULL AND deadline_hours IS NOT NULL))
) STRICT;

CREATE TABLE workers (
  id INTEGER PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('grid_worker', 'cadre', 'police_auxiliary', 'volunteer')),
  shift TEXT NOT NULL CHECK (shift IN ('day', 'evening', 'night', 'on_call')),
  grid_id INTEGER NOT NULL REFERENCES grids (id),
  phone TEXT,
  lon REAL NOT NULL CHECK (lon BETWEEN -180 AND 180),
  lat REAL NOT NULL CHECK (lat BETWEEN -90 AND 90)
) STRICT;
CREATE INDEX workers_by_grid ON workers (grid_id);

CREATE TABLE cameras (
  id INTEGER PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL CHECK (kind IN ('public', 'traffic', 'station', 'airport', 'hospital', 'commercial', 'school')),
  grid_id INTEGER NOT NULL REFERENCES grids (id),
  lon REAL NOT NULL CHECK (lon BETWEEN -180 AND 180),
  lat REAL NOT NULL CHECK (lat BETWEEN -90 AND 90),
  stream_url TEXT
) STRICT;
CREATE INDEX cameras_by_grid ON cameras (grid_id);

CREATE TABLE sensors (
  id INTEGER PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL CHECK (kind IN ('gas', 'water', 'heat', 'water_level', 'rainfall')),
  grid_id INTEGER NOT NULL REFERENCES grids (id),
  lon REAL NOT NULL CHECK (lon BETWEEN -180 AND 180),
  lat REAL NOT NULL CHECK (lat BETWEEN -90 AND 90),
  unit TEXT NOT NULL,
  warn_threshold REAL,
  alarm_threshold REAL
) STRICT;
CREATE INDEX sensors_by_grid ON sensors (grid_id);

-- Intake channels (the ten channel families): small lookup, referenced by tickets as an integer.
CREATE TABLE channels (
  id INTEGER PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  name_en TEXT NOT NULL
) STRICT;

-- status: 0 reported, 1 dispatched, 2 accepted, 3 handling, 4 resolved, 5 feedback, 6 evaluated, 7 reopened.
CREATE TABLE tickets (
  id INTEGER PRIMARY KEY,
  channel_id INTEGER NOT NULL REFERENCES channels (id),
  category_id INTEGER NOT NULL REFERENCES categories (id),
  grid_id INTEGER NOT NULL REFERENCES grids (id),
  l1_id INTEGER NOT NULL REFERENCES grids (id),
  lon REAL NOT NULL,
  lat REAL NOT NULL,
  status INTEGER NOT NULL CHECK (status BETWEEN 0 AND 7),
  reported_at INTEGER NOT NULL,
  dispatched_at INTEGER,
  closed_at INTEGER,
  satisfaction INTEGER CHECK (satisfaction BETWEEN 1 AND 5)
) STRICT;
CREATE INDEX tickets_by_time ON tickets (reported_at);

-- Facts about the data set itself (source, seed, scale, generation time).
CREATE TABLE city_meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;
`,
};
