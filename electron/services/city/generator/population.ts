/**
 * Grid workers, cameras and lifeline sensors of the default city, placed where the grids and the density say they
 * belong. Rows are produced as plain tuples ready for the store's prepared inserts.
 */
import { flatContains } from '../../../../shared/geo/polygon-blob';
import type { LngLat } from '../../../../shared/geo/types';
import type { GeneratedGrid } from './grids';
import { pointInside } from './grids';
import { personName, phoneNumber } from './names';
import { apportion, type Random, WeightedPicker } from './random';
import type { CityCounts } from './scale';

export type WorkerRow = [
  code: string,
  name: string,
  role: string,
  shift: string,
  gridId: number,
  phone: string,
  lng: number,
  lat: number,
];
export type CameraRow = [code: string, kind: string, gridId: number, lng: number, lat: number];
export type SensorRow = [
  code: string,
  kind: string,
  gridId: number,
  lng: number,
  lat: number,
  unit: string,
  warn: number,
  alarm: number,
];

/** The grids a point can finally belong to: micro-grids, and rural L3 grids (urban L3 are tiled by micro-grids). */
export function leafGrids(grids: readonly GeneratedGrid[]): GeneratedGrid[] {
  return grids.filter((grid) => grid.level === 'micro' || (grid.level === 'L3' && grid.type === 'rural'));
}

const SHIFTS = ['day', 'day', 'day', 'day', 'day', 'evening', 'evening', 'night', 'on_call', 'on_call'] as const;

/**
 * Role mix at full scale: one full-time grid worker per L3, per micro-grid and per exclusive grid (the station's,
 * hospital's or mall's own 专属网格员), 28,000 cadres (DOMAIN.md); volunteers make up the rest.
 */
function roleCounts(counts: CityCounts): Record<'grid_worker' | 'cadre' | 'police_auxiliary' | 'volunteer', number> {
  const gridWorker = counts.l3 + counts.micro + counts.exclusive;
  const cadre = Math.round((28_000 / 221_000) * counts.workers);
  const police = Math.round((8_800 / 221_000) * counts.workers);
  return {
    grid_worker: gridWorker,
    cadre,
    police_auxiliary: police,
    volunteer: counts.workers - gridWorker - cadre - police,
  };
}

export function generateWorkers(grids: readonly GeneratedGrid[], counts: CityCounts, random: Random): WorkerRow[] {
  const rows: WorkerRow[] = [];
  const roles = roleCounts(counts);
  const push = (role: string, grid: GeneratedGrid): void => {
    const [lng, lat] = pointInside(grid, random);
    const code = `W${String(rows.length + 1).padStart(6, '0')}`;
    rows.push([code, personName(random), role, random.pick(SHIFTS), grid.id, phoneNumber(random), lng, lat]);
  };
  const ownWorker = grids.filter((grid) => grid.level === 'L3' || grid.level === 'micro' || grid.level === 'exclusive');
  for (const grid of ownWorker) push('grid_worker', grid);
  const l2 = grids.filter((grid) => grid.level === 'L2');
  const l2Picker = new WeightedPicker(l2.map((grid) => grid.households + 1));
  for (let i = 0; i < roles.cadre; i++) push('cadre', l2[l2Picker.pick(random)]!);
  for (let i = 0; i < roles.police_auxiliary; i++) push('police_auxiliary', l2[l2Picker.pick(random)]!);
  const leaves = leafGrids(grids);
  const leafPicker = new WeightedPicker(leaves.map((grid) => grid.households + 1));
  for (let i = 0; i < roles.volunteer; i++) push('volunteer', leaves[leafPicker.pick(random)]!);
  return rows;
}

/** Finds the leaf grid under a point inside a given L3 (its micro child, or itself when rural). */
function leafAt(l3: GeneratedGrid, point: LngLat, microByL3: Map<number, GeneratedGrid[]>): GeneratedGrid {
  for (const micro of microByL3.get(l3.id) ?? []) {
    const [west, south, east, north] = micro.bbox;
    if (point[0] < west || point[0] > east || point[1] < south || point[1] > north) continue;
    if (flatContains(micro.flat, point[0], point[1])) return micro;
  }
  return l3;
}

/** Places points by population (per L3 grid) and reports the leaf grid each lands in. */
export class LeafSampler {
  private readonly l3: GeneratedGrid[];
  private readonly picker: WeightedPicker;
  private readonly microByL3 = new Map<number, GeneratedGrid[]>();

  constructor(grids: readonly GeneratedGrid[], weight: (grid: GeneratedGrid) => number) {
    this.l3 = grids.filter((grid) => grid.level === 'L3');
    this.picker = new WeightedPicker(this.l3.map(weight));
    for (const grid of grids) {
      if (grid.level !== 'micro') continue;
      const list = this.microByL3.get(grid.parentId!) ?? [];
      list.push(grid);
      this.microByL3.set(grid.parentId!, list);
    }
  }

  /** A point and its leaf grid; `l3` is the L3 grid it lies in. */
  sample(random: Random): { point: LngLat; leaf: GeneratedGrid; l3: GeneratedGrid } {
    const l3 = this.l3[this.picker.pick(random)]!;
    const point = pointInside(l3, random);
    return { point, leaf: leafAt(l3, point, this.microByL3), l3 };
  }
}

const CAMERA_KINDS = [
  'public',
  'public',
  'public',
  'public',
  'traffic',
  'traffic',
  'traffic',
  'commercial',
  'school',
  'hospital',
] as const;
const EXCLUSIVE_CAMERA_KIND: Record<string, string> = {
  airport: 'airport',
  station: 'station',
  hospital: 'hospital',
  school: 'school',
  university: 'school',
  mall: 'commercial',
  market: 'commercial',
};

/** Cameras follow people, with a quarter of them concentrated on exclusive grids (stations, airport, malls…). */
export function generateCameras(grids: readonly GeneratedGrid[], counts: CityCounts, random: Random): CameraRow[] {
  const rows: CameraRow[] = [];
  const sampler = new LeafSampler(grids, (grid) => grid.weight * (grid.type === 'urban' ? 3 : 1));
  const exclusive = grids.filter((grid) => grid.level === 'exclusive');
  const atExclusive = Math.round(counts.cameras * 0.25);
  const exclusivePicker = new WeightedPicker(exclusive.map((grid) => grid.areaKm2 + 0.01));
  const locator = new LeafLocator(grids);
  for (let i = 0; i < counts.cameras; i++) {
    const code = `C${String(i + 1).padStart(6, '0')}`;
    if (i < atExclusive && exclusive.length > 0) {
      const grid = exclusive[exclusivePicker.pick(random)]!;
      const [lng, lat] = pointInside(grid, random);
      const kind = EXCLUSIVE_CAMERA_KIND[grid.exclusiveKind ?? ''] ?? 'public';
      // Cameras belong to the hierarchy's leaf grid; the exclusive grid overlays it.
      rows.push([code, kind, locator.locate([lng, lat])?.id ?? grid.parentId!, lng, lat]);
    } else {
      const { point, leaf } = sampler.sample(random);
      rows.push([code, random.pick(CAMERA_KINDS), leaf.id, point[0], point[1]]);
    }
  }
  return rows;
}

/** Finds the leaf grid at any point through a coarse bucket hash of leaf bounding boxes. */
class LeafLocator {
  private static readonly BUCKET_DEG = 0.01;
  private readonly buckets = new Map<number, GeneratedGrid[]>();

  constructor(grids: readonly GeneratedGrid[]) {
    for (const grid of leafGrids(grids)) {
      const [west, south, east, north] = grid.bbox;
      for (let x = LeafLocator.cell(west); x <= LeafLocator.cell(east); x++) {
        for (let y = LeafLocator.cell(south); y <= LeafLocator.cell(north); y++) {
          const key = x * 100_000 + y;
          const list = this.buckets.get(key) ?? [];
          list.push(grid);
          this.buckets.set(key, list);
        }
      }
    }
  }

  private static cell(degrees: number): number {
    return Math.floor(degrees / LeafLocator.BUCKET_DEG);
  }

  locate(point: LngLat): GeneratedGrid | undefined {
    const candidates = this.buckets.get(LeafLocator.cell(point[0]) * 100_000 + LeafLocator.cell(point[1])) ?? [];
    return candidates.find((grid) => flatContains(grid.flat, point[0], point[1]));
  }
}

interface SensorKind {
  kind: 'gas' | 'water' | 'heat' | 'water_level' | 'rainfall';
  share: number;
  unit: string;
  warn: number;
  alarm: number;
}

/** Lifeline networks (gas, water, heat) follow urban density; gauges sit by the Yellow River and in low streets. */
const SENSOR_KINDS: readonly SensorKind[] = [
  { kind: 'gas', share: 80_000, unit: '%LEL', warn: 20, alarm: 50 },
  { kind: 'water', share: 70_000, unit: 'MPa', warn: 0.18, alarm: 0.12 },
  { kind: 'heat', share: 45_000, unit: '°C', warn: 95, alarm: 110 },
  { kind: 'water_level', share: 15_000, unit: 'm', warn: 2.5, alarm: 3.5 },
  { kind: 'rainfall', share: 9_300, unit: 'mm/h', warn: 30, alarm: 50 },
];

export function generateSensors(
  grids: readonly GeneratedGrid[],
  counts: CityCounts,
  river: readonly LngLat[],
  random: Random,
): SensorRow[] {
  const rows: SensorRow[] = [];
  const perKind = apportion(
    counts.sensors,
    SENSOR_KINDS.map((kind) => kind.share),
    0,
  );
  const urban = new LeafSampler(grids, (grid) => (grid.type === 'urban' ? grid.weight * 4 : grid.weight * 0.3));
  const nearRiver = new LeafSampler(grids, (grid) => {
    const km = distanceToLineKm(grid.centroid, river);
    return Math.exp(-km / 4) + 0.05;
  });
  SENSOR_KINDS.forEach((spec, k) => {
    const sampler = spec.kind === 'water_level' || spec.kind === 'rainfall' ? nearRiver : urban;
    for (let i = 0; i < perKind[k]!; i++) {
      const { point, leaf } = sampler.sample(random);
      const code = `S${String(rows.length + 1).padStart(6, '0')}`;
      rows.push([code, spec.kind, leaf.id, point[0], point[1], spec.unit, spec.warn, spec.alarm]);
    }
  });
  return rows;
}

function distanceToLineKm([lng, lat]: LngLat, line: readonly LngLat[]): number {
  const kx = 111.2 * Math.cos((lat * Math.PI) / 180);
  const ky = 111.2;
  let best = Infinity;
  for (let i = 0; i + 1 < line.length; i++) {
    const ax = (line[i]![0] - lng) * kx;
    const ay = (line[i]![1] - lat) * ky;
    const bx = (line[i + 1]![0] - lng) * kx;
    const by = (line[i + 1]![1] - lat) * ky;
    const dx = bx - ax;
    const dy = by - ay;
    const t = Math.max(0, Math.min(1, -(ax * dx + ay * dy) / (dx * dx + dy * dy || 1)));
    best = Math.min(best, Math.hypot(ax + t * dx, ay + t * dy));
  }
  return best;
}
