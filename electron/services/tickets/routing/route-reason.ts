/**
 * The words of a route's reason, in Chinese and English, as a duty officer reads them: which grid the point fell in,
 * who handles the category, and what decided the department (an operator's rule, an exclusive grid's operator, or
 * the category's default at the level its kind works at). Grid names are proper nouns and stay Chinese in English.
 */
import type { DepartmentLevel } from '../../../../shared/domain/taxonomy';
import type { ExclusiveKind, GridLevel } from '../../city/grid-model';
import type { RouteStep } from './route-types';
import type { CategoryEntry, CountyEntry, GridEntry, KindEntry, ResolvedRule, DepartmentEntry } from './routing-tables';

export interface Words {
  zh: string;
  en: string;
}

const LEVEL_WORDS: Readonly<Record<GridLevel | 'county', Words>> = {
  county: { zh: '区县', en: 'county' },
  L1: { zh: '街道网格', en: 'street grid' },
  L2: { zh: '社区网格', en: 'community grid' },
  L3: { zh: '小区网格', en: 'compound grid' },
  micro: { zh: '微网格', en: 'micro-grid' },
  exclusive: { zh: '专属网格', en: 'exclusive grid' },
};

/** The renderer's labels (gridCard.exclusiveKinds), so the reason and the grid card agree. */
const EXCLUSIVE_WORDS: Readonly<Record<ExclusiveKind, Words>> = {
  airport: { zh: '机场', en: 'airport' },
  station: { zh: '车站', en: 'station' },
  hospital: { zh: '医院', en: 'hospital' },
  school: { zh: '学校', en: 'school' },
  university: { zh: '高校', en: 'university' },
  mall: { zh: '商场', en: 'mall' },
  market: { zh: '市场', en: 'market' },
  park: { zh: '公园', en: 'park' },
  stadium: { zh: '体育场馆', en: 'stadium' },
  government: { zh: '机关', en: 'government site' },
};

const UNIT_WORDS: Readonly<Record<DepartmentLevel, Words>> = {
  city: { zh: '全市', en: 'city' },
  county: { zh: '区县', en: 'county' },
  street: { zh: '街道', en: 'street' },
};

export const levelWords = (level: GridLevel | 'county'): Words => LEVEL_WORDS[level];

/**
 * "微网格 和平小区2号楼" / "micro-grid 和平小区2号楼"; a name that already says its level keeps it once:
 * "郑州东站专属网格" / "exclusive grid 郑州东站专属网格".
 */
export function gridWords(grid: Pick<GridEntry, 'level' | 'name'>): Words {
  const level = LEVEL_WORDS[grid.level];
  return {
    zh: grid.name.endsWith(level.zh) ? grid.name : `${level.zh} ${grid.name}`,
    en: `${level.en} ${grid.name}`,
  };
}

export function exclusiveWords(kind: ExclusiveKind | null): Words {
  return kind === null ? { zh: '专属区域', en: 'exclusive site' } : EXCLUSIVE_WORDS[kind];
}

export function locationStep(lng: number, lat: number, county: CountyEntry, l1: GridEntry | undefined): RouteStep {
  const at = `${lng.toFixed(6)}, ${lat.toFixed(6)}`;
  return {
    kind: 'location',
    zh: `位置 ${at} 属于 ${county.name}${l1 ? ` ${l1.name}` : ''}`,
    en: `The point ${at} lies in ${l1 ? `${l1.name}, ` : ''}${county.nameEn}`,
  };
}

export function gridStep(grid: GridEntry, under: GridEntry | undefined): RouteStep {
  if (grid.level !== 'exclusive') {
    const words = gridWords(grid);
    return { kind: 'grid', zh: `该点最细一级网格为${words.zh}`, en: `Its finest grid is ${words.en}` };
  }
  const kind = exclusiveWords(grid.exclusiveKind);
  const below = under ? gridWords(under) : undefined;
  return {
    kind: 'grid',
    zh: `${gridWords(grid).zh}（${kind.zh}）覆盖该点${below ? `，优先于所在的${below.zh}` : ''}`,
    en: `Exclusive grid ${grid.name} (${kind.en}) covers it${below ? ` and takes precedence over ${below.en}` : ''}`,
  };
}

export function categoryStep(category: CategoryEntry, kind: KindEntry): RouteStep {
  const unit = UNIT_WORDS[kind.level];
  const unknown = kind.known ? '' : '（部门目录未列出此类型，按区县级处理）';
  const unknownEn = kind.known ? '' : ' (a kind the department list lacks, taken as county-level)';
  return {
    kind: 'category',
    zh: `类别「${category.name}」（${category.code}）由${kind.name}承办（${unit.zh}级部门${unknown}），处置时限 ${category.deadlineHours} 小时`,
    en: `Category "${category.nameEn}" (${category.code}) is handled by the ${kind.nameEn} (a ${unit.en}-level department${unknownEn}), within ${category.deadlineHours} ${category.deadlineHours === 1 ? 'hour' : 'hours'}`,
  };
}

/** Why this unit of the kind: its own level's unit where the point is, or a higher one where the data has none. */
export function unitClause(
  kind: KindEntry,
  unitLevel: DepartmentLevel,
  l1: GridEntry | undefined,
  county: CountyEntry,
): Words {
  const place: Record<DepartmentLevel, Words> = {
    city: { zh: '全市', en: 'the city' },
    county: { zh: county.name, en: county.nameEn },
    street: { zh: l1?.name ?? county.name, en: l1?.name ?? county.nameEn },
  };
  if (unitLevel === kind.level) {
    if (unitLevel === 'city') return { zh: `${kind.name}全市统一设立`, en: `the ${kind.nameEn} works city-wide` };
    const per = UNIT_WORDS[unitLevel];
    return {
      zh: `${kind.name}按${per.zh}设立，该点属${place[unitLevel].zh}`,
      en: `${kind.nameEn} units are set up per ${per.en}, and the point is in ${place[unitLevel].en}`,
    };
  }
  const own = place[kind.level];
  const by = place[unitLevel];
  return {
    zh: `${kind.name}按${UNIT_WORDS[kind.level].zh}设立，数据中${own.zh}没有单列，由${by.zh}的承办`,
    en: `${kind.nameEn} units serve each ${UNIT_WORDS[kind.level].en}, but ${own.en} has none of its own in the data, so the one for ${by.en} handles it`,
  };
}

export function departmentStep(department: DepartmentEntry, clause: Words): RouteStep {
  return { kind: 'department', zh: `→ ${department.name}：${clause.zh}`, en: `→ ${department.nameEn}: ${clause.en}` };
}

/** "「占道经营」在微网格 X → D". */
export function ruleWords(category: CategoryEntry, scope: Words, department: DepartmentEntry): Words {
  return {
    zh: `「${category.name}」在${scope.zh} → ${department.name}`,
    en: `"${category.nameEn}" in ${scope.en} → ${department.nameEn}`,
  };
}

export function ruleStep(
  rule: ResolvedRule,
  category: CategoryEntry,
  fallback: DepartmentEntry | undefined,
): RouteStep {
  const { row } = rule;
  const scope = {
    zh: `${LEVEL_WORDS[rule.scopeLevel].zh} ${rule.scopeName}`,
    en: `${LEVEL_WORDS[rule.scopeLevel].en} ${rule.scopeName}`,
  };
  const what = ruleWords(category, scope, rule.department);
  const day = new Date(row.createdAt).toISOString().slice(0, 10);
  const note = row.note ? { zh: `：${row.note}`, en: `: ${row.note}` } : { zh: '', en: '' };
  return {
    kind: 'rule',
    zh: `规则 #${row.id}（${row.createdBy} 于 ${day} 设立${note.zh}）：${what.zh}，先于默认规则${fallback ? `（默认为${fallback.name}）` : ''}`,
    en: `Rule #${row.id} (set by ${row.createdBy} on ${day}${note.en}): ${what.en}, ahead of the default${fallback ? ` (${fallback.nameEn})` : ''}`,
  };
}

export function ruleSummary(grid: GridEntry, rule: ResolvedRule, category: CategoryEntry): Words {
  const g = gridWords(grid);
  const scope = LEVEL_WORDS[rule.scopeLevel];
  const d = rule.department;
  return {
    zh: `${g.zh} → ${d.name}，因为规则 #${rule.row.id}：「${category.name}」在${scope.zh} ${rule.scopeName} 派往${d.name}（${rule.row.createdBy} 设立）`,
    en: `${g.en} → ${d.nameEn}, because rule #${rule.row.id} sends "${category.nameEn}" in ${scope.en} ${rule.scopeName} there (set by ${rule.row.createdBy})`,
  };
}

export function exclusiveOfficeStep(grid: GridEntry, office: KindEntry): RouteStep {
  const kind = exclusiveWords(grid.exclusiveKind);
  return {
    kind: 'exclusive',
    zh: `专属网格（${kind.zh}）内的事项由其运营管理单位统一负责：${office.name}`,
    en: `Matters inside an exclusive grid (${kind.en}) go to its own operator: the ${office.nameEn}`,
  };
}

export function exclusiveWithoutOfficeStep(grid: GridEntry): RouteStep {
  const kind = exclusiveWords(grid.exclusiveKind);
  return {
    kind: 'exclusive',
    zh: `部门目录中没有${kind.zh}类专属网格的运营管理单位，按类别派往承办部门`,
    en: `The department list has no operator for ${kind.en} exclusive grids, so the category's department takes it`,
  };
}

export function exclusiveSummary(grid: GridEntry, department: DepartmentEntry, categoryKind: KindEntry): Words {
  const kind = exclusiveWords(grid.exclusiveKind);
  const g = gridWords(grid);
  return {
    zh: `${g.zh} → ${department.name}，因为专属网格（${kind.zh}）内的事项由其运营管理单位统一负责，优先于类别的默认部门（${categoryKind.name}）`,
    en: `${g.en} → ${department.nameEn}, because an exclusive grid (${kind.en}) is run by its own operator, ahead of the category's default (${categoryKind.nameEn})`,
  };
}

export function categorySummary(
  grid: GridEntry,
  department: DepartmentEntry,
  category: CategoryEntry,
  kind: KindEntry,
  clause: Words,
): Words {
  const g = gridWords(grid);
  return {
    zh: `${g.zh} → ${department.name}，因为「${category.name}」由${kind.name}承办，${clause.zh}`,
    en: `${g.en} → ${department.nameEn}, because "${category.nameEn}" is handled by the ${kind.nameEn}; ${clause.en}`,
  };
}
