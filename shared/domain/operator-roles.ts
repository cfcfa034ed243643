/**
 * The console's operator roles (issue #6, 分级授权) and the kind of scope each may hold. A scope names the root of
 * the grid subtree an operator acts in: the whole city, one county-level unit (and every grid in it) or one L1
 * street grid (and its L2 / L3 / micro grids). Authority (which permission each role has) is built on these.
 */
export const OPERATOR_ROLES = [
  'city_commander',
  'district_commander',
  'street_duty_officer',
  'trainer',
  'viewer',
  'administrator',
] as const;

export type OperatorRole = (typeof OPERATOR_ROLES)[number];

export const SCOPE_KINDS = ['city', 'county', 'l1'] as const;

export type ScopeKind = (typeof SCOPE_KINDS)[number];

/**
 * Where an operator acts. Counties and grids are named by their code, not their row id: a grids import replaces
 * every row (new ids), while the codes are the deployment's own (official division codes for counties).
 */
export type OperatorScope = { kind: 'city' } | { kind: 'county'; code: string } | { kind: 'l1'; code: string };

/**
 * The scopes each role may hold. A viewer may be limited to a district or a street; every other role has exactly
 * one kind (trainers and administrators work city-wide: training mode and user management are not territorial).
 */
export const ROLE_SCOPE_KINDS: Readonly<Record<OperatorRole, readonly ScopeKind[]>> = {
  city_commander: ['city'],
  district_commander: ['county'],
  street_duty_officer: ['l1'],
  trainer: ['city'],
  viewer: ['city', 'county', 'l1'],
  administrator: ['city'],
};

export const ROLE_LABELS: Readonly<Record<OperatorRole, { zh: string; en: string }>> = {
  city_commander: { zh: '市级指挥长', en: 'City commander' },
  district_commander: { zh: '区县指挥长', en: 'District commander' },
  street_duty_officer: { zh: '街道值班员', en: 'Street duty officer' },
  trainer: { zh: '培训员', en: 'Trainer' },
  viewer: { zh: '只读观察员', en: 'Viewer' },
  administrator: { zh: '系统管理员', en: 'Administrator' },
};
