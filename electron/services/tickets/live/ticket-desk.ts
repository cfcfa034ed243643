/**
 * The ticket desk (issue #7): the console's side of the live closed loop. It applies the hub's ticket stream to the
 * store (ticket-stream.ts, live-ticket-applier.ts), proposes the first dispatch of each new ticket, answers the board
 * and the detail, and turns an operator's action into a transition on the stream:
 *
 *   operator's action → lifecycle check here (authority, status, payload) → `ticket:transition` to the hub with the
 *   ticket's version → the hub logs it (or says another console acted first) → every console applies it → the
 *   caller gets the ticket as it now is.
 *
 * The deadline watcher escalates overdue tickets to supervision the same way, as a service; when several consoles
 * run, the hub's version check lets exactly one of them do it. Without a hub the desk shows the history and says
 * that live actions need the hub.
 */
import {
  ContractError,
  type LiveTicketPoints,
  type TicketBoard,
  type TicketChanged,
  type TicketDetail,
  type TicketQuery,
} from '../../../../shared/contract';
import type { TicketActionName } from '../../../../shared/contract/tickets-contract';
import { CHANNELS } from '../../../../shared/domain/channels';
import { createCategorySuggester, type CategorySuggester } from '../../../../shared/domain/tickets/category-suggester';
import { DEADLINE_STATES, DEFAULT_DEADLINE_POLICY, deadlineState } from '../../../../shared/domain/tickets/deadlines';
import {
  allowedActions,
  applyTransition,
  OPEN_STATUSES,
  ticketCross,
  type TicketAction,
  type TicketActor,
} from '../../../../shared/domain/tickets/lifecycle';
import type { OperatorRole, OperatorScope } from '../../../../shared/domain/operator-roles';
import type { CategoryRow } from '../../../../shared/domain/taxonomy';
import type { Store } from '../../store/store';
import type { KpiService } from '../kpi/kpi-service';
import type { TicketService } from '../ticket-service';
import type { ModeApplier } from '../../modes/mode-applier';
import type { TicketRouter } from '../routing/ticket-router';
import type { RuleDraft } from '../routing/route-types';
import { DuplicateFinder, metresBetween, type DuplicatePolicy } from './duplicate-finder';
import { LiveTicketApplier, type AppliedChange, type DispatchProposal } from './live-ticket-applier';
import { LiveTicketRecords, type LiveTicket } from './live-ticket-records';
import { readBoard, readBoardRow, excerptOf } from './ticket-board';
import { TicketStream, type StreamProblem, type TicketStreamLink } from './ticket-stream';

/** Who acts, as the session knows them. */
export interface DeskOperator {
  username: string;
  role: OperatorRole;
  scope: OperatorScope;
}

export interface TicketDeskOptions {
  store: Store;
  router: TicketRouter;
  /** The taxonomy's rows (with keywords), for the category suggester; read once, on the first report. */
  categoryRows: () => readonly CategoryRow[];
  /** The hub's ticket stream; absent: no hub configured (the history only, read-only). */
  link?: TicketStreamLink;
  /** This console's name on the stream (who submitted a transition). */
  consoleName: string;
  kpi: KpiService;
  tickets: TicketService;
  /** A live ticket changed: for every window. */
  emit: (changed: TicketChanged) => void;
  /** Anything about tickets changed (grid metrics and other caches). */
  onChanged?: () => void;
  log: (level: 'info' | 'warn' | 'error', event: string, fields: Record<string, unknown>) => void;
  /** Epoch seconds. */
  now?: () => number;
  duplicates?: DuplicatePolicy;
  /** How often the deadline watcher looks (ms); 0 turns it off. */
  watchEveryMs?: number;
  /** The hub offers another ticket stream than this store follows, or null once it is right again. */
  onStreamProblem?: (problem: StreamProblem | null) => void;
  /** Emergency mode switches ride the same stream (issue #8): applied by this, reported after each batch. */
  modes: ModeApplier;
  onModesChanged?: (changed: { switched: string[]; grew: string[] }) => void;
}

/** How loud the stream's log lines are: refusing a hub's stream is an error; following one is news, not a warning. */
const STREAM_LOG_LEVELS: Readonly<Record<string, 'info' | 'error'>> = {
  'tickets.stream-mismatch': 'error',
  'tickets.stream-followed': 'info',
  'tickets.stream-resumed': 'info',
};

const SERVICE_NAMES: Readonly<Record<string, string>> = {
  'intelligent-dispatch': '智能派遣 Intelligent dispatch',
  'deadline-watcher': '超期监测 Deadline watcher',
};

/** Reporters' details, masked: enough to tell two apart on a merged case, not to call them. */
export function maskReporter(reporter: LiveTicket['reporter']): string | null {
  if (!reporter) return null;
  const parts: string[] = [];
  if (reporter.name) parts.push(`${[...reporter.name][0]}**`);
  if (reporter.phone) {
    const digits = reporter.phone.replace(/\D/g, '');
    parts.push(digits.length >= 7 ? `${digits.slice(0, 3)}****${digits.slice(-4)}` : '****');
  }
  if (reporter.email) {
    const [local, domain] = reporter.email.split('@');
    parts.push(`${(local ?? '').slice(0, 1)}***@${domain ?? ''}`);
  }
  return parts.length > 0 ? parts.join(' ') : null;
}

const refused = (message: string): ContractError => new ContractError({ code: 'refused', message });

export class TicketDesk {
  private readonly applier: LiveTicketApplier;
  private readonly stream: TicketStream | undefined;
  private readonly records: LiveTicketRecords;
  private readonly duplicates: DuplicateFinder;
  private suggester: CategorySuggester | undefined;
  private readonly now: () => number;
  private watcher: ReturnType<typeof setInterval> | undefined;
  private duplicatesLoaded = false;

  constructor(private readonly options: TicketDeskOptions) {
    this.now = options.now ?? (() => Math.floor(Date.now() / 1000));
    this.duplicates = new DuplicateFinder(options.duplicates);
    this.applier = new LiveTicketApplier({
      db: options.store.writer,
      router: options.router,
      suggester: () => (this.suggester ??= createCategorySuggester(options.categoryRows())),
      duplicates: this.duplicates,
      modes: options.modes,
      log: (event, fields) => options.log(STREAM_LOG_LEVELS[event] ?? 'warn', event, fields),
    });
    this.records = new LiveTicketRecords(options.store.reader());
    if (options.link) {
      this.stream = new TicketStream({
        applier: this.applier,
        link: options.link,
        onApplied: (changes, proposals) => this.applied(changes, proposals),
        onStreamProblem: (problem) => options.onStreamProblem?.(problem),
        log: (event, fields) => options.log(STREAM_LOG_LEVELS[event] ?? 'warn', event, fields),
      });
    }
    const every = options.watchEveryMs ?? 60_000;
    if (every > 0 && options.link) {
      this.watcher = setInterval(() => void this.watchDeadlines(), every);
      this.watcher.unref?.();
    }
  }

  /** Builds the router's tables, the suggester's index and the open cases ahead of the first report. */
  warm(): void {
    this.options.router.warm();
    this.suggester ??= createCategorySuggester(this.options.categoryRows());
    this.loadDuplicates();
  }

  /** An event of the hub's ticket stream, as received. */
  receive(raw: unknown): void {
    this.loadDuplicates();
    this.stream?.receive(raw);
  }

  /** The hub link (re)connected: catch up on what was missed. */
  connected(): void {
    this.loadDuplicates();
    this.stream?.resync();
  }

  /** The last stream sequence number applied. */
  get cursor(): number {
    return this.applier.cursor();
  }

  appliedThrough(seq: number, timeoutMs?: number): Promise<boolean> {
    return this.stream ? this.stream.appliedThrough(seq, timeoutMs) : Promise.resolve(false);
  }

  close(): void {
    if (this.watcher) clearInterval(this.watcher);
    this.stream?.close();
  }

  /** The store's open live cases into the duplicate finder, once (after a restart). */
  private loadDuplicates(): void {
    if (this.duplicatesLoaded) return;
    this.duplicatesLoaded = true;
    const since = this.now() - this.duplicates.policy.windowS;
    const rows = this.options.store
      .reader()
      .prepare(
        `SELECT t.id, t.lon, t.lat, t.category_id AS categoryId, t.reported_at AS reportedAt FROM live_tickets l
         JOIN tickets t ON t.id = l.ticket_id
         WHERE l.merged_into IS NULL AND t.status IN (0, 1, 2, 3, 7) AND t.reported_at >= ?`,
      )
      .all(since) as { id: number; lon: number; lat: number; categoryId: number; reportedAt: number }[];
    for (const row of rows) this.duplicates.add({ ...row, lng: row.lon });
  }

  // ─── After each batch of the stream ────────────────────────────────────────────────────────────────────────────

  private applied(changes: AppliedChange[], proposals: DispatchProposal[]): void {
    const modes = this.options.modes.takeChanged();
    if (modes.switched.length > 0 || modes.grew.length > 0) this.options.onModesChanged?.(modes);
    for (const change of changes) {
      if (change.created) {
        this.options.kpi.append({
          id: change.ticketId,
          channelId: change.created.channelId,
          categoryId: change.created.categoryId,
          gridId: change.created.gridId,
          status: change.row.status,
          reportedAt: change.created.reportedAt,
          closedAt: null,
          satisfaction: null,
        });
        this.options.tickets.appendLive(
          change.created.reportedAt,
          change.lng,
          change.lat,
          change.created.channelId,
          change.created.categoryCode,
        );
      } else {
        this.options.kpi.update(change.ticketId, change.row);
      }
      this.options.emit({
        id: change.ticketId,
        hubId: change.hubId,
        kind: change.kind,
        status: change.status,
        lng: change.lng,
        lat: change.lat,
        seq: change.seq,
        receivedAt: change.receivedAtMs,
      });
    }
    if (changes.length > 0) this.options.onChanged?.();
    for (const proposal of proposals) void this.propose(proposal);
  }

  /** Submits the first dispatch of a new ticket; another console having done it first is the normal case. */
  private async propose(proposal: DispatchProposal): Promise<void> {
    const checked = applyTransition(proposal.state, proposal.action, Math.max(this.now(), proposal.state.updatedAt));
    if (!checked.ok) {
      this.options.log('warn', 'tickets.dispatch-refused', { id: proposal.hubId, reason: checked.message });
      return;
    }
    try {
      const ack = await this.options.link!.submit({
        id: proposal.hubId,
        kind: 'transition',
        expect: proposal.expect,
        transition: {
          action: { ...proposal.action, route: proposal.route },
          status: 'dispatched',
          agency: proposal.agency,
          console: this.options.consoleName,
        },
      });
      if (!ack.ok && !ack.conflict) {
        this.options.log('warn', 'tickets.dispatch-failed', { id: proposal.hubId, error: ack.error });
      }
    } catch (error) {
      // The hub is away: the ticket stays reported here; the next console (or this one after reconnecting and
      // replaying) proposes it again.
      this.options.log('warn', 'tickets.dispatch-failed', { id: proposal.hubId, error: String(error) });
    }
  }

  /** Escalates the live tickets overdue past their grace, as the deadline watcher (a service). */
  async watchDeadlines(): Promise<number> {
    if (!this.options.link?.connected || this.streamProblem) return 0;
    const now = this.now();
    const rows = this.options.store
      .reader()
      .prepare(
        `SELECT ticket_id AS id FROM live_tickets INDEXED BY live_tickets_due
         WHERE open = 1 AND escalated = 0 AND merged_into IS NULL AND deadline_at < ?
         ORDER BY deadline_at LIMIT 200`,
      )
      .pluck()
      .all(now) as number[];
    let escalated = 0;
    for (const id of rows) {
      const live = this.records.byTicket(id);
      if (!live || !deadlineState(live.state, now, DEFAULT_DEADLINE_POLICY).escalationDue) continue;
      const action: TicketAction = {
        kind: 'escalate',
        by: { kind: 'system', id: 'deadline-watcher' },
        reason: '超期未办结，自动移交督办 / Overdue past its grace: escalated to supervision automatically',
      };
      try {
        await this.submit(live, action, 'transition');
        escalated++;
      } catch (error) {
        // Another console's watcher escalating it first is the normal case with several consoles.
        const first = error instanceof ContractError && error.message.includes('Another console acted');
        this.options.log(first ? 'info' : 'warn', 'tickets.escalation-failed', {
          id: live.hubId,
          error: String(error),
        });
      }
    }
    return escalated;
  }

  // ─── Queries ───────────────────────────────────────────────────────────────────────────────────────────────────

  list(query: TicketQuery): TicketBoard {
    return readBoard(this.options.store.reader(), query, this.now());
  }

  /** The grid a ticket lies in (for the access gate's area), or undefined. */
  gridOf(id: number): number | undefined {
    return this.options.store.reader().prepare('SELECT grid_id FROM tickets WHERE id = ?').pluck().get(id) as
      number | undefined;
  }

  get(id: number, operator: DeskOperator | undefined): TicketDetail {
    const now = this.now();
    const db = this.options.store.reader();
    const row = readBoardRow(db, id, now);
    if (!row) throw refused(`工单 ${id} 不存在。 Ticket ${id} not found.`);
    const live = this.records.byTicket(id);
    if (!live) return this.historyDetail(row);
    const photos = db
      .prepare(
        'SELECT idx, kind, media_type, length(data) AS bytes, url FROM ticket_photos WHERE ticket_id = ? ORDER BY idx',
      )
      .all(id) as {
      idx: number;
      kind: 'inline' | 'url';
      media_type: string | null;
      bytes: number | null;
      url: string | null;
    }[];
    const clock = deadlineState(live.state, now, DEFAULT_DEADLINE_POLICY);
    const cross = ticketCross(live.state);
    const mergeCandidates = this.mergeCandidates(live, operator);
    const actions = this.actionsFor(
      live,
      operator,
      mergeCandidates.some((candidate) => candidate.canMerge),
    );
    const categories = (code: string) => this.options.router.category(code);
    return {
      ticket: row,
      text: live.text,
      address: live.address,
      reporter: maskReporter(live.reporter),
      source: sourceText(live),
      priority: live.state.priority,
      photos: photos.map((photo) => ({
        index: photo.idx,
        kind: photo.kind,
        mediaType: photo.media_type,
        bytes: photo.bytes,
        url: photo.url,
      })),
      timeline: this.records.timeline(id).map(({ seq, entry }) => ({
        seq,
        at: entry.at,
        action: entry.action,
        actor: actorName(entry.by, (code) => this.options.router.unit(code)?.name),
        from: entry.from,
        to: entry.to,
        summary: entry.summary,
      })),
      route: live.route,
      suggestion: (live.suggestion ?? []).map((suggestion) => ({
        code: suggestion.code,
        name: categories(suggestion.code)?.name ?? suggestion.name,
        nameEn: categories(suggestion.code)?.nameEn ?? suggestion.nameEn,
        confidence: suggestion.confidence,
        words: suggestion.matched,
      })),
      categorySource: live.categorySource,
      parties: live.state.parties.map((party) => ({
        department: party.department,
        name: this.options.router.unit(party.department)?.name ?? party.department,
        kind: party.kind,
        level: party.level,
        county: party.county,
        countyName: party.county === null ? null : this.countyName(party.county),
        role: party.role,
      })),
      cross: { joint: cross.joint, reason: cross.reason },
      clock: {
        state: clock.state,
        deadlineAt: clock.deadlineAt,
        warnFrom: clock.warnFrom,
        escalateAfter: clock.escalateAfter,
        secondsLeft: clock.secondsLeft,
        secondsOverdue: clock.secondsOverdue,
      },
      satisfaction: live.state.satisfaction,
      mergeCandidates,
      duplicateOf: this.relatedCase(row.duplicateOf),
      mergedInto: this.relatedCase(row.mergedInto),
      merged: this.records.mergedInto(id).map((merged) => ({
        id: merged.ticketId,
        hubId: merged.hubId,
        channel: merged.channel,
      })),
      actions,
      readOnlyReason: actions.length > 0 ? null : this.readOnlyReason(live, operator),
    };
  }

  private historyDetail(row: TicketDetail['ticket']): TicketDetail {
    const closed = ['resolved', 'feedback', 'evaluated'].includes(row.status);
    const satisfaction = this.options.store
      .reader()
      .prepare('SELECT satisfaction FROM tickets WHERE id = ?')
      .pluck()
      .get(row.id) as number | null;
    const clock = deadlineState(
      {
        roundStartedAt: row.reportedAt,
        deadlineAt: row.deadlineAt,
        resolvedAt: closed ? row.reportedAt + Math.max(0, row.deadlineAt - row.reportedAt - row.secondsLeft) : null,
        escalatedAt: null,
      },
      this.now(),
    );
    return {
      ticket: row,
      text: null,
      address: null,
      reporter: null,
      source: null,
      priority: 'routine',
      photos: [],
      timeline: [],
      route: null,
      suggestion: null,
      categorySource: 'history',
      parties: [],
      cross: { joint: false, reason: '' },
      clock: {
        state: row.deadline,
        deadlineAt: row.deadlineAt,
        warnFrom: clock.warnFrom,
        escalateAfter: clock.escalateAfter,
        secondsLeft: Math.max(0, row.secondsLeft),
        secondsOverdue: Math.max(0, -row.secondsLeft),
      },
      satisfaction,
      mergeCandidates: [],
      duplicateOf: this.relatedCase(row.duplicateOf),
      mergedInto: this.relatedCase(row.mergedInto),
      merged: [],
      actions: [],
      readOnlyReason:
        '导入的历史工单只读：其流转记录在原平台。 An imported history ticket is read-only: its lifecycle lives on the platform it came from.',
    };
  }

  private actorOf(operator: DeskOperator): TicketActor {
    return { kind: 'operator', id: operator.username, role: operator.role, scope: operator.scope };
  }

  /** What this operator may do now; `merge` when at least one candidate may be merged into (`canMerge`). */
  private actionsFor(
    live: LiveTicket,
    operator: DeskOperator | undefined,
    mayMergeSomewhere: boolean,
  ): TicketActionName[] {
    if (!operator || live.mergedInto !== null || !this.options.link) return [];
    const allowed: TicketActionName[] = allowedActions(live.state, this.actorOf(operator)).flatMap((kind) =>
      kind === 'dispatch' ? [] : [kind],
    );
    if (mayMergeSomewhere) allowed.push('merge');
    return allowed;
  }

  /**
   * Why `tickets.merge` would refuse to merge `live` into `target` for this operator, or null when it would not: the
   * one list of rules behind both the merge itself and each candidate's `canMerge` in the detail.
   */
  private mergeRefusal(live: LiveTicket, target: LiveTicket, operator: DeskOperator): string | null {
    if (live.mergedInto !== null || target.mergedInto !== null) {
      return '已并案：请在主案上办理。 Merged into another case: act on that case.';
    }
    if (live.ticketId === target.ticketId) return '不能与自身并案。 A ticket cannot be merged into itself.';
    if (!OPEN_STATUSES.includes(live.state.status) || !OPEN_STATUSES.includes(target.state.status)) {
      return '只能合并未办结的工单。 Only open tickets can be merged.';
    }
    if (!this.mayMerge(live, operator)) return '无权在此辖区并案。 No authority to merge tickets here.';
    return null;
  }

  /** A case another refers to (a possible duplicate's original, a merged ticket's case), with its hub id. */
  private relatedCase(id: number | null): TicketDetail['mergedInto'] {
    return id === null ? null : { id, hubId: this.records.hubIdOf(id) ?? null };
  }

  /** A county-level unit's names by its code (null should the code not be the city's). */
  private countyName(code: string): { zh: string; en: string } | null {
    const row = this.options.store
      .reader()
      .prepare('SELECT name AS zh, name_en AS en FROM counties WHERE code = ?')
      .get(code) as { zh: string; en: string } | undefined;
    return row ?? null;
  }

  /** Merging is a dispatcher's decision on an open case: the same authority as re-routing, over the ticket's place. */
  private mayMerge(live: LiveTicket, operator: DeskOperator): boolean {
    return allowedActions({ ...live.state, status: 'dispatched' }, this.actorOf(operator)).includes('reroute');
  }

  /** Where a ticket lies (WGS-84). */
  private pointOf(id: number): { lon: number; lat: number } {
    return this.options.store.reader().prepare('SELECT lon, lat FROM tickets WHERE id = ?').get(id) as {
      lon: number;
      lat: number;
    };
  }

  private readOnlyReason(live: LiveTicket, operator: DeskOperator | undefined): string {
    if (!this.options.link)
      return '未连接指挥中枢：工单流转须经中枢。 No command hub is configured: transitions go through the hub.';
    if (live.mergedInto !== null) {
      return '已并案：请在主案上办理。 Merged into another case: act on that case.';
    }
    if (!operator) return '请先登录。 Sign in first.';
    return '您的角色或辖区不能办理此工单的当前环节。 Your role or area does not allow acting on this ticket at this step.';
  }

  private mergeCandidates(live: LiveTicket, operator: DeskOperator | undefined): TicketDetail['mergeCandidates'] {
    if (live.mergedInto !== null || !OPEN_STATUSES.includes(live.state.status)) return [];
    const db = this.options.store.reader();
    const me = db.prepare('SELECT lon, lat, category_id, reported_at FROM tickets WHERE id = ?').get(live.ticketId) as {
      lon: number;
      lat: number;
      category_id: number;
      reported_at: number;
    };
    this.loadDuplicates();
    return this.duplicates
      .matches({ id: live.ticketId, lng: me.lon, lat: me.lat, categoryId: me.category_id, reportedAt: me.reported_at })
      .flatMap((match) => {
        const other = this.records.byTicket(match.id);
        if (!other || other.mergedInto !== null) return [];
        const point = db.prepare('SELECT lon, lat, channel_id FROM tickets WHERE id = ?').get(match.id) as {
          lon: number;
          lat: number;
          channel_id: number;
        };
        return [
          {
            id: match.id,
            hubId: other.hubId,
            distanceM: Math.round(metresBetween(me.lon, me.lat, point.lon, point.lat) * 10) / 10,
            minutesApart: Math.round(match.secondsApart / 60),
            channel: point.channel_id,
            excerpt: excerptOf(other.text) ?? '',
            status: other.state.status,
            canMerge:
              operator !== undefined && this.options.link !== undefined && !this.streamProblem
                ? this.mergeRefusal(live, other, operator) === null
                : false,
          },
        ];
      });
  }

  photo(id: number, index: number): { mediaType: string; data: Uint8Array<ArrayBuffer> } {
    const row = this.options.store
      .reader()
      .prepare("SELECT media_type, data FROM ticket_photos WHERE ticket_id = ? AND idx = ? AND kind = 'inline'")
      .get(id, index) as { media_type: string; data: Buffer } | undefined;
    if (!row) throw refused(`工单 ${id} 没有第 ${index + 1} 张照片。 Ticket ${id} has no inline photo ${index + 1}.`);
    const data = new Uint8Array(row.data.byteLength);
    data.set(row.data);
    return { mediaType: row.media_type, data };
  }

  /** The open live tickets for the map. */
  /**
   * The open live tickets for the map. Read from the row's own columns (deadline, warning start, supervision), not its
   * lifecycle JSON: tens of thousands of open tickets after a storm cost tens of milliseconds, not a second and a half.
   * A ticket past its deadline reads overdue until the deadline watcher has escalated it (within a minute), then
   * escalated: the map shows supervision that happened, not supervision that is due.
   */
  livePoints(): LiveTicketPoints {
    const now = this.now();
    const rows = this.options.store
      .reader()
      .prepare(
        `SELECT t.id, t.lon, t.lat, t.status, l.deadline_at, l.warn_from, l.escalated
         FROM live_tickets l JOIN tickets t ON t.id = l.ticket_id
         WHERE l.open = 1 AND l.merged_into IS NULL`,
      )
      .raw()
      .all() as [number, number, number, number, number, number, number][];
    const points: LiveTicketPoints = {
      ids: new Int32Array(rows.length),
      positions: new Float32Array(rows.length * 2),
      deadlines: new Uint8Array(rows.length),
      statuses: new Uint8Array(rows.length),
    };
    const [onTime, warning, overdue, escalated] = DEADLINE_STATES.map((state) => DEADLINE_STATES.indexOf(state));
    rows.forEach(([id, lon, lat, status, deadlineAt, warnFrom, isEscalated], i) => {
      points.ids[i] = id;
      points.positions[i * 2] = lon;
      points.positions[i * 2 + 1] = lat;
      points.deadlines[i] =
        isEscalated === 1 ? escalated! : now > deadlineAt ? overdue! : now >= warnFrom ? warning! : onTime!;
      points.statuses[i] = status;
    });
    return points;
  }

  rerouteOptions(id: number): {
    current: string | null;
    departments: ReturnType<TicketRouter['departments']>;
    scopes: { kind: 'grid' | 'county'; code: string; name: string; level: string }[];
  } {
    const live = this.liveOrRefuse(id);
    const point = this.pointOf(id);
    const lead = live.state.parties.find((party) => party.role === 'lead');
    const departments = this.options.router.departments();
    // The scopes a rule could take depend only on the place: asked of the router with any department but the lead.
    const other = departments.find((department) => department.code !== lead?.department);
    const proposal = other
      ? this.options.router.proposeRule({
          lng: point.lon,
          lat: point.lat,
          categoryCode: live.state.category,
          departmentCode: other.code,
        })
      : undefined;
    return {
      current: lead?.department ?? null,
      departments,
      scopes:
        proposal && proposal.ok
          ? proposal.scopes.map((option) => ({ ...option.scope, name: option.name, level: option.level }))
          : [],
    };
  }

  // ─── Actions ───────────────────────────────────────────────────────────────────────────────────────────────────

  private liveOrRefuse(id: number): LiveTicket {
    const live = this.records.byTicket(id);
    if (!live) {
      if (this.gridOf(id) === undefined) throw refused(`工单 ${id} 不存在。 Ticket ${id} not found.`);
      throw refused('导入的历史工单只读。 An imported history ticket is read-only.');
    }
    if (live.mergedInto !== null) throw refused('已并案：请在主案上办理。 Merged into another case: act on that case.');
    return live;
  }

  /** Checks an operator's action with the lifecycle, submits it, waits for it to be applied, answers the ticket. */
  async act(id: number, operator: DeskOperator, build: (actor: TicketActor) => TicketAction): Promise<TicketDetail> {
    const live = this.liveOrRefuse(id);
    await this.submit(live, build(this.actorOf(operator)), 'transition');
    return this.get(id, operator);
  }

  /** Re-routes to another department (by code), with the reason; the router words the new route. */
  async reroute(
    id: number,
    operator: DeskOperator,
    departmentCode: string,
    reason: string,
    rule: { kind: 'grid' | 'county'; code: string } | null | undefined,
  ): Promise<TicketDetail> {
    const live = this.liveOrRefuse(id);
    const target = this.options.router.unit(departmentCode);
    if (!target) throw refused(`部门 ${departmentCode} 不存在。 Department ${departmentCode} not found.`);
    const action: TicketAction = { kind: 'reroute', by: this.actorOf(operator), lead: target.unit, reason };
    const route = {
      zh: `人工改派 → ${target.name}，因为：${reason}（${operator.username}）`,
      en: `Re-routed by hand → ${target.nameEn}, because: ${reason} (${operator.username})`,
      steps: [...(live.route?.steps ?? [])],
    };
    // The rule travels with the re-route on the stream, so every console adds it in the same place of the order and
    // routes the next such report alike (a rule kept by one console alone would lose to another's dispatch).
    let ruleDraft: RuleDraft | undefined;
    if (rule) {
      if (rule.kind === 'county' && operator.scope.kind === 'l1') {
        throw refused(
          '街道值班员不能设立全区县的派单规则。 A street duty officer may not make a rule for a whole county.',
        );
      }
      const point = this.pointOf(id);
      const proposal = this.options.router.proposeRule({
        lng: point.lon,
        lat: point.lat,
        categoryCode: live.state.category,
        departmentCode,
        ticketId: id,
        note: reason,
      });
      if (!proposal.ok) {
        if (proposal.refusal !== 'same-department') throw refused(`${proposal.reason.zh} ${proposal.reason.en}`);
      } else if (
        !proposal.scopes.some((option) => option.scope.kind === rule.kind && option.scope.code === rule.code)
      ) {
        throw refused('规则范围须为本工单所在网格或其上级。 A rule applies to the ticket’s grid or one above it.');
      } else {
        ruleDraft = { ...proposal.draft, scope: rule };
      }
    }
    await this.submit(live, action, 'transition', {
      route,
      agency: target.name,
      ...(ruleDraft ? { rule: ruleDraft } : {}),
    });
    return this.get(id, operator);
  }

  /** Merges a live ticket into another open case. */
  async merge(id: number, into: number, operator: DeskOperator): Promise<TicketDetail> {
    const live = this.liveOrRefuse(id);
    const target = this.liveOrRefuse(into);
    const refusal = this.mergeRefusal(live, target, operator);
    if (refusal !== null) throw refused(refusal);
    const ack = await this.link().submit({
      id: live.hubId,
      kind: 'merged',
      expect: live.lastSeq,
      transition: {
        action: {
          kind: 'merge',
          by: this.actorOf(operator),
          into: target.hubId,
        },
        status: target.state.status,
        into: target.hubId,
        notes: `并案至 ${target.hubId} / merged into ${target.hubId}`,
        console: this.options.consoleName,
      },
    });
    await this.settle(ack);
    return this.get(into, operator);
  }

  /** The hub, for a change to a live ticket: never one whose stream this store does not follow (its ids differ). */
  private link(): TicketStreamLink {
    if (!this.options.link) throw new ContractError({ code: 'unavailable', message: 'no command hub is configured' });
    const problem = this.stream?.streamProblem;
    if (problem) throw new ContractError({ code: 'unavailable', message: problem.en });
    return this.options.link;
  }

  /** Why the hub's ticket events are refused, if they are. */
  get streamProblem(): StreamProblem | null {
    return this.stream?.streamProblem ?? null;
  }

  private async submit(
    live: LiveTicket,
    action: TicketAction,
    kind: 'transition',
    extra: { route?: unknown; agency?: string; rule?: RuleDraft } = {},
  ): Promise<void> {
    const link = this.link();
    const result = applyTransition(live.state, action, Math.max(this.now(), live.state.updatedAt));
    if (!result.ok) throw refused(result.message);
    const notes =
      action.kind === 'resolve'
        ? action.result
        : action.kind === 'reopen'
          ? action.reason
          : action.kind === 'evaluate'
            ? `满意度 ${action.satisfaction}/5 / satisfaction ${action.satisfaction}/5`
            : undefined;
    const lead = result.ticket.parties.find((party) => party.role === 'lead');
    const ack = await link.submit({
      id: live.hubId,
      kind,
      expect: live.lastSeq,
      transition: {
        action: {
          ...action,
          ...(extra.route ? { route: extra.route } : {}),
          ...(extra.rule ? { rule: extra.rule } : {}),
        },
        status: result.ticket.status,
        ...(notes ? { notes: notes.slice(0, 4000) } : {}),
        ...(extra.agency
          ? { agency: extra.agency }
          : lead
            ? { agency: this.options.router.unit(lead.department)?.name ?? lead.department }
            : {}),
        console: this.options.consoleName,
      },
    });
    await this.settle(ack);
  }

  private async settle(ack: Awaited<ReturnType<TicketStreamLink['submit']>>): Promise<void> {
    if (!ack.ok) {
      if (ack.conflict) {
        const words = ack.conflict.status;
        throw new ContractError({
          code: 'refused',
          message:
            `另一控制台已先处理此工单（现为“${words}”），请刷新后再操作。` +
            ` Another console acted on this ticket first (it is now ${words}); look again and retry.`,
        });
      }
      throw new ContractError({ code: 'unavailable', message: ack.error });
    }
    // The caller sees the ticket as the stream left it (a second at most on a healthy link).
    await this.appliedThrough(ack.seq, 5000);
  }
}

function sourceText(live: LiveTicket): string | null {
  const parts = [`${live.channelCode}:${live.sourceKey}`];
  const source = live.source;
  if (source?.deviceId) parts.push(`device ${source.deviceId}`);
  if (source?.eventType) parts.push(`event ${source.eventType}`);
  if (source?.workerId !== undefined) parts.push(`worker ${source.workerId}`);
  if (source?.confidence !== undefined) parts.push(`confidence ${source.confidence}`);
  return parts.join(' · ');
}

function actorName(by: TicketActor, unitName: (code: string) => string | undefined): string {
  switch (by.kind) {
    case 'operator':
      return by.id;
    case 'unit':
      return unitName(by.department) ?? by.department;
    case 'system': {
      // Intake filings name their channel: "intake:zhenghaopai" → 郑好拍 Zhenghaopai photo app.
      const channel = by.id.startsWith('intake:') ? CHANNELS.find((spec) => spec.code === by.id.slice(7)) : undefined;
      return channel ? `${channel.name} ${channel.nameEn}` : (SERVICE_NAMES[by.id] ?? by.id);
    }
  }
}
