/**
 * The ticket closed loop: the transition table written out here by hand (not read from the implementation) and
 * checked for every action from every status; who may act (operators by role and scope, units on the ticket,
 * services); what each action must carry; the happy path to evaluated and the reopened rounds after it; the clock;
 * and the timeline entry each transition leaves.
 */
import { describe, expect, it } from 'vitest';
import { OPEN_TICKET_STATUSES } from '../../../../../electron/services/store/migrations/0004-open-ticket-index';
import type { OperatorRole, OperatorScope } from '../../../../../shared/domain/operator-roles';
import { deadlineState } from '../../../../../shared/domain/tickets/deadlines';
import type { TicketPlace, TicketUnit } from '../../../../../shared/domain/tickets/cross-boundaries';
import {
  allowedActions,
  applyTransition,
  MAX_TEXT_LENGTH,
  OPEN_STATUSES,
  reportTicket,
  TICKET_ACTION_KINDS,
  TICKET_STATUSES,
  TICKET_TRANSITIONS,
  ticketStatusCode,
  ticketStatusFromCode,
  type TicketAction,
  type TicketActionKind,
  type TicketActor,
  type TicketState,
  type TicketStatus,
  type TimelineEntry,
  type TransitionResult,
} from '../../../../../shared/domain/tickets/lifecycle';

const HOUR = 3600;
/** 2025-07-20 08:00 Beijing time, in epoch seconds. */
const T0 = 1_752_969_600;

/** County C1 with streets S1 and S2; county C2 with street S3. */
const IN_S1: TicketPlace = { grid: 'S1-01', l1: 'S1', county: 'C1' };
const IN_S2: TicketPlace = { grid: 'S2-04', l1: 'S2', county: 'C1' };
const IN_S3: TicketPlace = { grid: 'S3-02', l1: 'S3', county: 'C2' };

const URBAN_C1: TicketUnit = { department: 'C1-urban', kind: 'urban_management', level: 'county', county: 'C1' };
const URBAN_C2: TicketUnit = { department: 'C2-urban', kind: 'urban_management', level: 'county', county: 'C2' };
const HOUSING_C1: TicketUnit = { department: 'C1-housing', kind: 'housing', level: 'county', county: 'C1' };
const POLICE_S1: TicketUnit = { department: 'S1-police', kind: 'public_security', level: 'street', county: 'C1' };
const POLICE_S2: TicketUnit = { department: 'S2-police', kind: 'public_security', level: 'street', county: 'C1' };
const GAS_CITY: TicketUnit = { department: 'city-gas', kind: 'gas', level: 'city', county: null };

const operator = (id: string, role: OperatorRole, scope: OperatorScope): TicketActor => ({
  kind: 'operator',
  id,
  role,
  scope,
});
const CITY = operator('op-city', 'city_commander', { kind: 'city' });
const DISTRICT_C1 = operator('op-c1', 'district_commander', { kind: 'county', code: 'C1' });
const DISTRICT_C2 = operator('op-c2', 'district_commander', { kind: 'county', code: 'C2' });
const STREET_S1 = operator('op-s1', 'street_duty_officer', { kind: 'l1', code: 'S1' });
const STREET_S2 = operator('op-s2', 'street_duty_officer', { kind: 'l1', code: 'S2' });
const VIEWER = operator('op-view', 'viewer', { kind: 'city' });
const ADMIN = operator('op-admin', 'administrator', { kind: 'city' });
const TRAINER = operator('op-train', 'trainer', { kind: 'city' });
const SYSTEM: TicketActor = { kind: 'system', id: 'deadline-watch' };
const unitActor = (unit: TicketUnit, id = `${unit.department}-worker`): TicketActor => ({
  kind: 'unit',
  id,
  department: unit.department,
});

/** The transition table, by hand: from which statuses, to which, under which permission. */
const TABLE: Record<TicketActionKind, { from: TicketStatus[]; to: TicketStatus | 'same'; permission: string }> = {
  dispatch: { from: ['reported'], to: 'dispatched', permission: 'tickets.dispatch' },
  reroute: {
    from: ['dispatched', 'accepted', 'handling', 'reopened'],
    to: 'dispatched',
    permission: 'tickets.dispatch',
  },
  accept: { from: ['dispatched', 'reopened'], to: 'accepted', permission: 'tickets.dispatch' },
  'start-handling': { from: ['accepted'], to: 'handling', permission: 'tickets.dispatch' },
  resolve: { from: ['handling'], to: 'resolved', permission: 'tickets.close' },
  feedback: { from: ['resolved'], to: 'feedback', permission: 'tickets.close' },
  evaluate: { from: ['feedback'], to: 'evaluated', permission: 'tickets.close' },
  reopen: { from: ['resolved', 'feedback', 'evaluated'], to: 'reopened', permission: 'tickets.close' },
  escalate: {
    from: ['reported', 'dispatched', 'accepted', 'handling', 'reopened'],
    to: 'same',
    permission: 'tickets.dispatch',
  },
  'mark-joint': {
    from: ['dispatched', 'accepted', 'handling', 'reopened'],
    to: 'same',
    permission: 'tickets.dispatch',
  },
};

/** Who besides operators may take each action: S a service, L the lead unit, P any unit on the ticket. */
// prettier-ignore
const OTHERS: Record<TicketActionKind, string> = {
  dispatch: 'S',   reroute: '',      accept: 'L',    'start-handling': 'P', resolve: 'L',
  feedback: 'S',   evaluate: 'S',    reopen: 'S',    escalate: 'S',         'mark-joint': 'SL',
};

/** A valid action of each kind, by `by`. */
const ACTIONS: Record<TicketActionKind, (by: TicketActor) => TicketAction> = {
  dispatch: (by) => ({ kind: 'dispatch', by, lead: URBAN_C1 }),
  reroute: (by) => ({ kind: 'reroute', by, lead: HOUSING_C1, reason: '属房管职责 / housing matter' }),
  accept: (by) => ({ kind: 'accept', by }),
  'start-handling': (by) => ({ kind: 'start-handling', by }),
  resolve: (by) => ({ kind: 'resolve', by, result: '已清理占道摊点' }),
  feedback: (by) => ({ kind: 'feedback', by, note: '电话回访' }),
  evaluate: (by) => ({ kind: 'evaluate', by, satisfaction: 4 }),
  reopen: (by) => ({ kind: 'reopen', by, reason: '市民反映问题仍在' }),
  escalate: (by) => ({ kind: 'escalate', by, reason: '超期未办结' }),
  'mark-joint': (by) => ({ kind: 'mark-joint', by, parties: [GAS_CITY] }),
};

const reported = (place: TicketPlace = IN_S1, deadlineHours = 72): TicketState =>
  reportTicket({
    category: '010101',
    deadlineHours,
    place,
    reportedAt: T0,
    by: { kind: 'system', id: 'intake:hotline_12345' },
    channel: 'hotline_12345',
  }).ticket;

/** A ticket in `status`, led by URBAN_C1 with POLICE_S1 as a joint party once dispatched, last changed at T0 + 1 h. */
function inStatus(status: TicketStatus, place: TicketPlace = IN_S1): TicketState {
  const base = reported(place);
  if (status === 'reported') return { ...base, updatedAt: T0 + HOUR };
  const resolved = ['resolved', 'feedback', 'evaluated'].includes(status);
  return {
    ...base,
    status,
    parties: [
      { ...URBAN_C1, role: 'lead' },
      { ...POLICE_S1, role: 'joint' },
    ],
    dispatchedAt: T0 + 60,
    resolvedAt: resolved ? T0 + HOUR : null,
    satisfaction: status === 'evaluated' ? 5 : null,
    updatedAt: T0 + HOUR,
  };
}

const AT = T0 + 2 * HOUR;

function accepted(result: TransitionResult): { ticket: TicketState; entry: TimelineEntry } {
  if (!result.ok) throw new Error(`refused: ${result.reason}: ${result.message}`);
  return result;
}

function refusal(result: TransitionResult) {
  if (result.ok) throw new Error(`accepted ${result.entry.action}, expected a refusal`);
  return result;
}

/** Chinese first, then English, as authority.ts words its refusals. */
const BILINGUAL = /^[\u4e00-\u9fff][^]*。 \S[^]*\.$/;

describe('statuses', () => {
  it('match the store codes 0 reported … 6 evaluated, 7 reopened', () => {
    expect(TICKET_STATUSES.map((status, code) => `${code} ${status}`)).toEqual([
      '0 reported',
      '1 dispatched',
      '2 accepted',
      '3 handling',
      '4 resolved',
      '5 feedback',
      '6 evaluated',
      '7 reopened',
    ]);
    for (const status of TICKET_STATUSES) expect(ticketStatusFromCode(ticketStatusCode(status))).toBe(status);
    for (const code of [-1, 8, 1.5, Number.NaN]) expect(ticketStatusFromCode(code)).toBeNull();
  });

  it('open statuses are the ones the store indexes as open', () => {
    expect(OPEN_STATUSES.map(ticketStatusCode).join(', ')).toBe(OPEN_TICKET_STATUSES);
  });
});

describe('the transition table', () => {
  it('is the one written out here', () => {
    expect([...TICKET_ACTION_KINDS].sort()).toEqual(Object.keys(TABLE).sort());
    for (const kind of TICKET_ACTION_KINDS) {
      const rule = TICKET_TRANSITIONS[kind];
      expect({ from: [...rule.from], to: rule.to, permission: rule.permission }, kind).toEqual(TABLE[kind]);
      const others = (rule.system ? 'S' : '') + (rule.unit === 'lead' ? 'L' : rule.unit === 'party' ? 'P' : '');
      expect(others, kind).toBe(OTHERS[kind]);
    }
  });

  describe.each(TICKET_ACTION_KINDS)('%s', (kind) => {
    it.each(TICKET_STATUSES)(`from %s`, (status) => {
      const ticket = inStatus(status);
      const result = applyTransition(ticket, ACTIONS[kind](CITY), AT);
      if (!TABLE[kind].from.includes(status)) {
        const refused = refusal(result);
        expect(refused.reason).toBe('status');
        expect(refused.message).toMatch(BILINGUAL);
        return;
      }
      const { ticket: next, entry } = accepted(result);
      const to = TABLE[kind].to === 'same' ? status : TABLE[kind].to;
      expect(next.status).toBe(to);
      expect(next.updatedAt).toBe(AT);
      expect(entry).toMatchObject({
        at: AT,
        action: kind,
        by: CITY,
        from: status,
        to,
        authorisedBy: { kind: 'permission', permission: TABLE[kind].permission },
      });
      expect(entry.summary).toMatch(BILINGUAL);
      // The ticket it was given is left as it was.
      expect(ticket).toEqual(inStatus(status));
    });
  });
});

describe('who may act', () => {
  const ticket = inStatus('handling');

  it('operators need the permission over the ticket place (authority.ts)', () => {
    for (const actor of [VIEWER, ADMIN, TRAINER]) {
      expect(refusal(applyTransition(ticket, ACTIONS.resolve(actor), AT))).toMatchObject({
        reason: 'authority',
        authority: 'role',
      });
    }
    for (const actor of [STREET_S2, DISTRICT_C2]) {
      const refused = refusal(applyTransition(ticket, ACTIONS.resolve(actor), AT));
      expect(refused).toMatchObject({ reason: 'authority', authority: 'scope' });
      expect(refused.message).toMatch(BILINGUAL);
    }
    for (const actor of [CITY, DISTRICT_C1, STREET_S1]) accepted(applyTransition(ticket, ACTIONS.resolve(actor), AT));
    // A trainer holds the commanders' ticket permissions in training mode only.
    accepted(applyTransition(ticket, ACTIONS.resolve(TRAINER), AT, { training: true }));
  });

  it('a service takes only the automatic steps', () => {
    for (const kind of TICKET_ACTION_KINDS) {
      const status = TABLE[kind].from[0]!;
      const result = applyTransition(inStatus(status), ACTIONS[kind](SYSTEM), AT);
      if (OTHERS[kind].includes('S')) expect(accepted(result).entry.authorisedBy, kind).toEqual({ kind: 'system' });
      else expect(refusal(result), kind).toMatchObject({ reason: 'actor' });
    }
  });

  it('a unit acts through the hub only on a ticket it is on: the lead accepts and resolves, any party handles', () => {
    const lead = unitActor(URBAN_C1);
    const joint = unitActor(POLICE_S1);
    const stranger = unitActor(URBAN_C2);
    for (const kind of TICKET_ACTION_KINDS) {
      const ticketThen = inStatus(TABLE[kind].from[0]!);
      const byLead = applyTransition(ticketThen, ACTIONS[kind](lead), AT);
      const byJoint = applyTransition(ticketThen, ACTIONS[kind](joint), AT);
      const byStranger = applyTransition(ticketThen, ACTIONS[kind](stranger), AT);
      if (OTHERS[kind].includes('L') || OTHERS[kind].includes('P')) {
        expect(accepted(byLead).entry.authorisedBy, kind).toEqual({ kind: 'party', role: 'lead' });
        expect(refusal(byStranger).reason, kind).toBe('party');
        if (OTHERS[kind].includes('P')) {
          expect(accepted(byJoint).entry.authorisedBy, kind).toEqual({ kind: 'party', role: 'joint' });
        } else {
          expect(refusal(byJoint).reason, kind).toBe('party');
        }
      } else {
        for (const result of [byLead, byJoint, byStranger]) expect(refusal(result).reason, kind).toBe('actor');
      }
    }
  });

  it('an actor without an identity is refused, whatever it claims to be', () => {
    const nobody = { kind: 'system', id: ' ' } as TicketActor;
    expect(refusal(applyTransition(ticket, ACTIONS.escalate(nobody), AT)).reason).toBe('actor');
    const missing = { kind: 'escalate', reason: 'x' } as unknown as TicketAction;
    expect(refusal(applyTransition(ticket, missing, AT)).reason).toBe('actor');
  });

  it('authority is checked before the status, so a refusal does not tell an outsider where a ticket stands', () => {
    expect(refusal(applyTransition(inStatus('evaluated'), ACTIONS.dispatch(STREET_S2), AT)).reason).toBe('authority');
  });

  it('allowedActions lists what an actor may do now', () => {
    expect(allowedActions(ticket, VIEWER)).toEqual([]);
    expect(allowedActions(ticket, STREET_S2)).toEqual([]);
    expect(allowedActions(ticket, STREET_S1)).toEqual(['reroute', 'resolve', 'escalate', 'mark-joint']);
    expect(allowedActions(ticket, SYSTEM)).toEqual(['escalate', 'mark-joint']);
    expect(allowedActions(ticket, unitActor(POLICE_S1))).toEqual([]);
    expect(allowedActions(inStatus('accepted'), unitActor(POLICE_S1))).toEqual(['start-handling']);
    expect(allowedActions(inStatus('feedback'), CITY)).toEqual(['evaluate', 'reopen']);
    expect(allowedActions({ ...ticket, escalatedAt: AT }, SYSTEM)).toEqual(['mark-joint']);
    expect(allowedActions(ticket, TRAINER)).toEqual([]);
    expect(allowedActions(ticket, TRAINER, { training: true })).toEqual(allowedActions(ticket, CITY));
  });
});

describe('the closed loop', () => {
  it('runs from report to evaluation, each step on the timeline with who, when and what', () => {
    const report = reportTicket({
      category: '010101',
      deadlineHours: 24,
      place: IN_S1,
      reportedAt: T0,
      by: { kind: 'system', id: 'intake:hotline_12345' },
      channel: 'hotline_12345',
    });
    expect(report.ticket).toMatchObject({ status: 'reported', deadlineAt: T0 + 24 * HOUR, parties: [] });
    expect(report.entry).toMatchObject({ at: T0, action: 'report', from: null, to: 'reported' });
    expect(report.entry.summary).toBe(
      '上报（hotline_12345），类别 010101。 Reported through hotline_12345, category 010101.',
    );

    const router: TicketActor = { kind: 'system', id: 'router' };
    const worker = unitActor(URBAN_C1, 'worker-17');
    const steps: [TicketAction, number][] = [
      [{ kind: 'dispatch', by: router, lead: URBAN_C1 }, T0 + 40],
      [{ kind: 'accept', by: worker }, T0 + 600],
      [{ kind: 'start-handling', by: worker, note: '已到场' }, T0 + HOUR],
      [{ kind: 'resolve', by: worker, result: '摊点已清理' }, T0 + 5 * HOUR],
      [{ kind: 'feedback', by: STREET_S1, note: '电话告知市民' }, T0 + 6 * HOUR],
      [{ kind: 'evaluate', by: { kind: 'system', id: 'intake:hotline_12345' }, satisfaction: 5 }, T0 + 30 * HOUR],
    ];
    let ticket = report.ticket;
    const timeline: TimelineEntry[] = [report.entry];
    for (const [action, at] of steps) {
      const step = accepted(applyTransition(ticket, action, at));
      ticket = step.ticket;
      timeline.push(step.entry);
    }

    expect(timeline.map((entry) => [entry.at - T0, entry.by.id, entry.action, entry.from, entry.to])).toEqual([
      [0, 'intake:hotline_12345', 'report', null, 'reported'],
      [40, 'router', 'dispatch', 'reported', 'dispatched'],
      [600, 'worker-17', 'accept', 'dispatched', 'accepted'],
      [HOUR, 'worker-17', 'start-handling', 'accepted', 'handling'],
      [5 * HOUR, 'worker-17', 'resolve', 'handling', 'resolved'],
      [6 * HOUR, 'op-s1', 'feedback', 'resolved', 'feedback'],
      [30 * HOUR, 'intake:hotline_12345', 'evaluate', 'feedback', 'evaluated'],
    ]);
    expect(timeline.map((entry) => entry.summary)).toEqual([
      '上报（hotline_12345），类别 010101。 Reported through hotline_12345, category 010101.',
      '派遣至 C1-urban。 Dispatched to C1-urban.',
      '已签收（主办单位 C1-urban）。 Accepted (lead unit C1-urban).',
      '开始处置。 Handling started.',
      '办结：摊点已清理。 Resolved: 摊点已清理.',
      '已向报告人反馈办理结果。 The result was reported back to the reporter.',
      '评价：满意度 5/5。 Evaluated: satisfaction 5/5.',
    ]);
    expect(timeline[1]!.details).toMatchObject({ lead: URBAN_C1, cross: { joint: false } });
    expect(timeline[3]!.details).toEqual({ note: '已到场' });
    expect(timeline[4]!.details).toEqual({ result: '摊点已清理' });
    expect(timeline[6]!.details).toEqual({ satisfaction: 5 });
    expect(ticket).toMatchObject({
      status: 'evaluated',
      dispatchedAt: T0 + 40,
      resolvedAt: T0 + 5 * HOUR,
      satisfaction: 5,
      parties: [{ ...URBAN_C1, role: 'lead' }],
      reopenCount: 0,
      updatedAt: T0 + 30 * HOUR,
    });
    // Resolved five hours in: the clock stopped on time, and stays so a month later.
    expect(deadlineState(ticket, T0 + 30 * 24 * HOUR)).toMatchObject({ state: 'on-time', stopped: true });
  });

  it.each(['evaluated', 'feedback', 'resolved'] as const)(
    'reopens from %s as a new round with its own deadline, and runs the loop again',
    (status) => {
      const before = { ...inStatus(status), escalatedAt: T0 + 30 * 60 };
      const reopenAt = T0 + 100 * HOUR;
      const { ticket, entry } = accepted(
        applyTransition(before, { kind: 'reopen', by: DISTRICT_C1, reason: '  问题仍未解决  ' }, reopenAt),
      );
      expect(ticket).toMatchObject({
        status: 'reopened',
        roundStartedAt: reopenAt,
        deadlineAt: reopenAt + 72 * HOUR,
        resolvedAt: null,
        escalatedAt: null,
        satisfaction: null,
        reopenCount: 1,
        reportedAt: T0,
        dispatchedAt: T0 + 60,
      });
      expect(entry.details).toEqual({ reason: '问题仍未解决', deadlineAt: reopenAt + 72 * HOUR });
      expect(entry.summary).toBe('重启（第 1 次）：问题仍未解决。 Reopened (time 1): 问题仍未解决.');
      expect(deadlineState(ticket, reopenAt + HOUR).state).toBe('on-time');

      let again = ticket;
      const lead = unitActor(URBAN_C1);
      for (const [action, at] of [
        [{ kind: 'accept', by: lead }, reopenAt + 60],
        [{ kind: 'start-handling', by: lead }, reopenAt + 120],
        [{ kind: 'resolve', by: lead, result: '彻底整改' }, reopenAt + HOUR],
        [{ kind: 'feedback', by: SYSTEM }, reopenAt + HOUR],
        [{ kind: 'evaluate', by: CITY, satisfaction: 3 }, reopenAt + 2 * HOUR],
        [{ kind: 'reopen', by: SYSTEM, reason: '仍不满意' }, reopenAt + 3 * HOUR],
      ] as [TicketAction, number][]) {
        again = accepted(applyTransition(again, action, at)).ticket;
      }
      expect(again).toMatchObject({ status: 'reopened', reopenCount: 2, satisfaction: null });
    },
  );
});

describe('what an action must carry', () => {
  it('evaluation: a whole satisfaction from 1 to 5', () => {
    const ticket = inStatus('feedback');
    for (const satisfaction of [1, 2, 3, 4, 5]) {
      const { ticket: next, entry } = accepted(
        applyTransition(ticket, { kind: 'evaluate', by: CITY, satisfaction, comment: '很好' }, AT),
      );
      expect(next.satisfaction).toBe(satisfaction);
      expect(entry.details).toEqual({ satisfaction, comment: '很好' });
    }
    for (const satisfaction of [0, 6, -1, 2.5, Number.NaN, Infinity, '5' as unknown as number]) {
      const refused = refusal(applyTransition(ticket, { kind: 'evaluate', by: CITY, satisfaction }, AT));
      expect(refused.reason).toBe('payload');
      expect(refused.message).toBe('满意度须为 1 至 5 的整数。 Satisfaction must be a whole number from 1 to 5.');
    }
  });

  it('reopening, escalation and re-routing need a reason; resolution needs its result', () => {
    const cases: [TicketStatus, TicketAction][] = [
      ['evaluated', { kind: 'reopen', by: CITY, reason: '' }],
      ['feedback', { kind: 'reopen', by: CITY, reason: '   ' }],
      ['handling', { kind: 'escalate', by: SYSTEM, reason: '' }],
      ['accepted', { kind: 'reroute', by: CITY, lead: HOUSING_C1, reason: '' }],
      ['handling', { kind: 'resolve', by: CITY, result: '' }],
      ['evaluated', { kind: 'reopen', by: CITY } as unknown as TicketAction],
    ];
    for (const [status, action] of cases) {
      const refused = refusal(applyTransition(inStatus(status), action, AT));
      expect(refused.reason, action.kind).toBe('payload');
      expect(refused.message, action.kind).toMatch(/^须填写.+。 A .+ is required\.$/);
    }
  });

  it('texts are trimmed and limited', () => {
    const long = 'x'.repeat(MAX_TEXT_LENGTH + 1);
    expect(refusal(applyTransition(inStatus('handling'), { kind: 'resolve', by: CITY, result: long }, AT)).reason).toBe(
      'payload',
    );
    const atLimit = ` ${'x'.repeat(MAX_TEXT_LENGTH)} `;
    const { entry } = accepted(
      applyTransition(inStatus('handling'), { kind: 'resolve', by: CITY, result: atLimit }, AT),
    );
    expect(entry.details.result).toBe('x'.repeat(MAX_TEXT_LENGTH));
  });

  it('dispatch needs a lead unit whose county fits its level', () => {
    const ticket = inStatus('reported');
    const bad: unknown[] = [
      undefined,
      { ...URBAN_C1, department: '' },
      { ...URBAN_C1, level: 'province' },
      { ...URBAN_C1, county: null },
      { ...GAS_CITY, county: 'C1' },
    ];
    for (const lead of bad) {
      const action = { kind: 'dispatch', by: CITY, lead } as TicketAction;
      expect(refusal(applyTransition(ticket, action, AT)).reason).toBe('payload');
    }
    const { ticket: next } = accepted(applyTransition(ticket, { kind: 'dispatch', by: CITY, lead: GAS_CITY }, AT));
    expect(next.parties).toEqual([{ ...GAS_CITY, role: 'lead' }]);
  });

  it('an unknown action is refused, not thrown', () => {
    const action = { kind: 'close-everything', by: CITY } as unknown as TicketAction;
    expect(refusal(applyTransition(inStatus('handling'), action, AT))).toMatchObject({ reason: 'payload' });
  });
});

describe('re-routing', () => {
  it('hands the ticket to a new lead, back to dispatched, keeping joint parties, first dispatch and deadline', () => {
    const before = inStatus('handling');
    const { ticket, entry } = accepted(
      applyTransition(before, { kind: 'reroute', by: STREET_S1, lead: HOUSING_C1, reason: '属房管职责' }, AT),
    );
    expect(ticket).toMatchObject({
      status: 'dispatched',
      place: IN_S1,
      dispatchedAt: before.dispatchedAt,
      deadlineAt: before.deadlineAt,
      parties: [
        { ...HOUSING_C1, role: 'lead' },
        { ...POLICE_S1, role: 'joint' },
      ],
    });
    expect(entry.details).toMatchObject({ reason: '属房管职责', lead: HOUSING_C1, previousLead: URBAN_C1 });
    expect(entry.details.place).toBeUndefined();
    expect(entry.summary).toBe(
      '改派：主办单位 C1-urban→C1-housing；原因：属房管职责。 Re-routed: lead C1-urban → C1-housing; reason: 属房管职责.',
    );
  });

  it('a joint party that becomes the lead is not listed twice', () => {
    const { ticket } = accepted(
      applyTransition(inStatus('accepted'), { kind: 'reroute', by: CITY, lead: POLICE_S1, reason: '公安牵头' }, AT),
    );
    expect(ticket.parties).toEqual([{ ...POLICE_S1, role: 'lead' }]);
  });

  it('to another grid is authorised over both ends', () => {
    const ticket = inStatus('dispatched');
    const toS2 = (by: TicketActor): TicketAction => ({ kind: 'reroute', by, place: IN_S2, reason: '位置报错' });
    expect(refusal(applyTransition(ticket, toS2(STREET_S1), AT))).toMatchObject({
      reason: 'authority',
      authority: 'scope',
    });
    const { ticket: next, entry } = accepted(applyTransition(ticket, toS2(DISTRICT_C1), AT));
    expect(next.place).toEqual(IN_S2);
    expect(entry.details).toMatchObject({ place: IN_S2, previousPlace: IN_S1, lead: URBAN_C1 });
    expect(entry.summary).toMatch(/^改派：网格 S1-01→S2-04，主办单位 C1-urban→C1-urban；/);
    // Into another district: only the city reaches both.
    const toS3: TicketAction = { kind: 'reroute', by: DISTRICT_C1, place: IN_S3, lead: URBAN_C2, reason: '属二七区' };
    expect(refusal(applyTransition(ticket, toS3, AT)).authority).toBe('scope');
    accepted(applyTransition(ticket, { ...toS3, by: CITY }, AT));
  });

  it('needs somewhere new to go', () => {
    const ticket = inStatus('dispatched');
    const nowhere: TicketAction = { kind: 'reroute', by: CITY, reason: '重新派遣' };
    expect(refusal(applyTransition(ticket, nowhere, AT)).reason).toBe('payload');
    const same: TicketAction = { kind: 'reroute', by: CITY, place: IN_S1, lead: URBAN_C1, reason: '重新派遣' };
    expect(refusal(applyTransition(ticket, same, AT)).reason).toBe('payload');
    const badPlace = { kind: 'reroute', by: CITY, place: { grid: 'S2-04' }, reason: 'x' } as TicketAction;
    expect(refusal(applyTransition(ticket, badPlace, AT)).reason).toBe('payload');
  });
});

describe('escalation to supervision', () => {
  it('records when, once per round', () => {
    const { ticket, entry } = accepted(
      applyTransition(inStatus('handling'), { kind: 'escalate', by: SYSTEM, reason: '超期 24 小时' }, AT),
    );
    expect(ticket).toMatchObject({ status: 'handling', escalatedAt: AT });
    expect(entry).toMatchObject({ from: 'handling', to: 'handling', details: { reason: '超期 24 小时' } });
    const again = refusal(applyTransition(ticket, { kind: 'escalate', by: CITY, reason: '再次督办' }, AT + 1));
    expect(again.reason).toBe('status');
    expect(again.message).toMatch(BILINGUAL);
  });

  it('follows the deadline watcher: due after the grace, not before', () => {
    const ticket = reported(IN_S1, 24);
    const graceEnd = T0 + 24 * HOUR + 12 * HOUR; // half of 24 h comes before a day
    expect(deadlineState(ticket, graceEnd).escalationDue).toBe(false);
    expect(deadlineState(ticket, graceEnd + 1).escalationDue).toBe(true);
    const { ticket: escalated } = accepted(
      applyTransition(ticket, { kind: 'escalate', by: SYSTEM, reason: '超期 12 小时' }, graceEnd + 1),
    );
    expect(deadlineState(escalated, graceEnd + 2)).toMatchObject({ state: 'escalated', escalationDue: false });
  });
});

describe('joint handling (三跨)', () => {
  it('adds units of another department, level or district, and the ticket becomes a joint case', () => {
    const ticket = { ...inStatus('accepted'), parties: [{ ...URBAN_C1, role: 'lead' as const }] };
    const { ticket: next, entry } = accepted(
      applyTransition(
        ticket,
        { kind: 'mark-joint', by: STREET_S1, parties: [GAS_CITY, URBAN_C1], note: '燃气管线' },
        AT,
      ),
    );
    expect(next.parties).toEqual([
      { ...URBAN_C1, role: 'lead' },
      { ...GAS_CITY, role: 'joint' },
    ]);
    expect(entry.details.parties).toEqual([GAS_CITY]);
    expect(entry.details.cross).toMatchObject({ crossDepartment: true, crossLevel: true, crossDistrict: false });
    expect(entry.summary).toBe('三跨联办，加入 city-gas。 Joint handling: added city-gas.');
  });

  it('refuses units that are already on the ticket, or that cross nothing', () => {
    const ticket = { ...inStatus('handling'), parties: [{ ...POLICE_S1, role: 'lead' as const }] };
    const already = refusal(applyTransition(ticket, { kind: 'mark-joint', by: CITY, parties: [POLICE_S1] }, AT));
    expect(already.reason).toBe('payload');
    const sameKind = refusal(applyTransition(ticket, { kind: 'mark-joint', by: CITY, parties: [POLICE_S2] }, AT));
    expect(sameKind.reason).toBe('payload');
    expect(sameKind.message).toMatch(/^加入后仍不构成三跨事项/);
    expect(refusal(applyTransition(ticket, { kind: 'mark-joint', by: CITY, parties: [] }, AT)).reason).toBe('payload');
  });

  it('a dispatch to a unit of another district is a joint case from the start', () => {
    const { entry } = accepted(applyTransition(reported(IN_S1), { kind: 'dispatch', by: CITY, lead: URBAN_C2 }, AT));
    expect(entry.details.cross).toMatchObject({ crossDistrict: true, joint: true });
    expect(entry.summary).toBe('派遣至 C2-urban（三跨联办）。 Dispatched to C2-urban (joint handling).');
  });
});

describe('the clock of a transition', () => {
  const ticket = inStatus('handling'); // last changed at T0 + 1 h

  it('may not run backwards, and must be whole seconds', () => {
    const earlier = refusal(applyTransition(ticket, ACTIONS.resolve(CITY), T0 + HOUR - 1));
    expect(earlier.reason).toBe('clock');
    expect(earlier.message).toMatch(BILINGUAL);
    accepted(applyTransition(ticket, ACTIONS.resolve(CITY), T0 + HOUR));
    for (const at of [T0 + 2.5, Number.NaN, Infinity]) {
      expect(refusal(applyTransition(ticket, ACTIONS.resolve(CITY), at)).reason).toBe('clock');
    }
  });
});
