/**
 * Generates the embedded default city into an empty store, deterministically from a seed: counties and the grid
 * hierarchy first (one transaction, so the map can show them at once), then workers, cameras and sensors, then the
 * ticket history in batches (each its own transaction, yielding between them so a console stays responsive and can
 * show progress). An interrupted generation is detected at the next start and redone from scratch.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CHANNELS } from '../../../../shared/domain/channels';
import { encodePolygonBlob } from '../../../../shared/geo/polygon-blob';
import type { LngLat } from '../../../../shared/geo/types';
import { TICKETS_BY_GRID_INDEX } from '../../store/migrations/0003-ticket-grid-index';
import { TICKETS_OPEN_INDEX } from '../../store/migrations/0004-open-ticket-index';
import { TICKETS_BY_STATUS_TIME_INDEX } from '../../store/migrations/0013-ticket-status-time-index';
import type { Store } from '../../store/store';
import { CityService } from '../city-service';
import { TicketBlockWriter } from '../../tickets/ticket-blocks';
import { loadTaxonomy, type CityTaxonomy } from '../taxonomy-loader';
import { generateGrids, type GeneratedGrid } from './grids';
import { generateCameras, generateSensors, generateWorkers } from './population';
import { Random } from './random';
import { CITY_COUNTS, TICKET_HISTORY, type CityScale } from './scale';
import { generateTickets, type Season, type TicketBatch, type TicketCategory } from './tickets';
import { EMERGENCY_TABLES } from '../../store/migrations/0015-emergency-modes';

export const GENERATION_PHASES = ['grids', 'workers', 'cameras', 'sensors', 'tickets', 'finishing'] as const;
export type GenerationPhase = (typeof GENERATION_PHASES)[number];

export interface GenerationProgress {
  phase: GenerationPhase;
  phaseDone: number;
  phaseTotal: number;
  /** 0..1 over the whole generation. */
  fraction: number;
  elapsedSeconds: number;
  /** null until there is enough progress to estimate. */
  etaSeconds: number | null;
}

export interface GenerateOptions {
  scale: CityScale;
  seed?: number;
  /** The repository's or the installed app's resources/ (default: ./resources). */
  resourcesDir?: string;
  onProgress?: (progress: GenerationProgress) => void;
  /** Checked between phases and batches: an aborted generation stops and leaves a partial city (redone next start). */
  signal?: AbortSignal;
}

export interface GenerationSummary {
  scale: CityScale;
  seed: number;
  grids: number;
  workers: number;
  cameras: number;
  sensors: number;
  tickets: number;
  seconds: number;
}

export class CityExistsError extends Error {}

/** Share of the total time each phase takes at full scale (measured), for one honest progress bar. */
const PHASE_WEIGHT: Record<GenerationPhase, number> = {
  grids: 0.08,
  workers: 0.03,
  cameras: 0.02,
  sensors: 0.03,
  tickets: 0.82,
  finishing: 0.02,
};

export const DEFAULT_SEED = 20_240_720;

/** True when the store holds a complete city; a half-written one (interrupted) counts as absent. */
export function cityState(store: Store): 'empty' | 'partial' | 'complete' {
  const row = store.writer.prepare("SELECT value FROM city_meta WHERE key = 'state'").get() as
    { value: string } | undefined;
  if (!row) return 'empty';
  return row.value === 'complete' ? 'complete' : 'partial';
}

function wipeCity(store: Store): void {
  store.writer.transaction(() => {
    for (const table of [
      'ticket_blocks',
      'ticket_photos',
      'ticket_timeline',
      'live_tickets',
      'ticket_stream_rejects',
      ...EMERGENCY_TABLES,
      'tickets',
      'sensors',
      'cameras',
      'workers',
      'grids',
      'departments',
      'categories',
      'channels',
      'counties',
      'city_meta',
    ]) {
      store.writer.exec(`DELETE FROM ${table}`);
    }
    store.writer.exec('UPDATE ticket_stream SET seq = 0, stream = NULL');
  })();
}

export class GenerationAbortedError extends Error {}

function seasonOf(category: { code: string; name: string }): Season {
  if (/积水|内涝|防汛|汛|暴雨|排水/.test(category.name)) return 'flood';
  if (/供热|暖气|采暖/.test(category.name)) return 'heating';
  if (/噪声|蚊|烧烤|空调|游泳/.test(category.name)) return 'summer';
  return 'none';
}

export async function generateCity(store: Store, options: GenerateOptions): Promise<GenerationSummary> {
  const started = Date.now();
  const seed = options.seed ?? DEFAULT_SEED;
  const counts = CITY_COUNTS[options.scale];
  const resourcesDir = options.resourcesDir ?? resolve('resources');
  const state = cityState(store);
  if (state === 'complete') throw new CityExistsError('the store already holds a city; use a fresh data directory');
  if (state === 'partial') wipeCity(store);

  let fractionBefore = 0;
  const report = (phase: GenerationPhase, done: number, total: number): void => {
    if (!options.onProgress) return;
    const fraction = Math.min(1, fractionBefore + PHASE_WEIGHT[phase] * (total > 0 ? done / total : 1));
    const elapsedSeconds = (Date.now() - started) / 1000;
    const etaSeconds = fraction > 0.02 ? (elapsedSeconds * (1 - fraction)) / fraction : null;
    options.onProgress({ phase, phaseDone: done, phaseTotal: total, fraction, elapsedSeconds, etaSeconds });
  };
  const finishPhase = (phase: GenerationPhase): void => {
    fractionBefore += PHASE_WEIGHT[phase];
  };

  const yieldToEventLoop = async (): Promise<void> => {
    await new Promise((resolvePromise) => setImmediate(resolvePromise));
    if (options.signal?.aborted) throw new GenerationAbortedError('generation aborted');
  };

  const random = new Random(seed);
  const outline = new CityService(resourcesDir).getOutline();
  const outlineRing = outline.polygons[0]![0]! as LngLat[];
  const taxonomy = loadTaxonomy(resourcesDir);
  const river = (
    JSON.parse(readFileSync(join(resourcesDir, 'city', 'yellow-river.geojson'), 'utf8')) as {
      features: { geometry: { coordinates: LngLat[] } }[];
    }
  ).features.flatMap((feature) => feature.geometry.coordinates);

  report('grids', 0, 1);
  let gridSteps = 0;
  const generated = generateGrids(outlineRing, counts, random.fork(1), () => {
    gridSteps++;
    report('grids', Math.min(gridSteps, 90), 100);
  });
  writeCityFrame(store, generated.counties, generated.grids, taxonomy, { seed, scale: options.scale });
  report('grids', 1, 1);
  finishPhase('grids');

  const db = store.writer;
  const workers = generateWorkers(generated.grids, counts, random.fork(2));
  const insertWorker = db.prepare(
    'INSERT INTO workers (code, name, role, shift, grid_id, phone, lon, lat) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  db.transaction(() => workers.forEach((row) => insertWorker.run(row)))();
  report('workers', 1, 1);
  finishPhase('workers');
  await yieldToEventLoop();

  const cameras = generateCameras(generated.grids, counts, random.fork(3));
  const insertCamera = db.prepare('INSERT INTO cameras (code, kind, grid_id, lon, lat) VALUES (?, ?, ?, ?, ?)');
  db.transaction(() => cameras.forEach((row) => insertCamera.run(row)))();
  report('cameras', 1, 1);
  finishPhase('cameras');
  await yieldToEventLoop();

  const sensors = generateSensors(generated.grids, counts, river, random.fork(4));
  const insertSensor = db.prepare(
    'INSERT INTO sensors (code, kind, grid_id, lon, lat, unit, warn_threshold, alarm_threshold) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  db.transaction(() => sensors.forEach((row) => insertSensor.run(row)))();
  report('sensors', 1, 1);
  finishPhase('sensors');
  await yieldToEventLoop();

  const ticketCategories: TicketCategory[] = taxonomy.categoryRows
    .filter((row) => row.level === 3)
    .map((row) => ({ id: row.id, weight: row.weight ?? 1, season: seasonOf(row) }));
  const insertTicket = db.prepare(
    `INSERT INTO tickets (channel_id, category_id, grid_id, l1_id, lon, lat, status, reported_at, dispatched_at,
       closed_at, satisfaction) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertBatch = db.transaction((batch: TicketBatch) => {
    for (let i = 0; i < batch.size; i++) {
      insertTicket.run(
        batch.channel[i],
        batch.category[i],
        batch.grid[i],
        batch.l1[i],
        batch.lng[i],
        batch.lat[i],
        batch.status[i],
        batch.reported[i],
        batch.dispatched[i],
        batch.closed[i] || null,
        batch.satisfaction[i] || null,
      );
    }
  });
  // Millions of rows in random grid order: build the grid index once at the end instead of row by row.
  db.exec('DROP INDEX IF EXISTS tickets_by_grid');
  db.exec('DROP INDEX IF EXISTS tickets_open');
  db.exec('DROP INDEX IF EXISTS tickets_by_status_time');
  const blocks = new TicketBlockWriter(new Map(taxonomy.categoryRows.map((row) => [row.id, row.code])));
  let tickets = 0;
  for (const batch of generateTickets({
    total: counts.tickets,
    start: TICKET_HISTORY.start,
    end: TICKET_HISTORY.end,
    grids: generated.grids,
    categories: ticketCategories,
    random: random.fork(5),
  })) {
    insertBatch(batch);
    for (let i = 0; i < batch.size; i++) {
      blocks.add(batch.reported[i]!, batch.lng[i]!, batch.lat[i]!, batch.channel[i]!, batch.category[i]!);
    }
    tickets += batch.size;
    report('tickets', tickets, counts.tickets);
    await yieldToEventLoop();
  }
  finishPhase('tickets');

  report('finishing', 0, 1);
  db.exec(TICKETS_BY_GRID_INDEX);
  db.exec(TICKETS_OPEN_INDEX);
  db.exec(TICKETS_BY_STATUS_TIME_INDEX);
  blocks.write(store);
  db.pragma('optimize');
  const seconds = (Date.now() - started) / 1000;
  const setMeta = db.prepare('INSERT OR REPLACE INTO city_meta (key, value) VALUES (?, ?)');
  db.transaction(() => {
    setMeta.run('generate_seconds', seconds.toFixed(1));
    setMeta.run('finished_at', new Date().toISOString());
    setMeta.run('state', 'complete');
  })();
  report('finishing', 1, 1);
  return {
    scale: options.scale,
    seed,
    grids: generated.grids.length,
    workers: workers.length,
    cameras: cameras.length,
    sensors: sensors.length,
    tickets,
    seconds,
  };
}

/** Counties, grids and the reference tables, in one transaction: the map's frame, visible before anything else. */
function writeCityFrame(
  store: Store,
  counties: ReturnType<typeof generateGrids>['counties'],
  grids: readonly GeneratedGrid[],
  taxonomy: CityTaxonomy,
  meta: { seed: number; scale: CityScale },
): void {
  const db = store.writer;
  const setMeta = db.prepare('INSERT OR REPLACE INTO city_meta (key, value) VALUES (?, ?)');
  const insertCounty = db.prepare(
    `INSERT INTO counties (id, code, name, name_en, kind, seat_lon, seat_lat, geometry, min_lon, min_lat, max_lon, max_lat,
       centroid_lon, centroid_lat, area_km2) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertGrid = db.prepare(
    `INSERT INTO grids (id, code, name, level, parent_id, county_id, type, exclusive_kind, households, geometry,
       min_lon, min_lat, max_lon, max_lat, centroid_lon, centroid_lat, area_km2)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertChannel = db.prepare('INSERT INTO channels (id, code, name, name_en) VALUES (?, ?, ?, ?)');
  const insertDepartment = db.prepare(
    'INSERT INTO departments (code, name, name_en, kind, county_id) VALUES (?, ?, ?, ?, ?)',
  );
  const insertCategory = db.prepare(
    `INSERT INTO categories (id, code, parent_id, level, name, name_en, department_kind, deadline_hours)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  db.transaction(() => {
    setMeta.run('state', 'generating');
    setMeta.run('source', 'generated');
    setMeta.run('seed', String(meta.seed));
    setMeta.run('scale', meta.scale);
    setMeta.run('started_at', new Date().toISOString());
    for (const channel of CHANNELS) insertChannel.run(channel.id, channel.code, channel.name, channel.nameEn);
    for (const county of counties) {
      const [west, south, east, north] = county.bbox;
      insertCounty.run(
        county.id,
        county.spec.code,
        county.spec.name,
        county.spec.nameEn,
        county.spec.kind,
        county.spec.seat[0],
        county.spec.seat[1],
        encodePolygonBlob(county.flat),
        west,
        south,
        east,
        north,
        county.centroid[0],
        county.centroid[1],
        county.areaKm2,
      );
    }
    for (const kind of taxonomy.departmentKinds) {
      if (kind.level === 'city') insertDepartment.run(`${kind.code}`, kind.name, kind.nameEn, kind.code, null);
      else {
        for (const county of counties) {
          insertDepartment.run(
            `${kind.code}@${county.spec.code}`,
            `${county.spec.name}${kind.name}`,
            `${county.spec.nameEn} ${kind.nameEn}`,
            kind.code,
            county.id,
          );
        }
      }
    }
    for (const row of taxonomy.categoryRows) {
      insertCategory.run(
        row.id,
        row.code,
        row.parentId,
        row.level,
        row.name,
        row.nameEn,
        row.departmentKind ?? null,
        row.deadlineHours ?? null,
      );
    }
    for (const grid of grids) {
      const [west, south, east, north] = grid.bbox;
      insertGrid.run(
        grid.id,
        grid.code,
        grid.name,
        grid.level,
        grid.parentId,
        grid.countyId,
        grid.type,
        grid.exclusiveKind,
        grid.households,
        encodePolygonBlob(grid.flat),
        west,
        south,
        east,
        north,
        grid.centroid[0],
        grid.centroid[1],
        grid.areaKm2,
      );
    }
  })();
}
