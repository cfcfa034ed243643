/**
 * Reads the category taxonomy and the department kinds from resources/taxonomy/, validates them (schema and
 * consistency) and numbers the categories for the store.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  categoriesFileSchema,
  departmentsFileSchema,
  flattenCategories,
  validateTaxonomy,
  type CategoryRow,
  type DepartmentKind,
} from '../../../shared/domain/taxonomy';

export interface StoredCategoryRow extends CategoryRow {
  /** Row id in the store, in depth-first order from 1. */
  id: number;
  parentId: number | null;
}

export interface CityTaxonomy {
  categoryRows: StoredCategoryRow[];
  departmentKinds: DepartmentKind[];
}

export function loadTaxonomy(resourcesDir: string): CityTaxonomy {
  const read = (file: string): unknown => JSON.parse(readFileSync(join(resourcesDir, 'taxonomy', file), 'utf8'));
  const categories = categoriesFileSchema.parse(read('categories.json'));
  const departments = departmentsFileSchema.parse(read('departments.json'));
  const problems = validateTaxonomy(categories.categories, departments.kinds);
  if (problems.length > 0) {
    throw new Error(`resources/taxonomy is inconsistent: ${problems.map((problem) => problem.message).join('; ')}`);
  }
  const idByCode = new Map<string, number>();
  const categoryRows = flattenCategories(categories.categories).map((row, index) => {
    idByCode.set(row.code, index + 1);
    return { ...row, id: index + 1, parentId: row.parentCode === null ? null : idByCode.get(row.parentCode)! };
  });
  return { categoryRows, departmentKinds: departments.kinds };
}
