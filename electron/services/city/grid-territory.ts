/**
 * Where each grid lies in the city's command structure — its county-level unit and its L1 street grid — so authority
 * can tell whether a request's grids fall inside an operator's scope. One pass over the grids table builds two typed
 * arrays indexed by row id (about 75,000 grids: under a megabyte); an import of new grids invalidates them.
 */
import type { ActionArea } from '../../../shared/domain/authority';
import type { Store } from '../store/store';

interface Territory {
  /** Index into `codes` of each grid's county and L1 grid (by grid id), -1 where there is no such grid. */
  county: Int32Array;
  l1: Int32Array;
  codes: string[];
}

export class GridTerritory {
  private territory: Territory | null = null;

  constructor(private readonly store: Store) {}

  /** Forget the cached territory (the grids were replaced). */
  invalidate(): void {
    this.territory = null;
  }

  /** The distinct places (county code, L1 code) the grids lie in; unknown ids are skipped. */
  placesOf(gridIds: Iterable<number>): Extract<ActionArea, { cityWide: false }>['places'] {
    const { county, l1, codes } = this.load();
    const seen = new Set<number>();
    const places: { county: string; l1: string | null }[] = [];
    for (const id of gridIds) {
      if (!(id > 0 && id < county.length) || county[id]! < 0) continue;
      const key = county[id]! * codes.length + l1[id]!;
      if (seen.has(key)) continue;
      seen.add(key);
      places.push({ county: codes[county[id]!]!, l1: l1[id]! < 0 ? null : codes[l1[id]!]! });
    }
    return places;
  }

  /**
   * Whether places cover the whole city: every county-level unit whole, or every L1 grid. A target that picks all of
   * them is a city-wide command (and meets the two-person rule as one), however it was drawn.
   */
  coversCity(places: Extract<ActionArea, { cityWide: false }>['places']): boolean {
    if (places.length === 0) return false;
    const db = this.store.reader();
    const wholeCounties = new Set(places.filter((place) => place.l1 === null).map((place) => place.county));
    const counties = db.prepare('SELECT count(*) FROM counties').pluck().get() as number;
    if (wholeCounties.size === counties) return true;
    const streets = new Set(places.map((place) => place.l1 ?? `county:${place.county}`));
    const l1 = db.prepare("SELECT count(*) FROM grids WHERE level = 'L1'").pluck().get() as number;
    return wholeCounties.size === 0 && streets.size === l1;
  }

  /** The county code of an L1 grid by its code, or null when the city has no such grid. */
  countyOfL1(code: string): string | null {
    return (
      (this.store
        .reader()
        .prepare("SELECT c.code FROM grids g JOIN counties c ON c.id = g.county_id WHERE g.code = ? AND g.level = 'L1'")
        .pluck()
        .get(code) as string | undefined) ?? null
    );
  }

  /** The places of county-level units by row id (the whole unit each: no L1 grid). */
  countiesOf(countyIds: readonly number[]): Extract<ActionArea, { cityWide: false }>['places'] {
    const rows = this.store
      .reader()
      .prepare('SELECT code FROM counties WHERE id IN (SELECT value FROM json_each(?)) ORDER BY code')
      .pluck()
      .all(JSON.stringify(countyIds)) as string[];
    return rows.map((code) => ({ county: code, l1: null }));
  }

  private load(): Territory {
    if (this.territory) return this.territory;
    const db = this.store.reader();
    const rows = db
      .prepare(
        `SELECT g.id, g.parent_id, g.code, c.code FROM grids g JOIN counties c ON c.id = g.county_id ORDER BY g.id`,
      )
      .raw()
      .all() as [number, number | null, string, string][];
    const size = (rows.at(-1)?.[0] ?? 0) + 1;
    const parent = new Int32Array(size).fill(-1);
    const county = new Int32Array(size).fill(-1);
    const l1 = new Int32Array(size).fill(-1);
    const codes: string[] = [];
    const codeIndex = new Map<string, number>();
    const intern = (code: string): number => {
      let index = codeIndex.get(code);
      if (index === undefined) {
        index = codes.push(code) - 1;
        codeIndex.set(code, index);
      }
      return index;
    };
    const gridCode = new Map<number, string>();
    for (const [id, parentId, code, countyCode] of rows) {
      parent[id] = parentId ?? -1;
      county[id] = intern(countyCode);
      gridCode.set(id, code);
    }
    // Each grid's L1 ancestor: the root of its chain (L1 grids have no parent). Memoised through `l1` itself.
    for (const [id] of rows) {
      const chain: number[] = [];
      let at = id;
      while (l1[at]! < 0 && parent[at]! >= 0) {
        chain.push(at);
        at = parent[at]!;
      }
      const root = l1[at]! >= 0 ? l1[at]! : intern(gridCode.get(at)!);
      l1[at] = root;
      for (const grid of chain) l1[grid] = root;
    }
    this.territory = { county, l1, codes };
    return this.territory;
  }
}
