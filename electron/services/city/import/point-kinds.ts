/** Workers, cameras and sensors files: the columns, enums (as the CHECKs in migration 0001) and inserts. */
import type { CsvKind } from './csv-import';

export const WORKER_ROLES = ['grid_worker', 'cadre', 'police_auxiliary', 'volunteer'] as const;
export const WORKER_SHIFTS = ['day', 'evening', 'night', 'on_call'] as const;
export const CAMERA_KINDS = ['public', 'traffic', 'station', 'airport', 'hospital', 'commercial', 'school'] as const;
export const SENSOR_KINDS = ['gas', 'water', 'heat', 'water_level', 'rainfall'] as const;

/** Workers are bound to a grid by code: where a worker stands says nothing about which grid they serve. */
export const workersKind: CsvKind = {
  columns: { required: ['code', 'name', 'role', 'shift', 'grid_code', 'phone', 'lon', 'lat'], optional: [] },
  table: 'workers',
  uniqueCode: true,
  prepare(db, { toWgs84, city, grids }) {
    const insert = db.prepare(
      'INSERT INTO workers (code, name, role, shift, grid_id, phone, lon, lat) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    return (row) => {
      const code = row.required('code');
      const name = row.required('name');
      const role = row.oneOf('role', WORKER_ROLES);
      const shift = row.oneOf('shift', WORKER_SHIFTS);
      const gridId = grids.idOf(row.required('grid_code'));
      const phone = row.optional('phone');
      const [lng, lat] = row.point(toWgs84, city);
      insert.run(code, name, role, shift, gridId, phone, lng, lat);
    };
  },
};

export const camerasKind: CsvKind = {
  columns: { required: ['code', 'kind', 'lon', 'lat'], optional: ['grid_code', 'stream_url'] },
  table: 'cameras',
  uniqueCode: true,
  prepare(db, { toWgs84, city, grids, locate }) {
    const insert = db.prepare(
      'INSERT INTO cameras (code, kind, grid_id, lon, lat, stream_url) VALUES (?, ?, ?, ?, ?, ?)',
    );
    return (row) => {
      const code = row.required('code');
      const kind = row.oneOf('kind', CAMERA_KINDS);
      const point = row.point(toWgs84, city);
      const gridId = grids.gridFor(row.optional('grid_code'), point, locate);
      insert.run(code, kind, gridId, point[0], point[1], row.optional('stream_url'));
    };
  },
};

export const sensorsKind: CsvKind = {
  columns: {
    required: ['code', 'kind', 'lon', 'lat', 'unit'],
    optional: ['warn_threshold', 'alarm_threshold', 'grid_code'],
  },
  table: 'sensors',
  uniqueCode: true,
  prepare(db, { toWgs84, city, grids, locate }) {
    const insert = db.prepare(
      'INSERT INTO sensors (code, kind, grid_id, lon, lat, unit, warn_threshold, alarm_threshold) ' +
        'VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    return (row) => {
      const code = row.required('code');
      const kind = row.oneOf('kind', SENSOR_KINDS);
      const point = row.point(toWgs84, city);
      const unit = row.required('unit');
      const warn = row.optionalNumber('warn_threshold');
      const alarm = row.optionalNumber('alarm_threshold');
      const gridId = grids.gridFor(row.optional('grid_code'), point, locate);
      insert.run(code, kind, gridId, point[0], point[1], unit, warn, alarm);
    };
  },
};
