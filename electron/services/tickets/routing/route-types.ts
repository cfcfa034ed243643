/** What the ticket router answers: a route with its reason in words, or a typed refusal. */
import type { DepartmentLevel } from '../../../../shared/domain/taxonomy';
import type { ExclusiveKind, GridLevel } from '../../city/grid-model';
import type { RuleScopeKind } from './routing-tables';

export interface RouteRequest {
  /** WGS-84, the store's datum. */
  lng: number;
  lat: number;
  /** A level-3 category code, e.g. "010101". */
  categoryCode: string;
}

export interface RoutedGrid {
  id: number;
  code: string;
  name: string;
  level: GridLevel;
  /** Set on exclusive grids only. */
  exclusiveKind: ExclusiveKind | null;
}

export interface RoutedCounty {
  id: number;
  code: string;
  name: string;
  nameEn: string;
}

export interface RoutedCategory {
  code: string;
  name: string;
  nameEn: string;
}

export interface RoutedDepartment {
  /** Row id in `departments`. */
  id: number;
  code: string;
  name: string;
  nameEn: string;
  kind: string;
  /** The level the kind works at (departments.json): a street-level kind has a unit per street. */
  kindLevel: DepartmentLevel;
  /**
   * The level of the unit actually chosen: the kind's own level, or a higher one where the data has no unit there
   * (the generated city keeps one police station per county, not per street).
   */
  unitLevel: DepartmentLevel;
}

/** Why the route went where it went: an operator's rule, an exclusive grid's operator, or the category's default. */
export type RouteBasis = 'rule' | 'exclusive-grid' | 'category';

export const ROUTE_STEP_KINDS = ['location', 'grid', 'category', 'rule', 'exclusive', 'department'] as const;
export type RouteStepKind = (typeof ROUTE_STEP_KINDS)[number];

/** One step of the reasoning, as a duty officer reads it. */
export interface RouteStep {
  kind: RouteStepKind;
  zh: string;
  en: string;
}

export interface RouteReason {
  /** One line: "郑州东站专属网格 → 铁路车站运营单位，因为…". */
  zh: string;
  en: string;
  /** Location, grid, category, then the rule or exclusive grid where one decided it, then the department. */
  steps: RouteStep[];
}

export interface Route {
  ok: true;
  /** The grid the ticket belongs to: an exclusive grid covering the point, else the finest grid containing it. */
  grid: RoutedGrid;
  /** The street (L1) grid above it; null only in a store whose hierarchy is broken. */
  l1: RoutedGrid | null;
  county: RoutedCounty;
  category: RoutedCategory;
  department: RoutedDepartment;
  deadlineHours: number;
  basis: RouteBasis;
  /** The rule that decided it (basis 'rule'). */
  ruleId: number | null;
  reason: RouteReason;
}

export const ROUTE_REFUSALS = [
  /** No grid of any level contains the point (or the coordinates are not numbers). */
  'outside-city',
  /** The category code is not in the store's taxonomy. */
  'unknown-category',
  /** A level-1 or level-2 category: only level-3 events are dispatched. */
  'not-a-leaf',
  /** The store has no department of the kind the category (or exclusive grid) needs, anywhere. */
  'no-department',
] as const;
export type RouteRefusalCode = (typeof ROUTE_REFUSALS)[number];

export interface RouteRefusal {
  ok: false;
  refusal: RouteRefusalCode;
  reason: { zh: string; en: string };
}

export type RouteResult = Route | RouteRefusal;

/** Where a rule applies: one grid (any level, exclusive included) or one county-level unit, by code. */
export interface RuleScope {
  kind: RuleScopeKind;
  code: string;
}

/** A rule as an operator writes it: "category X in grid or county Y → department Z". */
export interface RuleDraft {
  categoryCode: string;
  scope: RuleScope;
  departmentCode: string;
  /** The operator's words: why the ticket had to go elsewhere. */
  note?: string | null;
  /** The ticket whose manual re-route it came from. */
  fromTicketId?: number | null;
}

/** A stored rule, with names resolved against the current city. */
export interface RoutingRule {
  id: number;
  categoryCode: string;
  scope: RuleScope;
  departmentCode: string;
  note: string | null;
  fromTicketId: number | null;
  createdBy: string;
  /** Epoch milliseconds. */
  createdAt: number;
  retiredBy: string | null;
  retiredAt: number | null;
  /** Null where the current city lacks the code (a later import may bring it back). */
  categoryName: string | null;
  scopeName: string | null;
  departmentName: string | null;
  /** Active and every code resolves: routing consults it. */
  applies: boolean;
}

/** A manual re-route: where the ticket was, what it was filed under, and the department an operator sent it to. */
export interface ManualReroute {
  lng: number;
  lat: number;
  categoryCode: string;
  departmentCode: string;
  ticketId?: number;
  note?: string;
}

/** One scope a re-route could be made a rule for, narrowest first, with the rule in words. */
export interface RuleScopeOption {
  scope: RuleScope;
  level: GridLevel | 'county';
  name: string;
  zh: string;
  en: string;
}

export interface RuleProposal {
  ok: true;
  /** What routing decides now, which the re-route overrode. */
  route: Route;
  /** Where the operator sent it. */
  department: RoutedDepartment;
  /** The suggested rule: the re-route's category, at the narrowest scope (the ticket's own grid). */
  draft: RuleDraft;
  /** Every scope the rule could take, narrowest first; `draft` uses the first. */
  scopes: RuleScopeOption[];
  reason: { zh: string; en: string };
}

export interface ProposalRefusal {
  ok: false;
  refusal: RouteRefusalCode | 'unknown-department' | 'same-department';
  reason: { zh: string; en: string };
}
