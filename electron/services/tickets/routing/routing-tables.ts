/**
 * The lookup tables dispatch reads on every route, loaded from the store in one pass (about 75,000 grid rows at full
 * scale, names and codes only, no geometry) so that a route is a handful of map reads: grids by id with their street
 * (L1) ancestor, counties, categories by code, departments by kind and county or street, the department kinds'
 * levels from resources/taxonomy/departments.json, and the active routing rules resolved to ids.
 */
import type Database from 'better-sqlite3';
import type { DepartmentKind, DepartmentLevel } from '../../../../shared/domain/taxonomy';
import type { ExclusiveKind, GridLevel } from '../../city/grid-model';

export interface GridEntry {
  id: number;
  code: string;
  name: string;
  level: GridLevel;
  exclusiveKind: ExclusiveKind | null;
  parentId: number | null;
  countyId: number;
  /** The street (L1) grid above it (itself for an L1 grid; an exclusive grid's parent); -1 if the chain breaks. */
  l1Id: number;
}

export interface CountyEntry {
  id: number;
  code: string;
  name: string;
  nameEn: string;
}

export interface CategoryEntry {
  id: number;
  code: string;
  name: string;
  nameEn: string;
  level: number;
  /** null above level 3: a branch, not something a ticket can be filed under. */
  departmentKind: string | null;
  deadlineHours: number | null;
}

export interface DepartmentEntry {
  id: number;
  code: string;
  name: string;
  nameEn: string;
  kind: string;
  countyId: number | null;
  /** What the unit serves: one street (coded `kind@<L1 grid code>`), one county, or the whole city (no county). */
  unitLevel: DepartmentLevel;
}

/** What departments.json says about a kind; kinds the file does not list (an older store) are read as county. */
export interface KindEntry {
  code: string;
  name: string;
  nameEn: string;
  level: DepartmentLevel;
  /** Whether departments.json lists it. */
  known: boolean;
}

export type RuleScopeKind = 'grid' | 'county';

/** An active rule as stored. */
export interface RuleRow {
  id: number;
  categoryCode: string;
  scopeKind: RuleScopeKind;
  scopeCode: string;
  departmentCode: string;
  note: string | null;
  fromTicketId: number | null;
  createdBy: string;
  createdAt: number;
  retiredBy: string | null;
  retiredAt: number | null;
}

/** An active rule whose category, scope and department all resolve in the current city. */
export interface ResolvedRule {
  row: RuleRow;
  department: DepartmentEntry;
  /** The grid or county the rule covers. */
  scopeName: string;
  scopeLevel: GridLevel | 'county';
}

/** A category's active rules, by the grid or county they cover. */
export interface CategoryRules {
  byGrid: Map<number, ResolvedRule>;
  byCounty: Map<number, ResolvedRule>;
}

export interface RoutingTables {
  grids: Map<number, GridEntry>;
  gridsByCode: Map<string, GridEntry>;
  counties: Map<number, CountyEntry>;
  countiesByCode: Map<string, CountyEntry>;
  categories: Map<string, CategoryEntry>;
  departmentsByCode: Map<string, DepartmentEntry>;
  kinds: Map<string, KindEntry>;
  /** City-wide departments (no county) by kind: the first by id where there are several. */
  cityWide: Map<string, DepartmentEntry>;
  /** kind → county id → the county's department of that kind (the first by id). */
  byCounty: Map<string, Map<number, DepartmentEntry>>;
  /** kind → L1 grid id → a street's own department, coded `kind@<L1 grid code>`. */
  byStreet: Map<string, Map<number, DepartmentEntry>>;
  /** category code → its active, resolvable rules. */
  rules: Map<string, CategoryRules>;
}

export const RULE_COLUMNS = `id, category_code AS categoryCode, scope_kind AS scopeKind, scope_code AS scopeCode,
  department_code AS departmentCode, note, from_ticket_id AS fromTicketId, created_by AS createdBy,
  created_at AS createdAt, retired_by AS retiredBy, retired_at AS retiredAt`;

function nested<V>(outer: Map<string, Map<number, V>>, key: string): Map<number, V> {
  let inner = outer.get(key);
  if (!inner) outer.set(key, (inner = new Map<number, V>()));
  return inner;
}

/** The active rules that resolve, grouped by category; the others wait (a later import may bring their codes back). */
export function resolveRules(db: Database.Database, tables: Omit<RoutingTables, 'rules'>): Map<string, CategoryRules> {
  const rows = db
    .prepare<[], RuleRow>(`SELECT ${RULE_COLUMNS} FROM routing_rules WHERE retired_at IS NULL ORDER BY id`)
    .all();
  const rules = new Map<string, CategoryRules>();
  for (const row of rows) {
    const category = tables.categories.get(row.categoryCode);
    const department = tables.departmentsByCode.get(row.departmentCode);
    if (!category || category.departmentKind === null || !department) continue;
    let entry = rules.get(row.categoryCode);
    const group = (): CategoryRules => {
      if (!entry) rules.set(row.categoryCode, (entry = { byGrid: new Map(), byCounty: new Map() }));
      return entry;
    };
    if (row.scopeKind === 'grid') {
      const grid = tables.gridsByCode.get(row.scopeCode);
      if (grid) group().byGrid.set(grid.id, { row, department, scopeName: grid.name, scopeLevel: grid.level });
    } else {
      const county = tables.countiesByCode.get(row.scopeCode);
      if (county) group().byCounty.set(county.id, { row, department, scopeName: county.name, scopeLevel: 'county' });
    }
  }
  return rules;
}

/** Reads everything routing needs from the store. */
export function loadRoutingTables(db: Database.Database, departmentKinds: readonly DepartmentKind[]): RoutingTables {
  const grids = new Map<number, GridEntry>();
  const gridsByCode = new Map<string, GridEntry>();
  const gridRows = db
    .prepare<[], Omit<GridEntry, 'l1Id'>>(
      `SELECT id, code, name, level, exclusive_kind AS exclusiveKind, parent_id AS parentId, county_id AS countyId
       FROM grids`,
    )
    .all();
  for (const row of gridRows) {
    const entry: GridEntry = { ...row, l1Id: -1 };
    grids.set(entry.id, entry);
    gridsByCode.set(entry.code, entry);
  }
  // Street of each grid: walk up to the L1 (at most four steps in a sound hierarchy; the bound stops a cycle).
  for (const entry of grids.values()) {
    let at: GridEntry | undefined = entry;
    for (let steps = 0; at && at.level !== 'L1' && steps < 8; steps++) {
      at = at.parentId === null ? undefined : grids.get(at.parentId);
    }
    entry.l1Id = at?.level === 'L1' ? at.id : -1;
  }

  const counties = new Map<number, CountyEntry>();
  const countiesByCode = new Map<string, CountyEntry>();
  for (const row of db.prepare<[], CountyEntry>('SELECT id, code, name, name_en AS nameEn FROM counties').all()) {
    counties.set(row.id, row);
    countiesByCode.set(row.code, row);
  }

  const categories = new Map<string, CategoryEntry>();
  const categoryRows = db
    .prepare<[], CategoryEntry>(
      `SELECT id, code, name, name_en AS nameEn, level, department_kind AS departmentKind,
         deadline_hours AS deadlineHours FROM categories`,
    )
    .all();
  for (const row of categoryRows) categories.set(row.code, row);

  const kinds = new Map<string, KindEntry>();
  for (const kind of departmentKinds) kinds.set(kind.code, { ...kind, known: true });

  const departmentsByCode = new Map<string, DepartmentEntry>();
  const cityWide = new Map<string, DepartmentEntry>();
  const byCounty = new Map<string, Map<number, DepartmentEntry>>();
  const byStreet = new Map<string, Map<number, DepartmentEntry>>();
  const departmentRows = db
    .prepare<[], Omit<DepartmentEntry, 'unitLevel'>>(
      'SELECT id, code, name, name_en AS nameEn, kind, county_id AS countyId FROM departments ORDER BY id',
    )
    .all();
  for (const row of departmentRows) {
    if (!kinds.has(row.kind)) {
      kinds.set(row.kind, { code: row.kind, name: row.kind, nameEn: row.kind, level: 'county', known: false });
    }
    const at = row.code.lastIndexOf('@');
    const street = at > 0 && row.code.slice(0, at) === row.kind ? gridsByCode.get(row.code.slice(at + 1)) : undefined;
    if (street?.level === 'L1') {
      const entry: DepartmentEntry = { ...row, unitLevel: 'street' };
      const streets = nested(byStreet, row.kind);
      if (!streets.has(street.id)) streets.set(street.id, entry);
      departmentsByCode.set(row.code, entry);
    } else if (row.countyId === null) {
      const entry: DepartmentEntry = { ...row, unitLevel: 'city' };
      if (!cityWide.has(row.kind)) cityWide.set(row.kind, entry);
      departmentsByCode.set(row.code, entry);
    } else {
      const entry: DepartmentEntry = { ...row, unitLevel: 'county' };
      const perCounty = nested(byCounty, row.kind);
      if (!perCounty.has(row.countyId)) perCounty.set(row.countyId, entry);
      departmentsByCode.set(row.code, entry);
    }
  }

  const tables = {
    grids,
    gridsByCode,
    counties,
    countiesByCode,
    categories,
    departmentsByCode,
    kinds,
    cityWide,
    byCounty,
    byStreet,
  };
  return { ...tables, rules: resolveRules(db, tables) };
}
