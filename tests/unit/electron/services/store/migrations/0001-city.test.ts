import Database from 'better-sqlite3';
import { beforeEach, describe, expect, it } from 'vitest';
import { migrate } from '../../../../../../electron/services/store/migrate';
import { migration0001 } from '../../../../../../electron/services/store/migrations/0001-city';

const TABLES = [
  'categories',
  'cameras',
  'channels',
  'city_meta',
  'counties',
  'departments',
  'grids',
  'sensors',
  'tickets',
  'workers',
];

describe('migration 0001: the city model', () => {
  let db: Database.Database;
  const blob = Buffer.from([1, 2, 3]);
  const grid = (id: number, level: string, parent: number | null, type = 'urban', kind: string | null = null) =>
    db
      .prepare(
        `INSERT INTO grids (id, code, name, level, parent_id, county_id, type, exclusive_kind, geometry,
           min_lon, min_lat, max_lon, max_lat, centroid_lon, centroid_lat, area_km2)
         VALUES (?, ?, 'g', ?, ?, 1, ?, ?, ?, 0, 0, 1, 1, 0.5, 0.5, 1)`,
      )
      .run(id, `G${id}`, level, parent, type, kind, blob);

  beforeEach(() => {
    db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, [migration0001]);
    db.prepare(
      `INSERT INTO counties (id, code, name, name_en, kind, seat_lon, seat_lat, geometry, min_lon, min_lat, max_lon,
         max_lat, centroid_lon, centroid_lat, area_km2) VALUES (1, '410102', '中原区', 'Zhongyuan', 'district', 113.6,
         34.7, ?, 0, 0, 1, 1, 0.5, 0.5, 1)`,
    ).run(blob);
  });

  it('creates every table as STRICT', () => {
    const rows = db
      .prepare("SELECT name, strict FROM pragma_table_list WHERE schema = 'main' AND name NOT LIKE 'sqlite_%'")
      .all() as {
      name: string;
      strict: number;
    }[];
    for (const table of TABLES) expect(rows.find((row) => row.name === table)?.strict, table).toBe(1);
  });

  it('accepts a consistent hierarchy', () => {
    grid(1, 'L1', null);
    grid(2, 'L2', 1);
    grid(3, 'L3', 2);
    grid(4, 'micro', 3);
    grid(5, 'exclusive', 1, 'exclusive', 'station');
    expect((db.prepare('SELECT COUNT(*) AS n FROM grids').get() as { n: number }).n).toBe(5);
  });

  it('refuses rows that break the model', () => {
    grid(1, 'L1', null);
    expect(() => grid(2, 'L9', 1)).toThrow(/CHECK/);
    expect(() => grid(2, 'L2', null)).toThrow(/CHECK/);
    expect(() => grid(2, 'L1', 1)).toThrow(/CHECK/);
    expect(() => grid(2, 'exclusive', 1, 'exclusive', null)).toThrow(/CHECK/);
    expect(() => grid(2, 'L2', 1, 'exclusive', 'station')).toThrow(/CHECK/);
    expect(() => grid(2, 'L2', 99)).toThrow(/FOREIGN KEY/);
    expect(() => grid(1, 'L1', null)).toThrow(/UNIQUE|PRIMARY/);
    expect(() =>
      db
        .prepare(
          "INSERT INTO workers (code, name, role, shift, grid_id, lon, lat) VALUES ('W1', 'x', 'chief', 'day', 1, 113, 34)",
        )
        .run(),
    ).toThrow(/CHECK/);
    expect(() => db.prepare("INSERT INTO grids (code) VALUES ('x')").run()).toThrow(/NOT NULL/);
  });

  it('keeps ticket codes and times compact and checked', () => {
    grid(1, 'L1', null);
    db.prepare(
      "INSERT INTO channels (id, code, name, name_en) VALUES (1, 'hotline_12345', '12345热线', 'hotline')",
    ).run();
    db.prepare(
      "INSERT INTO categories (id, code, parent_id, level, name, name_en, department_kind, deadline_hours) VALUES (1, '01', NULL, 1, 'a', 'a', NULL, NULL)",
    ).run();
    const ticket = db.prepare(
      'INSERT INTO tickets (channel_id, category_id, grid_id, l1_id, lon, lat, status, reported_at, satisfaction) VALUES (1, 1, 1, 1, 113.6, 34.7, ?, 1730000000, ?)',
    );
    expect(() => ticket.run(6, 5)).not.toThrow();
    expect(() => ticket.run(9, null)).toThrow(/CHECK/);
    expect(() => ticket.run(6, 6)).toThrow(/CHECK/);
    expect(() => ticket.run('closed', null)).toThrow(/cannot store TEXT value in INTEGER column|datatype/);
  });
});
