/**
 * The citizen-ticket category taxonomy (resources/taxonomy/categories.json) and the department kinds its leaves
 * dispatch to (resources/taxonomy/departments.json): the schemas of both files, and pure helpers over them.
 *
 * shared/ runs in every process and reads no files: callers parse the JSON themselves and hand the values in.
 */
import { z } from 'zod';

/** Deepest category level: field of governance (1) → subject (2) → reportable event (3). */
export const TAXONOMY_MAX_LEVEL = 3;

/** Digits each level appends to its parent's code: "01" → "0101" → "010101". */
export const CATEGORY_CODE_DIGITS_PER_LEVEL = 2;

/** Administrative levels of Zhengzhou's "1+16+215" operation centres, highest first. */
export const DEPARTMENT_LEVELS = ['city', 'county', 'street'] as const;

/** An administrative level: city (市), county-level district or county (区县), street or township (街道乡镇). */
export const departmentLevelSchema = z.enum(DEPARTMENT_LEVELS);
/** An administrative level. */
export type DepartmentLevel = z.infer<typeof departmentLevelSchema>;

/**
 * A type of responsible department. `level` is the lowest administrative level that has its own unit of this
 * kind (a police station per street, a gas company per city), so dispatch knows how far down it can route a ticket.
 * Bodies below street level (residents' committees, property companies) are counted as `street`.
 */
export const departmentKindSchema = z.strictObject({
  /** Stable snake_case identifier that category leaves refer to. */
  code: z.string().regex(/^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$/),
  name: z.string().min(1),
  nameEn: z.string().min(1),
  level: departmentLevelSchema,
});
/** A type of responsible department. */
export type DepartmentKind = z.infer<typeof departmentKindSchema>;

/** resources/taxonomy/departments.json. `version` rises whenever the list changes. */
export const departmentsFileSchema = z.strictObject({
  version: z.number().int().positive(),
  kinds: z.array(departmentKindSchema),
});
/** resources/taxonomy/departments.json, parsed. */
export type DepartmentsFile = z.infer<typeof departmentsFileSchema>;

/**
 * One category node at any level. The schema checks each node's own fields only; how the levels fit together
 * (codes, depth, which fields a leaf needs) is left to `validateTaxonomy`, so one pass can report every problem
 * instead of stopping at the first.
 */
export const categoryNodeSchema = z.strictObject({
  /** Two decimal digits per level: "01", "0101", "010101". */
  code: z.string().regex(/^\d+$/),
  /** Simplified Chinese, as citizens and operators say it. */
  name: z.string().min(1),
  nameEn: z.string().min(1),
  /** Leaves only: the `code` of the department kind that leads the handling. */
  departmentKind: z.string().min(1).optional(),
  /** Leaves only: hours from dispatch to the handling deadline. */
  deadlineHours: z.number().int().positive().optional(),
  /** Leaves only: words a citizen's report would contain, for suggesting the category from free text. */
  keywords: z.array(z.string().min(1)).optional(),
  /** Leaves only: relative share of real ticket volume (any positive scale). */
  weight: z.number().positive().optional(),
  /** Branches only. */
  get children() {
    return z.array(categoryNodeSchema).optional();
  },
});
/** One category node at any level. */
export type CategoryNode = z.infer<typeof categoryNodeSchema>;

/** resources/taxonomy/categories.json. `version` rises whenever codes or leaves change. */
export const categoriesFileSchema = z.strictObject({
  version: z.number().int().positive(),
  /** How the taxonomy was compiled, and which of its figures are estimates. */
  source: z.string().min(1),
  categories: z.array(categoryNodeSchema),
});
/** resources/taxonomy/categories.json, parsed. */
export type CategoriesFile = z.infer<typeof categoriesFileSchema>;

/** One category as a table row (the shape of the `categories` table), produced by `flattenCategories`. */
export interface CategoryRow {
  code: string;
  /** null at level 1. */
  parentCode: string | null;
  /** 1 for the top level. */
  level: number;
  name: string;
  nameEn: string;
  departmentKind?: string;
  deadlineHours?: number;
  keywords?: readonly string[];
  weight?: number;
}

/** A node is a leaf when it has no children; an empty `children` array counts as none. */
export function isLeafCategory(node: CategoryNode): boolean {
  return node.children === undefined || node.children.length === 0;
}

/** Flattens the tree into rows in depth-first order (each parent just before its descendants). */
export function flattenCategories(tree: readonly CategoryNode[]): CategoryRow[] {
  const rows: CategoryRow[] = [];
  const visit = (nodes: readonly CategoryNode[], parentCode: string | null, level: number): void => {
    for (const node of nodes) {
      const row: CategoryRow = { code: node.code, parentCode, level, name: node.name, nameEn: node.nameEn };
      // Copy only the fields that are present, so rows of branches carry no `undefined` keys.
      if (node.departmentKind !== undefined) row.departmentKind = node.departmentKind;
      if (node.deadlineHours !== undefined) row.deadlineHours = node.deadlineHours;
      if (node.keywords !== undefined) row.keywords = [...node.keywords];
      if (node.weight !== undefined) row.weight = node.weight;
      rows.push(row);
      if (node.children !== undefined) visit(node.children, node.code, level + 1);
    }
  };
  visit(tree, null, 1);
  return rows;
}

/** Every kind of problem `validateTaxonomy` reports. */
export const TAXONOMY_PROBLEM_KINDS = [
  /** Two category nodes share a code. */
  'duplicate-category-code',
  /** Two department kinds share a code. */
  'duplicate-department-code',
  /** A child's code does not start with its parent's code. */
  'code-not-prefixed',
  /** A code does not have two digits per level. */
  'code-length',
  /** A node below level 3. */
  'too-deep',
  /** A node without children above level 3. */
  'shallow-leaf',
  'leaf-missing-department',
  'leaf-missing-deadline',
  'leaf-missing-keywords',
  'leaf-missing-weight',
  /** A leaf names a department kind that departments.json does not list. */
  'unknown-department',
  /** A level-1 or level-2 node carries leaf-only fields, which dispatch would never read. */
  'branch-with-leaf-fields',
] as const;
/** A kind of taxonomy problem. */
export type TaxonomyProblemKind = (typeof TAXONOMY_PROBLEM_KINDS)[number];

/** One problem found by `validateTaxonomy`. */
export interface TaxonomyProblem {
  kind: TaxonomyProblemKind;
  /** The category code, or the department code for `duplicate-department-code`. */
  code: string;
  /** English, for developers and test output. */
  message: string;
}

/**
 * Checks that the taxonomy and the department kinds fit together: unique codes, codes that nest, at most three
 * levels, leaves exactly at level 3 with a known department, a deadline, keywords and a weight. Returns every
 * problem found; an empty list means the data is consistent.
 */
export function validateTaxonomy(
  categories: readonly CategoryNode[],
  departments: readonly DepartmentKind[],
): TaxonomyProblem[] {
  const problems: TaxonomyProblem[] = [];
  const report = (kind: TaxonomyProblemKind, code: string, message: string): void => {
    problems.push({ kind, code, message });
  };

  const departmentCodes = new Set<string>();
  for (const department of departments) {
    if (departmentCodes.has(department.code)) {
      report('duplicate-department-code', department.code, `department kind ${department.code} is listed twice`);
    }
    departmentCodes.add(department.code);
  }

  const seenCodes = new Set<string>();
  const visit = (node: CategoryNode, parentCode: string | null, level: number): void => {
    const { code } = node;
    if (level > TAXONOMY_MAX_LEVEL) {
      // Its whole subtree is out of bounds: one report is enough, and its descendants are not inspected.
      report('too-deep', code, `category ${code} is at level ${level}; the taxonomy has ${TAXONOMY_MAX_LEVEL}`);
      return;
    }
    if (seenCodes.has(code)) report('duplicate-category-code', code, `category code ${code} is used twice`);
    seenCodes.add(code);

    if (parentCode !== null && !code.startsWith(parentCode)) {
      report('code-not-prefixed', code, `category ${code} does not start with its parent's code ${parentCode}`);
    }
    const expectedLength = level * CATEGORY_CODE_DIGITS_PER_LEVEL;
    if (code.length !== expectedLength) {
      report('code-length', code, `category ${code} is at level ${level} and needs ${expectedLength} digits`);
    }

    if (isLeafCategory(node)) {
      if (level < TAXONOMY_MAX_LEVEL) {
        report('shallow-leaf', code, `category ${code} has no children but is only at level ${level}`);
      }
      if (node.departmentKind === undefined) {
        report('leaf-missing-department', code, `leaf ${code} has no departmentKind`);
      } else if (!departmentCodes.has(node.departmentKind)) {
        report('unknown-department', code, `leaf ${code} names unknown department kind ${node.departmentKind}`);
      }
      if (node.deadlineHours === undefined) report('leaf-missing-deadline', code, `leaf ${code} has no deadlineHours`);
      if (node.keywords === undefined || node.keywords.length === 0) {
        report('leaf-missing-keywords', code, `leaf ${code} has no keywords`);
      }
      if (node.weight === undefined) report('leaf-missing-weight', code, `leaf ${code} has no weight`);
      return;
    }

    const leafFields = (['departmentKind', 'deadlineHours', 'keywords', 'weight'] as const).filter(
      (field) => node[field] !== undefined,
    );
    if (leafFields.length > 0) {
      report('branch-with-leaf-fields', code, `branch ${code} carries leaf-only fields: ${leafFields.join(', ')}`);
    }
    for (const child of node.children ?? []) visit(child, code, level + 1);
  };
  for (const node of categories) visit(node, null, 1);
  return problems;
}
