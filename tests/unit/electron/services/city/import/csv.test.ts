import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../../../../../../electron/host/logger';
import { importCityFile, type ImportCrs, type ImportKind } from '../../../../../../electron/services/city/import';
import type { Store } from '../../../../../../electron/services/store/store';
import {
  CODES,
  cityOutline,
  expectRefused,
  freshStore,
  gridId,
  rowCounts,
  seedLookups,
  storeLocator,
  validGrids,
  writeFile,
} from './fixtures';

const stores: Store[] = [];
afterEach(() => {
  while (stores.length > 0) stores.pop()!.close();
});

const WORKERS =
  '\uFEFFcode,name,role,shift,grid_code,phone,lon,lat\r\n' +
  'W0001,张伟,grid_worker,day,410102001001001,13800000001,113.556,34.707\r\n' +
  'W0002,"李娜, ""副组长""\n二组",cadre,on_call,410102001,,113.57,34.74\r\n' +
  'W0003,王芳,volunteer,night,410102002E01,139,113.615,34.725\r\n';

/** A store holding the small city, the ticket lookups and the three workers above. */
async function baseline() {
  const { store, dir } = freshStore();
  stores.push(store);
  await importCityFile(store, writeFile(dir, 'grids.geojson', validGrids()), {
    kind: 'grids',
    crs: 'WGS-84',
    cityOutline,
  });
  seedLookups(store);
  await importCityFile(store, writeFile(dir, 'base-workers.csv', WORKERS), {
    kind: 'workers',
    crs: 'WGS-84',
    cityOutline,
  });
  return { store, dir, locate: storeLocator(store) };
}

const epoch = (iso: string): number => Date.parse(iso) / 1000;

describe('CSV import: valid files append rows', () => {
  it('imports workers (BOM, CRLF, quoted commas, quotes and line breaks)', async () => {
    const { store } = await baseline();
    const rows = store.writer.prepare('SELECT * FROM workers ORDER BY code').all() as Record<string, unknown>[];
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatchObject({
      code: 'W0001',
      name: '张伟',
      role: 'grid_worker',
      shift: 'day',
      grid_id: gridId(store, CODES.l3a1),
      phone: '13800000001',
      lon: 113.556,
      lat: 34.707,
    });
    expect(rows[1]).toMatchObject({ name: '李娜, "副组长"\n二组', phone: null, grid_id: gridId(store, CODES.l1a) });
    expect(rows[2]).toMatchObject({ role: 'volunteer', grid_id: gridId(store, CODES.exclusive) });
  });

  it('converts GCJ-02 worker positions to WGS-84', async () => {
    const { store, dir } = await baseline();
    const file = writeFile(
      dir,
      'gcj-workers.csv',
      'code,name,role,shift,grid_code,phone,lon,lat\nW0100,赵磊,grid_worker,day,410102001,,113.6,34.75\n',
    );
    await importCityFile(store, file, { kind: 'workers', crs: 'GCJ-02', cityOutline });
    const { lon, lat } = store.writer.prepare("SELECT lon, lat FROM workers WHERE code = 'W0100'").get() as {
      lon: number;
      lat: number;
    };
    expect((lon - 113.6) * 91_400).toBeGreaterThan(-580);
    expect((lon - 113.6) * 91_400).toBeLessThan(-530);
    expect((lat - 34.75) * 110_950).toBeGreaterThan(100);
    expect((lat - 34.75) * 110_950).toBeLessThan(150);
  });

  it('imports cameras, with columns in any order and grids located when no grid code is given', async () => {
    const { store, dir, locate } = await baseline();
    const file = writeFile(
      dir,
      'cameras.csv',
      'kind,code,lat,lon,stream_url,grid_code\n' +
        'traffic,C0001,34.707,113.557,rtsp://10.0.0.1/1,\n' +
        'station,C0002,34.725,113.615,,\n' +
        'public,C0003,34.74,113.63,,410102002\n',
    );
    const summary = await importCityFile(store, file, { kind: 'cameras', crs: 'WGS-84', cityOutline, locate });
    expect(summary).toMatchObject({ kind: 'cameras', rows: 3, inserted: 3 });
    const rows = store.writer.prepare('SELECT code, kind, grid_id, stream_url FROM cameras ORDER BY code').all();
    expect(rows).toEqual([
      { code: 'C0001', kind: 'traffic', grid_id: gridId(store, CODES.micro), stream_url: 'rtsp://10.0.0.1/1' },
      { code: 'C0002', kind: 'station', grid_id: gridId(store, CODES.exclusive), stream_url: null },
      { code: 'C0003', kind: 'public', grid_id: gridId(store, CODES.l1b), stream_url: null },
    ]);
  });

  it('imports sensors with optional thresholds', async () => {
    const { store, dir, locate } = await baseline();
    const file = writeFile(
      dir,
      'sensors.csv',
      'code,kind,lon,lat,unit,warn_threshold,alarm_threshold,grid_code\n' +
        'S0001,gas,113.58,34.71,%LEL,10,25,\n' +
        'S0002,water_level,113.62,34.74,m,3.5,,410102002001\n' +
        'S0003,rainfall,113.59,34.79,mm/h,,,\n',
    );
    await importCityFile(store, file, { kind: 'sensors', crs: 'CGCS2000', cityOutline, locate });
    const rows = store.writer
      .prepare('SELECT code, kind, grid_id, unit, warn_threshold, alarm_threshold FROM sensors ORDER BY code')
      .all();
    expect(rows).toEqual([
      {
        code: 'S0001',
        kind: 'gas',
        grid_id: gridId(store, CODES.l2a1),
        unit: '%LEL',
        warn_threshold: 10,
        alarm_threshold: 25,
      },
      {
        code: 'S0002',
        kind: 'water_level',
        grid_id: gridId(store, CODES.l2b1),
        unit: 'm',
        warn_threshold: 3.5,
        alarm_threshold: null,
      },
      {
        code: 'S0003',
        kind: 'rainfall',
        grid_id: gridId(store, CODES.l3a2),
        unit: 'mm/h',
        warn_threshold: null,
        alarm_threshold: null,
      },
    ]);
  });

  it('imports tickets: status codes or names, ISO times as epoch seconds, deepest grid and its L1', async () => {
    const { store, dir, locate } = await baseline();
    const file = writeFile(
      dir,
      'tickets.csv',
      'channel_code,category_code,lon,lat,status,reported_at,dispatched_at,closed_at,satisfaction,grid_code\n' +
        'hotline_12345,road.pothole,113.557,34.707,evaluated,2024-05-01T08:30:00+08:00,2024-05-01T08:31:00+08:00,2024-05-03T17:00:00+08:00,5,\n' +
        'grid_patrol,road.pothole,113.615,34.725,1,2024-05-02 09:00,2024-05-02T01:00:30Z,,,\n' +
        'grid_patrol,road.surface,113.62,34.74,reported,2024-05-02T10:00:00.250Z,,,,410102002001\n',
    );
    const summary = await importCityFile(store, file, { kind: 'tickets', crs: 'WGS-84', cityOutline, locate });
    expect(summary).toMatchObject({ kind: 'tickets', rows: 3, inserted: 3 });
    const rows = store.writer
      .prepare(
        'SELECT channel_id, category_id, grid_id, l1_id, status, reported_at, dispatched_at, closed_at, satisfaction ' +
          'FROM tickets ORDER BY id',
      )
      .all();
    expect(rows).toEqual([
      {
        channel_id: 1,
        category_id: 3,
        grid_id: gridId(store, CODES.micro),
        l1_id: gridId(store, CODES.l1a),
        status: 6,
        reported_at: epoch('2024-05-01T00:30:00Z'),
        dispatched_at: epoch('2024-05-01T00:31:00Z'),
        closed_at: epoch('2024-05-03T09:00:00Z'),
        satisfaction: 5,
      },
      {
        channel_id: 4,
        category_id: 3,
        grid_id: gridId(store, CODES.exclusive),
        l1_id: gridId(store, CODES.l1b),
        status: 1,
        reported_at: epoch('2024-05-02T01:00:00Z'),
        dispatched_at: epoch('2024-05-02T01:00:30Z'),
        closed_at: null,
        satisfaction: null,
      },
      {
        channel_id: 4,
        category_id: 2,
        grid_id: gridId(store, CODES.l2b1),
        l1_id: gridId(store, CODES.l1b),
        status: 0,
        reported_at: epoch('2024-05-02T10:00:00Z'),
        dispatched_at: null,
        closed_at: null,
        satisfaction: null,
      },
    ]);
  });
});

describe('CSV import: refused files leave the store unchanged', () => {
  const HEADERS: Record<Exclude<ImportKind, 'grids'>, string> = {
    workers: 'code,name,role,shift,grid_code,phone,lon,lat',
    cameras: 'code,kind,lon,lat,grid_code,stream_url',
    sensors: 'code,kind,lon,lat,unit,warn_threshold,alarm_threshold,grid_code',
    tickets: 'channel_code,category_code,lon,lat,status,reported_at,dispatched_at,closed_at,satisfaction,grid_code',
  };
  /** Good rows of each kind, so a refusal has rows to roll back. */
  const GOOD: Record<Exclude<ImportKind, 'grids'>, string[]> = {
    workers: ['W1001,甲,grid_worker,day,410102001,,113.556,34.707', 'W1002,乙,cadre,evening,410102002,,113.62,34.71'],
    cameras: ['C1001,public,113.556,34.707,,', 'C1002,traffic,113.62,34.71,410102002,'],
    sensors: ['S1001,gas,113.556,34.707,%LEL,10,25,', 'S1002,heat,113.62,34.71,°C,,,'],
    tickets: [
      'hotline_12345,road.pothole,113.556,34.707,0,2024-05-01T08:30:00+08:00,,,,',
      'grid_patrol,road.pothole,113.62,34.71,resolved,2024-05-01T09:00:00+08:00,2024-05-01T09:05:00+08:00,2024-05-01T12:00:00+08:00,4,',
    ],
  };

  async function refuse(
    kind: Exclude<ImportKind, 'grids'>,
    content: string,
    expected: { location: string | RegExp; reason: RegExp },
    options: { crs?: ImportCrs; withoutLocator?: boolean } = {},
  ) {
    const { store, dir, locate } = await baseline();
    const before = rowCounts(store);
    const log = createMemoryLogger();
    const file = writeFile(dir, `${kind}.csv`, content);
    const error = await expectRefused(
      importCityFile(store, file, {
        kind,
        crs: options.crs ?? 'WGS-84',
        cityOutline,
        locate: options.withoutLocator ? undefined : locate,
        log,
      }),
      { file, ...expected },
    );
    expect(rowCounts(store)).toEqual(before);
    expect(store.writer.inTransaction).toBe(false);
    expect(log.entries.at(-1)).toMatchObject({ event: 'city.import-refused', fields: { location: error.location } });
    return error;
  }

  /** A file of the kind: header, the good rows (rows 2 and 3), then `bad` on row 4, then one more good-looking row. */
  const fileWith = (kind: Exclude<ImportKind, 'grids'>, bad: string, header = HEADERS[kind]): string =>
    [header, ...GOOD[kind], bad, ''].join('\n');

  it('refuses malformed CSV: a quoted field that never closes', async () => {
    await refuse('workers', fileWith('workers', 'W1003,"丙,grid_worker,day,410102001,,113.556,34.707'), {
      location: 'row 4',
      reason: /malformed CSV: a quoted field is never closed/,
    });
  });

  it('refuses malformed CSV: a quote inside an unquoted field', async () => {
    await refuse('workers', fileWith('workers', 'W1003,丙"丁,grid_worker,day,410102001,,113.556,34.707'), {
      location: 'row 4',
      reason: /malformed CSV: a quote inside an unquoted field/,
    });
  });

  it('refuses malformed CSV: text after a closing quote', async () => {
    await refuse('workers', fileWith('workers', 'W1003,"丙"丁,grid_worker,day,410102001,,113.556,34.707'), {
      location: 'row 4',
      reason: /malformed CSV: text after a closing quote/,
    });
  });

  it('refuses a missing column', async () => {
    const header = 'code,name,role,shift,grid_code,phone,lon';
    await refuse('workers', [header, 'W1003,丙,grid_worker,day,410102001,,113.556', ''].join('\n'), {
      location: 'header',
      reason: /^missing column lat$/,
    });
  });

  it('refuses an unknown column', async () => {
    await refuse(
      'cameras',
      fileWith('cameras', 'C1003,public,113.556,34.707,,', HEADERS.cameras.replace('stream_url', 'url')),
      {
        location: 'header',
        reason: /unknown column "url"/,
      },
    );
  });

  it('refuses a wrong-typed column (lon = "abc"), on the row it starts on after a multi-line record', async () => {
    const content = WORKERS.replace(/W000/g, 'W200').replace('113.615', 'abc');
    await refuse('workers', content, { location: 'row 5', reason: /^column lon must be a number, got "abc"$/ });
  });

  it('refuses a wrong-typed optional column (warn_threshold = "high")', async () => {
    await refuse('sensors', fileWith('sensors', 'S1003,gas,113.556,34.707,%LEL,high,25,'), {
      location: 'row 4',
      reason: /column warn_threshold must be a number, got "high"/,
    });
  });

  it('refuses an unknown role', async () => {
    await refuse('workers', fileWith('workers', 'W1003,丙,mayor,day,410102001,,113.556,34.707'), {
      location: 'row 4',
      reason: /^unknown role "mayor" \(expected one of grid_worker, cadre, police_auxiliary, volunteer\)$/,
    });
  });

  it('refuses an unknown shift', async () => {
    await refuse('workers', fileWith('workers', 'W1003,丙,cadre,weekend,410102001,,113.556,34.707'), {
      location: 'row 4',
      reason: /unknown shift "weekend"/,
    });
  });

  it('refuses an unknown camera kind', async () => {
    await refuse('cameras', fileWith('cameras', 'C1003,drone,113.556,34.707,,'), {
      location: 'row 4',
      reason: /unknown kind "drone"/,
    });
  });

  it('refuses an unknown sensor kind', async () => {
    await refuse('sensors', fileWith('sensors', 'S1003,radiation,113.556,34.707,uSv/h,,,'), {
      location: 'row 4',
      reason: /unknown kind "radiation" \(expected one of gas, water, heat, water_level, rainfall\)/,
    });
  });

  it('refuses an unknown ticket status', async () => {
    await refuse(
      'tickets',
      fileWith('tickets', 'hotline_12345,road.pothole,113.556,34.707,lost,2024-05-01T08:30:00Z,,,,'),
      {
        location: 'row 4',
        reason: /unknown status "lost"/,
      },
    );
  });

  it('refuses a duplicate code within the file', async () => {
    await refuse('cameras', fileWith('cameras', 'C1001,public,113.556,34.707,,'), {
      location: 'row 4',
      reason: /^duplicate code C1001 \(also row 2\)$/,
    });
  });

  it('refuses a duplicate code already in the store', async () => {
    await refuse('workers', fileWith('workers', 'W0002,丙,cadre,day,410102001,,113.556,34.707'), {
      location: 'row 4',
      reason: /^duplicate code W0002 \(already in the store\)$/,
    });
  });

  it('refuses coordinates out of range (lat 95)', async () => {
    await refuse('sensors', fileWith('sensors', 'S1003,gas,113.556,95,%LEL,,,'), {
      location: 'row 4',
      reason: /^coordinates out of range: lon 113\.556, lat 95/,
    });
  });

  it('refuses coordinates out of range (NaN)', async () => {
    await refuse('cameras', fileWith('cameras', 'C1003,public,NaN,34.707,,'), {
      location: 'row 4',
      reason: /^coordinates out of range: lon NaN, lat 34\.707/,
    });
  });

  it('refuses a point outside the city', async () => {
    await refuse('workers', fileWith('workers', 'W1003,丙,cadre,day,410102001,,116.397,39.909'), {
      location: 'row 4',
      reason: /^lies outside the city: \(116\.397, 39\.909\) \(WGS-84\) is more than 1 km beyond the city outline$/,
    });
  });

  it('converts GCJ-02 before the city check: 900 m past the west tip is fine as WGS-84, not as GCJ-02', async () => {
    const tip = cityOutline.polygons[0]![0]!.reduce((a, b) => (b[0] < a[0] ? b : a));
    const lon = tip[0] - 900 / (111_320 * Math.cos((tip[1] * Math.PI) / 180));
    const row = `W1003,丙,cadre,day,410102001,,${lon.toFixed(7)},${tip[1]}`;
    // Declared WGS-84, the point is within the 1 km tolerance…
    const { store, dir } = await baseline();
    await importCityFile(store, writeFile(dir, 'w.csv', fileWith('workers', row)), {
      kind: 'workers',
      crs: 'WGS-84',
      cityOutline,
    });
    expect(rowCounts(store).workers).toBe(6);
    // …declared GCJ-02, it converts ~550 m further west first, and is refused.
    await refuse(
      'workers',
      fileWith('workers', row),
      { location: 'row 4', reason: /^lies outside the city/ },
      { crs: 'GCJ-02' },
    );
  });

  it('refuses a wrong number of columns', async () => {
    await refuse('workers', fileWith('workers', 'W1003,丙,cadre,day,410102001,113.556,34.707'), {
      location: 'row 4',
      reason: /^wrong number of columns: 7, but the header has 8$/,
    });
  });

  it('refuses an unknown grid code', async () => {
    await refuse('workers', fileWith('workers', 'W1003,丙,cadre,day,999,,113.556,34.707'), {
      location: 'row 4',
      reason: /^unknown grid code 999/,
    });
  });

  it('refuses an unknown channel code', async () => {
    await refuse('tickets', fileWith('tickets', 'fax,road.pothole,113.556,34.707,0,2024-05-01T08:30:00Z,,,,'), {
      location: 'row 4',
      reason: /^unknown channel_code fax \(not in the channels table\)$/,
    });
  });

  it('refuses an unknown category code', async () => {
    await refuse(
      'tickets',
      fileWith('tickets', 'hotline_12345,road.flying,113.556,34.707,0,2024-05-01T08:30:00Z,,,,'),
      {
        location: 'row 4',
        reason: /^unknown category_code road\.flying \(not in the categories table\)$/,
      },
    );
  });

  it('refuses a time that is not ISO 8601 (or does not exist)', async () => {
    await refuse(
      'tickets',
      fileWith('tickets', 'hotline_12345,road.pothole,113.556,34.707,0,2024-04-31T08:30:00Z,,,,'),
      {
        location: 'row 4',
        reason: /column reported_at must be an ISO 8601 time.*got "2024-04-31T08:30:00Z"/,
      },
    );
  });

  it('refuses a satisfaction outside 1–5', async () => {
    await refuse(
      'tickets',
      fileWith('tickets', 'hotline_12345,road.pothole,113.556,34.707,6,2024-05-01T08:30:00Z,,2024-05-02T08:30:00Z,7,'),
      {
        location: 'row 4',
        reason: /column satisfaction must be a whole number from 1 to 5, got "7"/,
      },
    );
  });

  it('refuses a ticket closed before it was reported', async () => {
    await refuse(
      'tickets',
      fileWith('tickets', 'hotline_12345,road.pothole,113.556,34.707,6,2024-05-02T08:30:00Z,,2024-05-01T08:30:00Z,,'),
      {
        location: 'row 4',
        reason: /^closed_at is earlier than reported_at$/,
      },
    );
  });

  it('refuses a row without a grid code when no locator is given', async () => {
    await refuse(
      'cameras',
      [HEADERS.cameras, 'C1003,public,113.556,34.707,410102001,', 'C1004,public,113.556,34.707,,', ''].join('\n'),
      { location: 'row 3', reason: /grid_code is empty and no locator was given/ },
      { withoutLocator: true },
    );
  });

  it('refuses an empty file', async () => {
    await refuse('sensors', '', { location: 'file', reason: /empty: a header row is needed/ });
  });

  it('refuses a file that cannot be read', async () => {
    const { store, dir } = await baseline();
    const before = rowCounts(store);
    const file = `${dir}/missing.csv`;
    await expectRefused(importCityFile(store, file, { kind: 'tickets', crs: 'WGS-84', cityOutline }), {
      file,
      location: 'file',
      reason: /cannot read the file/,
    });
    expect(rowCounts(store)).toEqual(before);
  });
});
