/**
 * Workers, cameras and sensors for the map as typed arrays: positions as Float32 pairs (about a metre at Zhengzhou),
 * one class byte each. Read straight from the store in one pass; statuses from the field-state simulator until the
 * hub and the sensor feeds exist.
 */
import type { PointClasses, PointLayerData, PointLayerName } from '../../../shared/contract';
import {
  CAMERA_KINDS,
  SENSOR_KINDS,
  WORKER_STATUSES,
  sensorClass,
  shiftOnDuty,
} from '../../../shared/domain/point-classes';
import { beijingHour, sensorState, workerOffline } from '../simulators/field-state-simulator';
import type { Store } from '../store/store';

export class PointLayerService {
  constructor(
    private readonly store: Store,
    private readonly now: () => number = () => Math.floor(Date.now() / 1000),
  ) {}

  getPoints(layer: PointLayerName): PointLayerData {
    const asOf = this.now();
    const rows = this.read(layer, true);
    const ids = new Int32Array(rows.length);
    const positions = new Float32Array(rows.length * 2);
    rows.forEach(([id, , lng, lat], i) => {
      ids[i] = id;
      positions[i * 2] = lng!;
      positions[i * 2 + 1] = lat!;
    });
    return { layer, ids, positions, classes: this.classify(layer, rows, asOf), asOf };
  }

  /** The class bytes alone, in the same order as getPoints: a status refresh re-sends a byte per point, not nine. */
  getClasses(layer: PointLayerName): PointClasses {
    const asOf = this.now();
    return { layer, classes: this.classify(layer, this.read(layer, false), asOf), asOf };
  }

  private read(layer: PointLayerName, withPositions: boolean): [number, string, number?, number?][] {
    const attribute = layer === 'workers' ? 'shift' : 'kind';
    const columns = withPositions ? `id, ${attribute}, lon, lat` : `id, ${attribute}`;
    return this.store.reader().prepare(`SELECT ${columns} FROM ${layer} ORDER BY id`).raw().all() as [
      number,
      string,
      number?,
      number?,
    ][];
  }

  private classify(
    layer: PointLayerName,
    rows: readonly [number, string, ...unknown[]][],
    asOf: number,
  ): Uint8Array<ArrayBuffer> {
    const classes = new Uint8Array(rows.length);
    const hour = beijingHour(asOf);
    const onDuty = WORKER_STATUSES.indexOf('on_duty');
    const offDuty = WORKER_STATUSES.indexOf('off_duty');
    const offline = WORKER_STATUSES.indexOf('offline');
    rows.forEach(([id, attribute], i) => {
      if (layer === 'workers') {
        classes[i] = workerOffline(id, asOf) ? offline : shiftOnDuty(attribute, hour) ? onDuty : offDuty;
      } else if (layer === 'cameras') {
        classes[i] = Math.max(0, CAMERA_KINDS.indexOf(attribute as (typeof CAMERA_KINDS)[number]));
      } else {
        const kind = Math.max(0, SENSOR_KINDS.indexOf(attribute as (typeof SENSOR_KINDS)[number]));
        classes[i] = sensorClass(kind, sensorState(id, asOf));
      }
    });
    return classes;
  }
}
