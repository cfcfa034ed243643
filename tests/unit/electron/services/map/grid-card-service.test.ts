import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateCity } from '../../../../../electron/services/city/generator/generate-city';
import { GridLocator } from '../../../../../electron/services/city/grid-locator';
import { GridCardService } from '../../../../../electron/services/map/grid-card-service';
import { openStore, type Store } from '../../../../../electron/services/store/store';

const resourcesDir = join(import.meta.dirname, '..', '..', '..', '..', '..', 'resources');

/** Independent counts: generated codes nest (an L3 code starts with its L2's, which starts with its L1's). */
function countsByCode(store: Store, code: string) {
  const db = store.reader();
  const n = (sql: string): number => (db.prepare(sql).get(`${code}%`) as { n: number }).n;
  return {
    workers: n('SELECT COUNT(*) AS n FROM workers w JOIN grids g ON g.id = w.grid_id WHERE g.code LIKE ?'),
    cameras: n('SELECT COUNT(*) AS n FROM cameras c JOIN grids g ON g.id = c.grid_id WHERE g.code LIKE ?'),
    sensors: n('SELECT COUNT(*) AS n FROM sensors s JOIN grids g ON g.id = s.grid_id WHERE g.code LIKE ?'),
    openTickets: n(
      'SELECT COUNT(*) AS n FROM tickets t JOIN grids g ON g.id = t.grid_id WHERE g.code LIKE ? AND t.status IN (0, 1, 2, 3, 7)',
    ),
  };
}

describe('grid cards', () => {
  let store: Store;
  let cards: GridCardService;
  beforeAll(async () => {
    store = openStore(mkdtempSync(join(tmpdir(), 'gridline-cards-')));
    await generateCity(store, { scale: 'small', seed: 2, resourcesDir });
    cards = new GridCardService(store, new GridLocator(store), () => Date.UTC(2026, 10, 23, 2) / 1000);
  });

  it.each(['L1', 'L2', 'L3'] as const)(
    'opens the %s grid under a point, with its parents and subtree counts',
    (level) => {
      const grid = store
        .reader()
        .prepare(
          'SELECT id, code, centroid_lon AS lng, centroid_lat AS lat FROM grids WHERE level = ? ORDER BY households DESC LIMIT 1',
        )
        .get(level) as { id: number; code: string; lng: number; lat: number };
      const card = cards.cardAt(grid.lng, grid.lat, level)!;
      expect(card.grid.level).toBe(level);
      // A centroid can fall outside a concave grid: the card is of the grid actually under the point.
      const expected = countsByCode(store, card.grid.code);
      expect(card).toMatchObject(expected);
      expect(card.parents.map((parent) => parent.level)).toEqual({ L1: [], L2: ['L1'], L3: ['L1', 'L2'] }[level]);
      expect(card.workersOnDuty).toBeLessThanOrEqual(card.workers);
      expect(card.workersOnDuty).toBeGreaterThan(0);
    },
  );

  it('answers null outside the city', () => {
    expect(cards.cardAt(100, 20, 'L1')).toBeNull();
  });
});
