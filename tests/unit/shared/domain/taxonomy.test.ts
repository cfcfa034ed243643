import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  categoriesFileSchema,
  departmentsFileSchema,
  flattenCategories,
  TAXONOMY_PROBLEM_KINDS,
  validateTaxonomy,
  type CategoryNode,
  type DepartmentKind,
  type TaxonomyProblem,
  type TaxonomyProblemKind,
} from '../../../../shared/domain/taxonomy';

const readJson = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../../../resources/taxonomy/${name}`, import.meta.url), 'utf8'));

const categoriesFile = categoriesFileSchema.parse(readJson('categories.json'));
const departmentsFile = departmentsFileSchema.parse(readJson('departments.json'));
const rows = flattenCategories(categoriesFile.categories);
const leaves = rows.filter((row) => row.level === 3);

const CJK = /\p{Script=Han}/u;
const PRINTABLE_ASCII = /^[\x20-\x7e]+$/;

describe('the shipped taxonomy', () => {
  it('is consistent with the department kinds', () => {
    expect(validateTaxonomy(categoriesFile.categories, departmentsFile.kinds)).toEqual([]);
  });

  it('has the intended size', () => {
    const count = (level: number) => rows.filter((row) => row.level === level).length;
    expect(count(1)).toBeGreaterThanOrEqual(12);
    // "About fifty" subjects: enough to browse, few enough for one menu level.
    expect(count(2)).toBeGreaterThanOrEqual(40);
    expect(count(2)).toBeLessThanOrEqual(70);
    expect(count(3)).toBeGreaterThanOrEqual(250);
    expect(count(3)).toBeLessThanOrEqual(400);
    expect(rows).toHaveLength(count(1) + count(2) + count(3));
    expect(departmentsFile.kinds.length).toBeGreaterThanOrEqual(20);
    expect(departmentsFile.kinds.length).toBeLessThanOrEqual(30);
  });

  it('names every node in Chinese and in ASCII English', () => {
    const named = [...rows, ...departmentsFile.kinds];
    expect(named.filter((item) => !CJK.test(item.name)).map((item) => item.name)).toEqual([]);
    expect(named.filter((item) => !PRINTABLE_ASCII.test(item.nameEn)).map((item) => item.nameEn)).toEqual([]);
    expect(named.filter((item) => item.nameEn !== item.nameEn.trim()).map((item) => item.nameEn)).toEqual([]);
  });

  it('gives every category a name of its own', () => {
    // Operators pick categories by name, so two nodes with one name would be ambiguous in the picker.
    const duplicates = (names: string[]) => names.filter((name, index) => names.indexOf(name) !== index);
    expect(duplicates(rows.map((row) => row.name))).toEqual([]);
    expect(duplicates(rows.map((row) => row.nameEn))).toEqual([]);
  });

  it('gives every leaf 4 to 10 distinct Chinese keywords', () => {
    const bad = leaves.filter((leaf) => {
      const keywords = leaf.keywords ?? [];
      return (
        keywords.length < 4 ||
        keywords.length > 10 ||
        new Set(keywords).size !== keywords.length ||
        !keywords.every((keyword) => CJK.test(keyword) && keyword === keyword.trim())
      );
    });
    expect(bad.map((leaf) => leaf.code)).toEqual([]);
  });

  it('sets realistic deadlines: emergencies within 2 hours, nothing beyond 15 days', () => {
    for (const leaf of leaves) {
      expect(leaf.deadlineHours).toBeGreaterThanOrEqual(1);
      expect(leaf.deadlineHours).toBeLessThanOrEqual(360);
    }
    const deadline = (name: string) => leaves.find((leaf) => leaf.name === name)?.deadlineHours;
    for (const emergency of ['燃气泄漏', '井盖缺失', '电梯困人', '火情发现', '电线断落']) {
      expect(deadline(emergency), emergency).toBeLessThanOrEqual(2);
    }
    expect(deadline('积水内涝')).toBeLessThanOrEqual(2);
    expect(deadline('夜间施工扰民')).toBeLessThanOrEqual(24);
  });

  it('weights everyday complaints above rare emergencies', () => {
    const weight = (name: string) => leaves.find((leaf) => leaf.name === name)?.weight ?? Number.NaN;
    expect(leaves.every((leaf) => leaf.weight !== undefined && leaf.weight > 0)).toBe(true);
    expect(weight('占道经营')).toBeGreaterThan(weight('燃气泄漏'));
    expect(weight('垃圾未及时清运')).toBeGreaterThan(weight('道路塌陷'));
    expect(weight('暖气不热')).toBeGreaterThan(weight('危化品违规储存'));
  });

  it('dispatches to every department kind it lists', () => {
    const used = new Set(leaves.map((leaf) => leaf.departmentKind));
    expect(departmentsFile.kinds.filter((kind) => !used.has(kind.code)).map((kind) => kind.code)).toEqual([]);
  });

  it('includes the exclusive-grid operators and the street-level bodies', () => {
    const codes = new Set(departmentsFile.kinds.map((kind) => kind.code));
    for (const code of ['station_operator', 'airport_operator', 'street_office', 'community_committee']) {
      expect(codes.has(code), code).toBe(true);
    }
  });
});

describe('flattenCategories', () => {
  it('lists nodes depth first with their parent codes and levels', () => {
    const tree: CategoryNode[] = [
      {
        code: '01',
        name: '甲',
        nameEn: 'A',
        children: [
          {
            code: '0101',
            name: '甲一',
            nameEn: 'A1',
            children: [leaf('010101', 'gas_company'), leaf('010102', 'gas_company')],
          },
        ],
      },
      { code: '02', name: '乙', nameEn: 'B', children: [{ code: '0201', name: '乙一', nameEn: 'B1' }] },
    ];
    const flat = flattenCategories(tree);
    expect(flat.map((row) => [row.code, row.parentCode, row.level])).toEqual([
      ['01', null, 1],
      ['0101', '01', 2],
      ['010101', '0101', 3],
      ['010102', '0101', 3],
      ['02', null, 1],
      ['0201', '02', 2],
    ]);
    expect(flat[0]).toEqual({ code: '01', parentCode: null, level: 1, name: '甲', nameEn: 'A' });
    expect(flat[2]).toMatchObject({
      departmentKind: 'gas_company',
      deadlineHours: 1,
      keywords: ['燃气', '漏气', '煤气味', '报警'],
    });
  });

  it('keeps the shipped leaves in code order', () => {
    const codes = rows.map((row) => row.code);
    expect(codes).toEqual([...codes].sort());
  });
});

describe('validateTaxonomy', () => {
  const departments: DepartmentKind[] = [
    gasCompany(),
    { code: 'street_office', name: '街道办事处', nameEn: 'Subdistrict Office', level: 'street' },
  ];
  /** Every problem kind some test below provoked, so the last test can tell when a kind goes untested. */
  const provoked = new Set<TaxonomyProblemKind>();
  const validate = (categories: CategoryNode[], kindsOfDepartments = departments): TaxonomyProblem[] => {
    const problems = validateTaxonomy(categories, kindsOfDepartments);
    for (const problem of problems) provoked.add(problem.kind);
    return problems;
  };
  const kinds = (categories: CategoryNode[]): TaxonomyProblemKind[] =>
    validate(categories).map((problem) => problem.kind);
  /** One level-1 and one level-2 node above the given level-3 nodes. */
  const tree = (...children: CategoryNode[]): CategoryNode[] => [
    { code: '01', name: '甲', nameEn: 'A', children: [{ code: '0101', name: '甲一', nameEn: 'A1', children }] },
  ];

  it('accepts a well-formed taxonomy', () => {
    expect(validate(tree(leaf('010101'), leaf('010102', 'street_office')))).toEqual([]);
  });

  it('finds duplicate category codes', () => {
    expect(validate(tree(leaf('010101'), leaf('010101')))).toEqual([
      expect.objectContaining({ kind: 'duplicate-category-code', code: '010101' }),
    ]);
  });

  it('finds duplicate department codes', () => {
    const problems = validate(tree(leaf('010101')), [...departments, { ...gasCompany(), name: '另一燃气公司' }]);
    expect(problems).toEqual([expect.objectContaining({ kind: 'duplicate-department-code', code: 'gas_company' })]);
  });

  it("finds a child code not prefixed by its parent's", () => {
    expect(validate(tree(leaf('020101')))).toEqual([
      expect.objectContaining({ kind: 'code-not-prefixed', code: '020101' }),
    ]);
  });

  it('finds codes of the wrong length for their level', () => {
    expect(kinds(tree(leaf('0101011')))).toEqual(['code-length']);
    const short: CategoryNode[] = [
      {
        code: '1',
        name: '甲',
        nameEn: 'A',
        children: [{ code: '101', name: '甲一', nameEn: 'A1', children: [leaf('10101')] }],
      },
    ];
    expect(kinds(short)).toEqual(['code-length', 'code-length', 'code-length']);
  });

  it('finds leaves without a department, deadline, keywords or weight', () => {
    expect(kinds(tree({ code: '010101', name: '空', nameEn: 'Bare' }))).toEqual([
      'leaf-missing-department',
      'leaf-missing-deadline',
      'leaf-missing-keywords',
      'leaf-missing-weight',
    ]);
    expect(kinds(tree({ ...leaf('010101'), keywords: [] }))).toEqual(['leaf-missing-keywords']);
  });

  it('finds department kinds unknown to departments.json', () => {
    const problems = validate(tree(leaf('010101', 'gas_utility')));
    expect(problems).toEqual([expect.objectContaining({ kind: 'unknown-department', code: '010101' })]);
    expect(problems[0]?.message).toContain('gas_utility');
  });

  it('finds levels deeper than three, once per out-of-bounds subtree', () => {
    const level3: CategoryNode = {
      code: '010101',
      name: '丙',
      nameEn: 'C',
      children: [{ ...leaf('01010101'), children: [leaf('0101010101')] }],
    };
    expect(validate(tree(level3))).toEqual([expect.objectContaining({ kind: 'too-deep', code: '01010101' })]);
  });

  it('finds leaves above level three', () => {
    expect(kinds([{ code: '01', name: '甲', nameEn: 'A', children: [] }])).toEqual([
      'shallow-leaf',
      'leaf-missing-department',
      'leaf-missing-deadline',
      'leaf-missing-keywords',
      'leaf-missing-weight',
    ]);
    expect(kinds([{ code: '01', name: '甲', nameEn: 'A', children: [leaf('0101')] }])).toEqual(['shallow-leaf']);
  });

  it('finds leaf-only fields on branches', () => {
    const categories: CategoryNode[] = tree(leaf('010101')).map((node) => ({
      ...node,
      departmentKind: 'gas_company',
      weight: 3,
    }));
    const problems = validate(categories);
    expect(problems).toEqual([expect.objectContaining({ kind: 'branch-with-leaf-fields', code: '01' })]);
    expect(problems[0]?.message).toContain('departmentKind, weight');
  });

  it('has been made to report every kind of problem above', () => {
    // Fails when a problem kind is added to the validator without a test that provokes it.
    expect([...TAXONOMY_PROBLEM_KINDS].filter((kind) => !provoked.has(kind))).toEqual([]);
  });
});

describe('the schemas', () => {
  it('reject malformed nodes and departments', () => {
    const base = { version: 1, source: 'test', categories: tree0() };
    expect(categoriesFileSchema.safeParse(base).success).toBe(true);
    expect(categoriesFileSchema.safeParse({ ...base, version: 0 }).success).toBe(false);
    expect(categoriesFileSchema.safeParse({ ...base, categories: [{ ...tree0()[0], code: 'A1' }] }).success).toBe(
      false,
    );
    expect(categoriesFileSchema.safeParse({ ...base, categories: [{ ...tree0()[0], colour: 'red' }] }).success).toBe(
      false,
    );
    const deepBad = [{ code: '01', name: '甲', nameEn: 'A', children: [{ ...leaf('0101'), deadlineHours: 1.5 }] }];
    expect(categoriesFileSchema.safeParse({ ...base, categories: deepBad }).success).toBe(false);
    const department = { code: 'gas_company', name: '燃气公司', nameEn: 'Gas Company', level: 'city' };
    expect(departmentsFileSchema.safeParse({ version: 1, kinds: [department] }).success).toBe(true);
    expect(departmentsFileSchema.safeParse({ version: 1, kinds: [{ ...department, level: 'village' }] }).success).toBe(
      false,
    );
    expect(departmentsFileSchema.safeParse({ version: 1, kinds: [{ ...department, code: 'Gas-Co' }] }).success).toBe(
      false,
    );
  });
});

/** A complete leaf with the given code. */
function leaf(code: string, departmentKind = 'gas_company'): CategoryNode {
  return {
    code,
    name: `叶${code}`,
    nameEn: `Leaf ${code}`,
    departmentKind,
    deadlineHours: 1,
    keywords: ['燃气', '漏气', '煤气味', '报警'],
    weight: 1,
  };
}

/** A department kind for fixtures. */
function gasCompany(): DepartmentKind {
  return { code: 'gas_company', name: '燃气公司', nameEn: 'Gas Company', level: 'city' };
}

/** A minimal valid tree. */
function tree0(): CategoryNode[] {
  return [{ code: '01', name: '甲', nameEn: 'A', children: [{ code: '0101', name: '甲一', nameEn: 'A1' }] }];
}
