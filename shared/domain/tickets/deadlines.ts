/**
 * Ticket deadlines (issue #7): when a ticket is due, and how its clock reads at a given moment — on time, in the
 * warning window before the deadline, overdue after it, or overdue past a grace, when it goes to supervision (督办;
 * in Zhengzhou the discipline inspection body follows overdue tickets in real time).
 *
 * Times are epoch seconds, as the store keeps them. The clock is always a parameter: nothing here reads the time, so
 * the watcher, the map and the tests all read the same answer for the same moment.
 */

/** How urgent a ticket is; a higher priority shortens the category's deadline. */
export const TICKET_PRIORITIES = ['routine', 'urgent', 'emergency'] as const;
/** How urgent a ticket is. */
export type TicketPriority = (typeof TICKET_PRIORITIES)[number];

export const TICKET_PRIORITY_LABELS: Readonly<Record<TicketPriority, { zh: string; en: string }>> = {
  routine: { zh: '一般', en: 'routine' },
  urgent: { zh: '紧急', en: 'urgent' },
  emergency: { zh: '特急', en: 'emergency' },
};

/** The share of the category's time a ticket of each priority gets. */
export const PRIORITY_DEADLINE_FACTORS: Readonly<Record<TicketPriority, number>> = {
  routine: 1,
  urgent: 0.5,
  emergency: 0.25,
};

const HOUR = 3600;

/**
 * When a ticket is due: `startAt` (its report, or its reopening) plus the category's `deadlineHours` (the leaf's
 * `deadlineHours` in resources/taxonomy/categories.json), shortened by priority, in whole seconds. The map's overdue
 * counts (electron/services/map) start the clock at the report as well, so a ticket reads the same everywhere.
 */
export function deadlineOf(startAt: number, deadlineHours: number, priority: TicketPriority = 'routine'): number {
  if (!Number.isFinite(startAt)) throw new RangeError(`deadlineOf: startAt must be a finite time, got ${startAt}`);
  if (!Number.isFinite(deadlineHours) || deadlineHours <= 0) {
    throw new RangeError(`deadlineOf: deadlineHours must be positive, got ${deadlineHours}`);
  }
  return startAt + Math.max(1, Math.round(deadlineHours * HOUR * PRIORITY_DEADLINE_FACTORS[priority]));
}

/**
 * When a ticket warns and when it escalates. Each window is "a share of the ticket's time or a fixed span, whichever
 * comes first": the warning starts at the earlier of the two moments (the larger window), and escalation comes at the
 * earlier of the two (the smaller grace), so a one-hour ticket neither waits a day for supervision nor warns late.
 */
export interface DeadlinePolicy {
  /** Warn when this share of the ticket's time is left (0..1; 0 leaves only `warnSeconds`). */
  warnShare: number;
  /** Warn when this many seconds are left. */
  warnSeconds: number;
  /** Escalate once overdue by more than this share of the ticket's time (`Infinity` leaves only `graceSeconds`). */
  graceShare: number;
  /** Escalate once overdue by more than this many seconds. */
  graceSeconds: number;
}

/** The last 20% or the last 2 hours warn; overdue by more than half the ticket's time or a day escalates. */
export const DEFAULT_DEADLINE_POLICY: DeadlinePolicy = {
  warnShare: 0.2,
  warnSeconds: 2 * HOUR,
  graceShare: 0.5,
  graceSeconds: 24 * HOUR,
};

export const DEADLINE_STATES = ['on-time', 'warning', 'overdue', 'escalated'] as const;
/** How a ticket's clock reads. */
export type DeadlineStateName = (typeof DEADLINE_STATES)[number];

export const DEADLINE_STATE_LABELS: Readonly<Record<DeadlineStateName, { zh: string; en: string }>> = {
  'on-time': { zh: '正常', en: 'on time' },
  warning: { zh: '临期预警', en: 'deadline near' },
  overdue: { zh: '已超期', en: 'overdue' },
  escalated: { zh: '超期督办', en: 'overdue, for supervision' },
};

/** What `deadlineState` needs of a ticket (the lifecycle's ticket state has these fields). */
export interface TicketClock {
  /** When the current round began: the report, or the latest reopening. */
  roundStartedAt: number;
  deadlineAt: number;
  /** When the current round was resolved; the clock stops there. */
  resolvedAt: number | null;
  /** When this round went to supervision, if it has. */
  escalatedAt: number | null;
}

/** A ticket's clock read at one moment. */
export interface DeadlineReading {
  state: DeadlineStateName;
  deadlineAt: number;
  /** The first moment of the warning window (the round's start when the window covers all of it). */
  warnFrom: number;
  /** The last moment that is only overdue; any later and the ticket is for supervision. */
  escalateAfter: number;
  /** Seconds to the deadline (0 once past it). */
  secondsLeft: number;
  /** Seconds past the deadline (0 until then). */
  secondsOverdue: number;
  /** The round is resolved: the clock was read at `resolvedAt`, and a resolution on time reads on-time. */
  stopped: boolean;
  /** The clock says escalate and this round has not been escalated yet: the watcher should escalate it now. */
  escalationDue: boolean;
}

function checkPolicy(policy: DeadlinePolicy): void {
  const { warnShare, warnSeconds, graceShare, graceSeconds } = policy;
  if (!(warnShare >= 0 && warnShare <= 1)) throw new RangeError(`warnShare must lie in 0..1, got ${warnShare}`);
  if (!(graceShare >= 0)) throw new RangeError(`graceShare must not be negative, got ${graceShare}`);
  for (const [name, value] of [
    ['warnSeconds', warnSeconds],
    ['graceSeconds', graceSeconds],
  ] as const) {
    if (!(value >= 0) || !Number.isFinite(value)) throw new RangeError(`${name} must be a non-negative number`);
  }
}

/**
 * How the ticket's clock reads at `now` under `policy`. Boundaries, with T the round's time (deadline − start):
 * warning from `deadlineAt − max(warnShare·T, warnSeconds)` inclusive; still warning at the deadline itself (as the
 * map counts it) and overdue from the next second; escalated once overdue by more than `min(graceShare·T,
 * graceSeconds)`. A resolved round reads at its resolution: on-time (resolved before the deadline), overdue or
 * escalated, never warning, and is never due for escalation.
 */
export function deadlineState(
  ticket: TicketClock,
  now: number,
  policy: DeadlinePolicy = DEFAULT_DEADLINE_POLICY,
): DeadlineReading {
  checkPolicy(policy);
  const { roundStartedAt, deadlineAt, resolvedAt, escalatedAt } = ticket;
  const total = Math.max(0, deadlineAt - roundStartedAt);
  const warnWindow = Math.min(total, Math.max(Math.round(policy.warnShare * total), policy.warnSeconds));
  const shareGrace = policy.graceShare === Infinity ? Infinity : Math.round(policy.graceShare * total);
  const grace = Math.min(shareGrace, policy.graceSeconds);
  const stopped = resolvedAt !== null && resolvedAt <= now;
  const at = stopped ? resolvedAt : now;
  const secondsLeft = Math.max(0, deadlineAt - at);
  const secondsOverdue = Math.max(0, at - deadlineAt);

  let state: DeadlineStateName;
  if (secondsOverdue > grace) state = 'escalated';
  else if (secondsOverdue > 0) state = 'overdue';
  else if (!stopped && secondsLeft <= warnWindow) state = 'warning';
  else state = 'on-time';

  return {
    state,
    deadlineAt,
    warnFrom: deadlineAt - warnWindow,
    escalateAfter: deadlineAt + grace,
    secondsLeft,
    secondsOverdue,
    stopped,
    escalationDue: state === 'escalated' && !stopped && escalatedAt === null,
  };
}
