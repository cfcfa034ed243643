/**
 * Workers, cameras and sensors for the map as typed arrays: positions as Float32 pairs (about a metre at Zhengzhou),
 * one class byte each. Read straight from the store in one pass; statuses from the field-state simulator until the
 * hub and the sensor feeds exist.
 */
import type { PointLayerData, PointLayerName } from '../../../shared/contract';
import {
  CAMERA_KINDS,
  SENSOR_KINDS,
  WORKER_STATUSES,
  sensorClass,
  shiftOnDuty,
} from '../../../shared/domain/point-classes';
import { sensorState, workerOffline } from '../simulators/field-state-simulator';
import type { Store } from '../store/store';

const BEIJING = 8 * 3600;

export class PointLayerService {
  constructor(
    private readonly store: Store,
    private readonly now: () => number = () => Math.floor(Date.now() / 1000),
  ) {}

  getPoints(layer: PointLayerName): PointLayerData {
    const asOf = this.now();
    const sql = {
      workers: 'SELECT id, lon, lat, shift FROM workers ORDER BY id',
      cameras: 'SELECT id, lon, lat, kind FROM cameras ORDER BY id',
      sensors: 'SELECT id, lon, lat, kind FROM sensors ORDER BY id',
    }[layer];
    const rows = this.store.reader().prepare(sql).raw().all() as [number, number, number, string][];
    const ids = new Int32Array(rows.length);
    const positions = new Float32Array(rows.length * 2);
    const classes = new Uint8Array(rows.length);
    const hour = new Date((asOf + BEIJING) * 1000).getUTCHours();
    const onDuty = WORKER_STATUSES.indexOf('on_duty');
    const offDuty = WORKER_STATUSES.indexOf('off_duty');
    const offline = WORKER_STATUSES.indexOf('offline');
    rows.forEach(([id, lng, lat, attribute], i) => {
      ids[i] = id;
      positions[i * 2] = lng;
      positions[i * 2 + 1] = lat;
      if (layer === 'workers') {
        classes[i] = workerOffline(id, asOf) ? offline : shiftOnDuty(attribute, hour) ? onDuty : offDuty;
      } else if (layer === 'cameras') {
        classes[i] = Math.max(0, CAMERA_KINDS.indexOf(attribute as (typeof CAMERA_KINDS)[number]));
      } else {
        const kind = Math.max(0, SENSOR_KINDS.indexOf(attribute as (typeof SENSOR_KINDS)[number]));
        classes[i] = sensorClass(kind, sensorState(id, asOf));
      }
    });
    return { layer, ids, positions, classes, asOf };
  }
}
