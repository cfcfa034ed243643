/**
 * The card of a camera or a sensor picked on the map or found by search: what it is, where, in which grid, and its
 * state — the sensor's from the field-state simulator until the sensor feeds exist; the camera's stream as configured
 * (none yet: the card says so, and the video issue brings playback).
 */
import type { PointCard } from '../../../shared/contract';
import { SENSOR_STATES } from '../../../shared/domain/point-classes';
import { sensorState } from '../simulators/field-state-simulator';
import type { Store } from '../store/store';
import { gridLineage, type GridRef } from './grid-lineage';

export class PointCardService {
  constructor(
    private readonly store: Store,
    private readonly now: () => number = () => Math.floor(Date.now() / 1000),
  ) {}

  card(layer: 'cameras' | 'sensors', id: number): PointCard | null {
    const db = this.store.reader();
    const row = db
      .prepare(
        layer === 'cameras'
          ? 'SELECT id, code, kind, grid_id AS gridId, lon, lat, stream_url AS streamUrl FROM cameras WHERE id = ?'
          : `SELECT id, code, kind, grid_id AS gridId, lon, lat, unit, warn_threshold AS warnThreshold,
                    alarm_threshold AS alarmThreshold FROM sensors WHERE id = ?`,
      )
      .get(id) as
      | {
          id: number;
          code: string;
          kind: string;
          gridId: number;
          lon: number;
          lat: number;
          streamUrl?: string | null;
          unit?: string;
          warnThreshold?: number | null;
          alarmThreshold?: number | null;
        }
      | undefined;
    if (!row) return null;
    const grid = db
      .prepare('SELECT id, code, name, level, parent_id AS parentId, county_id AS countyId FROM grids WHERE id = ?')
      .get(row.gridId) as GridRef & { parentId: number | null; countyId: number };
    const { county, parents } = gridLineage(db, grid);
    const base = {
      id: row.id,
      code: row.code,
      kind: row.kind,
      position: [row.lon, row.lat] as [number, number],
      grid: { id: grid.id, code: grid.code, name: grid.name, level: grid.level },
      chain: [county, ...parents.map((parent) => parent.name), grid.name],
    };
    if (layer === 'cameras') return { layer, ...base, streamUrl: row.streamUrl ?? null };
    const asOf = this.now();
    return {
      layer,
      ...base,
      state: SENSOR_STATES[sensorState(row.id, asOf)]!,
      unit: row.unit ?? '',
      warnThreshold: row.warnThreshold ?? null,
      alarmThreshold: row.alarmThreshold ?? null,
      asOf,
    };
  }
}
