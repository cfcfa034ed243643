/**
 * What the class byte of a point means in each point layer. Statuses come from the field (the hub, sensors); until
 * those links exist they come from simulators named as such in the main process.
 */
export const WORKER_STATUSES = ['on_duty', 'off_duty', 'offline'] as const;
export type WorkerStatus = (typeof WORKER_STATUSES)[number];

export const CAMERA_KINDS = ['public', 'traffic', 'station', 'airport', 'hospital', 'commercial', 'school'] as const;
export type CameraKind = (typeof CAMERA_KINDS)[number];

export const SENSOR_KINDS = ['gas', 'water', 'heat', 'water_level', 'rainfall'] as const;
export type SensorKind = (typeof SENSOR_KINDS)[number];

export const SENSOR_STATES = ['normal', 'warning', 'alarm', 'offline'] as const;
export type SensorState = (typeof SENSOR_STATES)[number];

/** Sensors pack kind and state into one byte. */
export const sensorClass = (kind: number, state: number): number => kind * SENSOR_STATES.length + state;
export const sensorKindOf = (value: number): number => Math.floor(value / SENSOR_STATES.length);
export const sensorStateOf = (value: number): number => value % SENSOR_STATES.length;

/** The shift each worker's hours fall in, Beijing time: day 8–16, evening 16–24, night 0–8; on call is always on. */
export function shiftOnDuty(shift: string, beijingHour: number): boolean {
  switch (shift) {
    case 'day':
      return beijingHour >= 8 && beijingHour < 16;
    case 'evening':
      return beijingHour >= 16;
    case 'night':
      return beijingHour < 8;
    default:
      return true;
  }
}
