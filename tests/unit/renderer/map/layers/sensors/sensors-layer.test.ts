import { describe, expect, it } from 'vitest';
import { kindMask } from '../../../../../../renderer/map/layers/sensors/sensors-layer';
import {
  SENSOR_KINDS,
  SENSOR_STATES,
  sensorClass,
  type SensorKind,
} from '../../../../../../shared/domain/point-classes';

const kind = (name: SensorKind): number => SENSOR_KINDS.indexOf(name);

/** One sensor of every kind in every state: the mask must read the kind, whatever the state packed with it. */
const classes = Uint8Array.from(SENSOR_KINDS.flatMap((_, k) => SENSOR_STATES.map((__, s) => sensorClass(k, s))));

describe('the sensor layer kind mask', () => {
  it('shows every sensor when no kinds are given', () => {
    const mask = kindMask(classes, undefined);
    expect(mask).toBeInstanceOf(Float32Array);
    expect(mask.length).toBe(classes.length);
    expect([...mask].every((value) => value === 1)).toBe(true);
  });

  it('shows exactly the sensors of the given kinds, in every state', () => {
    const shown: SensorKind[] = ['water_level', 'rainfall'];
    const mask = kindMask(classes, shown);
    classes.forEach((value, i) => {
      const expected = shown.some((name) => kind(name) === Math.floor(value / SENSOR_STATES.length)) ? 1 : 0;
      expect(mask[i], `class ${value}`).toBe(expected);
    });
    expect([...mask].filter((value) => value === 1)).toHaveLength(shown.length * SENSOR_STATES.length);
  });

  it('keeps one value per sensor in the data order, so picked indices stay those of the full set', () => {
    const data = Uint8Array.from([
      sensorClass(kind('gas'), 2),
      sensorClass(kind('water_level'), 0),
      sensorClass(kind('heat'), 3),
      sensorClass(kind('water_level'), 1),
    ]);
    expect([...kindMask(data, ['water_level'])]).toEqual([0, 1, 0, 1]);
    expect([...kindMask(data, ['gas', 'heat'])]).toEqual([1, 0, 1, 0]);
  });

  it('hides every sensor for an empty list of kinds', () => {
    expect([...kindMask(classes, [])].every((value) => value === 0)).toBe(true);
  });
});
