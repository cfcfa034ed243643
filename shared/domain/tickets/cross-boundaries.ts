/**
 * Three-cross (三跨) cases: a ticket whose parties span more than one county-level district, more than one kind of
 * department, or more than one administrative level goes to joint handling (联合办理) with every party on the ticket
 * (DOMAIN.md: "2,695 handled, 95.84% closed").
 */
import { DEPARTMENT_LEVELS, type DepartmentLevel } from '../taxonomy';

/** A responsible unit on a ticket, as the departments table and departments.json describe it. */
export interface TicketUnit {
  /** The unit's own code (departments.code): one police station, one district's urban management bureau. */
  department: string;
  /** Its department kind (departments.json): what makes two units different departments. */
  kind: string;
  level: DepartmentLevel;
  /** The county-level unit it answers for (county code); null for a city-level unit. */
  county: string | null;
}

/** Where a ticket lies, by code (codes survive a grids import; row ids do not). */
export interface TicketPlace {
  grid: string;
  /** The L1 (street) grid above it, or the grid itself when it is L1. */
  l1: string;
  county: string;
}

/** What `crossBoundaries` finds. */
export interface CrossBoundaries {
  crossDistrict: boolean;
  crossDepartment: boolean;
  crossLevel: boolean;
  /** Any of the three: the ticket is a joint-handling case. */
  joint: boolean;
  /** The distinct counties, department kinds and levels involved, in first-seen order (levels highest first). */
  counties: readonly string[];
  kinds: readonly string[];
  levels: readonly DepartmentLevel[];
  /** Why, Chinese first. */
  reason: string;
}

const LEVEL_WORDS: Readonly<Record<DepartmentLevel, { zh: string; en: string }>> = {
  city: { zh: '市级', en: 'city' },
  county: { zh: '区县级', en: 'county' },
  street: { zh: '街道级', en: 'street' },
};

const distinct = <T>(values: readonly T[]): T[] => [...new Set(values)];

/**
 * Whether the units on a ticket cross districts, departments or levels. The ticket's own place counts as a district
 * when given: a unit of another district handling it (a road on the boundary) makes the case cross-district. Units
 * are told apart by kind, so two police stations are one department; city-level units belong to no district.
 */
export function crossBoundaries(units: readonly TicketUnit[], place?: Pick<TicketPlace, 'county'>): CrossBoundaries {
  const counties = distinct([
    ...(place ? [place.county] : []),
    ...units.flatMap((unit) => (unit.county === null ? [] : [unit.county])),
  ]);
  const kinds = distinct(units.map((unit) => unit.kind));
  const present = new Set(units.map((unit) => unit.level));
  const levels = DEPARTMENT_LEVELS.filter((level) => present.has(level));
  const crossDistrict = counties.length > 1;
  const crossDepartment = kinds.length > 1;
  const crossLevel = levels.length > 1;
  const joint = crossDistrict || crossDepartment || crossLevel;

  const zh: string[] = [];
  const en: string[] = [];
  if (crossDistrict) {
    zh.push(`跨区县（${counties.join('、')}）`);
    en.push(`districts (${counties.join(', ')})`);
  }
  if (crossDepartment) {
    zh.push(`跨部门（${kinds.join('、')}）`);
    en.push(`departments (${kinds.join(', ')})`);
  }
  if (crossLevel) {
    zh.push(`跨层级（${levels.map((level) => LEVEL_WORDS[level].zh).join('、')}）`);
    en.push(`levels (${levels.map((level) => LEVEL_WORDS[level].en).join(', ')})`);
  }
  const reason = joint
    ? `${zh.join('，')}：三跨事项，须各方联合办理。 Crosses ${en.join(', ')}: a three-cross case for joint handling by every party.`
    : '未跨区县、部门或层级。 Crosses no district, department or level.';

  return { crossDistrict, crossDepartment, crossLevel, joint, counties, kinds, levels, reason };
}
