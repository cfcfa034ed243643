/**
 * What the KPI index groups and filters tickets by — county-level units (through each ticket's grid), intake channels
 * and the category tree with its leaves' deadlines — as small dense lookup tables, so the index can keep one byte or
 * two per ticket and a query maps them to groups by array lookups. Read from the store once, with the index.
 */
import type { Store } from '../../store/store';

const HOUR = 3600;

export interface KpiMember {
  id: number;
  code: string;
  name: string;
  nameEn: string;
}

export interface KpiCategory extends KpiMember {
  parentId: number | null;
  level: number;
  /** Hours from report to the handling deadline (leaves); null: never overdue. */
  deadlineHours: number | null;
}

export interface KpiDimensionRows {
  counties: readonly KpiMember[];
  channels: readonly KpiMember[];
  categories: readonly KpiCategory[];
  /** [grid id, county id] for every grid. */
  grids: readonly (readonly [number, number])[];
}

/** "No such member" in a dense lookup table. */
export const NONE = 0xffff;

export type CategoryLevel = 1 | 2 | 3;

/** Most (county, channel, category) combinations: a query's lookup table over them stays within 16 MB. */
const MAX_CELLS = 1 << 22;

export class KpiDimensions {
  readonly counties: readonly KpiMember[];
  readonly channels: readonly KpiMember[];
  readonly categories: readonly KpiCategory[];
  /** Grid id → county index (NONE for an unknown grid). */
  private readonly gridCounty: Uint16Array;
  private readonly countyIndex = new Map<number, number>();
  private readonly channelIndex = new Map<number, number>();
  private readonly categoryIndex = new Map<number, number>();
  /** Per category level: category index → index of its ancestor at that level (itself at or above it). */
  readonly categoryAt: readonly [Uint16Array, Uint16Array, Uint16Array];
  /** Category index → seconds from report to the deadline (Infinity: none). */
  readonly deadlineSeconds: Float64Array;
  /**
   * Cells: every (county, channel, category) combination, numbered county-major. The index keeps one cell number per
   * ticket, so a query folds its grouping and filters into one lookup table over the cells. The last number,
   * `cells`, is the dead cell: no group, never counted.
   */
  readonly cells: number;
  /** Cell → seconds from report to the deadline (Infinity for none and for the dead cell). */
  readonly cellDeadline: Float64Array;

  constructor(rows: KpiDimensionRows) {
    this.counties = rows.counties;
    this.channels = rows.channels;
    this.categories = [...rows.categories].sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
    if (this.counties.length >= 255 || this.channels.length >= 255) {
      throw new Error('the KPI index holds at most 254 county-level units and 254 channels');
    }
    if (this.categories.length >= NONE) throw new Error('the KPI index holds at most 65,534 categories');
    this.counties.forEach((county, i) => this.countyIndex.set(county.id, i));
    this.channels.forEach((channel, i) => this.channelIndex.set(channel.id, i));
    this.categories.forEach((category, i) => this.categoryIndex.set(category.id, i));

    const maxGrid = rows.grids.reduce((max, [id]) => Math.max(max, id), 0);
    this.gridCounty = new Uint16Array(maxGrid + 1).fill(NONE);
    for (const [gridId, countyId] of rows.grids) this.gridCounty[gridId] = this.countyIndex.get(countyId) ?? NONE;

    const n = this.categories.length;
    const parentIndex = this.categories.map((category) =>
      category.parentId === null ? -1 : (this.categoryIndex.get(category.parentId) ?? -1),
    );
    const levels = this.categories.map((category) => category.level);
    const at = (level: number): Uint16Array =>
      Uint16Array.from({ length: n }, (_, i) => {
        let k = i;
        for (let guard = 0; levels[k]! > level && parentIndex[k]! >= 0 && guard < 16; guard++) k = parentIndex[k]!;
        return k;
      });
    this.categoryAt = [at(1), at(2), at(3)];
    this.deadlineSeconds = Float64Array.from(this.categories, (category) =>
      category.deadlineHours === null ? Infinity : category.deadlineHours * HOUR,
    );
    this.cells = Math.max(1, this.counties.length * this.channels.length * n);
    if (this.cells > MAX_CELLS) {
      throw new Error(`the KPI index holds at most ${MAX_CELLS} county × channel × category combinations`);
    }
    this.cellDeadline = new Float64Array(this.cells + 1).fill(Infinity);
    for (let cell = 0; cell < this.cells; cell++) this.cellDeadline[cell] = this.deadlineSeconds[cell % n] ?? Infinity;
  }

  /** The cell of a (county, channel, category) index triple. */
  cellOf(county: number, channel: number, category: number): number {
    return (county * this.channels.length + channel) * this.categories.length + category;
  }

  /** A cell's [county, channel, category] indices. */
  partsOf(cell: number): [number, number, number] {
    const n = this.categories.length;
    const category = cell % n;
    const rest = (cell - category) / n;
    const channel = rest % this.channels.length;
    return [(rest - channel) / this.channels.length, channel, category];
  }

  /** The cell of a ticket's grid, channel and category ids; throws for ids the dimensions do not know. */
  cellOfTicket(gridId: number, channelId: number, categoryId: number): number {
    return this.cellOf(this.countyOfGrid(gridId), this.channelOf(channelId), this.categoryOf(categoryId));
  }

  static load(store: Store): KpiDimensions {
    const db = store.reader();
    return new KpiDimensions({
      counties: db.prepare('SELECT id, code, name, name_en AS nameEn FROM counties ORDER BY id').all() as KpiMember[],
      channels: db.prepare('SELECT id, code, name, name_en AS nameEn FROM channels ORDER BY id').all() as KpiMember[],
      categories: db
        .prepare(
          `SELECT id, code, name, name_en AS nameEn, parent_id AS parentId, level, deadline_hours AS deadlineHours
           FROM categories ORDER BY code`,
        )
        .all() as KpiCategory[],
      grids: db.prepare('SELECT id, county_id FROM grids').raw().all() as [number, number][],
    });
  }

  /** County index of a grid; throws for a grid the dimensions do not know (reload after a grids import). */
  countyOfGrid(gridId: number): number {
    const county = gridId >= 0 && gridId < this.gridCounty.length ? this.gridCounty[gridId]! : NONE;
    if (county === NONE) throw new RangeError(`unknown grid ${gridId}`);
    return county;
  }

  channelOf(channelId: number): number {
    const index = this.channelIndex.get(channelId);
    if (index === undefined) throw new RangeError(`unknown channel ${channelId}`);
    return index;
  }

  categoryOf(categoryId: number): number {
    const index = this.categoryIndex.get(categoryId);
    if (index === undefined) throw new RangeError(`unknown category ${categoryId}`);
    return index;
  }

  /** Index of a county by its id, or undefined. */
  countyIndexOf(countyId: number): number | undefined {
    return this.countyIndex.get(countyId);
  }

  /** Index of a channel by its id, or undefined. */
  channelIndexOf(channelId: number): number | undefined {
    return this.channelIndex.get(channelId);
  }

  /** Index of a category by its id, or undefined. */
  categoryIndexOf(categoryId: number): number | undefined {
    return this.categoryIndex.get(categoryId);
  }
}
