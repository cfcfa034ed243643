/**
 * Dispatch routing (issue #7): a ticket's point → its grid → the responsible department, with the reason in words.
 *
 * 1. The grid: an exclusive grid covering the point takes precedence; otherwise the finest grid containing it
 *    (micro, else L3, L2, L1), exactly as `naiveLocate` finds them (the grid index answers bit for bit the same).
 * 2. The department, first match wins:
 *    - an operator's routing rule for the category in any grid containing the point (the finest scope first:
 *      exclusive, micro, L3, L2, L1) or in its county;
 *    - in an exclusive grid whose kind has an operator in the department list (a station → the station operator, the
 *      airport → the airport operator), that operator: the unit runs its own premises;
 *    - the category's department kind at the level the kind works at (departments.json): a street-level kind → the
 *      street's own unit (coded `kind@<L1 grid code>`) where the data has one, a county-level kind → the county's,
 *      a city-level kind → the city's; where that level has no unit, the next level up (and a city-level kind with no
 *      city-wide unit, its county's).
 * 3. The reason: one line ("郑州东站专属网格 → 铁路车站运营单位，因为…") and the steps behind it, in Chinese and
 *    English.
 *
 * Every lookup table is built once, on first use (one read of the grids, counties, categories and departments; the
 * grid index is the locator's, built once too); then a route is a grid lookup plus a few map reads: microseconds.
 * The tables follow the locator: when its index is rebuilt (its `invalidate()` after a grids import), so are they;
 * `invalidate()` drops them explicitly. Whether an operator may add or retire a rule is decided by the access gate
 * before these calls.
 */
import type { TicketUnit } from '../../../../shared/domain/tickets/cross-boundaries';
import type { DepartmentKind, DepartmentLevel } from '../../../../shared/domain/taxonomy';
import { LOCATION_STRIDE, type GridIndex } from '../../city/grid-index';
import type { GridLocator } from '../../city/grid-locator';
import type { ExclusiveKind } from '../../city/grid-model';
import type { Store } from '../../store/store';
import {
  categoryStep,
  categorySummary,
  departmentStep,
  exclusiveOfficeStep,
  exclusiveSummary,
  exclusiveWithoutOfficeStep,
  gridStep,
  gridWords,
  locationStep,
  ruleStep,
  ruleSummary,
  ruleWords,
  unitClause,
} from './route-reason';
import type {
  ManualReroute,
  ProposalRefusal,
  RoutedDepartment,
  RoutedGrid,
  Route,
  RouteRefusal,
  RouteRefusalCode,
  RouteRequest,
  RouteResult,
  RouteStep,
  RoutingRule,
  RuleDraft,
  RuleProposal,
  RuleScopeOption,
} from './route-types';
import { insertRule, listRuleRows, readRule, retireRuleRow, RoutingRuleError, RULE_NOTE_MAX } from './routing-rules';
import {
  loadRoutingTables,
  resolveRules,
  type CategoryEntry,
  type CountyEntry,
  type DepartmentEntry,
  type GridEntry,
  type KindEntry,
  type ResolvedRule,
  type RoutingTables,
  type RuleRow,
} from './routing-tables';

/**
 * Exclusive-grid kinds whose operator is a department kind of resources/taxonomy/departments.json. The other kinds
 * (hospitals, schools, markets…) have no operator kind there: their tickets keep the exclusive grid but go to the
 * category's local department, and an operator's rule can send them elsewhere.
 */
export const EXCLUSIVE_OPERATOR_KINDS: Readonly<Partial<Record<ExclusiveKind, string>>> = {
  station: 'station_operator',
  airport: 'airport_operator',
};

/** Exclusive, micro, L3, L2, L1: the order in which rules on containing grids are consulted (finest first). */
const RULE_SLOTS = [4, 3, 2, 1, 0] as const;

export interface TicketRouterOptions {
  store: Store;
  /** The point → grid index over the same store (shared with the map's services). */
  locator: GridLocator;
  /** resources/taxonomy/departments.json's kinds (`loadTaxonomy(resourcesDir).departmentKinds`): their levels. */
  departmentKinds: readonly DepartmentKind[];
  /** Epoch milliseconds, for rules' timestamps. */
  now?: () => number;
}

interface Placement {
  grid: GridEntry;
  /** The finest ordinary grid under an exclusive one, for the reason. */
  under: GridEntry | undefined;
  l1: GridEntry | undefined;
  county: CountyEntry;
}

const refuse = (refusal: RouteRefusalCode, zh: string, en: string): RouteRefusal => ({
  ok: false,
  refusal,
  reason: { zh, en },
});

const routedGrid = (grid: GridEntry): RoutedGrid => ({
  id: grid.id,
  code: grid.code,
  name: grid.name,
  level: grid.level,
  exclusiveKind: grid.exclusiveKind,
});

export class TicketRouter {
  /** The tables, and the locator's index they were built beside: a new index means the grids were replaced. */
  private loaded: { tables: RoutingTables; index: GridIndex } | undefined;
  /** Scratch record for `locateInto`: routing allocates no location objects. */
  private readonly slots = new Int32Array(LOCATION_STRIDE);
  private readonly now: () => number;

  constructor(private readonly options: TicketRouterOptions) {
    this.now = options.now ?? Date.now;
  }

  /**
   * Drops every lookup table (a city import replaced grids, counties or departments); the next route rebuilds. The
   * tables are also rebuilt by themselves when the locator's index is (its `invalidate()` after a grids import).
   */
  invalidate(): void {
    this.loaded = undefined;
  }

  /** Builds the tables and the grid index now, so the first ticket after a start or an import is not the slow one. */
  warm(): void {
    this.tables();
  }

  /** Where a ticket at (lng, lat) filed under `categoryCode` goes, and why; or why it cannot be routed. */
  route(request: RouteRequest): RouteResult {
    const { tables, index } = this.load();
    const category = tables.categories.get(request.categoryCode);
    if (!category) {
      return refuse(
        'unknown-category',
        `类别代码 ${request.categoryCode} 不在分类目录中`,
        `Category ${request.categoryCode} is not in the taxonomy`,
      );
    }
    if (category.departmentKind === null || category.deadlineHours === null) {
      return refuse(
        'not-a-leaf',
        `类别「${category.name}」是大类，请选择具体的三级类别`,
        `"${category.nameEn}" is a group: pick a level-3 category`,
      );
    }
    const placement = this.place(tables, index, request.lng, request.lat);
    if (!placement) {
      const at = `${request.lng}, ${request.lat}`;
      return refuse('outside-city', `位置 ${at} 不在任何网格内`, `The point ${at} lies in no grid`);
    }
    return this.decide(tables, request, category, category.departmentKind, category.deadlineHours, placement);
  }

  /**
   * A manual re-route offered as a rule: the current route it overrode, and the rule "this category in this grid →
   * that department", at the ticket's own grid and every wider scope up to its county.
   */
  proposeRule(reroute: ManualReroute): RuleProposal | ProposalRefusal {
    const route = this.route(reroute);
    if (!route.ok) return route;
    const tables = this.tables();
    const target = tables.departmentsByCode.get(reroute.departmentCode);
    if (!target) {
      return {
        ok: false,
        refusal: 'unknown-department',
        reason: {
          zh: `部门代码 ${reroute.departmentCode} 不在部门表中`,
          en: `Department ${reroute.departmentCode} is not in the department list`,
        },
      };
    }
    if (target.id === route.department.id) {
      return {
        ok: false,
        refusal: 'same-department',
        reason: {
          zh: `派单规则已将其派往${target.name}，无需新规则`,
          en: `Routing already sends it to the ${target.nameEn}: no rule needed`,
        },
      };
    }
    const category = tables.categories.get(reroute.categoryCode)!;
    const scopes: RuleScopeOption[] = [];
    const seen = new Set<number>();
    let at: GridEntry | undefined = tables.grids.get(route.grid.id);
    while (at && !seen.has(at.id)) {
      seen.add(at.id);
      const words = ruleWords(category, gridWords(at), target);
      scopes.push({ scope: { kind: 'grid', code: at.code }, level: at.level, name: at.name, ...words });
      at = at.parentId === null ? undefined : tables.grids.get(at.parentId);
    }
    const county = route.county;
    const countyWords = ruleWords(category, { zh: `区县 ${county.name}`, en: `county ${county.nameEn}` }, target);
    scopes.push({ scope: { kind: 'county', code: county.code }, level: 'county', name: county.name, ...countyWords });
    const draft: RuleDraft = {
      categoryCode: category.code,
      scope: scopes[0]!.scope,
      departmentCode: target.code,
      note: reroute.note ?? null,
      fromTicketId: reroute.ticketId ?? null,
    };
    return {
      ok: true,
      route,
      department: this.routedDepartment(tables, target),
      draft,
      scopes,
      reason: {
        zh: `人工改派：${route.department.name} → ${target.name}。可设为规则：${scopes[0]!.zh}`,
        en: `Re-routed by hand: ${route.department.nameEn} → ${target.nameEn}. As a rule: ${scopes[0]!.en}`,
      },
    };
  }

  /**
   * Adds a rule (retiring an active one for the same category and scope) and applies it to routes from now on.
   * Refuses, with a `RoutingRuleError`, a category that is no level-3 category, a scope or department not in the
   * city, an over-long note, or no operator.
   */
  addRule(draft: RuleDraft, by: string): RoutingRule {
    const tables = this.tables();
    if (by.trim().length === 0)
      throw new RoutingRuleError('no-operator', 'a routing rule needs the operator adding it');
    const category = tables.categories.get(draft.categoryCode);
    if (!category)
      throw new RoutingRuleError('unknown-category', `category ${draft.categoryCode} is not in the taxonomy`);
    if (category.departmentKind === null) {
      throw new RoutingRuleError('not-a-leaf', `category ${draft.categoryCode} is a group, not a level-3 category`);
    }
    const scopeKnown =
      draft.scope.kind === 'grid'
        ? tables.gridsByCode.has(draft.scope.code)
        : draft.scope.kind === 'county' && tables.countiesByCode.has(draft.scope.code);
    if (!scopeKnown) {
      throw new RoutingRuleError('unknown-scope', `the city has no ${draft.scope.kind} ${draft.scope.code}`);
    }
    if (!tables.departmentsByCode.has(draft.departmentCode)) {
      throw new RoutingRuleError(
        'unknown-department',
        `department ${draft.departmentCode} is not in the department list`,
      );
    }
    if (draft.note != null && draft.note.length > RULE_NOTE_MAX) {
      throw new RoutingRuleError('bad-note', `a rule's note is at most ${RULE_NOTE_MAX} characters`);
    }
    const id = insertRule(this.options.store.writer, draft, by, this.now());
    this.reloadRules();
    return this.view(readRule(this.options.store.writer, id)!);
  }

  /** Retires a rule: routes stop consulting it; it stays in the list with who retired it and when. */
  retireRule(id: number, by: string): RoutingRule {
    if (by.trim().length === 0) throw new RoutingRuleError('no-operator', 'retiring a rule needs the operator');
    retireRuleRow(this.options.store.writer, id, by, this.now());
    this.reloadRules();
    return this.view(readRule(this.options.store.writer, id)!);
  }

  /** The rules, oldest first: the active ones, or every rule ever added. */
  /** A department by code, as a unit on a ticket (lifecycle.ts `TicketUnit`) with its names; undefined if unknown. */
  unit(code: string): { unit: TicketUnit; name: string; nameEn: string } | undefined {
    const tables = this.tables();
    const department = tables.departmentsByCode.get(code);
    if (!department) return undefined;
    const county = department.countyId === null ? null : (tables.counties.get(department.countyId)?.code ?? null);
    return {
      unit: { department: department.code, kind: department.kind, level: department.unitLevel, county },
      name: department.name,
      nameEn: department.nameEn,
    };
  }

  /** Every department, by name, with its level and county code (the re-route picker's list). */
  departments(): { code: string; name: string; kind: string; level: DepartmentLevel; county: string | null }[] {
    const tables = this.tables();
    return [...tables.departmentsByCode.values()]
      .map((department) => ({
        code: department.code,
        name: department.name,
        kind: department.kind,
        level: department.unitLevel,
        county: department.countyId === null ? null : (tables.counties.get(department.countyId)?.code ?? null),
      }))
      .sort((a, b) => a.name.localeCompare(b.name, 'zh-CN'));
  }

  /** A category by code: its row id, names, and (a leaf) its department kind and deadline. */
  category(code: string): CategoryEntry | undefined {
    return this.tables().categories.get(code);
  }

  rules(options: { includeRetired?: boolean } = {}): RoutingRule[] {
    return listRuleRows(this.options.store.writer, options.includeRetired ?? false).map((row) => this.view(row));
  }

  private tables(): RoutingTables {
    return this.load().tables;
  }

  private load(): { tables: RoutingTables; index: GridIndex } {
    const index = this.options.locator.index();
    if (this.loaded?.index !== index) {
      this.loaded = { tables: loadRoutingTables(this.options.store.reader(), this.options.departmentKinds), index };
    }
    return this.loaded;
  }

  private reloadRules(): void {
    if (this.loaded) this.loaded.tables.rules = resolveRules(this.options.store.writer, this.loaded.tables);
  }

  private place(tables: RoutingTables, index: GridIndex, lng: number, lat: number): Placement | undefined {
    const slots = this.slots;
    index.locateInto(lng, lat, slots);
    const finest = slots[3]! >= 0 ? slots[3]! : slots[2]! >= 0 ? slots[2]! : slots[1]! >= 0 ? slots[1]! : slots[0]!;
    const exclusive = slots[4]!;
    const id = exclusive >= 0 ? exclusive : finest;
    if (id < 0) return undefined;
    const grid = tables.grids.get(id);
    const county = grid && tables.counties.get(grid.countyId);
    if (!grid || !county) {
      throw new Error(`grid ${id} is not in the routing tables: invalidate the router and the locator after an import`);
    }
    return {
      grid,
      under: exclusive >= 0 && finest >= 0 ? tables.grids.get(finest) : undefined,
      l1: grid.l1Id >= 0 ? tables.grids.get(grid.l1Id) : undefined,
      county,
    };
  }

  private kind(tables: RoutingTables, code: string): KindEntry {
    return tables.kinds.get(code) ?? { code, name: code, nameEn: code, level: 'county', known: false };
  }

  /** The unit of a kind for a place: at the kind's own level, else the next one up (see the file's comment). */
  private select(tables: RoutingTables, kind: KindEntry, placement: Placement): DepartmentEntry | undefined {
    if (kind.level === 'street' && placement.l1) {
      const own = tables.byStreet.get(kind.code)?.get(placement.l1.id);
      if (own) return own;
    }
    const county = tables.byCounty.get(kind.code)?.get(placement.county.id);
    if (kind.level !== 'city' && county) return county;
    return tables.cityWide.get(kind.code) ?? county;
  }

  private findRule(tables: RoutingTables, categoryCode: string, placement: Placement): ResolvedRule | undefined {
    const rules = tables.rules.get(categoryCode);
    if (!rules) return undefined;
    for (const slot of RULE_SLOTS) {
      const id = this.slots[slot]!;
      const rule = id >= 0 ? rules.byGrid.get(id) : undefined;
      if (rule) return rule;
    }
    // The street by hierarchy, where the L1 raster missed the point by a hair.
    const street = placement.l1 && rules.byGrid.get(placement.l1.id);
    return street ?? rules.byCounty.get(placement.county.id);
  }

  private decide(
    tables: RoutingTables,
    request: RouteRequest,
    category: CategoryEntry,
    kindCode: string,
    deadlineHours: number,
    placement: Placement,
  ): RouteResult {
    const { grid, l1, county } = placement;
    const kind = this.kind(tables, kindCode);
    const steps: RouteStep[] = [
      locationStep(request.lng, request.lat, county, l1),
      gridStep(grid, placement.under),
      categoryStep(category, kind),
    ];
    const fallback = this.select(tables, kind, placement);
    const done = (
      department: DepartmentEntry,
      basis: Route['basis'],
      rule: ResolvedRule | undefined,
      summary: { zh: string; en: string },
    ): Route => ({
      ok: true,
      grid: routedGrid(grid),
      l1: l1 ? routedGrid(l1) : null,
      county: { id: county.id, code: county.code, name: county.name, nameEn: county.nameEn },
      category: { code: category.code, name: category.name, nameEn: category.nameEn },
      department: this.routedDepartment(tables, department),
      deadlineHours,
      basis,
      ruleId: rule ? rule.row.id : null,
      reason: { zh: summary.zh, en: summary.en, steps },
    });

    const rule = this.findRule(tables, category.code, placement);
    if (rule) {
      steps.push(ruleStep(rule, category, fallback));
      const by = { zh: `按规则 #${rule.row.id} 派往该部门`, en: `sent there by rule #${rule.row.id}` };
      steps.push(departmentStep(rule.department, by));
      return done(rule.department, 'rule', rule, ruleSummary(grid, rule, category));
    }

    if (grid.level === 'exclusive') {
      const officeCode = grid.exclusiveKind === null ? undefined : EXCLUSIVE_OPERATOR_KINDS[grid.exclusiveKind];
      const officeKind = officeCode === undefined ? undefined : this.kind(tables, officeCode);
      const office = officeKind && this.select(tables, officeKind, placement);
      if (officeKind && office) {
        steps.push(exclusiveOfficeStep(grid, officeKind));
        steps.push(departmentStep(office, unitClause(officeKind, office.unitLevel, l1, county)));
        return done(office, 'exclusive-grid', undefined, exclusiveSummary(grid, office, kind));
      }
      steps.push(exclusiveWithoutOfficeStep(grid));
    }

    if (!fallback) {
      return refuse(
        'no-department',
        `部门表中没有${kind.name}，无法派单`,
        `The department list has no ${kind.nameEn} anywhere: the ticket cannot be routed`,
      );
    }
    const clause = unitClause(kind, fallback.unitLevel, l1, county);
    steps.push(departmentStep(fallback, clause));
    return done(fallback, 'category', undefined, categorySummary(grid, fallback, category, kind, clause));
  }

  private routedDepartment(tables: RoutingTables, department: DepartmentEntry): RoutedDepartment {
    return {
      id: department.id,
      code: department.code,
      name: department.name,
      nameEn: department.nameEn,
      kind: department.kind,
      kindLevel: this.kind(tables, department.kind).level,
      unitLevel: department.unitLevel,
    };
  }

  private view(row: RuleRow): RoutingRule {
    const tables = this.tables();
    const category = tables.categories.get(row.categoryCode);
    const department = tables.departmentsByCode.get(row.departmentCode);
    const scope =
      row.scopeKind === 'grid' ? tables.gridsByCode.get(row.scopeCode) : tables.countiesByCode.get(row.scopeCode);
    const leaf = category !== undefined && category.departmentKind !== null;
    return {
      id: row.id,
      categoryCode: row.categoryCode,
      scope: { kind: row.scopeKind, code: row.scopeCode },
      departmentCode: row.departmentCode,
      note: row.note,
      fromTicketId: row.fromTicketId,
      createdBy: row.createdBy,
      createdAt: row.createdAt,
      retiredBy: row.retiredBy,
      retiredAt: row.retiredAt,
      categoryName: category?.name ?? null,
      scopeName: scope?.name ?? null,
      departmentName: department?.name ?? null,
      applies: row.retiredAt === null && leaf && scope !== undefined && department !== undefined,
    };
  }
}

export type { Route, RouteResult, RouteRefusal, RoutingRule, RuleDraft, RuleProposal } from './route-types';
