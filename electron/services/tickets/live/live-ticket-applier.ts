/**
 * Applies the hub's ticket stream to this console's store (issue #7). Every console applies the same events in the
 * same order with the same pure functions (the category suggester, the ticket router, the lifecycle), so every
 * console's store holds the same live tickets.
 *
 * - `reported`: the category is the sender's, else the best suggestion from the text (with the words that led to
 *   it), else the default leaf (community affairs: the community triages what nothing matched); the router places
 *   the point (exclusive grids first) and names the responsible department with its reason; the ticket becomes a
 *   `tickets` row (so the map, the heatmap and the KPIs count it) and a `live_tickets` row, with its photos and the
 *   first timeline line. A report that duplicates an open case nearby (duplicate-finder.ts) is flagged with it.
 *   Dispatch itself is a transition on the stream: the console proposes it (`dispatchProposals`) after the batch.
 * - `transition`: the lifecycle action re-applied to the stored state at the hub's time; the row, the timeline and
 *   the tickets merged into it follow.
 * - `merged`: the ticket joins a case; its status follows the case's from then on.
 *
 * An event this store cannot apply (a point outside this city's grids, a transition that does not fit) is kept
 * whole in `ticket_stream_rejects` with the reason and logged: nothing from the hub is silently dropped.
 */
import type Database from 'better-sqlite3';
import { ticketStatusCode, type TicketStatus } from '../../../../shared/domain/channels';
import type { CategorySuggester } from '../../../../shared/domain/tickets/category-suggester';
import { DEFAULT_DEADLINE_POLICY, deadlineState } from '../../../../shared/domain/tickets/deadlines';
import {
  applyTransition,
  reportTicket,
  ticketCross,
  type TicketAction,
  type TicketState,
  type TimelineEntry,
} from '../../../../shared/domain/tickets/lifecycle';
import type { TicketEventMessage } from '../../../../shared/protocol/hub-protocol';
import { reportedTime, type IntakeReport } from '../../../../shared/protocol/intake';
import type { ModeApplier } from '../../modes/mode-applier';
import type { TicketRouter } from '../routing/ticket-router';
import type { Route, RouteReason, RuleDraft } from '../routing/route-types';
import { type DuplicateFinder } from './duplicate-finder';
import {
  LiveTicketRecords,
  type LiveTicket,
  type LiveTicketState,
  type MergeTimelineEntry,
} from './live-ticket-records';

/** Where a report goes when the text matches no category and the sender named none. */
export const DEFAULT_CATEGORY = '190301';
/** The service that proposes the first dispatch. */
export const DISPATCH_SERVICE = 'intelligent-dispatch';

const CLOSED: ReadonlySet<TicketStatus> = new Set(['resolved', 'feedback', 'evaluated']);
const OPEN: ReadonlySet<TicketStatus> = new Set(['reported', 'dispatched', 'accepted', 'handling', 'reopened']);

/** What changed, for the windows, the indexes and the dispatcher; gathered during a batch, acted on after commit. */
export interface AppliedChange {
  ticketId: number;
  hubId: string;
  seq: number;
  kind: string;
  status: TicketStatus;
  lng: number;
  lat: number;
  /** Epoch ms the intake received it (a new ticket). */
  receivedAtMs: number | null;
  /** A new ticket: what the KPI index and the heatmap need. */
  created?: {
    channelId: number;
    categoryId: number;
    categoryCode: string;
    gridId: number;
    reportedAt: number;
  };
  /** Status-bearing columns after the change, for the KPI index. */
  row: { status: number; closedAt: number | null; satisfaction: number | null; gridId: number };
}

/** A dispatch this console proposes for a new ticket once the batch is in. */
export interface DispatchProposal {
  ticketId: number;
  hubId: string;
  expect: number;
  /** The ticket's state the dispatch was checked against (after the batch). */
  state: TicketState;
  action: TicketAction & { kind: 'dispatch' };
  route: RouteReason;
  agency: string;
}

export interface ApplierOptions {
  db: Database.Database;
  router: TicketRouter;
  suggester: () => CategorySuggester;
  duplicates: DuplicateFinder;
  /** Emergency mode switches on the same stream, and the deadlines and priority they give new reports. */
  modes: ModeApplier;
  log: (event: string, fields: Record<string, unknown>) => void;
}

export class LiveTicketApplier {
  private readonly records: LiveTicketRecords;
  private readonly insertTicket: Database.Statement;
  private readonly insertLive: Database.Statement;
  private readonly insertTimeline: Database.Statement;
  private readonly insertPhoto: Database.Statement;
  private readonly setCursor: Database.Statement;
  private readonly reject: Database.Statement;
  private readonly statements = new Map<string, Database.Statement>();

  constructor(private readonly options: ApplierOptions) {
    const db = options.db;
    this.records = new LiveTicketRecords(db);
    this.insertTicket = db.prepare(
      'INSERT INTO tickets (channel_id, category_id, grid_id, l1_id, lon, lat, status, reported_at) ' +
        'VALUES (?, ?, ?, ?, ?, ?, 0, ?)',
    );
    this.insertLive = db.prepare(
      'INSERT INTO live_tickets (ticket_id, hub_id, last_seq, channel_code, source_key, text, address, reporter, ' +
        'source, priority, category_source, suggestion, route, state, deadline_at, warn_from, duplicate_of, ' +
        'received_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?)',
    );
    this.insertTimeline = db.prepare('INSERT INTO ticket_timeline (ticket_id, seq, at, entry) VALUES (?, ?, ?, ?)');
    this.insertPhoto = db.prepare(
      'INSERT INTO ticket_photos (ticket_id, idx, kind, media_type, data, url) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.setCursor = db.prepare('UPDATE ticket_stream SET seq = ? WHERE id = 1');
    this.reject = db.prepare(
      'INSERT OR REPLACE INTO ticket_stream_rejects (seq, hub_id, reason, event, at) VALUES (?, ?, ?, ?, ?)',
    );
  }

  /** Prepared once: the applier runs thousands of times a second in a storm. */
  private sql(text: string): Database.Statement {
    let statement = this.statements.get(text);
    if (!statement) this.statements.set(text, (statement = this.options.db.prepare(text)));
    return statement;
  }

  cursor(): number {
    return this.records.cursor();
  }

  /** The name of the hub stream this store follows; null before its first answer. */
  stream(): string | null {
    return this.options.db.prepare('SELECT stream FROM ticket_stream WHERE id = 1').pluck().get() as string | null;
  }

  /** Starts following a stream (a store that follows none); returns the name now followed. */
  follow(stream: string): string {
    this.options.db.prepare('UPDATE ticket_stream SET stream = ? WHERE id = 1 AND stream IS NULL').run(stream);
    this.options.log('tickets.stream-followed', { stream, cursor: this.cursor() });
    return this.stream()!;
  }

  /**
   * An event that failed its check (malformed, from a faulty hub): recorded as a reject at its sequence number, so
   * the stream moves past it instead of asking for it again and again. Only the cursor's successor moves the cursor.
   */
  rejectMalformed(seq: number, id: string, reason: string, raw: unknown): void {
    this.options.db.transaction(() => {
      const cursor = this.records.cursor();
      if (seq <= cursor) return;
      this.reject.run(
        seq,
        id,
        reason,
        JSON.stringify(raw)?.slice(0, 1_000_000) ?? 'null',
        Math.floor(Date.now() / 1000),
      );
      if (seq === cursor + 1) this.setCursor.run(seq);
    })();
    this.options.log('tickets.stream-malformed', { seq, id, reason });
  }

  /**
   * Applies events already in order (each the cursor's successor) in one transaction; returns what changed and the
   * dispatches to propose. Events at or below the cursor are skipped (a replay).
   */
  applyBatch(events: readonly TicketEventMessage[]): { changes: AppliedChange[]; proposals: DispatchProposal[] } {
    const changes: AppliedChange[] = [];
    const created: { change: AppliedChange; route: Route | null; ticket: TicketState }[] = [];
    this.options.db.transaction(() => {
      let cursor = this.records.cursor();
      for (const event of events) {
        if (event.seq <= cursor) continue;
        if (event.seq !== cursor + 1) throw new Error(`ticket stream gap: ${cursor} → ${event.seq}`);
        const outcome = this.applyOne(event);
        if (typeof outcome === 'string') {
          this.reject.run(event.seq, event.id, outcome, JSON.stringify(event), event.at);
          this.options.log('tickets.stream-reject', {
            seq: event.seq,
            id: event.id,
            kind: event.kind,
            reason: outcome,
          });
        } else {
          changes.push(...outcome.changes);
          if (outcome.created) created.push(outcome.created);
        }
        cursor = event.seq;
      }
      this.setCursor.run(cursor);
    })();
    // Propose a dispatch only for tickets still waiting for one after the whole batch (a replay after a restart
    // usually carries the dispatch that some console proposed back then).
    const proposals: DispatchProposal[] = [];
    for (const { change, route } of created) {
      if (!route) continue;
      const live = this.records.stateByTicket(change.ticketId);
      if (!live || live.state.status !== 'reported') continue;
      const unit = this.options.router.unit(route.department.code);
      if (!unit) continue;
      proposals.push({
        ticketId: live.ticketId,
        hubId: live.hubId,
        expect: live.lastSeq,
        state: live.state,
        action: { kind: 'dispatch', by: { kind: 'system', id: DISPATCH_SERVICE }, lead: unit.unit },
        route: route.reason,
        agency: unit.name,
      });
    }
    return { changes, proposals };
  }

  private applyOne(
    event: TicketEventMessage,
  ):
    | string
    | { changes: AppliedChange[]; created?: { change: AppliedChange; route: Route | null; ticket: TicketState } } {
    switch (event.kind) {
      case 'reported':
        return event.report ? this.applyReport(event, event.report) : 'a reported event without its report';
      case 'transition':
        return this.applyTransitionEvent(event);
      case 'merged':
        return this.applyMerge(event);
      case 'mode':
        if (!event.mode) return 'a mode event without its switch';
        return this.options.modes.apply(event.seq, event.at, event.mode) ?? { changes: [] };
      default:
        return `unknown event kind ${String(event.kind)}`;
    }
  }

  private applyReport(
    event: TicketEventMessage,
    report: IntakeReport,
  ):
    | string
    | { changes: AppliedChange[]; created: { change: AppliedChange; route: Route | null; ticket: TicketState } } {
    if (this.records.has(event.id)) return 'already applied';
    const suggestions = this.options.suggester().suggest(report.text, 3);
    let categorySource: 'sender' | 'suggested' | 'default' = 'sender';
    let categoryCode = report.categoryCode;
    if (categoryCode === undefined || !this.options.router.category(categoryCode)?.departmentKind) {
      categoryCode = suggestions[0]?.code ?? DEFAULT_CATEGORY;
      categorySource = suggestions[0] ? 'suggested' : 'default';
    }
    const { lng, lat } = report.location;
    const route = this.options.router.route({ lng, lat, categoryCode });
    if (!route.ok) return `cannot place the report: ${route.reason.en}`;
    const category = this.options.router.category(categoryCode)!;
    const reportedAt = reportedTime(report);
    const place = { grid: route.grid.code, l1: route.l1?.code ?? route.grid.code, county: route.county.code };
    // An active emergency whose level concerns this category here shortens its deadline and raises its priority.
    const emergency = this.options.modes.ticketPolicy({
      lng,
      lat,
      county: route.county.code,
      l1: route.l1?.code ?? null,
      categoryCode,
    });
    const filed = reportTicket({
      category: categoryCode,
      deadlineHours: route.deadlineHours * (emergency?.deadlineFactor ?? 1),
      ...(emergency ? { priority: emergency.priority } : {}),
      place,
      reportedAt,
      by: { kind: 'system', id: `intake:${report.channel}` },
      channel: report.channel,
    });
    const ticketId = Number(
      this.insertTicket.run(
        report.channelId,
        category.id,
        route.grid.id,
        route.l1?.id ?? route.grid.id,
        lng,
        lat,
        reportedAt,
      ).lastInsertRowid,
    );
    const duplicate = this.options.duplicates.matches({
      id: ticketId,
      lng,
      lat,
      categoryId: category.id,
      reportedAt,
    })[0];
    const clock = deadlineState(filed.ticket, reportedAt, DEFAULT_DEADLINE_POLICY);
    this.insertLive.run(
      ticketId,
      event.id,
      event.seq,
      report.channel,
      report.idempotencyKey,
      report.text,
      report.address ?? null,
      report.reporter ? JSON.stringify(report.reporter) : null,
      report.source ? JSON.stringify(report.source) : null,
      filed.ticket.priority,
      categorySource,
      JSON.stringify(suggestions),
      JSON.stringify(filed.ticket),
      filed.ticket.deadlineAt,
      clock.warnFrom,
      duplicate?.id ?? null,
      report.receivedAt * 1000,
    );
    this.insertTimeline.run(ticketId, event.seq, filed.entry.at, JSON.stringify(filed.entry));
    report.photos.forEach((photo, index) => {
      if (photo.kind === 'inline') {
        this.insertPhoto.run(ticketId, index, 'inline', photo.mediaType, Buffer.from(photo.data, 'base64'), null);
      } else {
        this.insertPhoto.run(ticketId, index, 'url', photo.mediaType ?? null, null, photo.url);
      }
    });
    this.options.duplicates.add({ id: ticketId, lng, lat, categoryId: category.id, reportedAt });
    if (emergency) this.options.modes.recordTicket(emergency, event.seq, event.at, { hubId: event.id, categoryCode });
    const change: AppliedChange = {
      ticketId,
      hubId: event.id,
      seq: event.seq,
      kind: 'reported',
      status: 'reported',
      lng,
      lat,
      receivedAtMs: report.receivedAt * 1000,
      created: {
        channelId: report.channelId,
        categoryId: category.id,
        categoryCode,
        gridId: route.grid.id,
        reportedAt,
      },
      row: { status: 0, closedAt: null, satisfaction: null, gridId: route.grid.id },
    };
    return { changes: [change], created: { change, route, ticket: filed.ticket } };
  }

  private applyTransitionEvent(event: TicketEventMessage): string | { changes: AppliedChange[] } {
    const live = this.records.stateByHub(event.id);
    if (!live) return 'a transition of a ticket this store does not hold';
    const transition = event.transition!;
    const action = transition.action as unknown as TicketAction;
    const result = applyTransition(live.state, action, event.at);
    if (!result.ok) return `the transition does not apply here: ${result.message}`;
    const next = result.ticket;
    const clock = deadlineState(next, event.at, DEFAULT_DEADLINE_POLICY);
    const routeReason =
      action.kind === 'dispatch' || action.kind === 'reroute' ? readRouteReason(transition.action['route']) : undefined;
    const department =
      action.kind === 'dispatch' || action.kind === 'reroute'
        ? (transition.agency ?? live.department)
        : live.department;
    this.sql(
      'UPDATE live_tickets SET last_seq = ?, state = ?, deadline_at = ?, warn_from = ?, department = ?, ' +
        'joint = ?, escalated = ?, open = ?, route = COALESCE(?, route) WHERE ticket_id = ?',
    ).run(
      event.seq,
      JSON.stringify(next),
      next.deadlineAt,
      clock.warnFrom,
      department ?? null,
      ticketCross(next).joint ? 1 : 0,
      next.escalatedAt === null ? 0 : 1,
      OPEN.has(next.status) ? 1 : 0,
      routeReason ? JSON.stringify(routeReason) : null,
      live.ticketId,
    );
    this.insertTimeline.run(live.ticketId, event.seq, result.entry.at, JSON.stringify(result.entry));
    if (action.kind === 'reroute') this.addRule(transition.action['rule'], action.by, event);
    const row = this.writeStatus(live, next);
    if (!OPEN.has(next.status)) this.options.duplicates.remove(live.ticketId);
    const changes = [this.change(live, event, action.kind, next.status, row)];
    // Reporters of merged tickets follow the case.
    for (const merged of this.records.mergedInto(live.ticketId)) {
      const mergedLive = this.records.stateByTicket(merged.ticketId);
      if (!mergedLive) continue;
      const mergedRow = this.writeStatus(mergedLive, next);
      changes.push(this.change(mergedLive, event, `case-${action.kind}`, next.status, mergedRow));
    }
    return { changes };
  }

  private applyMerge(event: TicketEventMessage): string | { changes: AppliedChange[] } {
    const live = this.records.byHub(event.id);
    const transition = event.transition!;
    const into = transition.into === undefined ? undefined : this.records.byHub(transition.into);
    if (!live || !into) return 'a merge of tickets this store does not hold';
    if (live.mergedInto !== null || into.mergedInto !== null || live.ticketId === into.ticketId) {
      return 'the merge does not apply here: one of the tickets is merged already';
    }
    const by = (transition.action as { by?: TimelineEntry['by'] }).by ?? { kind: 'system', id: transition.console };
    const mergeEntry = (action: 'merge' | 'merged-in', summary: string, on: LiveTicket): MergeTimelineEntry => ({
      at: event.at,
      action,
      by,
      from: on.state.status,
      to: on.state.status,
      authorisedBy: { kind: 'permission', permission: 'tickets.dispatch' },
      summary,
      details: {},
    });
    this.sql(
      'UPDATE live_tickets SET last_seq = ?, merged_into = ?, duplicate_of = NULL, open = 0 WHERE ticket_id = ?',
    ).run(event.seq, into.ticketId, live.ticketId);
    this.sql('UPDATE live_tickets SET duplicate_of = NULL WHERE duplicate_of = ?').run(live.ticketId);
    this.insertTimeline.run(
      live.ticketId,
      event.seq,
      event.at,
      JSON.stringify(
        mergeEntry(
          'merge',
          `并案至 ${into.hubId}，此后随该案办理。 Merged into case ${into.hubId}; follows it from now on.`,
          live,
        ),
      ),
    );
    this.insertTimeline.run(
      into.ticketId,
      event.seq,
      event.at,
      JSON.stringify(
        mergeEntry(
          'merged-in',
          `并入重复工单 ${live.hubId}。 Duplicate ticket ${live.hubId} merged into this case.`,
          into,
        ),
      ),
    );
    this.options.duplicates.remove(live.ticketId);
    const place = this.records.stateByTicket(live.ticketId)!;
    const row = this.writeStatus(place, into.state);
    return { changes: [this.change(place, event, 'merged', into.state.status, row)] };
  }

  /**
   * A routing rule made with a re-route (ticket-desk.ts): added here, in stream order, on every console. A rule this
   * store cannot take (a code its city lacks) is logged and skipped; the re-route stands.
   */
  private addRule(value: unknown, by: TicketAction['by'], event: TicketEventMessage): void {
    if (typeof value !== 'object' || value === null) return;
    const draft = value as RuleDraft;
    try {
      this.options.router.addRule(
        {
          categoryCode: String(draft.categoryCode),
          scope: { kind: draft.scope?.kind === 'county' ? 'county' : 'grid', code: String(draft.scope?.code) },
          departmentCode: String(draft.departmentCode),
          note: typeof draft.note === 'string' ? draft.note : null,
          fromTicketId: typeof draft.fromTicketId === 'number' ? draft.fromTicketId : null,
        },
        by.id,
      );
    } catch (error) {
      this.options.log('tickets.rule-skipped', { seq: event.seq, id: event.id, error: String(error) });
    }
  }

  /** The `tickets` row's status columns from a lifecycle state. */
  private writeStatus(ticket: LiveTicketState, state: TicketState): AppliedChange['row'] {
    const status = ticketStatusCode(state.status);
    const closedAt = CLOSED.has(state.status) ? state.resolvedAt : null;
    const satisfaction = state.status === 'evaluated' ? state.satisfaction : null;
    this.sql('UPDATE tickets SET status = ?, dispatched_at = ?, closed_at = ?, satisfaction = ? WHERE id = ?').run(
      status,
      state.dispatchedAt,
      closedAt,
      satisfaction,
      ticket.ticketId,
    );
    return { status, closedAt, satisfaction, gridId: ticket.gridId };
  }

  private change(
    live: LiveTicketState,
    event: TicketEventMessage,
    kind: string,
    status: TicketStatus,
    row: AppliedChange['row'],
  ): AppliedChange {
    return {
      ticketId: live.ticketId,
      hubId: live.hubId,
      seq: event.seq,
      kind,
      status,
      lng: live.lng,
      lat: live.lat,
      receivedAtMs: null,
      row,
    };
  }
}

/** A route reason carried on a dispatch or re-route, checked as data (it came over the wire). */
function readRouteReason(value: unknown): RouteReason | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { zh, en, steps } = value as Record<string, unknown>;
  if (typeof zh !== 'string' || typeof en !== 'string' || !Array.isArray(steps)) return undefined;
  const clean = steps
    .filter(
      (step): step is { kind: string; zh: string; en: string } =>
        typeof step === 'object' &&
        step !== null &&
        typeof (step as { kind?: unknown }).kind === 'string' &&
        typeof (step as { zh?: unknown }).zh === 'string' &&
        typeof (step as { en?: unknown }).en === 'string',
    )
    .slice(0, 12)
    .map((step) => ({ kind: step.kind, zh: step.zh.slice(0, 500), en: step.en.slice(0, 500) }));
  return { zh: zh.slice(0, 500), en: en.slice(0, 500), steps: clean as RouteReason['steps'] };
}
