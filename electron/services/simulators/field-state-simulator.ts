/**
 * SIMULATOR — stands in for the field until the command hub (worker presence) and the sensor feeds exist: which
 * workers' phones are offline and which sensors read warning, alarm or nothing. Deterministic per id and 10-minute
 * slot, so every window and every console sees the same state, and it changes over time like a live feed would.
 */
import { shiftOnDuty } from '../../../shared/domain/point-classes';

const SLOT_SECONDS = 600;

/** A stable pseudo-random number in [0, 1) for an id in a time slot. */
function hash01(id: number, slot: number, salt: number): number {
  let h = Math.imul(id ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(slot + salt, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 15), 0x27d4eb2d);
  return ((h ^ (h >>> 13)) >>> 0) / 4294967296;
}

/** Share of worker phones offline at any time. */
export const WORKER_OFFLINE_SHARE = 0.03;
/** Shares of sensors in warning, alarm and offline at any time. */
export const SENSOR_STATE_SHARES = { warning: 0.015, alarm: 0.003, offline: 0.01 } as const;

export function workerOffline(id: number, epochSeconds: number): boolean {
  return hash01(id, Math.floor(epochSeconds / SLOT_SECONDS), 1) < WORKER_OFFLINE_SHARE;
}

/** 0 normal, 1 warning, 2 alarm, 3 offline (shared/domain/point-classes.ts SENSOR_STATES). */
export function sensorState(id: number, epochSeconds: number): number {
  const x = hash01(id, Math.floor(epochSeconds / SLOT_SECONDS), 2);
  if (x < SENSOR_STATE_SHARES.alarm) return 2;
  if (x < SENSOR_STATE_SHARES.alarm + SENSOR_STATE_SHARES.warning) return 1;
  if (x < SENSOR_STATE_SHARES.alarm + SENSOR_STATE_SHARES.warning + SENSOR_STATE_SHARES.offline) return 3;
  return 0;
}

const BEIJING_OFFSET_SECONDS = 8 * 3600;

/** The hour on the clock in Zhengzhou (UTC+8, no daylight saving). */
export function beijingHour(epochSeconds: number): number {
  return new Date((epochSeconds + BEIJING_OFFSET_SECONDS) * 1000).getUTCHours();
}

/** Who is on duty at a moment: the worker's shift covers the hour and the phone is online. */
export function onDutyAt(epochSeconds: number): (id: number, shift: string) => boolean {
  const hour = beijingHour(epochSeconds);
  return (id, shift) => !workerOffline(id, epochSeconds) && shiftOnDuty(shift, hour);
}
