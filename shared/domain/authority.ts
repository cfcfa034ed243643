/**
 * Graded authority (分级授权、分类管理、分事使用): what each role may do, and where. One pure function decides; the main
 * process asks it before a contract handler runs (never the renderer alone), and the renderer asks the same function
 * only to hide what would be refused anyway.
 *
 * A permission is either general (viewing the console, managing users) or territorial: it acts on a place — a
 * broadcast's target, an area switched to emergency mode, a ticket's grid, an alarm's sensor, a worker's file — and
 * is granted only inside the operator's scope (the whole city, one county-level unit, or one L1 street grid with
 * everything beneath it). A trainer holds the commanders' territorial permissions city-wide, in training mode only.
 */
import { ROLE_LABELS, type OperatorRole, type OperatorScope } from './operator-roles';

export const PERMISSIONS = [
  /** See the map, cards, search, tickets heatmap, receipts; change one's own display settings. */
  'console.view',
  /** Compose, preview, send and resend broadcasts to a target. */
  'broadcast.send',
  /** Switch an area between normal and emergency mode (levels IV to I). */
  'mode.switch',
  'tickets.dispatch',
  'tickets.close',
  'alarms.acknowledge',
  /** A worker's personal details (name, phone). */
  'workers.readPersonal',
  /** Replace the city's data (grids, workers, devices) from a file. */
  'data.import',
  'users.manage',
  'audit.read',
  'audit.export',
  /** Run simulation scenarios in training mode. */
  'training.run',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

/** The commands a commander gives: each acts on a place, so each is granted only inside the operator's scope. */
const COMMAND: readonly Permission[] = [
  'broadcast.send',
  'mode.switch',
  'tickets.dispatch',
  'tickets.close',
  'alarms.acknowledge',
  'workers.readPersonal',
];

/** Permissions that act on a place, granted only inside the operator's scope. */
export const TERRITORIAL: ReadonlySet<Permission> = new Set(COMMAND);

/** What each role holds in live operation. */
export const ROLE_PERMISSIONS: Readonly<Record<OperatorRole, ReadonlySet<Permission>>> = {
  city_commander: new Set<Permission>(['console.view', ...COMMAND, 'audit.read']),
  district_commander: new Set<Permission>(['console.view', ...COMMAND]),
  // A street runs its grid; switching emergency mode is a commander's decision.
  street_duty_officer: new Set<Permission>(['console.view', ...COMMAND.filter((p) => p !== 'mode.switch')]),
  trainer: new Set<Permission>(['console.view', 'training.run']),
  viewer: new Set<Permission>(['console.view']),
  // Users, data and the record; never commands to the city.
  administrator: new Set<Permission>(['console.view', 'users.manage', 'data.import', 'audit.read', 'audit.export']),
};

/** What a trainer additionally holds while the console is in training (simulation) mode. */
const TRAINING_PERMISSIONS: ReadonlySet<Permission> = new Set(COMMAND);

/**
 * Where a territorial action lands, resolved by the main process from the request (a broadcast's target grids, an
 * area's grids, a ticket's grid): the whole city, or places named by county code and, below a county, L1 code.
 */
export type ActionArea =
  | { cityWide: true }
  | {
      cityWide: false;
      /** `l1: null`: the whole county-level unit (a county-level target, or a place above street level). */
      places: readonly { county: string; l1: string | null }[];
    };

export interface AuthorityRequest {
  permission: Permission;
  /** Required for a territorial permission: where it acts. */
  area?: ActionArea;
  /** The console is in training (simulation) mode. */
  training?: boolean;
}

export type RefusalReason = 'role' | 'scope' | 'no-area';

export type Decision = { allowed: true } | { allowed: false; reason: RefusalReason; message: string };

export interface Actor {
  role: OperatorRole;
  scope: OperatorScope;
}

const refuse = (reason: RefusalReason, message: string): Decision => ({ allowed: false, reason, message });

/** Whether every place of `area` lies inside `scope`. */
export function withinScope(scope: OperatorScope, area: ActionArea): boolean {
  if (scope.kind === 'city') return true;
  if (area.cityWide || area.places.length === 0) return false;
  return scope.kind === 'county'
    ? area.places.every((place) => place.county === scope.code)
    : area.places.every((place) => place.l1 === scope.code);
}

/** Each permission in the operator's words, Chinese first: refusals are read at a commander's desk. */
export const PERMISSION_LABELS: Readonly<Record<Permission, { zh: string; en: string }>> = {
  'console.view': { zh: '查看指挥台', en: 'view the console' },
  'broadcast.send': { zh: '发送广播指令', en: 'send broadcasts' },
  'mode.switch': { zh: '切换应急模式', en: 'switch emergency mode' },
  'tickets.dispatch': { zh: '派遣工单', en: 'dispatch tickets' },
  'tickets.close': { zh: '办结工单', en: 'close tickets' },
  'alarms.acknowledge': { zh: '确认告警', en: 'acknowledge alarms' },
  'workers.readPersonal': { zh: '查看网格员个人信息', en: "read workers' personal details" },
  'data.import': { zh: '导入城市数据', en: 'import city data' },
  'users.manage': { zh: '管理用户', en: 'manage users' },
  'audit.read': { zh: '查看审计日志', en: 'read the audit trail' },
  'audit.export': { zh: '导出审计日志', en: 'export the audit trail' },
  'training.run': { zh: '运行培训演练', en: 'run training scenarios' },
};

const scopeWords = (scope: OperatorScope): { zh: string; en: string } =>
  scope.kind === 'city'
    ? { zh: '全市', en: 'the whole city' }
    : scope.kind === 'county'
      ? { zh: `区县 ${scope.code}`, en: `county ${scope.code}` }
      : { zh: `街道 ${scope.code}`, en: `street ${scope.code}` };

/** The one place that says whether an operator may do something, and if not, why (in Chinese, then English). */
export function decide(actor: Actor, request: AuthorityRequest): Decision {
  const { permission } = request;
  const label = PERMISSION_LABELS[permission];
  const granted =
    ROLE_PERMISSIONS[actor.role].has(permission) ||
    (actor.role === 'trainer' && request.training === true && TRAINING_PERMISSIONS.has(permission));
  if (!granted) {
    const training = actor.role === 'trainer' && TRAINING_PERMISSIONS.has(permission);
    const role = ROLE_LABELS[actor.role];
    return refuse(
      'role',
      `${role.zh}${training ? '仅在培训模式下' : ''}无权${label.zh}。` +
        ` A ${actor.role.replaceAll('_', ' ')} may not ${permission}${training ? ' outside training mode' : ''}.`,
    );
  }
  if (!TERRITORIAL.has(permission)) return { allowed: true };
  if (!request.area) return refuse('no-area', `${label.zh}须指明作用范围。 ${permission} needs the area it acts on.`);
  if (!withinScope(actor.scope, request.area)) {
    const scope = scopeWords(actor.scope);
    return refuse(
      'scope',
      `超出本操作员的辖区（${scope.zh}），无权${label.zh}。` +
        ` ${permission} reaches beyond ${scope.en}, this operator's scope.`,
    );
  }
  return { allowed: true };
}

/**
 * The two-person rule (configurable): city-wide broadcasts and switches to emergency levels I and II need a second
 * authorised operator to confirm from their own session.
 */
export function needsSecondOperator(
  request: { permission: 'broadcast.send'; area: ActionArea } | { permission: 'mode.switch'; level: 1 | 2 | 3 | 4 },
  rule: { enabled: boolean },
): boolean {
  if (!rule.enabled) return false;
  return request.permission === 'broadcast.send' ? request.area.cityWide : request.level <= 2;
}
