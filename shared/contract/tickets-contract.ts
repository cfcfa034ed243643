/**
 * The ticket desk (issue #7): the board (filtered, sorted by time to deadline, live), a ticket's detail (timeline,
 * photos, place, why it went where it went, the actions this operator may take), the lifecycle actions, re-routing
 * with an optional routing rule, duplicate merges, the live tickets on the map, and the KPI dashboard.
 *
 * Ticket ids here are the store's row ids: the generated history and live tickets alike. Live tickets — those that
 * came in through the hub's intake — also carry their hub id (`t-<seq>`); only they can be acted on, since every
 * transition is an event of the hub tier's ticket stream. The imported history is read-only.
 *
 * Who may act: `tickets.handle`, `tickets.reroute` and `tickets.merge` need `tickets.dispatch`, `tickets.close` needs
 * `tickets.close`, each inside the operator's scope (the ticket's county and street, resolved by the main process from
 * the ticket itself); the lifecycle (shared/domain/tickets/lifecycle.ts) then checks the status and what the action
 * carries. Personal data of reporters never leaves the main process unmasked.
 */
import { z } from 'zod';
import { TICKET_STATUSES } from '../domain/channels';
import { DEADLINE_STATES } from '../domain/tickets/deadlines';
import { event, invoke, notObjects } from './entry';

const ticketId = z.number().int().positive();
const status = z.enum(TICKET_STATUSES);
const deadlineState = z.enum(DEADLINE_STATES);
const words = z.strictObject({ zh: z.string(), en: z.string() });
const note = z.string().trim().min(1).max(2000);
const categoryCode = z.string().regex(/^\d{2}(\d{2}){0,2}$/);
const code = z.string().min(1).max(64);

export const TICKET_BOARD_SORTS = ['deadline', 'newest', 'oldest'] as const;
export const TICKET_BOARD_MAX_ROWS = 200;

/** The board's filters; every one optional (absent = all). */
export const ticketQuerySchema = z.strictObject({
  /** Statuses to show; absent: the open ones (reported, dispatched, accepted, handling, reopened). */
  statuses: z.array(status).min(1).max(TICKET_STATUSES.length).optional(),
  channels: z.array(z.number().int().min(1).max(10)).min(1).max(10).optional(),
  /** A category code at any level (2, 4 or 6 digits): the category and everything beneath it. */
  category: categoryCode.optional(),
  /** A county-level unit's code. */
  county: code.optional(),
  /** A grid (any level) and everything beneath it. */
  gridId: z.number().int().positive().optional(),
  /** Only tickets whose clock reads this (or worse: 'warning' includes overdue ones). */
  deadline: z.enum(['warning', 'overdue']).optional(),
  /** Only live tickets (from the intake), not the imported history. */
  liveOnly: z.boolean().optional(),
  sort: z.enum(TICKET_BOARD_SORTS).optional(),
  limit: z.number().int().min(1).max(TICKET_BOARD_MAX_ROWS).optional(),
  offset: z.number().int().min(0).max(10_000_000).optional(),
});
export type TicketQuery = z.infer<typeof ticketQuerySchema>;

const named = z.strictObject({ code: z.string(), name: z.string(), nameEn: z.string() });

export const ticketRowSchema = z.strictObject({
  id: ticketId,
  /** `t-<seq>` for a live ticket; null for the imported history. */
  hubId: z.string().nullable(),
  channel: z.number().int(),
  category: named,
  status,
  reportedAt: z.number().int(),
  deadlineAt: z.number().int(),
  /** How the clock reads now (a closed ticket: at its closing). */
  deadline: deadlineState,
  secondsLeft: z.number().int(),
  grid: z.strictObject({ id: z.number().int(), name: z.string() }),
  county: z.string(),
  /** The lead department's name; null until dispatched (or for the history, which does not record it). */
  department: z.string().nullable(),
  /** The first line of the report's text; null for the history. */
  excerpt: z.string().nullable(),
  lng: z.number(),
  lat: z.number(),
  /** Merged into another case (its row id). */
  mergedInto: ticketId.nullable(),
  /** A three-cross case in joint handling. */
  joint: z.boolean(),
  escalated: z.boolean(),
  /** Live tickets only: a possible duplicate of an open case nearby (a suggested merge). */
  duplicateOf: ticketId.nullable(),
});
export type TicketRow = z.infer<typeof ticketRowSchema>;

export const ticketBoardSchema = z.strictObject({
  /** Matching tickets in all (not only this page), counted up to 10,000. */
  total: z.number().int().nonnegative(),
  /** More match than `total` says ("10,000+"). */
  totalCapped: z.boolean(),
  rows: z.array(ticketRowSchema),
  /** The instant the clocks were read (epoch seconds). */
  now: z.number().int(),
});
export type TicketBoard = z.infer<typeof ticketBoardSchema>;

export const TICKET_ACTIONS = [
  'accept',
  'start-handling',
  'escalate',
  'mark-joint',
  'reroute',
  'merge',
  'resolve',
  'feedback',
  'evaluate',
  'reopen',
] as const;
export type TicketActionName = (typeof TICKET_ACTIONS)[number];

const timelineEntrySchema = z.strictObject({
  seq: z.number().int().nullable(),
  at: z.number().int(),
  action: z.string(),
  /** Who: the operator's name, the unit, or the service. */
  actor: z.string(),
  from: status.nullable(),
  to: status,
  summary: z.string(),
});

const photoSchema = z.strictObject({
  index: z.number().int().nonnegative(),
  /** Inline photos (fetched with `tickets.getPhoto`) or a link the sender hosts. */
  kind: z.enum(['inline', 'url']),
  mediaType: z.string().nullable(),
  bytes: z.number().int().nullable(),
  url: z.string().nullable(),
});

const partySchema = z.strictObject({
  department: z.string(),
  name: z.string(),
  kind: z.string(),
  level: z.string(),
  /** The unit's county-level unit (its code); null for a city-level unit. */
  county: z.string().nullable(),
  /** That county's name, to show instead of its code; null with `county`. */
  countyName: words.nullable(),
  role: z.enum(['lead', 'joint']),
});

const mergeCandidateSchema = z.strictObject({
  id: ticketId,
  hubId: z.string(),
  distanceM: z.number(),
  minutesApart: z.number(),
  channel: z.number().int(),
  excerpt: z.string(),
  status,
  /**
   * Whether this operator may merge this ticket into the candidate now: the checks `tickets.merge` applies (both open
   * live cases, not merged, the authority over this ticket's place, a hub to submit to).
   */
  canMerge: z.boolean(),
});

/** Another case a ticket refers to: its row id (to open it) and its hub id (to name it). */
const relatedCaseSchema = z.strictObject({
  id: ticketId,
  /** `t-<seq>`; null only should the case not be a live one. */
  hubId: z.string().nullable(),
});

export const ticketDetailSchema = z.strictObject({
  ticket: ticketRowSchema,
  text: z.string().nullable(),
  address: z.string().nullable(),
  /** Masked (张** 138****5678): enough to tell reporters apart, not to call them. */
  reporter: z.string().nullable(),
  /** Who sent it in: a device, a worker code, the sender's own reference. */
  source: z.string().nullable(),
  priority: z.string(),
  photos: z.array(photoSchema),
  timeline: z.array(timelineEntrySchema),
  /** Why dispatch sent it where it went: one line and the steps behind it. Null for the history. */
  route: z
    .strictObject({
      zh: z.string(),
      en: z.string(),
      steps: z.array(z.strictObject({ kind: z.string(), ...words.shape })),
    })
    .nullable(),
  /** The category suggested from the text, with the words that led to it (live tickets). */
  suggestion: z
    .array(
      z.strictObject({
        code: z.string(),
        name: z.string(),
        nameEn: z.string(),
        confidence: z.number(),
        words: z.array(z.string()),
      }),
    )
    .nullable(),
  /** The sender named a category (used as is), it came from the suggestion, or nothing matched (the default leaf). */
  categorySource: z.enum(['sender', 'suggested', 'default', 'history']),
  parties: z.array(partySchema),
  cross: z.strictObject({ joint: z.boolean(), reason: z.string() }),
  /** Seconds left and past, and when it warns and escalates. */
  clock: z.strictObject({
    state: deadlineState,
    deadlineAt: z.number().int(),
    warnFrom: z.number().int(),
    escalateAfter: z.number().int(),
    secondsLeft: z.number().int(),
    secondsOverdue: z.number().int(),
  }),
  satisfaction: z.number().int().nullable(),
  /** Open live cases nearby that look like the same event (same category, close in place and time). */
  mergeCandidates: z.array(mergeCandidateSchema),
  /** The open case this one possibly duplicates (`ticket.duplicateOf`), named by its hub id. */
  duplicateOf: relatedCaseSchema.nullable(),
  /** The case this one was merged into (`ticket.mergedInto`), named by its hub id. */
  mergedInto: relatedCaseSchema.nullable(),
  /** Tickets merged into this one: their reporters follow this case's status. */
  merged: z.array(z.strictObject({ id: ticketId, hubId: z.string(), channel: z.number().int() })),
  /** What this operator may do now. Empty for the history (read-only) and for viewers. */
  actions: z.array(z.enum(TICKET_ACTIONS)),
  /** Why nothing can be done, when `actions` is empty (read-only history, no authority…). */
  readOnlyReason: z.string().nullable(),
});
export type TicketDetail = z.infer<typeof ticketDetailSchema>;

const byTicket = z.strictObject({ id: ticketId });

export const ticketHandleSchema = z.discriminatedUnion('action', [
  z.strictObject({ id: ticketId, action: z.literal('accept'), note: note.optional() }),
  z.strictObject({ id: ticketId, action: z.literal('start-handling'), note: note.optional() }),
  z.strictObject({ id: ticketId, action: z.literal('escalate'), reason: note }),
  /** Department codes to add as joint handlers. */
  z.strictObject({
    id: ticketId,
    action: z.literal('mark-joint'),
    departments: z.array(code).min(1).max(10),
    note: note.optional(),
  }),
]);

export const ticketCloseSchema = z.discriminatedUnion('action', [
  z.strictObject({ id: ticketId, action: z.literal('resolve'), result: note }),
  z.strictObject({ id: ticketId, action: z.literal('feedback'), note: note.optional() }),
  z.strictObject({
    id: ticketId,
    action: z.literal('evaluate'),
    satisfaction: z.number().int().min(1).max(5),
    comment: note.optional(),
  }),
  z.strictObject({ id: ticketId, action: z.literal('reopen'), reason: note }),
]);

export const ticketRerouteSchema = z.strictObject({
  id: ticketId,
  departmentCode: code,
  reason: note,
  /** Also make it a routing rule for this category at this scope (one of `tickets.rerouteOptions`' scopes). */
  rule: z
    .strictObject({ kind: z.enum(['grid', 'county']), code })
    .nullable()
    .optional(),
});

export const ticketMergeSchema = z.strictObject({ id: ticketId, into: ticketId });

export const rerouteOptionsSchema = z.strictObject({
  current: z.string().nullable(),
  departments: z.array(
    z.strictObject({
      code: z.string(),
      name: z.string(),
      kind: z.string(),
      level: z.string(),
      county: z.string().nullable(),
    }),
  ),
  /** Where a rule could apply, narrowest first. */
  scopes: z.array(
    z.strictObject({ kind: z.enum(['grid', 'county']), code: z.string(), name: z.string(), level: z.string() }),
  ),
});

/** The live tickets on the map: open, from the intake, as typed arrays. */
export const liveTicketPointsSchema = z.strictObject({
  ids: z.instanceof(Int32Array),
  /** lng, lat pairs. */
  positions: z.instanceof(Float32Array),
  /** Deadline state index in DEADLINE_STATES. */
  deadlines: z.instanceof(Uint8Array),
  /** Status code (shared/domain/channels.ts TICKET_STATUSES). */
  statuses: z.instanceof(Uint8Array),
});
export type LiveTicketPoints = z.infer<typeof liveTicketPointsSchema>;

const kpiFigures = z.strictObject({
  reported: z.number(),
  closed: z.number(),
  open: z.number(),
  closureRate: z.number().nullable(),
  overdueOpen: z.number(),
  handled: z.number(),
  meanHandlingSeconds: z.number().nullable(),
  medianHandlingSeconds: z.number().nullable(),
  closedLate: z.number(),
  overdue: z.number(),
  evaluated: z.number(),
  satisfied: z.number(),
  satisfaction: z.number().nullable(),
});

export const kpiRequestSchema = z.strictObject({
  range: z.union([
    z.enum(['today', 'month']),
    z
      .strictObject({ from: z.number().int(), to: z.number().int() })
      .refine((window) => window.to > window.from, 'the window must end after it starts'),
  ]),
  groupBy: z.enum(['county', 'channel', 'category']).nullable(),
  categoryLevel: z.union([z.literal(1), z.literal(2), z.literal(3)]).optional(),
  filters: z
    .strictObject({
      counties: z.array(z.number().int().positive()).max(64).optional(),
      channels: z.array(z.number().int().min(1).max(10)).max(10).optional(),
      categories: z.array(z.number().int().positive()).max(512).optional(),
    })
    .optional(),
});

export const kpiAnswerSchema = z.strictObject({
  from: z.number().int(),
  to: z.number().int(),
  now: z.number().int(),
  groupBy: z.enum(['county', 'channel', 'category']).nullable(),
  categoryLevel: z.number().int(),
  totals: kpiFigures,
  rows: z.array(kpiFigures.extend({ id: z.number().int(), code: z.string(), name: z.string(), nameEn: z.string() })),
  preset: z.enum(['today', 'month']).nullable(),
  tickets: z.number().int(),
});
export type KpiAnswerData = z.infer<typeof kpiAnswerSchema>;

export const ticketChangedSchema = z.strictObject({
  id: ticketId,
  hubId: z.string(),
  /** What happened: a new report, a transition (its action), a merge. */
  kind: z.string(),
  status,
  lng: z.number(),
  lat: z.number(),
  /** The hub stream's sequence number. */
  seq: z.number().int(),
  /** Epoch milliseconds the hub received the report (a new ticket), for the on-screen latency. */
  receivedAt: z.number().nullable(),
});
export type TicketChanged = z.infer<typeof ticketChangedSchema>;

const boardExample: TicketQuery = { statuses: ['dispatched'], sort: 'deadline', limit: 50 };

export const ticketsInvokeContract = {
  'tickets.list': invoke({
    summary: 'The ticket board: tickets matching the filters, sorted by time to deadline (or age), one page.',
    permission: 'console.view',
    input: ticketQuerySchema,
    output: ticketBoardSchema,
    example: boardExample,
    invalidExamples: [
      ...notObjects,
      { statuses: [] },
      { statuses: ['lost'] },
      { limit: 1000 },
      { category: '1; DROP TABLE tickets' },
      { sort: 'random' },
      { gridId: -1 },
    ],
  }),
  'tickets.get': invoke({
    summary: "A ticket's detail: text, photos, timeline, place and dispatch reason, and what this operator may do.",
    permission: 'console.view',
    input: byTicket,
    output: ticketDetailSchema,
    example: { id: 1 },
    invalidExamples: [...notObjects, {}, { id: 0 }, { id: 't-1' }, { id: 1.5 }],
  }),
  'tickets.getPhoto': invoke({
    summary: "One of a live ticket's inline photos, as bytes.",
    permission: 'console.view',
    input: z.strictObject({ id: ticketId, index: z.number().int().min(0).max(5) }),
    output: z.strictObject({ mediaType: z.string(), data: z.instanceof(Uint8Array) }),
    example: { id: 1, index: 0 },
    invalidExamples: [...notObjects, {}, { id: 1 }, { id: 1, index: 6 }, { id: 1, index: -1 }],
  }),
  'tickets.getLivePoints': invoke({
    summary: 'The open live tickets for the map, as typed arrays.',
    permission: 'console.view',
    input: z.strictObject({}),
    output: liveTicketPointsSchema,
    example: {},
    invalidExamples: [...notObjects, { all: true }],
  }),
  'tickets.handle': invoke({
    summary: 'Accepts a live ticket, starts handling it, escalates it to supervision or adds joint handlers.',
    permission: 'tickets.dispatch',
    input: ticketHandleSchema,
    output: ticketDetailSchema,
    example: { id: 1, action: 'accept' },
    invalidExamples: [
      ...notObjects,
      {},
      { id: 1 },
      { id: 1, action: 'resolve', result: 'x' },
      { id: 1, action: 'escalate' },
    ],
  }),
  'tickets.close': invoke({
    summary: 'Resolves a live ticket, records the feedback given, the citizen’s evaluation, or reopens it.',
    permission: 'tickets.close',
    input: ticketCloseSchema,
    output: ticketDetailSchema,
    example: { id: 1, action: 'evaluate', satisfaction: 5 },
    invalidExamples: [
      ...notObjects,
      {},
      { id: 1, action: 'evaluate', satisfaction: 6 },
      { id: 1, action: 'evaluate', satisfaction: 4.5 },
      { id: 1, action: 'resolve' },
      { id: 1, action: 'accept' },
    ],
  }),
  'tickets.rerouteOptions': invoke({
    summary: 'The departments a live ticket could be re-routed to, and the scopes a routing rule could take.',
    permission: 'console.view',
    input: byTicket,
    output: rerouteOptionsSchema,
    example: { id: 1 },
    invalidExamples: [...notObjects, {}, { id: -1 }],
  }),
  'tickets.reroute': invoke({
    summary: 'Sends a live ticket to another department, with the reason; optionally makes it a routing rule.',
    permission: 'tickets.dispatch',
    input: ticketRerouteSchema,
    output: ticketDetailSchema,
    example: { id: 1, departmentCode: 'urban_management@410102', reason: '属城管职责' },
    invalidExamples: [...notObjects, {}, { id: 1, departmentCode: 'x' }, { id: 1, departmentCode: '', reason: 'r' }],
  }),
  'tickets.merge': invoke({
    summary: 'Merges a live ticket into another open case: its reporter then follows that case.',
    permission: 'tickets.dispatch',
    input: ticketMergeSchema,
    output: ticketDetailSchema,
    example: { id: 2, into: 1 },
    invalidExamples: [...notObjects, {}, { id: 2 }, { id: 2, into: 't-1' }],
  }),
  'tickets.kpi': invoke({
    summary:
      'Closure rate, satisfaction, handling time and overdue counts for a range, by county, channel or category.',
    permission: 'console.view',
    input: kpiRequestSchema,
    output: kpiAnswerSchema,
    example: { range: 'month', groupBy: 'county' },
    invalidExamples: [
      ...notObjects,
      {},
      { range: 'year', groupBy: null },
      { range: { from: 10, to: 5 }, groupBy: null },
      { range: 'today', groupBy: 'grid' },
    ],
  }),
} as const;

export const ticketsEventContract = {
  'tickets.changed': event({
    summary: 'A live ticket came in, changed status or was merged (from any console, through the hub).',
    payload: ticketChangedSchema,
    example: {
      id: 7_200_001,
      hubId: 't-1',
      kind: 'reported',
      status: 'reported',
      lng: 113.65,
      lat: 34.76,
      seq: 1,
      receivedAt: 1_795_400_000_000,
    },
  }),
} as const;
