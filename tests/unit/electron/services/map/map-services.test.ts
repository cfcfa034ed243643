import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CityService } from '../../../../../electron/services/city/city-service';
import { generateCity } from '../../../../../electron/services/city/generator/generate-city';
import { loadGridGeometries, naiveLocate } from '../../../../../electron/services/city/grid-index';
import { GridLocator } from '../../../../../electron/services/city/grid-locator';
import { GridCardService } from '../../../../../electron/services/map/grid-card-service';
import { GridMetricsService } from '../../../../../electron/services/map/grid-metrics-service';
import { MapSearchService, zoomToFit } from '../../../../../electron/services/map/map-search-service';
import { PointCardService } from '../../../../../electron/services/map/point-card-service';
import { PointLayerService } from '../../../../../electron/services/map/point-layer-service';
import { TICKETS_OPEN_INDEX } from '../../../../../electron/services/store/migrations/0004-open-ticket-index';
import { openStore, type Store } from '../../../../../electron/services/store/store';

const resourcesDir = join(import.meta.dirname, '..', '..', '..', '..', '..', 'resources');
// 10:00 in Beijing: day shifts on duty. Late enough that the oldest open tickets are past their deadlines.
const NOW = Date.UTC(2026, 10, 23, 2) / 1000;
const clock = (): number => NOW;

let store: Store;
let grids: GridLocator;
beforeAll(async () => {
  store = openStore(mkdtempSync(join(tmpdir(), 'gridline-map-services-')));
  await generateCity(store, { scale: 'small', seed: 3, resourcesDir });
  grids = new GridLocator(store);
});

describe('grid metrics', () => {
  it.each(['L1', 'L2', 'L3', 'micro'] as const)(
    'gives every %s grid the counts its card shows, in boundary order',
    (level) => {
      const metrics = new GridMetricsService(store, clock).metrics(level);
      const boundaries = new CityService(resourcesDir, store).getBoundaries(level);
      expect([...metrics.ids]).toEqual([...boundaries.ids]);
      const cards = new GridCardService(store, grids, clock);
      // Every tenth grid: the card counts with recursive SQL, the metrics with one roll-up pass.
      for (let i = 0; i < metrics.ids.length; i += 10) {
        const card = cards.card(metrics.ids[i]!)!;
        expect([metrics.openTickets[i], metrics.overdueTickets[i], metrics.workersOnDuty[i]]).toEqual([
          card.openTickets,
          card.overdueTickets,
          card.workersOnDuty,
        ]);
      }
    },
  );

  it('counts overdue tickets against each category deadline, independently checked', () => {
    const metrics = new GridMetricsService(store, clock).metrics('L1');
    const overdue = (
      store
        .reader()
        .prepare(
          `SELECT COUNT(*) AS n FROM tickets t JOIN categories c ON c.id = t.category_id
           WHERE t.status IN (0, 1, 2, 3, 7) AND t.reported_at + c.deadline_hours * 3600 < ?`,
        )
        .get(NOW) as { n: number }
    ).n;
    const open = (
      store.reader().prepare('SELECT COUNT(*) AS n FROM tickets WHERE status IN (0, 1, 2, 3, 7)').get() as {
        n: number;
      }
    ).n;
    expect(metrics.overdueTickets.reduce((a, b) => a + b, 0)).toBe(overdue);
    expect(metrics.openTickets.reduce((a, b) => a + b, 0)).toBe(open);
    // Before the history began nothing could be overdue yet.
    const early = new GridMetricsService(store, () => Date.UTC(2024, 0, 1) / 1000).metrics('L1');
    expect(early.overdueTickets.every((n) => n === 0)).toBe(true);
  });

  it('keeps an answer for a minute, and recomputes after it or on invalidate', () => {
    let now = NOW;
    const service = new GridMetricsService(store, () => now);
    const first = service.metrics('L2');
    now += 30;
    expect(service.metrics('L2')).toBe(first);
    now += 31;
    expect(service.metrics('L2')).not.toBe(first);
    const second = service.metrics('L2');
    service.invalidate();
    expect(service.metrics('L2')).not.toBe(second);
  });
});

describe('grid cards by id', () => {
  it('opens an exclusive grid with the open tickets that lie inside its outline', () => {
    const cards = new GridCardService(store, grids, clock);
    const exclusive = store.reader().prepare("SELECT id FROM grids WHERE level = 'exclusive' ORDER BY id").all() as {
      id: number;
    }[];
    const geometries = loadGridGeometries(store.reader());
    const inside = new Map<number, number>();
    // Independent: every open ticket, located by brute force over all polygons.
    for (const { lon, lat } of store
      .reader()
      .prepare('SELECT lon, lat FROM tickets WHERE status IN (0, 1, 2, 3, 7)')
      .all() as { lon: number; lat: number }[]) {
      const where = naiveLocate(geometries, lon, lat).exclusive;
      if (where >= 0) inside.set(where, (inside.get(where) ?? 0) + 1);
    }
    expect(inside.size).toBeGreaterThan(0);
    for (const { id } of exclusive) {
      const card = cards.card(id)!;
      expect(card.grid.level).toBe('exclusive');
      expect(card.grid.exclusiveKind).not.toBeNull();
      expect(card.openTickets).toBe(inside.get(id) ?? 0);
      expect(card.overdueTickets).toBeLessThanOrEqual(card.openTickets);
      expect(card.parents.length).toBeGreaterThan(0);
    }
  });

  it('answers null for an unknown id', () => {
    expect(new GridCardService(store, grids, clock).card(9_999_999)).toBeNull();
  });

  it('still answers while a bulk load has dropped the open-ticket index, with the same counts', () => {
    const cards = new GridCardService(store, grids, clock);
    const id = (store.reader().prepare("SELECT id FROM grids WHERE level = 'L2' LIMIT 1").get() as { id: number }).id;
    const before = cards.card(id);
    store.writer.exec('DROP INDEX tickets_open');
    try {
      expect(cards.card(id)).toEqual(before);
    } finally {
      store.writer.exec(TICKETS_OPEN_INDEX);
    }
  });
});

describe('search', () => {
  const search = (): MapSearchService => new MapSearchService(store);
  const gridRow = (level: string) =>
    store.reader().prepare('SELECT id, code, name FROM grids WHERE level = ? ORDER BY id LIMIT 1').get(level) as {
      id: number;
      code: string;
      name: string;
    };

  it('finds a grid by its exact code first, then longer codes under it', () => {
    const l1 = gridRow('L1');
    const { hits, more } = search().search(l1.code, 5);
    expect(hits[0]).toMatchObject({ kind: 'grid', id: l1.id, detail: 'L1' });
    expect(hits.slice(1).every((hit) => hit.code.startsWith(l1.code))).toBe(true);
    expect(more).toBe(true);
  });

  it('finds a grid by part of its name, coarser levels first', () => {
    const l1 = gridRow('L1');
    const { hits } = search().search(l1.name);
    expect(hits[0]).toMatchObject({ kind: 'grid', id: l1.id });
    expect(hits.every((hit) => hit.name.includes(l1.name))).toBe(true);
  });

  it('finds cameras and sensors by code, case-insensitively, and by id', () => {
    const camera = store.reader().prepare('SELECT id, code FROM cameras ORDER BY id DESC LIMIT 1').get() as {
      id: number;
      code: string;
    };
    expect(search().search(camera.code.toLowerCase()).hits[0]).toMatchObject({ kind: 'cameras', id: camera.id });
    const byId = search().search(String(camera.id)).hits;
    expect(byId.some((hit) => hit.kind === 'cameras' && hit.id === camera.id)).toBe(true);
    expect(byId.some((hit) => hit.kind === 'sensors' && hit.id === camera.id)).toBe(true);
  });

  it('searches one grid level when asked (the broadcast desk), grids only', () => {
    const l2 = gridRow('L2');
    // The L1 code is a prefix of its L2 grids' codes: unfiltered, the street comes first.
    const l1Code = l2.code.slice(0, -3);
    expect(search().search(l1Code, 5).hits[0]).toMatchObject({ detail: 'L1' });
    const { hits } = search().search(l1Code, 50, 'L2');
    expect(hits.length).toBeGreaterThan(0);
    expect(hits.every((hit) => hit.kind === 'grid' && hit.detail === 'L2' && hit.code.startsWith(l1Code))).toBe(true);
    expect(hits.map((hit) => hit.id)).toContain(l2.id);
    // A device code never comes back for a level.
    const camera = store.reader().prepare('SELECT code FROM cameras ORDER BY id LIMIT 1').get() as { code: string };
    expect(search().search(camera.code, 5, 'L3').hits).toEqual([]);
  });

  it("says where each grid sits: its parent's name, or the county's for a street; nothing for a device", () => {
    const l2 = gridRow('L2');
    const parent = store
      .reader()
      .prepare('SELECT p.name FROM grids g JOIN grids p ON p.id = g.parent_id WHERE g.id = ?')
      .pluck()
      .get(l2.id) as string;
    expect(search().search(l2.code, 1, 'L2').hits[0]).toMatchObject({ id: l2.id, parent });
    const l1 = gridRow('L1');
    const county = store
      .reader()
      .prepare('SELECT c.name FROM grids g JOIN counties c ON c.id = g.county_id WHERE g.id = ?')
      .pluck()
      .get(l1.id) as string;
    expect(search().search(l1.code, 1, 'L1').hits[0]).toMatchObject({ id: l1.id, parent: county });
    const camera = store.reader().prepare('SELECT code FROM cameras ORDER BY id LIMIT 1').get() as { code: string };
    expect(search().search(camera.code).hits[0]).toMatchObject({ kind: 'cameras', parent: null });
  });

  it('treats LIKE wildcards and SQL as plain text', () => {
    expect(search().search('%').hits).toEqual([]);
    expect(search().search('_').hits).toEqual([]);
    expect(search().search("'; DROP TABLE grids; --").hits).toEqual([]);
    expect((store.reader().prepare('SELECT COUNT(*) AS n FROM grids').get() as { n: number }).n).toBeGreaterThan(0);
  });

  it.each([
    { span: [0.5, 0.5], zoomBetween: [8, 10] },
    { span: [0.01, 0.01], zoomBetween: [14, 16] },
    { span: [0, 0], zoomBetween: [17, 17] },
  ])('fits a $span degree box at a zoom within $zoomBetween', ({ span, zoomBetween }) => {
    const zoom = zoomToFit(span[0]!, span[1]!, 34.7);
    expect(zoom).toBeGreaterThanOrEqual(zoomBetween[0]!);
    expect(zoom).toBeLessThanOrEqual(zoomBetween[1]!);
  });
});

describe('device cards and status refresh', () => {
  it('says a camera has no stream configured, and names its grid chain', () => {
    const card = new PointCardService(store, clock).card('cameras', 1)!;
    expect(card).toMatchObject({ layer: 'cameras', id: 1, streamUrl: null });
    expect(card.chain.length).toBeGreaterThanOrEqual(3);
    expect(card.chain.at(-1)).toBe(card.grid.name);
  });

  it("gives a sensor's state, unit and thresholds", () => {
    const row = store
      .reader()
      .prepare('SELECT id, unit, warn_threshold AS warn FROM sensors ORDER BY id LIMIT 1')
      .get() as { id: number; unit: string; warn: number | null };
    const card = new PointCardService(store, clock).card('sensors', row.id)!;
    expect(card).toMatchObject({ layer: 'sensors', unit: row.unit, warnThreshold: row.warn, asOf: NOW });
    expect(['normal', 'warning', 'alarm', 'offline']).toContain(card.layer === 'sensors' && card.state);
  });

  it('answers null for an unknown device', () => {
    expect(new PointCardService(store, clock).card('sensors', 9_999_999)).toBeNull();
  });

  it('refreshes statuses as class bytes in the same order as the points', () => {
    const points = new PointLayerService(store, clock);
    for (const layer of ['workers', 'cameras', 'sensors'] as const) {
      expect(points.getClasses(layer)).toEqual({ layer, classes: points.getPoints(layer).classes, asOf: NOW });
    }
  });
});

describe('labels', () => {
  it('names every county-level unit, then every L1 grid, at its centroid', () => {
    const labels = new CityService(resourcesDir, store).getLabels();
    const count = (sql: string): number => (store.reader().prepare(sql).get() as { n: number }).n;
    const counties = count('SELECT COUNT(*) AS n FROM counties');
    const l1 = count("SELECT COUNT(*) AS n FROM grids WHERE level = 'L1'");
    expect(labels.names).toHaveLength(counties + l1);
    expect([...labels.ranks.slice(0, counties)].every((rank) => rank === 0)).toBe(true);
    expect([...labels.ranks.slice(counties)].every((rank) => rank === 1)).toBe(true);
    expect(labels.positions).toHaveLength(2 * (counties + l1));
    expect(labels.names.every((name) => /\p{Script=Han}/u.test(name))).toBe(true);
  });
});
