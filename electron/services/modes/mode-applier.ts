/**
 * Applies emergency mode switches from the hub's ordered stream (issue #8) to this console's store, inside the ticket
 * stream's batch transaction, so modes and tickets are applied in one order on every console.
 *
 * - activate: the emergency's row, its level's effects per sensor kind, the sensors of those kinds in its scope; their
 *   thresholds and cadence change (below); a timeline line.
 * - step: the level (and the profile version) changes; the effects and the sensors covered follow it.
 * - deactivate: the emergency ends; the sensors it covered are recomputed — those no other emergency covers get back
 *   exactly the values recorded before the first emergency touched them (`sensor_normal`, the revert plan).
 *
 * A sensor covered by several emergencies takes the smallest factors and the shortest cadence among them, always of
 * its own normal values (never compounding a previous switch). Everything is set-based SQL: a city-wide flood switch
 * touches tens of thousands of gauges.
 *
 * New tickets: `ticketPolicy` tells the ticket applier the emergency deadline and priority for a report in an active
 * emergency's scope whose category its level concerns.
 */
import type Database from 'better-sqlite3';
import { LEVEL_INFO, type EmergencyLevel } from '../../../shared/domain/modes/emergency-levels';
import type { LevelEffect, ModeProfile } from '../../../shared/domain/modes/mode-profile';
import type { ModeScope } from '../../../shared/domain/modes/mode-scope';
import { insideRing } from '../../../shared/geo/point-in-ring';
import type { TicketPriority } from '../../../shared/domain/tickets/deadlines';
import type { ModeSwitchWire } from '../../../shared/protocol/mode-protocol';

/** An active emergency as the ticket policy needs it. */
interface ActiveEmergency {
  id: string;
  level: EmergencyLevel;
  scope: ModeScope;
  tickets: LevelEffect['tickets'];
}

/** What a report in an active emergency's scope gets. */
export interface TicketPolicy {
  emergency: string;
  level: EmergencyLevel;
  deadlineFactor: number;
  priority: TicketPriority;
}

/** Where a report was placed: the codes of its county and L1 grid. */
export interface ReportPlace {
  lng: number;
  lat: number;
  county: string;
  l1: string | null;
  categoryCode: string;
}

const PRIORITY_RANK: Readonly<Record<TicketPriority, number>> = { routine: 0, urgent: 1, emergency: 2 };

export class ModeApplier {
  private readonly statements = new Map<string, Database.Statement>();
  private active: ActiveEmergency[] | undefined;
  /** Emergencies switched since the last take, and those whose timeline only grew (a key ticket). */
  private readonly switched = new Set<string>();
  private readonly grew = new Set<string>();

  constructor(private readonly db: Database.Database) {}

  private sql(text: string): Database.Statement {
    let statement = this.statements.get(text);
    if (!statement) this.statements.set(text, (statement = this.db.prepare(text)));
    return statement;
  }

  /** What changed since the last call (for the windows, after the batch commits). */
  takeChanged(): { switched: string[]; grew: string[] } {
    const changed = { switched: [...this.switched], grew: [...this.grew].filter((id) => !this.switched.has(id)) };
    this.switched.clear();
    this.grew.clear();
    return changed;
  }

  /** Applies one switch (inside the caller's transaction); a string says why it cannot be applied here. */
  apply(seq: number, at: number, wire: ModeSwitchWire): string | undefined {
    // The hub's version of the key moved with every switch it logged, whether or not it applies here: counted first,
    // so this console's next switch names the version the hub holds.
    this.sql(
      'INSERT INTO mode_keys (key, version) VALUES (?, 1) ON CONFLICT (key) DO UPDATE SET version = version + 1',
    ).run(wire.key);
    const current = this.sql('SELECT id, level FROM emergencies WHERE key = ? AND ended_at IS NULL').get(wire.key) as
      { id: string; level: EmergencyLevel } | undefined;
    if (wire.action === 'activate' && current) return `the scope runs emergency ${current.id} already`;
    if (wire.action !== 'activate' && current?.id !== wire.emergency) return 'no such active emergency here';
    if (wire.action === 'activate' && this.sql('SELECT 1 FROM emergencies WHERE id = ?').get(wire.emergency)) {
      return 'the emergency ended already';
    }
    const id = wire.emergency;
    const touched = this.coveredSensors(id);
    if (wire.action === 'activate') {
      this.sql(
        'INSERT INTO emergencies (id, key, event_type, scope, level, profile, started_at, updated_at, ended_at, ' +
          'started_by, console, last_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?)',
      ).run(
        id,
        wire.key,
        wire.eventType,
        JSON.stringify(wire.scope),
        wire.level,
        JSON.stringify(wire.profile),
        at,
        at,
        JSON.stringify(wire.by),
        wire.console,
        seq,
      );
    } else if (wire.action === 'step') {
      this.sql('UPDATE emergencies SET level = ?, profile = ?, updated_at = ?, last_seq = ? WHERE id = ?').run(
        wire.level,
        JSON.stringify(wire.profile),
        at,
        seq,
        id,
      );
    } else {
      this.sql('UPDATE emergencies SET level = NULL, ended_at = ?, updated_at = ?, last_seq = ? WHERE id = ?').run(
        at,
        at,
        seq,
        id,
      );
    }

    // The effects and the sensors covered follow the level; the sensors covered before or after are recomputed.
    this.sql('DELETE FROM emergency_effects WHERE emergency = ?').run(id);
    this.sql('DELETE FROM emergency_sensors WHERE emergency = ?').run(id);
    if (wire.level !== null && wire.profile) {
      const effect = wire.profile.levels[wire.level];
      for (const sensor of effect.sensors) {
        this.sql(
          'INSERT INTO emergency_effects (emergency, kind, warn_factor, alarm_factor, cadence_s) VALUES (?, ?, ?, ?, ?)',
        ).run(id, sensor.kind, sensor.warnFactor, sensor.alarmFactor, sensor.cadenceSeconds);
      }
      this.coverScope(id, wire.scope);
    }
    const changed = this.recompute([...touched, ...this.coveredSensors(id)]);

    this.sql('INSERT INTO emergency_timeline (emergency, seq, at, kind, entry) VALUES (?, ?, ?, ?, ?)').run(
      id,
      seq,
      at,
      wire.action,
      JSON.stringify({
        action: wire.action,
        from: current?.level ?? null,
        to: wire.level,
        by: wire.by,
        ...(wire.confirmedBy ? { confirmedBy: wire.confirmedBy } : {}),
        ...(wire.note ? { note: wire.note } : {}),
        console: wire.console,
        profile: wire.profile ? { id: wire.profile.id, version: wire.profile.version } : null,
        sensors: changed,
      }),
    );
    // The duty groups the level calls up (the roster's people come with the duty-roster data).
    if (wire.level !== null && wire.profile && wire.profile.levels[wire.level].roster.length > 0) {
      this.sql('INSERT INTO emergency_timeline (emergency, seq, at, kind, entry) VALUES (?, ?, ?, ?, ?)').run(
        id,
        seq,
        at,
        'roster',
        JSON.stringify({ groups: wire.profile.levels[wire.level].roster, level: wire.level }),
      );
    }
    this.active = undefined;
    this.switched.add(id);
    return undefined;
  }

  /** The emergency deadline and priority for a new report, if an active emergency concerns it; else null. */
  ticketPolicy(place: ReportPlace): TicketPolicy | null {
    let best: TicketPolicy | null = null;
    for (const emergency of this.activeEmergencies()) {
      const { tickets } = emergency;
      if (!tickets.categories.some((prefix) => place.categoryCode.startsWith(prefix))) continue;
      if (!scopeHolds(emergency.scope, place)) continue;
      const policy: TicketPolicy = {
        emergency: emergency.id,
        level: emergency.level,
        deadlineFactor: tickets.deadlineFactor,
        priority: tickets.priority,
      };
      if (
        !best ||
        PRIORITY_RANK[policy.priority] > PRIORITY_RANK[best.priority] ||
        (policy.priority === best.priority && policy.deadlineFactor < best.deadlineFactor)
      ) {
        best = policy;
      }
    }
    return best;
  }

  /** A key ticket on the emergency's timeline (a report its level concerns, filed in its scope). */
  recordTicket(policy: TicketPolicy, seq: number, at: number, ticket: { hubId: string; categoryCode: string }): void {
    this.sql('INSERT INTO emergency_timeline (emergency, seq, at, kind, entry) VALUES (?, ?, ?, ?, ?)').run(
      policy.emergency,
      seq,
      at,
      'ticket',
      JSON.stringify({ hubId: ticket.hubId, category: ticket.categoryCode, priority: policy.priority }),
    );
    this.grew.add(policy.emergency);
  }

  private activeEmergencies(): ActiveEmergency[] {
    if (!this.active) {
      const rows = this.sql('SELECT id, level, scope, profile FROM emergencies WHERE ended_at IS NULL').all() as {
        id: string;
        level: EmergencyLevel;
        scope: string;
        profile: string;
      }[];
      this.active = rows.map((row) => ({
        id: row.id,
        level: row.level,
        scope: JSON.parse(row.scope) as ModeScope,
        tickets: (JSON.parse(row.profile) as ModeProfile).levels[row.level].tickets,
      }));
      // Most severe first: a report in two scopes takes the stronger policy (ticketPolicy compares anyway).
      this.active.sort((a, b) => LEVEL_INFO[a.level].rank - LEVEL_INFO[b.level].rank);
    }
    return this.active;
  }

  private coveredSensors(emergency: string): number[] {
    return this.sql('SELECT sensor_id FROM emergency_sensors WHERE emergency = ?').pluck().all(emergency) as number[];
  }

  /** The sensors in the scope, of the kinds the emergency's level changes, into emergency_sensors. */
  private coverScope(emergency: string, scope: ModeScope): void {
    const kinds = this.sql('SELECT kind FROM emergency_effects WHERE emergency = ?').pluck().all(emergency) as string[];
    const insert = this.sql('INSERT INTO emergency_sensors (emergency, sensor_id) VALUES (?, ?)');
    for (const sensor of sensorsInScope(this.db, scope, kinds)) insert.run(emergency, sensor.id);
  }

  /**
   * Sets each sensor's thresholds and cadence from its normal values and the emergencies covering it now: the
   * smallest factors and the shortest cadence; none left → its normal values back, and their record removed. Returns
   * how many sensors it set.
   */
  private recompute(sensorIds: readonly number[]): number {
    if (sensorIds.length === 0) return 0;
    this.db.exec('CREATE TEMP TABLE IF NOT EXISTS mode_touched (id INTEGER PRIMARY KEY)');
    this.sql('DELETE FROM temp.mode_touched').run();
    const touch = this.sql('INSERT OR IGNORE INTO temp.mode_touched (id) VALUES (?)');
    for (const id of sensorIds) touch.run(id);
    // Normal values recorded before the first change (the revert plan).
    this.sql(
      'INSERT OR IGNORE INTO sensor_normal (sensor_id, warn_threshold, alarm_threshold, report_every_s) ' +
        'SELECT s.id, s.warn_threshold, s.alarm_threshold, s.report_every_s FROM sensors s ' +
        'WHERE s.id IN (SELECT id FROM temp.mode_touched) ' +
        'AND EXISTS (SELECT 1 FROM emergency_sensors es WHERE es.sensor_id = s.id)',
    ).run();
    const covered = this.sql(
      'UPDATE sensors SET (warn_threshold, alarm_threshold, report_every_s) = (' +
        'SELECT n.warn_threshold * MIN(x.warn_factor), n.alarm_threshold * MIN(x.alarm_factor), ' +
        'MIN(n.report_every_s, MIN(x.cadence_s)) FROM sensor_normal n ' +
        'JOIN emergency_sensors es ON es.sensor_id = n.sensor_id ' +
        'JOIN emergency_effects x ON x.emergency = es.emergency AND x.kind = sensors.kind ' +
        'WHERE n.sensor_id = sensors.id) ' +
        'WHERE id IN (SELECT id FROM temp.mode_touched) ' +
        'AND EXISTS (SELECT 1 FROM emergency_sensors es WHERE es.sensor_id = sensors.id)',
    ).run().changes;
    const restored = this.sql(
      'UPDATE sensors SET (warn_threshold, alarm_threshold, report_every_s) = (' +
        'SELECT n.warn_threshold, n.alarm_threshold, n.report_every_s FROM sensor_normal n ' +
        'WHERE n.sensor_id = sensors.id) ' +
        'WHERE id IN (SELECT id FROM temp.mode_touched) ' +
        'AND NOT EXISTS (SELECT 1 FROM emergency_sensors es WHERE es.sensor_id = sensors.id) ' +
        'AND id IN (SELECT sensor_id FROM sensor_normal)',
    ).run().changes;
    this.sql(
      'DELETE FROM sensor_normal WHERE sensor_id IN (SELECT id FROM temp.mode_touched) ' +
        'AND NOT EXISTS (SELECT 1 FROM emergency_sensors es WHERE es.sensor_id = sensor_normal.sensor_id)',
    ).run();
    return covered + restored;
  }
}

/** Whether a placed report lies in a scope. */
function scopeHolds(scope: ModeScope, place: ReportPlace): boolean {
  switch (scope.kind) {
    case 'city':
      return true;
    case 'counties':
      return scope.codes.includes(place.county);
    case 'l1':
      return place.l1 !== null && scope.codes.includes(place.l1);
    case 'polygon':
      return insideRing(scope.ring, place.lng, place.lat);
  }
}

/** A sensor as a scope query reads it. */
export interface ScopedSensor {
  id: number;
  kind: string;
  warn: number | null;
  alarm: number | null;
  cadenceS: number;
}

/**
 * The sensors of some kinds in a scope: of the counties named, under the L1 street grids named (their whole subtree),
 * inside a drawn ring, or the whole city. Shared by the applier and the preview, so the preview counts what a switch
 * then changes.
 */
export function sensorsInScope(db: Database.Database, scope: ModeScope, kinds: readonly string[]): ScopedSensor[] {
  if (kinds.length === 0) return [];
  const columns = 's.id, s.kind, s.warn_threshold AS warn, s.alarm_threshold AS alarm, s.report_every_s AS cadenceS';
  const ofKind = 's.kind IN (SELECT value FROM json_each(?))';
  const kindList = JSON.stringify(kinds);
  switch (scope.kind) {
    case 'city':
      return db.prepare(`SELECT ${columns} FROM sensors s WHERE ${ofKind}`).all(kindList) as ScopedSensor[];
    case 'counties':
      return db
        .prepare(
          `SELECT ${columns} FROM sensors s JOIN grids g ON g.id = s.grid_id JOIN counties c ON c.id = g.county_id ` +
            `WHERE c.code IN (SELECT value FROM json_each(?)) AND ${ofKind}`,
        )
        .all(JSON.stringify(scope.codes), kindList) as ScopedSensor[];
    case 'l1':
      return db
        .prepare(
          'WITH RECURSIVE under (id) AS (' +
            "SELECT id FROM grids WHERE level = 'L1' AND code IN (SELECT value FROM json_each(?)) " +
            'UNION ALL SELECT g.id FROM grids g JOIN under u ON g.parent_id = u.id) ' +
            `SELECT ${columns} FROM sensors s WHERE s.grid_id IN (SELECT id FROM under) AND ${ofKind}`,
        )
        .all(JSON.stringify(scope.codes), kindList) as ScopedSensor[];
    case 'polygon': {
      const lngs = scope.ring.map(([lng]) => lng);
      const lats = scope.ring.map(([, lat]) => lat);
      const candidates = db
        .prepare(
          `SELECT ${columns}, s.lon, s.lat FROM sensors s WHERE s.lon BETWEEN ? AND ? AND s.lat BETWEEN ? AND ? ` +
            `AND ${ofKind}`,
        )
        .all(Math.min(...lngs), Math.max(...lngs), Math.min(...lats), Math.max(...lats), kindList) as (ScopedSensor & {
        lon: number;
        lat: number;
      })[];
      return candidates
        .filter((sensor) => insideRing(scope.ring, sensor.lon, sensor.lat))
        .map(({ lon: _lon, lat: _lat, ...sensor }) => sensor);
    }
  }
}
