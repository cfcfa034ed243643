/**
 * The grid hierarchy of the default city: county-level units, then L1 → L2 → L3 → micro, each level a partition of
 * its parent (partition.ts), plus exclusive overlay grids at stations, hospitals, schools and the like. Counts come
 * out exactly as published; sizes follow the density surface.
 */
import { multiPolygonAreaKm2 } from '../../../../shared/geo/area';
import {
  flatBBox,
  flatCentroid,
  flatContains,
  flattenPolygons,
  type FlatPolygons,
} from '../../../../shared/geo/polygon-blob';
import type { BBox, LngLat } from '../../../../shared/geo/types';
import type { ExclusiveKind, GridLevel } from '../grid-model';
import { COUNTY_SPECS, type CountySpec } from './counties';
import { createDensity } from './density';
import { communityName, compoundName, placeWord, streetName } from './names';
import { partitionPolygons, type MultiPolygonRings } from './partition';
import { apportion, type Random, WeightedPicker } from './random';
import type { CityCounts } from './scale';

export interface Shape {
  polygons: MultiPolygonRings;
  flat: FlatPolygons;
  bbox: BBox;
  centroid: LngLat;
  areaKm2: number;
}

export interface GeneratedCounty extends Shape {
  id: number;
  spec: CountySpec;
}

export interface GeneratedGrid extends Shape {
  id: number;
  code: string;
  name: string;
  level: GridLevel;
  parentId: number | null;
  countyId: number;
  type: 'urban' | 'rural' | 'exclusive';
  exclusiveKind: ExclusiveKind | null;
  households: number;
  /** Relative population, for placing people, devices and tickets. */
  weight: number;
}

export interface GeneratedGrids {
  counties: GeneratedCounty[];
  grids: GeneratedGrid[];
  density: (lng: number, lat: number) => number;
}

export function shapeOf(polygons: MultiPolygonRings): Shape {
  const flat = flattenPolygons(polygons);
  return { polygons, flat, bbox: flatBBox(flat), centroid: flatCentroid(flat), areaKm2: multiPolygonAreaKm2(polygons) };
}

/** A uniformly random point inside a shape (rejection in its bbox; the centroid if the shape is a sliver). */
export function pointInside(shape: Pick<Shape, 'flat' | 'bbox' | 'centroid'>, random: Random): LngLat {
  const [west, south, east, north] = shape.bbox;
  for (let attempt = 0; attempt < 200; attempt++) {
    const lng = random.range(west, east);
    const lat = random.range(south, north);
    if (flatContains(shape.flat, lng, lat)) return [lng, lat];
  }
  return shape.centroid;
}

/** `n` seeds inside a shape, denser where the density surface is high. */
function seedsInside(shape: Shape, n: number, density: (lng: number, lat: number) => number, random: Random): LngLat[] {
  const [west, south, east, north] = shape.bbox;
  let peak = 0;
  for (let i = 0; i <= 6; i++) {
    for (let j = 0; j <= 6; j++)
      peak = Math.max(peak, density(west + ((east - west) * i) / 6, south + ((north - south) * j) / 6));
  }
  peak *= 1.5;
  const seeds: LngLat[] = [];
  for (let attempt = 0; seeds.length < n; attempt++) {
    const p: LngLat = [random.range(west, east), random.range(south, north)];
    if (!flatContains(shape.flat, p[0], p[1])) continue;
    // After many misses, stop weighting: a sliver of low density must still get its seeds.
    if (attempt < 400 * n && random.next() * peak > density(p[0], p[1])) continue;
    seeds.push(p);
  }
  return seeds;
}

/** Splits a shape into exactly n non-empty cells (re-seeding in the rare case two seeds swallow a cell). */
function split(shape: Shape, n: number, density: (lng: number, lat: number) => number, random: Random): Shape[] {
  for (let attempt = 0; ; attempt++) {
    const cells = partitionPolygons(shape.polygons, seedsInside(shape, n, density, random));
    if (cells.every((cell) => cell.length > 0) || attempt >= 20) {
      if (!cells.every((cell) => cell.length > 0)) throw new Error('could not split a grid into non-empty cells');
      return cells.map(shapeOf);
    }
  }
}

const weightOf = (shape: Shape, density: (lng: number, lat: number) => number): number =>
  density(shape.centroid[0], shape.centroid[1]) * shape.areaKm2;

const EXCLUSIVE_WORDS: Record<ExclusiveKind, readonly string[]> = {
  airport: ['通用机场'],
  station: ['公交枢纽站', '地铁换乘站', '长途汽车站'],
  hospital: ['医院', '中医院', '妇幼保健院', '社区卫生服务中心'],
  school: ['小学', '中学', '实验学校', '幼儿园'],
  university: ['大学', '学院', '职业技术学院'],
  mall: ['购物中心', '商场', '商业广场'],
  market: ['农贸市场', '批发市场', '菜市场'],
  park: ['公园', '游园', '湿地公园'],
  stadium: ['体育馆', '体育场'],
  government: ['政务服务中心', '便民服务中心'],
};

/** Footprint radius by kind, km. */
const EXCLUSIVE_RADIUS_KM: Record<ExclusiveKind, number> = {
  airport: 1.2,
  station: 0.25,
  hospital: 0.15,
  school: 0.12,
  university: 0.45,
  mall: 0.15,
  market: 0.1,
  park: 0.3,
  stadium: 0.2,
  government: 0.08,
};

/** Relative numbers of each kind among the generated (not named) exclusive grids. */
const EXCLUSIVE_MIX: Record<ExclusiveKind, number> = {
  airport: 0,
  station: 120,
  hospital: 620,
  school: 2150,
  university: 64,
  mall: 480,
  market: 690,
  park: 470,
  stadium: 36,
  government: 202,
};

/** Real places that are exclusive grids in Zhengzhou (DOMAIN.md), WGS-84, approximate. */
const NAMED_EXCLUSIVE: readonly { name: string; kind: ExclusiveKind; at: LngLat; radiusKm: number }[] = [
  { name: '新郑国际机场', kind: 'airport', at: [113.841, 34.527], radiusKm: 2.2 },
  { name: '郑州东站', kind: 'station', at: [113.773, 34.76], radiusKm: 0.6 },
  { name: '郑州站', kind: 'station', at: [113.659, 34.745], radiusKm: 0.4 },
  { name: '郑州航空港站', kind: 'station', at: [113.818, 34.52], radiusKm: 0.35 },
  { name: '郑州大学', kind: 'university', at: [113.536, 34.818], radiusKm: 0.9 },
  { name: '郑州大学第一附属医院', kind: 'hospital', at: [113.655, 34.756], radiusKm: 0.25 },
  { name: '河南省人民医院', kind: 'hospital', at: [113.677, 34.757], radiusKm: 0.2 },
  { name: '二七广场商圈', kind: 'mall', at: [113.665, 34.753], radiusKm: 0.3 },
  { name: '郑州奥林匹克体育中心', kind: 'stadium', at: [113.557, 34.734], radiusKm: 0.5 },
  { name: '如意湖CBD', kind: 'park', at: [113.729, 34.773], radiusKm: 0.5 },
  { name: '紫荆山公园', kind: 'park', at: [113.685, 34.766], radiusKm: 0.3 },
];

const KM_PER_DEG_LAT = 111.2;

function octagon([lng, lat]: LngLat, radiusKm: number, rotation: number): [number, number][] {
  const kmPerDegLng = KM_PER_DEG_LAT * Math.cos((lat * Math.PI) / 180);
  const ring: [number, number][] = [];
  for (let k = 0; k < 8; k++) {
    const angle = rotation + (k * Math.PI) / 4;
    ring.push([lng + (Math.cos(angle) * radiusKm) / kmPerDegLng, lat + (Math.sin(angle) * radiusKm) / KM_PER_DEG_LAT]);
  }
  ring.push(ring[0]!);
  return ring;
}

/** Places exclusive grids that do not overlap each other and lie wholly inside one L1 grid. */
class ExclusivePlacer {
  private readonly placed: { lng: number; lat: number; radiusKm: number }[] = [];
  private readonly buckets = new Map<string, number[]>();
  private static readonly BUCKET_DEG = 0.05;

  fits(centre: LngLat, radiusKm: number, parent: Shape): [number, number][] | undefined {
    const ring = octagon(centre, radiusKm, Math.PI / 8);
    if (!ring.every(([lng, lat]) => flatContains(parent.flat, lng, lat))) return undefined;
    const bx = Math.floor(centre[0] / ExclusivePlacer.BUCKET_DEG);
    const by = Math.floor(centre[1] / ExclusivePlacer.BUCKET_DEG);
    const kmPerDegLng = KM_PER_DEG_LAT * Math.cos((centre[1] * Math.PI) / 180);
    for (let dx = -1; dx <= 1; dx++) {
      for (let dy = -1; dy <= 1; dy++) {
        for (const index of this.buckets.get(`${bx + dx}:${by + dy}`) ?? []) {
          const other = this.placed[index]!;
          const distance = Math.hypot((other.lng - centre[0]) * kmPerDegLng, (other.lat - centre[1]) * KM_PER_DEG_LAT);
          // Octagons inscribe their circle at cos(22.5°); a 2% margin keeps even touching edges apart.
          if (distance < (other.radiusKm + radiusKm) * 1.02) return undefined;
        }
      }
    }
    return ring;
  }

  add(centre: LngLat, radiusKm: number): void {
    const key = `${Math.floor(centre[0] / ExclusivePlacer.BUCKET_DEG)}:${Math.floor(centre[1] / ExclusivePlacer.BUCKET_DEG)}`;
    const list = this.buckets.get(key) ?? [];
    list.push(this.placed.length);
    this.buckets.set(key, list);
    this.placed.push({ lng: centre[0], lat: centre[1], radiusKm });
  }
}

export interface GridProgress {
  (phase: 'counties' | 'l1' | 'l2' | 'l3' | 'micro' | 'exclusive', done: number, total: number): void;
}

export function generateGrids(
  outlineRing: LngLat[],
  counts: CityCounts,
  random: Random,
  progress: GridProgress = () => undefined,
): GeneratedGrids {
  const density = createDensity(
    COUNTY_SPECS.map((spec) => ({ lng: spec.seat[0], lat: spec.seat[1], weight: spec.population * 0.5 })),
  );
  const outline = shapeOf([[outlineRing.map(([lng, lat]) => [lng, lat] as [number, number])]]);

  // County-level units: Voronoi cells of the real seats inside the real outline (synthetic boundaries).
  const countyCells = partitionPolygons(
    outline.polygons,
    COUNTY_SPECS.map((spec) => spec.seat),
  );
  const counties: GeneratedCounty[] = COUNTY_SPECS.map((spec, index) => ({
    id: index + 1,
    spec,
    ...shapeOf(countyCells[index]!),
  }));
  progress('counties', counties.length, counties.length);

  const grids: GeneratedGrid[] = [];
  const add = (grid: Omit<GeneratedGrid, 'id'>): GeneratedGrid => {
    const full = { ...grid, id: grids.length + 1 };
    grids.push(full);
    return full;
  };

  // L1: street-level units, shared out by population.
  const l1PerCounty = apportion(
    counts.l1,
    counties.map((county) => county.spec.population),
    2,
  );
  const l1: GeneratedGrid[] = [];
  counties.forEach((county, c) => {
    const cells = split(county, l1PerCounty[c]!, density, random);
    cells.forEach((cell, k) => {
      l1.push(
        add({
          ...cell,
          code: `${county.spec.code}${String(k + 1).padStart(3, '0')}`,
          name: streetName(random, county.spec.rural, k),
          level: 'L1',
          parentId: null,
          countyId: county.id,
          type: county.spec.rural ? 'rural' : 'urban',
          exclusiveKind: null,
          households: 0,
          weight: weightOf(cell, density),
        }),
      );
    });
    progress('l1', l1.length, counts.l1);
  });

  const splitLevel = (
    parents: GeneratedGrid[],
    total: number,
    level: GridLevel,
    phase: 'l2' | 'l3' | 'micro',
    name: (parent: GeneratedGrid, index: number) => string,
    codeDigits: number,
  ): GeneratedGrid[] => {
    const perParent = apportion(
      total,
      parents.map((parent) => parent.weight),
      1,
    );
    const children: GeneratedGrid[] = [];
    parents.forEach((parent, p) => {
      split(parent, perParent[p]!, density, random).forEach((cell, k) => {
        children.push(
          add({
            ...cell,
            code: `${parent.code}${String(k + 1).padStart(codeDigits, '0')}`,
            name: name(parent, k),
            level,
            parentId: parent.id,
            countyId: parent.countyId,
            type: parent.type,
            exclusiveKind: null,
            households: 0,
            weight: weightOf(cell, density),
          }),
        );
      });
      if (p % 64 === 0 || p === parents.length - 1) progress(phase, children.length, total);
    });
    return children;
  };

  const l2 = splitLevel(l1, counts.l2, 'L2', 'l2', (parent) => communityName(random, parent.type === 'rural'), 3);
  const l3 = splitLevel(l2, counts.l3, 'L3', 'l3', (parent, k) => compoundName(random, parent.type === 'rural', k), 3);

  // The densest L3 grids are urban (residential compounds), the rest rural (village groups).
  const byDensity = [...l3].sort((a, b) => b.weight / b.areaKm2 - a.weight / a.areaKm2 || a.id - b.id);
  const urban = new Set(byDensity.slice(0, counts.urbanL3).map((grid) => grid.id));
  for (const grid of l3) grid.type = urban.has(grid.id) ? 'urban' : 'rural';
  const urbanL3 = l3.filter((grid) => grid.type === 'urban');

  const micro = splitLevel(urbanL3, counts.micro, 'micro', 'micro', (parent, k) => `${parent.name}${k + 1}号楼`, 3);

  // Households: 50–70 per micro-grid; urban L3 = its micro-grids; rural L3 share the rest by population.
  const byId = new Map(grids.map((grid) => [grid.id, grid]));
  for (const grid of micro) {
    grid.households = random.int(50, 70);
    byId.get(grid.parentId!)!.households += grid.households;
  }
  const urbanHouseholds = micro.reduce((sum, grid) => sum + grid.households, 0);
  const rural = l3.filter((grid) => grid.type === 'rural');
  const ruralShares = apportion(
    Math.max(0, counts.households - urbanHouseholds),
    rural.map((grid) => grid.weight),
    0,
  );
  rural.forEach((grid, i) => {
    grid.households = ruralShares[i]!;
  });
  for (const grid of [...l3, ...l2]) byId.get(grid.parentId!)!.households += grid.households;
  // An L1/L2 grid is urban when most of its households are (L2 first: L1 reads their types).
  const urbanHouseholdsOf = new Map<number, number>();
  for (const grid of [...l3, ...l2]) {
    if (grid.level === 'L2')
      grid.type = (urbanHouseholdsOf.get(grid.id) ?? 0) * 2 >= grid.households ? 'urban' : 'rural';
    if (grid.type === 'urban') {
      urbanHouseholdsOf.set(grid.parentId!, (urbanHouseholdsOf.get(grid.parentId!) ?? 0) + grid.households);
    }
  }
  for (const grid of l1) grid.type = (urbanHouseholdsOf.get(grid.id) ?? 0) * 2 >= grid.households ? 'urban' : 'rural';

  generateExclusive(grids, l1, l3, counties, counts.exclusive, random, add, progress);
  return { counties, grids, density };
}

function generateExclusive(
  grids: GeneratedGrid[],
  l1: GeneratedGrid[],
  l3: GeneratedGrid[],
  counties: GeneratedCounty[],
  total: number,
  random: Random,
  add: (grid: Omit<GeneratedGrid, 'id'>) => GeneratedGrid,
  progress: GridProgress,
): void {
  const placer = new ExclusivePlacer();
  const seqByCounty = new Map<number, number>();
  const l1ById = new Map(l1.map((grid) => [grid.id, grid]));
  const l2ById = new Map(grids.filter((grid) => grid.level === 'L2').map((grid) => [grid.id, grid]));
  const l1Of = (leaf: GeneratedGrid): GeneratedGrid => l1ById.get(l2ById.get(leaf.parentId!)!.parentId!)!;

  const place = (
    name: string,
    kind: ExclusiveKind,
    centre: LngLat,
    radiusKm: number,
    parent: GeneratedGrid,
  ): boolean => {
    // Shrink until it fits inside its L1 and clear of its neighbours, down to 40 m.
    for (let r = radiusKm; r >= 0.04; r *= 0.8) {
      const ring = placer.fits(centre, r, parent);
      if (!ring) continue;
      placer.add(centre, r);
      const county = counties[parent.countyId - 1]!;
      const seq = (seqByCounty.get(county.id) ?? 0) + 1;
      seqByCounty.set(county.id, seq);
      add({
        ...shapeOf([[ring]]),
        code: `${county.spec.code}X${String(seq).padStart(4, '0')}`,
        name: `${name}专属网格`,
        level: 'exclusive',
        parentId: parent.id,
        countyId: parent.countyId,
        type: 'exclusive',
        exclusiveKind: kind,
        households: 0,
        weight: 0,
      });
      return true;
    }
    return false;
  };

  let placed = 0;
  for (const anchor of NAMED_EXCLUSIVE) {
    if (placed >= total) break;
    const parent = l1.find((grid) => flatContains(grid.flat, anchor.at[0], anchor.at[1]));
    if (parent && place(anchor.name, anchor.kind, anchor.at, anchor.radiusKm, parent)) placed++;
  }

  const kinds = Object.keys(EXCLUSIVE_MIX) as ExclusiveKind[];
  const perKind = apportion(
    total - placed,
    kinds.map((kind) => EXCLUSIVE_MIX[kind]),
    0,
  );
  const picker = new WeightedPicker(l3.map((grid) => grid.weight));
  kinds.forEach((kind, k) => {
    let left = perKind[k]!;
    for (let attempt = 0; left > 0; attempt++) {
      if (attempt > 2000 * (perKind[k]! + 1)) throw new Error(`could not place every ${kind} exclusive grid`);
      const leaf = l3[picker.pick(random)]!;
      const centre = pointInside(leaf, random);
      const word = random.pick(EXCLUSIVE_WORDS[kind]);
      const radius = EXCLUSIVE_RADIUS_KM[kind] * random.range(0.7, 1.3);
      if (place(`${placeWord(random)}${word}`, kind, centre, radius, l1Of(leaf))) {
        left--;
        placed++;
        if (placed % 256 === 0) progress('exclusive', placed, total);
      }
    }
  });
  progress('exclusive', placed, total);
}
