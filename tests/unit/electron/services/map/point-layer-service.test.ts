import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateCity } from '../../../../../electron/services/city/generator/generate-city';
import { CITY_COUNTS } from '../../../../../electron/services/city/generator/scale';
import { PointLayerService } from '../../../../../electron/services/map/point-layer-service';
import {
  SENSOR_STATE_SHARES,
  sensorState,
  WORKER_OFFLINE_SHARE,
  workerOffline,
} from '../../../../../electron/services/simulators/field-state-simulator';
import { openStore, type Store } from '../../../../../electron/services/store/store';
import { sensorKindOf, sensorStateOf, shiftOnDuty, WORKER_STATUSES } from '../../../../../shared/domain/point-classes';

const resourcesDir = join(import.meta.dirname, '..', '..', '..', '..', '..', 'resources');
// 10:00 in Beijing: day shifts on duty, night shifts off.
const TEN_AM_BEIJING = Date.UTC(2026, 10, 23, 2) / 1000;

describe('point layer service', () => {
  let store: Store;
  beforeAll(async () => {
    store = openStore(mkdtempSync(join(tmpdir(), 'gridline-points-')));
    await generateCity(store, { scale: 'small', seed: 3, resourcesDir });
  });

  it('serves every worker, camera and sensor as typed arrays inside the city', () => {
    const service = new PointLayerService(store, () => TEN_AM_BEIJING);
    for (const layer of ['workers', 'cameras', 'sensors'] as const) {
      const data = service.getPoints(layer);
      const count = CITY_COUNTS.small[layer];
      expect(data.ids).toHaveLength(count);
      expect(data.positions).toHaveLength(count * 2);
      expect(data.classes).toHaveLength(count);
      for (let i = 0; i < data.positions.length; i += 2) {
        expect(data.positions[i]).toBeGreaterThan(112.6);
        expect(data.positions[i]).toBeLessThan(114.3);
        expect(data.positions[i + 1]).toBeGreaterThan(34.2);
        expect(data.positions[i + 1]).toBeLessThan(35.1);
      }
    }
  });

  it("gives workers the status their shift and the field simulator say, at the service's clock", () => {
    const data = new PointLayerService(store, () => TEN_AM_BEIJING).getPoints('workers');
    const shifts = new Map(
      (store.reader().prepare('SELECT id, shift FROM workers').all() as { id: number; shift: string }[]).map((row) => [
        row.id,
        row.shift,
      ]),
    );
    data.ids.forEach((id, i) => {
      const expected = workerOffline(id, TEN_AM_BEIJING)
        ? 'offline'
        : shiftOnDuty(shifts.get(id)!, 10)
          ? 'on_duty'
          : 'off_duty';
      expect(WORKER_STATUSES[data.classes[i]!]).toBe(expected);
    });
  });

  it('packs sensor kind and state into one byte', () => {
    const data = new PointLayerService(store, () => TEN_AM_BEIJING).getPoints('sensors');
    const kinds = new Set([...data.classes].map(sensorKindOf));
    expect(kinds.size).toBe(5);
    data.ids.forEach((id, i) => expect(sensorStateOf(data.classes[i]!)).toBe(sensorState(id, TEN_AM_BEIJING)));
  });
});

describe('field state simulator', () => {
  it('keeps the configured shares, the same for every caller, changing over time', () => {
    const ids = Array.from({ length: 100_000 }, (_, i) => i + 1);
    const offline = ids.filter((id) => workerOffline(id, TEN_AM_BEIJING)).length / ids.length;
    expect(offline).toBeGreaterThan(WORKER_OFFLINE_SHARE * 0.8);
    expect(offline).toBeLessThan(WORKER_OFFLINE_SHARE * 1.2);
    const alarms = ids.filter((id) => sensorState(id, TEN_AM_BEIJING) === 2).length / ids.length;
    expect(alarms).toBeGreaterThan(SENSOR_STATE_SHARES.alarm * 0.7);
    expect(alarms).toBeLessThan(SENSOR_STATE_SHARES.alarm * 1.3);
    expect(ids.map((id) => workerOffline(id, TEN_AM_BEIJING))).toEqual(
      ids.map((id) => workerOffline(id, TEN_AM_BEIJING + 1)),
    );
    expect(ids.map((id) => workerOffline(id, TEN_AM_BEIJING))).not.toEqual(
      ids.map((id) => workerOffline(id, TEN_AM_BEIJING + 3600)),
    );
  });

  it('puts shifts on duty at the right hours', () => {
    expect([
      shiftOnDuty('day', 9),
      shiftOnDuty('day', 17),
      shiftOnDuty('evening', 20),
      shiftOnDuty('night', 3),
    ]).toEqual([true, false, true, true]);
    expect(shiftOnDuty('on_call', 13)).toBe(true);
  });
});
