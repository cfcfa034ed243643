/** A real store in a temporary data directory, with a two-county sliver of city to scope operators in. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IdentityService, type IdentityServiceOptions } from '../../../../../electron/services/identity';
import { openStore, type Store } from '../../../../../electron/services/store/store';

/** Cheap scrypt for tests (2^12): the defaults are checked once in password-hash.test.ts. */
export const TEST_SCRYPT = { N: 2 ** 12, r: 8, p: 1 };
export const GOOD_PASSWORD = 'amber-lantern-91-harbour';
export const OTHER_PASSWORD = 'quiet-orchard-walks-47';

/** A clock the test moves. */
export function testClock(start = Date.UTC(2025, 6, 1, 8)): { now: () => number; advance: (ms: number) => void } {
  let time = start;
  return { now: () => time, advance: (ms) => (time += ms) };
}

export function tempDataDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'gridline-identity-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Counties 410102 (中原区) and 410105 (金水区); L1 grid ZY-01 with an L2 child ZY-01-01. */
export function seedCity(store: Store): void {
  const blob = Buffer.alloc(16);
  const county = store.writer.prepare(
    `INSERT INTO counties (id, code, name, name_en, kind, seat_lon, seat_lat, geometry, min_lon, min_lat, max_lon,
       max_lat, centroid_lon, centroid_lat, area_km2) VALUES (?, ?, ?, ?, 'district', 113.6, 34.7, ?, 0, 0, 1, 1, 0.5,
       0.5, 1)`,
  );
  county.run(1, '410102', '中原区', 'Zhongyuan', blob);
  county.run(2, '410105', '金水区', 'Jinshui', blob);
  const grid = store.writer.prepare(
    `INSERT INTO grids (id, code, name, level, parent_id, county_id, type, geometry, min_lon, min_lat, max_lon, max_lat,
       centroid_lon, centroid_lat, area_km2) VALUES (?, ?, ?, ?, ?, 1, 'urban', ?, 0, 0, 1, 1, 0.5, 0.5, 1)`,
  );
  grid.run(1, 'ZY-01', '林山寨街道', 'L1', null, blob);
  grid.run(2, 'ZY-01-01', '林山寨一社区', 'L2', 1, blob);
}

export interface IdentityHarness {
  dir: string;
  store: Store;
  identity: IdentityService;
  clock: ReturnType<typeof testClock>;
  /** Closes and reopens the store and the service on the same data directory: a restart. */
  restart(): void;
  close(): void;
}

export function identityHarness(options: IdentityServiceOptions = {}): IdentityHarness {
  const { dir, remove } = tempDataDir();
  const clock = testClock();
  const open = (): { store: Store; identity: IdentityService } => {
    const store = openStore(dir);
    return { store, identity: new IdentityService(store, { now: clock.now, scrypt: TEST_SCRYPT, ...options }) };
  };
  const harness: IdentityHarness = {
    dir,
    clock,
    ...open(),
    restart() {
      harness.store.close();
      Object.assign(harness, open());
    },
    close() {
      harness.store.close();
      remove();
    },
  };
  seedCity(harness.store);
  return harness;
}
