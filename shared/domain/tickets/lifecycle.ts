/**
 * The ticket closed loop (工单闭环, issue #7) as a pure state machine: reported → dispatched → accepted → handling →
 * resolved → feedback → evaluated (satisfaction 1-5), or reopened; re-routing, escalation to supervision (督办) and
 * three-cross joint handling (三跨联办) on the way.
 *
 * Every transition is authorised here, not by its caller: an operator needs the action's permission over the
 * ticket's place (authority.ts `decide`, territorial by the ticket's county and street); a responsible unit acting
 * through the hub (which holds no operator role) must be on the ticket; a service acting on its own (intelligent
 * dispatch, the deadline watcher, the citizen's rating relayed by an intake channel) may take only the automatic
 * steps. A wrong or unauthorised transition is answered with a typed refusal, Chinese first — never thrown — and an
 * accepted one with the new state and the timeline entry that records who did what, when.
 *
 * Times are epoch seconds (the store's unit) and always a parameter.
 */
import { decide, type ActionArea, type Permission, type RefusalReason } from '../authority';
import { TICKET_STATUSES, ticketStatusCode, type TicketStatus } from '../channels';
import type { OperatorRole, OperatorScope } from '../operator-roles';
import { DEPARTMENT_LEVELS } from '../taxonomy';
import { crossBoundaries, type CrossBoundaries, type TicketPlace, type TicketUnit } from './cross-boundaries';
import { deadlineOf, TICKET_PRIORITIES, type TicketPriority } from './deadlines';

/** The statuses, in the store's order: the index is the `tickets.status` code (0 reported … 7 reopened). */
export { TICKET_STATUSES, ticketStatusCode, type TicketStatus };

/** The status a stored code stands for; null for a code outside 0..7. */
export function ticketStatusFromCode(code: number): TicketStatus | null {
  return Number.isInteger(code) ? (TICKET_STATUSES[code] ?? null) : null;
}

/** Each status in the operator's words, Chinese first. */
export const TICKET_STATUS_LABELS: Readonly<Record<TicketStatus, { zh: string; en: string }>> = {
  reported: { zh: '已上报', en: 'reported' },
  dispatched: { zh: '已派遣', en: 'dispatched' },
  accepted: { zh: '已签收', en: 'accepted' },
  handling: { zh: '处置中', en: 'handling' },
  resolved: { zh: '已办结', en: 'resolved' },
  feedback: { zh: '已反馈', en: 'feedback given' },
  evaluated: { zh: '已评价', en: 'evaluated' },
  reopened: { zh: '已重启', en: 'reopened' },
};

/** Statuses whose deadline clock runs (the store's open-ticket index holds the same: 0, 1, 2, 3, 7). */
export const OPEN_STATUSES: readonly TicketStatus[] = ['reported', 'dispatched', 'accepted', 'handling', 'reopened'];

export const SATISFACTION_MIN = 1;
export const SATISFACTION_MAX = 5;
/** A citizen's rating, 1 (very dissatisfied) to 5 (very satisfied). */
export type Satisfaction = 1 | 2 | 3 | 4 | 5;

/** The most characters a reason, note or result may hold. */
export const MAX_TEXT_LENGTH = 2000;

/** Who takes an action. The main process builds it from the session or the service, never from the request. */
export type TicketActor =
  /** A console operator: authorised by role and scope (authority.ts). */
  | { kind: 'operator'; id: string; role: OperatorRole; scope: OperatorScope }
  /** Someone of a responsible unit, through the hub: authorised by the unit being on the ticket. */
  | { kind: 'unit'; id: string; department: string }
  /** A service acting on its own (intelligent dispatch, the deadline watcher, an intake channel). */
  | { kind: 'system'; id: string };

/** A unit on the ticket: the lead (one, from dispatch on) or a joint handler. */
export interface TicketParty extends TicketUnit {
  role: 'lead' | 'joint';
}

/**
 * What the lifecycle knows of a ticket. Maps onto the `tickets` row (status code, reported_at, dispatched_at,
 * closed_at = resolvedAt, satisfaction) plus what the row does not hold yet (parties, rounds, escalation).
 */
export interface TicketState {
  status: TicketStatus;
  /** Category code (a taxonomy leaf). */
  category: string;
  /** The category's deadline, in hours. */
  deadlineHours: number;
  priority: TicketPriority;
  place: TicketPlace;
  /** Lead first; empty until dispatch. */
  parties: readonly TicketParty[];
  reportedAt: number;
  /** The first dispatch (re-routing keeps it: the dispatch-time figure is about the first). */
  dispatchedAt: number | null;
  /** When the current round began: the report, or the latest reopening. */
  roundStartedAt: number;
  deadlineAt: number;
  /** When the current round was resolved; the deadline clock stops there. */
  resolvedAt: number | null;
  /** When the current round went to supervision. */
  escalatedAt: number | null;
  /** The rating of the current round; cleared when it is reopened (the old one stays on the timeline). */
  satisfaction: Satisfaction | null;
  reopenCount: number;
  /** The latest transition: a later one may not be stamped earlier. */
  updatedAt: number;
}

/** What each action carries besides who takes it. */
export type TicketAction =
  | { kind: 'dispatch'; by: TicketActor; lead: TicketUnit; note?: string }
  /** To another place, another lead unit, or both; always with a reason. */
  | { kind: 'reroute'; by: TicketActor; place?: TicketPlace; lead?: TicketUnit; reason: string }
  | { kind: 'accept'; by: TicketActor; note?: string }
  | { kind: 'start-handling'; by: TicketActor; note?: string }
  /** `result`: what was done, as the citizen will be told. */
  | { kind: 'resolve'; by: TicketActor; result: string }
  /** `note`: how and what the reporter was told. */
  | { kind: 'feedback'; by: TicketActor; note?: string }
  | { kind: 'evaluate'; by: TicketActor; satisfaction: number; comment?: string }
  | { kind: 'reopen'; by: TicketActor; reason: string }
  | { kind: 'escalate'; by: TicketActor; reason: string }
  /** Adds units to handle the ticket jointly; together they must make a three-cross case. */
  | { kind: 'mark-joint'; by: TicketActor; parties: readonly TicketUnit[]; note?: string };

export type TicketActionKind = TicketAction['kind'];

/** One row of the transition table. */
export interface TransitionRule {
  from: readonly TicketStatus[];
  /** The status afterwards; 'same' for actions that change no status (escalation, joint handling). */
  to: TicketStatus | 'same';
  /** What an operator needs over the ticket's place (and, re-routing, over the destination too). */
  permission: Permission;
  /** Whether a service may take it on its own. */
  system: boolean;
  /** Which units on the ticket may take it through the hub: only the lead, any party, or none. */
  unit: 'lead' | 'party' | null;
  /** The fields it must carry (beyond `by`). */
  carries: readonly string[];
  label: { zh: string; en: string };
}

const AFTER_DISPATCH: readonly TicketStatus[] = ['dispatched', 'accepted', 'handling', 'reopened'];

/** The closed loop: every action, from which statuses, to which, under which permission, by whom, carrying what. */
export const TICKET_TRANSITIONS: Readonly<Record<TicketActionKind, TransitionRule>> = {
  dispatch: {
    from: ['reported'],
    to: 'dispatched',
    permission: 'tickets.dispatch',
    system: true,
    unit: null,
    carries: ['lead'],
    label: { zh: '派遣', en: 'dispatch' },
  },
  reroute: {
    from: AFTER_DISPATCH,
    to: 'dispatched',
    permission: 'tickets.dispatch',
    system: false,
    unit: null,
    carries: ['place or lead', 'reason'],
    label: { zh: '改派', en: 're-route' },
  },
  accept: {
    from: ['dispatched', 'reopened'],
    to: 'accepted',
    permission: 'tickets.dispatch',
    system: false,
    unit: 'lead',
    carries: [],
    label: { zh: '签收', en: 'accept' },
  },
  'start-handling': {
    from: ['accepted'],
    to: 'handling',
    permission: 'tickets.dispatch',
    system: false,
    unit: 'party',
    carries: [],
    label: { zh: '开始处置', en: 'start handling' },
  },
  resolve: {
    from: ['handling'],
    to: 'resolved',
    permission: 'tickets.close',
    system: false,
    unit: 'lead',
    carries: ['result'],
    label: { zh: '办结', en: 'resolve' },
  },
  feedback: {
    from: ['resolved'],
    to: 'feedback',
    permission: 'tickets.close',
    system: true,
    unit: null,
    carries: [],
    label: { zh: '反馈结果', en: 'give feedback on' },
  },
  evaluate: {
    from: ['feedback'],
    to: 'evaluated',
    permission: 'tickets.close',
    system: true,
    unit: null,
    carries: ['satisfaction'],
    label: { zh: '评价', en: 'evaluate' },
  },
  reopen: {
    from: ['resolved', 'feedback', 'evaluated'],
    to: 'reopened',
    permission: 'tickets.close',
    system: true,
    unit: null,
    carries: ['reason'],
    label: { zh: '重启', en: 'reopen' },
  },
  escalate: {
    from: OPEN_STATUSES,
    to: 'same',
    permission: 'tickets.dispatch',
    system: true,
    unit: null,
    carries: ['reason'],
    label: { zh: '移交督办', en: 'escalate to supervision' },
  },
  'mark-joint': {
    from: AFTER_DISPATCH,
    to: 'same',
    permission: 'tickets.dispatch',
    system: true,
    unit: 'lead',
    carries: ['parties'],
    label: { zh: '三跨联办', en: 'mark for joint handling' },
  },
};

/** Every action kind, in the order of the loop. */
export const TICKET_ACTION_KINDS = Object.keys(TICKET_TRANSITIONS) as readonly TicketActionKind[];

/** How an accepted transition was authorised. */
export type Authorisation =
  | { kind: 'permission'; permission: Permission }
  | { kind: 'party'; role: TicketParty['role'] }
  | { kind: 'system' }
  /** The report itself: filed by intake, which checks its own channel. */
  | { kind: 'intake' };

/** What a timeline entry records beyond who, when and which action; only the fields the action has. */
export interface TimelineDetails {
  reason?: string;
  note?: string;
  result?: string;
  comment?: string;
  satisfaction?: Satisfaction;
  lead?: TicketUnit;
  previousLead?: TicketUnit;
  place?: TicketPlace;
  previousPlace?: TicketPlace;
  /** Units added for joint handling. */
  parties?: readonly TicketUnit[];
  /** The three-cross reading after the action, where the parties or the place changed. */
  cross?: CrossBoundaries;
  /** The new round's deadline (report, reopening). */
  deadlineAt?: number;
}

/** One line of a ticket's timeline: who did what, when, and under which authority. */
export interface TimelineEntry {
  at: number;
  action: TicketActionKind | 'report';
  by: TicketActor;
  from: TicketStatus | null;
  to: TicketStatus;
  authorisedBy: Authorisation;
  /** What happened, Chinese first. */
  summary: string;
  details: TimelineDetails;
}

export const TRANSITION_REFUSAL_REASONS = [
  /** `at` is not a whole second, or earlier than the ticket's latest transition. */
  'clock',
  /** This kind of actor may never take this action (a service re-routing, a unit evaluating). */
  'actor',
  /** The operator's role or scope does not allow it (authority.ts). */
  'authority',
  /** The unit is not on the ticket, or not its lead. */
  'party',
  /** Not from the ticket's current status (or already done this round). */
  'status',
  /** A field the action must carry is missing or out of range. */
  'payload',
] as const;
export type TransitionRefusalReason = (typeof TRANSITION_REFUSAL_REASONS)[number];

export interface TransitionRefusal {
  ok: false;
  reason: TransitionRefusalReason;
  /** authority.ts's reason, when `reason` is 'authority'. */
  authority?: RefusalReason;
  /** Why, Chinese first, then English. */
  message: string;
}

export type TransitionResult = { ok: true; ticket: TicketState; entry: TimelineEntry } | TransitionRefusal;

export interface TransitionOptions {
  /** The console is in training mode (a trainer then holds the commanders' ticket permissions). */
  training?: boolean;
}

const refuse = (reason: TransitionRefusalReason, message: string, authority?: RefusalReason): TransitionRefusal =>
  authority === undefined ? { ok: false, reason, message } : { ok: false, reason, authority, message };

const areaOf = (...places: readonly TicketPlace[]): ActionArea => ({
  cityWide: false,
  places: places.map((place) => ({ county: place.county, l1: place.l1 })),
});

const leadOf = (ticket: TicketState): TicketParty | undefined => ticket.parties.find((party) => party.role === 'lead');

const unitOf = (party: TicketUnit): TicketUnit => ({
  department: party.department,
  kind: party.kind,
  level: party.level,
  county: party.county,
});

/** Who may take `rule` on `ticket`; an Authorisation, or the refusal. */
function authorise(
  ticket: TicketState,
  kind: TicketActionKind,
  actor: TicketActor,
  places: readonly TicketPlace[],
  options: TransitionOptions,
): Authorisation | TransitionRefusal {
  const rule = TICKET_TRANSITIONS[kind];
  const label = rule.label;
  // The timeline must name someone: an actor without an id is refused, whatever its kind.
  if (typeof actor !== 'object' || actor === null || !nonEmpty(actor.id)) {
    return refuse('actor', '操作者身份不明。 The actor has no identity.');
  }
  switch (actor.kind) {
    case 'operator': {
      const decision = decide(
        { role: actor.role, scope: actor.scope },
        { permission: rule.permission, area: areaOf(...places), training: options.training === true },
      );
      return decision.allowed
        ? { kind: 'permission', permission: rule.permission }
        : refuse('authority', decision.message, decision.reason);
    }
    case 'unit': {
      if (rule.unit === null) {
        return refuse('actor', `责任单位不能${label.zh}工单。 A responsible unit may not ${label.en} a ticket.`);
      }
      const party = ticket.parties.find(
        (candidate) =>
          candidate.department === actor.department && (rule.unit === 'party' || candidate.role === 'lead'),
      );
      if (party === undefined) {
        return rule.unit === 'lead'
          ? refuse(
              'party',
              `${actor.department} 不是本工单的主办单位，不能${label.zh}。` +
                ` ${actor.department} is not this ticket's lead unit and may not ${label.en} it.`,
            )
          : refuse(
              'party',
              `${actor.department} 不是本工单的办理单位，不能${label.zh}。` +
                ` ${actor.department} is not a party to this ticket and may not ${label.en} it.`,
            );
      }
      return { kind: 'party', role: party.role };
    }
    case 'system':
      return rule.system
        ? { kind: 'system' }
        : refuse(
            'actor',
            `${label.zh}须由有权限的人员操作，系统不能自动执行。 Only an authorised person may ${label.en} a ticket, not a service.`,
          );
    default:
      return refuse('actor', '无法识别操作者。 The actor is not recognised.');
  }
}

const isRefusal = (value: Authorisation | TransitionRefusal): value is TransitionRefusal => 'ok' in value && !value.ok;

const nonEmpty = (value: unknown): value is string => typeof value === 'string' && value.trim().length > 0;

/** A required text: trimmed, 1..MAX_TEXT_LENGTH characters; a refusal naming it otherwise. */
function requiredText(value: unknown, zh: string, en: string): string | TransitionRefusal {
  const text = optionalText(value, zh, en);
  return text === undefined ? refuse('payload', `须填写${zh}。 A ${en} is required.`) : text;
}

/** An optional text, trimmed; blank reads as absent. */
function optionalText(value: unknown, zh: string, en: string): string | undefined | TransitionRefusal {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') return refuse('payload', `${zh}须为文字。 The ${en} must be text.`);
  const text = value.trim();
  if (text.length > MAX_TEXT_LENGTH) {
    return refuse(
      'payload',
      `${zh}不能超过 ${MAX_TEXT_LENGTH} 字。 The ${en} may hold at most ${MAX_TEXT_LENGTH} characters.`,
    );
  }
  return text.length === 0 ? undefined : text;
}

const isTextRefusal = (value: string | undefined | TransitionRefusal): value is TransitionRefusal =>
  typeof value === 'object';

function checkUnit(unit: unknown, zh: string, en: string): TransitionRefusal | null {
  const bad = refuse('payload', `${zh}信息不完整或有误。 The ${en} is incomplete or invalid.`);
  if (typeof unit !== 'object' || unit === null) return bad;
  const { department, kind, level, county } = unit as Partial<Record<keyof TicketUnit, unknown>>;
  if (!nonEmpty(department) || !nonEmpty(kind)) return bad;
  if (!(DEPARTMENT_LEVELS as readonly unknown[]).includes(level)) return bad;
  // A city-level unit answers for no one district; every other unit for exactly one.
  if (level === 'city' ? county !== null : !nonEmpty(county)) {
    return refuse(
      'payload',
      `${zh}的区县与其层级不符（市级单位不属任何区县，其他单位须属一个区县）。` +
        ` The ${en}'s county does not fit its level (a city-level unit has none, any other exactly one).`,
    );
  }
  return null;
}

function checkPlace(place: unknown): TransitionRefusal | null {
  if (typeof place !== 'object' || place === null) return refuse('payload', '改派地点有误。 The new place is invalid.');
  const { grid, l1, county } = place as Partial<Record<keyof TicketPlace, unknown>>;
  return nonEmpty(grid) && nonEmpty(l1) && nonEmpty(county)
    ? null
    : refuse('payload', '改派地点须含网格、街道与区县编码。 The new place needs its grid, street and county codes.');
}

const samePlace = (a: TicketPlace, b: TicketPlace): boolean =>
  a.grid === b.grid && a.l1 === b.l1 && a.county === b.county;

const statusWords = (status: TicketStatus) => TICKET_STATUS_LABELS[status];

/** The action kinds `actor` may take on `ticket` now (its status and their authority; not what each must carry). */
export function allowedActions(
  ticket: TicketState,
  actor: TicketActor,
  options: TransitionOptions = {},
): TicketActionKind[] {
  return TICKET_ACTION_KINDS.filter((kind) => {
    const rule = TICKET_TRANSITIONS[kind];
    if (!rule.from.includes(ticket.status)) return false;
    if (kind === 'escalate' && ticket.escalatedAt !== null) return false;
    return !isRefusal(authorise(ticket, kind, actor, [ticket.place], options));
  });
}

/** The three-cross reading of a ticket's parties and place (a joint-handling case when `joint`). */
export function ticketCross(ticket: Pick<TicketState, 'parties' | 'place'>): CrossBoundaries {
  return crossBoundaries(ticket.parties, ticket.place);
}

/** A new ticket's report: what intake knows when the ticket is filed. */
export interface TicketReport {
  category: string;
  deadlineHours: number;
  priority?: TicketPriority;
  place: TicketPlace;
  reportedAt: number;
  /** Who filed it: the intake channel's service, or the operator who took the call. */
  by: TicketActor;
  /** The channel's code (channels.ts), for the timeline. */
  channel?: string;
}

/**
 * A reported ticket and the first line of its timeline. Filing is intake's decision, not a transition, so nothing is
 * authorised here; a deadline that is not positive or a priority outside TICKET_PRIORITIES throws (RangeError), as a
 * report that reaches this point has been validated already.
 */
export function reportTicket(report: TicketReport): { ticket: TicketState; entry: TimelineEntry } {
  const priority = report.priority ?? 'routine';
  if (!TICKET_PRIORITIES.includes(priority)) throw new RangeError(`reportTicket: unknown priority ${String(priority)}`);
  const deadlineAt = deadlineOf(report.reportedAt, report.deadlineHours, priority);
  const ticket: TicketState = {
    status: 'reported',
    category: report.category,
    deadlineHours: report.deadlineHours,
    priority,
    place: { ...report.place },
    parties: [],
    reportedAt: report.reportedAt,
    dispatchedAt: null,
    roundStartedAt: report.reportedAt,
    deadlineAt,
    resolvedAt: null,
    escalatedAt: null,
    satisfaction: null,
    reopenCount: 0,
    updatedAt: report.reportedAt,
  };
  const channel = report.channel === undefined ? '' : `（${report.channel}）`;
  const channelEn = report.channel === undefined ? '' : ` through ${report.channel}`;
  const entry: TimelineEntry = {
    at: report.reportedAt,
    action: 'report',
    by: report.by,
    from: null,
    to: 'reported',
    authorisedBy: { kind: 'intake' },
    summary: `上报${channel}，类别 ${report.category}。 Reported${channelEn}, category ${report.category}.`,
    details: { place: { ...report.place }, deadlineAt },
  };
  return { ticket, entry };
}

/**
 * Applies `action` to `ticket` at `at`: the new state and its timeline entry, or a refusal saying why (Chinese first).
 * Checks, in order: the clock, who may act (actor kind, then role and scope or place on the ticket), the status, and
 * what the action carries; re-routing is authorised over the destination as well as the ticket's place.
 */
export function applyTransition(
  ticket: TicketState,
  action: TicketAction,
  at: number,
  options: TransitionOptions = {},
): TransitionResult {
  const rule = (TICKET_TRANSITIONS as Partial<Record<string, TransitionRule>>)[action.kind];
  if (rule === undefined) return refuse('payload', '未知的工单操作。 Unknown ticket action.');
  const label = rule.label;

  if (!Number.isSafeInteger(at)) {
    return refuse('clock', '操作时间须为整秒。 The time of a transition must be a whole epoch second.');
  }
  if (at < ticket.updatedAt) {
    return refuse(
      'clock',
      `操作时间早于工单的上一次变更，拒绝倒序记录。 This transition is stamped ${ticket.updatedAt - at} s before the` +
        ` ticket's latest one; the timeline is never written out of order.`,
    );
  }

  const who = authorise(ticket, action.kind, action.by, [ticket.place], options);
  if (isRefusal(who)) return who;

  if (!rule.from.includes(ticket.status)) {
    const current = statusWords(ticket.status);
    const from = rule.from.map(statusWords);
    return refuse(
      'status',
      `工单当前为“${current.zh}”，不能${label.zh}（仅限：${from.map((words) => words.zh).join('、')}）。` +
        ` Cannot ${label.en} a ticket that is ${current.en} (only one that is ${from.map((words) => words.en).join(', ')}).`,
    );
  }

  const to: TicketStatus = rule.to === 'same' ? ticket.status : rule.to;
  const next: TicketState = { ...ticket, status: to, updatedAt: at };
  const details: TimelineDetails = {};
  let summary: string;

  switch (action.kind) {
    case 'dispatch': {
      const bad = checkUnit(action.lead, '主办单位', 'lead unit');
      if (bad) return bad;
      const note = optionalText(action.note, '备注', 'note');
      if (isTextRefusal(note)) return note;
      const lead = unitOf(action.lead);
      next.parties = [{ ...lead, role: 'lead' }];
      next.dispatchedAt = ticket.dispatchedAt ?? at;
      details.lead = lead;
      if (note !== undefined) details.note = note;
      details.cross = ticketCross(next);
      summary = details.cross.joint
        ? `派遣至 ${lead.department}（三跨联办）。 Dispatched to ${lead.department} (joint handling).`
        : `派遣至 ${lead.department}。 Dispatched to ${lead.department}.`;
      break;
    }
    case 'reroute': {
      const reason = requiredText(action.reason, '改派原因', 'reason for re-routing');
      if (isTextRefusal(reason)) return reason;
      if (action.place === undefined && action.lead === undefined) {
        return refuse(
          'payload',
          '改派须指明新的地点或主办单位。 Re-routing needs a new place, a new lead unit, or both.',
        );
      }
      if (action.place !== undefined) {
        const bad = checkPlace(action.place);
        if (bad) return bad;
      }
      if (action.lead !== undefined) {
        const bad = checkUnit(action.lead, '新主办单位', 'new lead unit');
        if (bad) return bad;
      }
      const previousLead = leadOf(ticket);
      const place: TicketPlace = action.place === undefined ? ticket.place : { ...action.place };
      const lead = action.lead === undefined ? previousLead && unitOf(previousLead) : unitOf(action.lead);
      if (lead === undefined) return refuse('payload', '改派须指明主办单位。 Re-routing needs a lead unit.');
      if (samePlace(place, ticket.place) && lead.department === previousLead?.department) {
        return refuse(
          'payload',
          '改派目标与当前地点和主办单位相同。 The ticket is already at that place with that lead unit.',
        );
      }
      if (!samePlace(place, ticket.place)) {
        // Moving a ticket is a decision over both ends: a street cannot hand its ticket into a neighbour's grid.
        const there = authorise(ticket, action.kind, action.by, [ticket.place, place], options);
        if (isRefusal(there)) return there;
      }
      next.place = place;
      next.parties = [
        { ...lead, role: 'lead' },
        ...ticket.parties.filter((party) => party.role === 'joint' && party.department !== lead.department),
      ];
      details.reason = reason;
      details.lead = lead;
      if (previousLead !== undefined) details.previousLead = unitOf(previousLead);
      if (!samePlace(place, ticket.place)) {
        details.place = place;
        details.previousPlace = { ...ticket.place };
      }
      details.cross = ticketCross(next);
      const moved = samePlace(place, ticket.place) ? '' : `网格 ${ticket.place.grid}→${place.grid}，`;
      const movedEn = samePlace(place, ticket.place) ? '' : `grid ${ticket.place.grid} → ${place.grid}, `;
      summary =
        `改派：${moved}主办单位 ${previousLead?.department ?? '—'}→${lead.department}；原因：${reason}。` +
        ` Re-routed: ${movedEn}lead ${previousLead?.department ?? '—'} → ${lead.department}; reason: ${reason}.`;
      break;
    }
    case 'accept':
    case 'start-handling': {
      const note = optionalText(action.note, '备注', 'note');
      if (isTextRefusal(note)) return note;
      if (note !== undefined) details.note = note;
      summary =
        action.kind === 'accept'
          ? `已签收（主办单位 ${leadOf(ticket)?.department ?? '—'}）。 Accepted (lead unit ${leadOf(ticket)?.department ?? '—'}).`
          : '开始处置。 Handling started.';
      break;
    }
    case 'resolve': {
      const result = requiredText(action.result, '办理结果', 'result');
      if (isTextRefusal(result)) return result;
      next.resolvedAt = at;
      details.result = result;
      summary = `办结：${result}。 Resolved: ${result}.`;
      break;
    }
    case 'feedback': {
      const note = optionalText(action.note, '反馈内容', 'feedback note');
      if (isTextRefusal(note)) return note;
      if (note !== undefined) details.note = note;
      summary = '已向报告人反馈办理结果。 The result was reported back to the reporter.';
      break;
    }
    case 'evaluate': {
      const { satisfaction } = action;
      if (
        typeof satisfaction !== 'number' ||
        !Number.isInteger(satisfaction) ||
        satisfaction < SATISFACTION_MIN ||
        satisfaction > SATISFACTION_MAX
      ) {
        return refuse(
          'payload',
          `满意度须为 ${SATISFACTION_MIN} 至 ${SATISFACTION_MAX} 的整数。` +
            ` Satisfaction must be a whole number from ${SATISFACTION_MIN} to ${SATISFACTION_MAX}.`,
        );
      }
      const comment = optionalText(action.comment, '评价意见', 'comment');
      if (isTextRefusal(comment)) return comment;
      next.satisfaction = satisfaction as Satisfaction;
      details.satisfaction = satisfaction as Satisfaction;
      if (comment !== undefined) details.comment = comment;
      summary = `评价：满意度 ${satisfaction}/5。 Evaluated: satisfaction ${satisfaction}/5.`;
      break;
    }
    case 'reopen': {
      const reason = requiredText(action.reason, '重启原因', 'reason for reopening');
      if (isTextRefusal(reason)) return reason;
      // A new round: its own deadline from now, its own resolution, rating and escalation.
      next.roundStartedAt = at;
      next.deadlineAt = deadlineOf(at, ticket.deadlineHours, ticket.priority);
      next.resolvedAt = null;
      next.escalatedAt = null;
      next.satisfaction = null;
      next.reopenCount = ticket.reopenCount + 1;
      details.reason = reason;
      details.deadlineAt = next.deadlineAt;
      summary = `重启（第 ${next.reopenCount} 次）：${reason}。 Reopened (time ${next.reopenCount}): ${reason}.`;
      break;
    }
    case 'escalate': {
      if (ticket.escalatedAt !== null) {
        return refuse(
          'status',
          '本轮办理已移交督办，无须重复移交。 This round of the ticket is already under supervision.',
        );
      }
      const reason = requiredText(action.reason, '督办原因', 'reason for escalation');
      if (isTextRefusal(reason)) return reason;
      next.escalatedAt = at;
      details.reason = reason;
      summary = `移交督办：${reason}。 Escalated to supervision: ${reason}.`;
      break;
    }
    case 'mark-joint': {
      // The action may come from outside the type system (a hub message), so its list is checked as data.
      const units: readonly TicketUnit[] = Array.isArray(action.parties) ? (action.parties as TicketUnit[]) : [];
      if (units.length === 0) {
        return refuse('payload', '须指明联合办理的单位。 Joint handling needs the units to add.');
      }
      for (const unit of units) {
        const bad = checkUnit(unit, '联办单位', 'joint unit');
        if (bad) return bad;
      }
      const note = optionalText(action.note, '备注', 'note');
      if (isTextRefusal(note)) return note;
      const onTicket = new Set(ticket.parties.map((party) => party.department));
      const added: TicketUnit[] = [];
      for (const unit of units) {
        if (onTicket.has(unit.department)) continue;
        onTicket.add(unit.department);
        added.push(unitOf(unit));
      }
      if (added.length === 0) {
        return refuse('payload', '这些单位均已在本工单上。 Every one of these units is already on the ticket.');
      }
      next.parties = [...ticket.parties, ...added.map((unit): TicketParty => ({ ...unit, role: 'joint' }))];
      const cross = ticketCross(next);
      if (!cross.joint) {
        return refuse(
          'payload',
          `加入后仍不构成三跨事项：${cross.reason}` +
            ' Joint handling is for three-cross cases; add units of another district, department or level.',
        );
      }
      details.parties = added;
      details.cross = cross;
      if (note !== undefined) details.note = note;
      summary =
        `三跨联办，加入 ${added.map((unit) => unit.department).join('、')}。` +
        ` Joint handling: added ${added.map((unit) => unit.department).join(', ')}.`;
      break;
    }
  }

  return {
    ok: true,
    ticket: next,
    entry: { at, action: action.kind, by: action.by, from: ticket.status, to, authorisedBy: who, summary, details },
  };
}
