import type { Migration } from './migration';

/**
 * Issue #8, emergency modes. Switches arrive on the hub's ordered stream (kind `mode`) and are applied here in order:
 *
 * - `sensors.report_every_s`: a sensor's reporting cadence (a mode shortens it).
 * - `mode_profiles`: every version of every mode profile (resources/modes/ seeds version 1; edits add versions).
 * - `mode_keys`: the hub's version of each `<event type>@<scope key>`, as last applied (what a switch names).
 * - `emergencies`: every emergency, active (`ended_at` NULL) or ended, with the profile version it applies.
 * - `emergency_timeline`: the emergency's live timeline (switches, the activation broadcast, key tickets).
 * - `emergency_effects`, `emergency_sensors`: what an active emergency's level does to each sensor kind, and the sensors
 *   in its scope of those kinds. A sensor's thresholds are its own × the smallest factor of the emergencies covering it
 *   (several may overlap), its cadence the shortest; computed in SQL, set by set.
 * - `sensor_normal`: a sensor's own thresholds and cadence while any emergency changes them; restored exactly, and
 *   the row removed, when the last emergency covering it ends. That record is the revert plan.
 */
/** The tables emergencies are applied into, children before parents: emptied when the city is replaced (the stream
 * then applies the emergencies again onto the new city). */
export const EMERGENCY_TABLES = [
  'emergency_sensors',
  'emergency_effects',
  'sensor_normal',
  'emergency_timeline',
  'emergencies',
  'mode_keys',
] as const;

export const migration0015: Migration = {
  version: 15,
  name: 'emergency-modes',
  sql: `
ALTER TABLE sensors ADD COLUMN report_every_s INTEGER NOT NULL DEFAULT 300 CHECK (report_every_s > 0);

CREATE TABLE mode_profiles (
  id TEXT NOT NULL,
  version INTEGER NOT NULL CHECK (version >= 1),
  body TEXT NOT NULL,
  saved_by TEXT NOT NULL,
  saved_at INTEGER NOT NULL,
  PRIMARY KEY (id, version)
) STRICT;

CREATE TABLE mode_keys (
  key TEXT PRIMARY KEY,
  version INTEGER NOT NULL CHECK (version >= 0)
) STRICT;

CREATE TABLE emergencies (
  id TEXT PRIMARY KEY,
  key TEXT NOT NULL,
  event_type TEXT NOT NULL,
  scope TEXT NOT NULL,
  level TEXT CHECK (level IN ('IV', 'III', 'II', 'I')),
  profile TEXT NOT NULL,
  started_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  ended_at INTEGER,
  started_by TEXT NOT NULL,
  console TEXT NOT NULL,
  last_seq INTEGER NOT NULL,
  CHECK ((ended_at IS NULL) = (level IS NOT NULL))
) STRICT;
CREATE UNIQUE INDEX emergencies_active_key ON emergencies (key) WHERE ended_at IS NULL;

CREATE TABLE emergency_timeline (
  id INTEGER PRIMARY KEY,
  emergency TEXT NOT NULL REFERENCES emergencies (id),
  seq INTEGER,
  at INTEGER NOT NULL,
  kind TEXT NOT NULL,
  entry TEXT NOT NULL
) STRICT;
CREATE INDEX emergency_timeline_by_emergency ON emergency_timeline (emergency, id);

CREATE TABLE emergency_sensors (
  emergency TEXT NOT NULL REFERENCES emergencies (id),
  sensor_id INTEGER NOT NULL REFERENCES sensors (id),
  PRIMARY KEY (emergency, sensor_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX emergency_sensors_by_sensor ON emergency_sensors (sensor_id);

CREATE TABLE emergency_effects (
  emergency TEXT NOT NULL REFERENCES emergencies (id),
  kind TEXT NOT NULL,
  warn_factor REAL NOT NULL,
  alarm_factor REAL NOT NULL,
  cadence_s INTEGER NOT NULL,
  PRIMARY KEY (emergency, kind)
) STRICT, WITHOUT ROWID;

CREATE TABLE sensor_normal (
  sensor_id INTEGER PRIMARY KEY REFERENCES sensors (id),
  warn_threshold REAL,
  alarm_threshold REAL,
  report_every_s INTEGER NOT NULL
) STRICT;
`,
};
