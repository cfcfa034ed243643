/**
 * The command hub's wire protocol, for both of its sides: grid workers' phones (namespace `/`) and consoles
 * (namespace `/console`). Socket.IO over WebSocket only, compression off. Written down once here; the hub, the worker
 * simulator and the console's hub link import it, and hub/README.md describes it for phone developers.
 *
 * Workers
 * - Connect with `auth: { token, lastSeq? }`. The token is issued by the city's provisioning (the console's store
 *   knows each worker's grids) and signed by it; it carries the worker id and grid path, so any hub can admit a worker
 *   without a database: the hub joins the socket to the rooms of its grid path and exclusive grids.
 * - `c` (hub → worker): a command, one JSON text (CommandWire), encoded once per broadcast for all recipients.
 * - `r` (worker → hub): `(seq, kind)`, kind 1 delivered (on receipt), 2 read (opened by the person).
 * - On connect with `lastSeq`, the hub replays every unexpired command after it that targeted the worker, in order;
 *   the worker drops ids it has already seen (exactly once, end to end).
 *
 * Consoles
 * - Connect to `/console` with `auth: { token }` (the hub's console secret).
 * - `command:send` (console → hub, with ack): SendCommand → SendAck. The id is the console's: a retry with the same
 *   id is answered with the first answer, never sent twice.
 * - `receipts` (hub → consoles, at least every 250 ms while a command is live): every hub's partial counts; a console
 *   adds up the latest partial of each hub.
 * - `command:pending` (with ack): the workers who have not acknowledged, from every hub.
 * - `command:resend` (with ack): the command again to those workers.
 * - `escalation` (hub → consoles): workers who missed the deadline, as handed to the escalation gateway.
 * - `tickets` (hub → consoles): events of the hub tier's ordered ticket stream (a new report from the intake or a
 *   worker's patrol report, a console's transition or merge), each with its sequence number, as a list: what one hub
 *   logged in one turn of its event loop (one message instead of hundreds in a storm). A console applies events in
 *   order; after a disconnection, or on seeing a gap, it asks `tickets:since` (with ack) from the last sequence it
 *   applied, until `more` is false.
 * - `ticket:transition` (console → hub, with ack): a transition or merge of a live ticket, logged only when the
 *   ticket's latest event is still the one the console saw (`expect`); otherwise refused with the current state.
 * - `mode:switch` (console → hub, with ack): an emergency mode switch (mode-protocol.ts), logged on the same stream
 *   when the scope key's version is still the one the console saw; otherwise refused with who switched and to what.
 *
 * Workers' patrol reports
 * - `report` (worker → hub, with ack): a patrol report (shared/protocol/intake.ts's body without `channel` and
 *   `workerId`, which the hub fills from the worker's token: channel `grid_patrol`). Answered `{ ok: true, id,
 *   duplicate }` or `{ ok: false, errors }` (every problem, Chinese and English), exactly as the HTTP intake.
 *   At most MAX_WORKER_REPORT_BYTES of JSON: the worker socket's frames are small (the hub's maxHttpBufferSize, kept
 *   small for every one of the city's phones), so photos ride inline only as thumbnails; a full-size photo goes as a
 *   URL the phone uploaded it to. See PatrolReport.
 */
import { z } from 'zod';
import { TICKET_STATUSES } from '../domain/channels';
import { INTAKE_CHANNELS, type IntakeErrorCode, type IntakeInput, type IntakeReport } from './intake';
import { modeSwitchWireSchema, type ModeSwitchAck, type ModeSwitchSubmit, type ModeSwitchWire } from './mode-protocol';

export const WORKER_NAMESPACE = '/';
export const CONSOLE_NAMESPACE = '/console';

/** Room names: one per grid a worker belongs to, at every level, and one for the whole city. */
export const ROOM = {
  city: 'city',
  grid: (id: number): string => `g:${id}`,
} as const;

export const PRIORITIES = ['routine', 'urgent', 'emergency'] as const;
export type Priority = (typeof PRIORITIES)[number];

export const RECEIPT_DELIVERED = 1;
export const RECEIPT_READ = 2;

/** What a worker's phone receives (short keys: this text goes to every recipient). */
export interface CommandWire {
  /** Command id (the console's). */
  i: string;
  /** Sequence number in the hub tier's ordered log. */
  s: number;
  /** Priority index in PRIORITIES. */
  p: number;
  /** The text. */
  t: string;
  /** 1 when the worker must acknowledge reading it. */
  a: 0 | 1;
  /** Sent and expiry, epoch milliseconds. */
  at: number;
  e: number;
}

/** What a worker's token says about them (signed by provisioning; verified by every hub). */
export const workerClaimsSchema = z.strictObject({
  /** Worker id. */
  w: z.number().int().positive(),
  /** Their L1 grid: receipts are counted per L1. */
  l1: z.number().int().positive(),
  /** Every grid they belong to: L1 down to their micro-grid, and exclusive grids. */
  g: z.array(z.number().int().positive()).min(1).max(16),
  /** Token expiry, epoch seconds. */
  exp: z.number().int().positive(),
});
export type WorkerClaims = z.infer<typeof workerClaimsSchema>;

export const workerAuthSchema = z.strictObject({
  token: z.string().min(10).max(2048),
  lastSeq: z.number().int().nonnegative().optional(),
});

/** Who a command is for: the whole city, or grids at any level (the console resolves areas and polygons to grids). */
export const commandTargetSchema = z.union([
  z.strictObject({ all: z.literal(true) }),
  z.strictObject({ grids: z.array(z.number().int().positive()).min(1).max(100_000) }),
]);
export type CommandTarget = z.infer<typeof commandTargetSchema>;

export const sendCommandSchema = z.strictObject({
  /** The console's id for the command (idempotency key). */
  id: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/),
  text: z.string().trim().min(1).max(2000),
  priority: z.enum(PRIORITIES),
  target: commandTargetSchema,
  ackRequired: z.boolean(),
  /** Seconds until the command expires (no longer replayed to reconnecting workers). */
  expiresInS: z
    .number()
    .int()
    .min(10)
    .max(7 * 86_400),
  /** Seconds until workers who have not acknowledged are escalated; none when absent. */
  deadlineS: z.number().int().min(5).max(86_400).optional(),
  /** Who sent it (operator), for the record. */
  sender: z.string().min(1).max(200),
});
export type SendCommand = z.infer<typeof sendCommandSchema>;

export interface SendAck {
  id: string;
  seq: number;
  sentAt: number;
  /** Whether this id had been sent before (a retry): nothing was sent again. */
  duplicate: boolean;
}

/** Delivery-latency histogram buckets: upper bounds in ms (the last bucket is everything above). */
export const LATENCY_BUCKETS_MS = [
  1, 2, 5, 10, 20, 50, 100, 150, 200, 300, 500, 750, 1000, 1500, 2000, 3000, 5000, 10_000, 30_000, 60_000,
] as const;

/** One hub's counts for one command. Per-L1 arrays are parallel to `l1`. */
export interface CommandReceiptPart {
  id: string;
  seq: number;
  sentAt: number;
  /** Workers this hub sent it to (connected in the target grids at send time, or replayed to on reconnect). */
  sent: number;
  delivered: number;
  read: number;
  l1: number[];
  l1Sent: number[];
  l1Delivered: number[];
  l1Read: number[];
  /** Delivery latencies (sent → delivered receipt), counts per LATENCY_BUCKETS_MS bucket (+1 overflow). */
  latency: number[];
}

export interface ReceiptsMessage {
  hub: string;
  at: number;
  commands: CommandReceiptPart[];
}

export interface PendingWorkers {
  id: string;
  /** Worker ids not yet acknowledged (delivered, or read where reading must be acknowledged), capped. */
  workers: number[];
  total: number;
}

export interface EscalationMessage {
  hub: string;
  id: string;
  workers: number[];
  at: number;
}

/** The most worker ids one escalation may name: every grid worker of the city, with room to grow. */
export const ESCALATION_MAX_WORKERS = 500_000;

/**
 * An escalation as a console accepts it: the hub is another program on the network, so what it sends is checked
 * before it reaches a store or a window, like any input (the same id rule as `sendCommandSchema`).
 */
export const escalationMessageSchema = z.strictObject({
  hub: z.string().min(1).max(200),
  id: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/),
  workers: z.array(z.number().int().positive()).min(1).max(ESCALATION_MAX_WORKERS),
  at: z.number().int().nonnegative(),
}) satisfies z.ZodType<EscalationMessage>;

/** The percentile of a latency histogram (bucket upper bound; the overflow bucket reads as the last bound). */
export function histogramPercentile(counts: readonly number[], p: number): number | null {
  const total = counts.reduce((sum, n) => sum + n, 0);
  if (total === 0) return null;
  const rank = Math.ceil(p * total);
  let seen = 0;
  for (let i = 0; i < counts.length; i++) {
    seen += counts[i]!;
    if (seen >= rank) return LATENCY_BUCKETS_MS[Math.min(i, LATENCY_BUCKETS_MS.length - 1)]!;
  }
  return LATENCY_BUCKETS_MS.at(-1)!;
}

export interface HubError {
  error: string;
}

export interface HubStats {
  hub: string;
  workers: number;
  consoles: number;
  cpuUserMs: number;
  cpuSystemMs: number;
  commands: number;
  /** Resident memory of the hub process, bytes. */
  rssBytes: number;
  /** The hot path (hub/server/worker-wire.ts): commands written straight to a socket, through Socket.IO, and
   * receipts taken from the bytes read or from ws's message. */
  directFrames: number;
  fallbacks: number;
  directReceipts: number;
  messageReceipts: number;
}

export interface ResendResult {
  id: string;
  resent: number;
}

/**
 * The ticket stream's event kinds: `reported` (a new ticket from the intake or a worker's patrol report),
 * `transition` (a console moved a ticket along its lifecycle: dispatch, accept, … evaluate, reopen, re-route,
 * escalate, joint handling), `merged` (a console merged the ticket into another case, whose status its reporter
 * then follows) and `mode` (an emergency mode switch, mode-protocol.ts: on the same stream, so that modes and tickets
 * are applied in one order everywhere; its id is the emergency's `e-<uuid>`).
 */
export const TICKET_EVENT_KINDS = ['reported', 'transition', 'merged', 'mode'] as const;
export type TicketEventKind = (typeof TICKET_EVENT_KINDS)[number];

/** The statuses a ticket can have on the stream (shared/domain/channels.ts TICKET_STATUSES, in the same order). */
export const STREAM_TICKET_STATUSES = TICKET_STATUSES;
export type StreamTicketStatus = (typeof STREAM_TICKET_STATUSES)[number];

/** The largest transition a console may submit, as JSON: a lifecycle action with its notes and units. */
export const MAX_TRANSITION_BYTES = 32 * 1024;

/**
 * A console's change to a live ticket, as the hub logs it and hands it to every console. The hub checks its shape and
 * its version (`expect`), not its lifecycle meaning: the submitting console authorised it (operator, role, scope,
 * status) with shared/domain/tickets/lifecycle.ts, and every console applies the same pure function to the same
 * state, so they all arrive at the same ticket.
 */
export interface TicketTransitionWire {
  /**
   * The lifecycle action (lifecycle.ts TicketAction: kind, the actor `by`, and what it carries), or for a merge
   * `{ kind: 'merge', by, into }`. Opaque to the hub beyond `kind`.
   */
  action: { kind: string } & Record<string, unknown>;
  /** The ticket's status after it (for a merge: the case's status at the time). */
  status: StreamTicketStatus;
  /** What a citizen may read of it (Open311 `status_notes`): a resolution's result, a reopening's reason. */
  notes?: string;
  /** The lead department's name after it (Open311 `agency_responsible`), where it changed. */
  agency?: string;
  /** `merged` only: the case (its `t-<seq>` id) the ticket joins. */
  into?: string;
  /** Which console submitted it (its name, for the log and the timeline). */
  console: string;
}

/** What a console submits (`ticket:transition`). */
export interface TicketTransitionSubmit {
  /** The ticket's `t-<seq>` id. */
  id: string;
  kind: 'transition' | 'merged';
  /**
   * The sequence number of the latest event of this ticket the console had applied when it decided: the hub refuses
   * the submission when the ticket has moved on since (another console acted first), so two consoles acting at once
   * resolve deterministically — the first logged wins, the other is told what happened.
   */
  expect: number;
  transition: TicketTransitionWire;
}

export type TicketTransitionAck =
  | { ok: true; seq: number; at: number }
  | { ok: false; error: string; conflict?: { seq: number; status: StreamTicketStatus } };

export const ticketTransitionWireSchema = z.strictObject({
  action: z.looseObject({ kind: z.string().min(1).max(32) }),
  status: z.enum(STREAM_TICKET_STATUSES),
  notes: z.string().max(4000).optional(),
  agency: z.string().max(200).optional(),
  into: z
    .string()
    .regex(/^t-[1-9]\d{0,15}$/)
    .optional(),
  console: z.string().min(1).max(128),
});

export const ticketTransitionSubmitSchema = z.strictObject({
  id: z.string().regex(/^t-[1-9]\d{0,15}$/),
  kind: z.enum(['transition', 'merged']),
  expect: z.number().int().positive(),
  transition: ticketTransitionWireSchema,
});

/** One event of the ticket stream. Ticket ids are `t-<seq>`: the sequence number of the ticket's `reported` event. */
export interface TicketEventMessage {
  seq: number;
  /** The ticket's id. */
  id: string;
  kind: TicketEventKind;
  /** Epoch seconds: when the hub logged it (never earlier than the ticket's previous event). */
  at: number;
  /** `reported`: the normalised report (shared/protocol/intake.ts), reporter and photos included. */
  report?: IntakeReport;
  /** `transition` and `merged`: what the console submitted. */
  transition?: TicketTransitionWire;
  /** `mode`: the switch as the console submitted it. */
  mode?: ModeSwitchWire;
}

/** The most events one `tickets:since` answer carries; `more` says whether to ask again. */
export const TICKETS_SINCE_LIMIT = 200;

export interface TicketsSince {
  /** The stream's name (random, kept with the hub tier's log): a console follows one stream, never another's numbers. */
  stream: string;
  events: TicketEventMessage[];
  more: boolean;
}

/**
 * A ticket event as a console accepts it: checked before it reaches a store (the report's own fields were checked by
 * the intake's `validateIntake`; here their shape, and that nothing else rides along at the top).
 */
export const ticketEventMessageSchema = z
  .strictObject({
    seq: z.number().int().positive(),
    id: z.string().regex(/^(t-[1-9]\d{0,15}|e-[0-9a-f-]{36})$/),
    kind: z.enum(TICKET_EVENT_KINDS),
    at: z.number().int().nonnegative(),
    report: z
      .looseObject({
        idempotencyKey: z.string().min(1).max(128),
        channel: z.enum(INTAKE_CHANNELS),
        channelId: z.number().int().positive(),
        receivedAt: z.number().int().nonnegative(),
        location: z.looseObject({ lng: z.number().min(-180).max(180), lat: z.number().min(-90).max(90) }),
        text: z.string().min(1),
        photos: z.array(z.looseObject({ kind: z.enum(['inline', 'url']) })),
      })
      .optional(),
    transition: ticketTransitionWireSchema.optional(),
    mode: modeSwitchWireSchema.optional(),
  })
  .refine(
    (event) =>
      event.kind === 'reported'
        ? event.report !== undefined
        : event.kind === 'mode'
          ? event.mode !== undefined && event.id === event.mode.emergency
          : event.transition !== undefined && event.id.startsWith('t-'),
    {
      message:
        'a reported event carries its report; a transition or merge carries its transition; a mode switch its switch',
    },
  )
  .refine((event) => event.kind !== 'merged' || event.transition?.into !== undefined, {
    message: 'a merged event names the case it joins',
  });

/** A console's calls, as the console sees them (socket.io-client `Socket<ConsoleListens, ConsoleCalls>`). */
export interface ConsoleCalls {
  'command:send': (command: SendCommand, reply: (answer: SendAck | HubError) => void) => void;
  'command:pending': (id: string, reply: (answer: PendingWorkers | HubError) => void) => void;
  'command:resend': (id: string, reply: (answer: ResendResult | HubError) => void) => void;
  'hub:stats': (reply: (answer: HubStats[] | HubError) => void) => void;
  /** Ticket events after a sequence number (0 for all), in order, at most TICKETS_SINCE_LIMIT. */
  'tickets:since': (seq: number, reply: (answer: TicketsSince | HubError) => void) => void;
  /** A transition or merge of a live ticket (checked against `ticketTransitionSubmitSchema` and the version). */
  'ticket:transition': (submit: TicketTransitionSubmit, reply: (answer: TicketTransitionAck) => void) => void;
  /** An emergency mode switch (mode-protocol.ts), logged on the ticket stream when the key's version is `expect`. */
  'mode:switch': (submit: ModeSwitchSubmit, reply: (answer: ModeSwitchAck) => void) => void;
}

/** What a console hears. */
export interface ConsoleListens {
  receipts: (message: ReceiptsMessage) => void;
  escalation: (message: EscalationMessage) => void;
  tickets: (events: TicketEventMessage[]) => void;
}

/**
 * A worker's patrol report (`report`): the intake's native body (intake.ts IntakeInput) without `channel` and
 * `source`; the hub files it as channel `grid_patrol` with `source.workerId` from the worker's token. A body that
 * names another channel, or another worker, is refused. The idempotency key is the phone's own id for the report (a
 * UUID), unique per worker: a retry after a lost answer is the same ticket.
 */
export type PatrolReport = Omit<IntakeInput, 'channel' | 'source'>;

/**
 * The most a patrol report may be, as JSON. Every frame on the worker socket is capped at the hub's
 * maxHttpBufferSize (64 KiB, hub/server/hub-server.ts): the cap holds for every connection, before a token is
 * checked, and a larger one for 221k phones would let each of them make the hub buffer that much. So a patrol
 * report carries small inline photos only (thumbnails, together under this limit); a full-size photo goes as a URL
 * (`photos: [{ url }]`) where the phone uploaded it. A report over this is answered `too-large`; a frame over the
 * buffer closes the connection, so a phone checks the size before it sends.
 */
export const MAX_WORKER_REPORT_BYTES = 60 * 1024;

/** Why the hub refused a patrol report, besides validateIntake's codes. */
export const WORKER_REPORT_REFUSALS = [
  /** Over MAX_WORKER_REPORT_BYTES. */
  'too-large',
  /** The body named a channel other than grid_patrol. */
  'channel-not-allowed',
  /** The body named another worker than the token's. */
  'worker-mismatch',
  /** The idempotency key was used for another report of this worker. */
  'idempotency-conflict',
  /** The ticket log did not answer: nothing was filed; retry later. */
  'log-unavailable',
  /** Too many of this worker's reports are still being filed: retry when one is answered. */
  'busy',
] as const;
export type WorkerReportRefusal = (typeof WORKER_REPORT_REFUSALS)[number];

/** One problem with a patrol report: intake.ts's IntakeError, with the hub's own refusals besides. */
export interface WorkerReportError {
  path: string;
  code: IntakeErrorCode | WorkerReportRefusal;
  zh: string;
  en: string;
}

export type WorkerReportAck =
  /** Filed (or filed before: `duplicate`, nothing new); `id` the ticket's, `receivedAt` when it was first filed. */
  { ok: true; id: string; duplicate: boolean; receivedAt: number } | { ok: false; errors: WorkerReportError[] };

/** A worker's phone: what it hears and what it sends. */
export interface WorkerListens {
  /** `ack` is there only when a sender asked for a Socket.IO acknowledgement (the benchmark's stock baseline). */
  c: (wire: string, ack?: (kind: number) => void) => void;
}
export interface WorkerCalls {
  r: (seq: number, kind: number) => void;
  /** A patrol report, with an acknowledgement (without one the hub ignores it: the phone must learn the outcome). */
  report: (body: PatrolReport, reply: (answer: WorkerReportAck) => void) => void;
}
