/**
 * The live ticket rows (migration 0011) as the ticket services read and write them: one place for the SQL, so the
 * applier, the board and the desk agree on columns and JSON shapes.
 */
import type Database from 'better-sqlite3';
import type { TicketState, TimelineEntry } from '../../../../shared/domain/tickets/lifecycle';
import type { CategorySuggestion } from '../../../../shared/domain/tickets/category-suggester';
import type { IntakeReport } from '../../../../shared/protocol/intake';
import type { RouteReason } from '../routing/route-types';

export type CategorySource = 'sender' | 'suggested' | 'default';

/** A live ticket as stored, JSON columns parsed. */
export interface LiveTicket {
  ticketId: number;
  hubId: string;
  lastSeq: number;
  channelCode: string;
  sourceKey: string;
  text: string;
  address: string | null;
  reporter: IntakeReport['reporter'] | null;
  source: IntakeReport['source'] | null;
  priority: string;
  categorySource: CategorySource;
  suggestion: CategorySuggestion[] | null;
  route: RouteReason | null;
  state: TicketState;
  deadlineAt: number;
  warnFrom: number;
  department: string | null;
  joint: boolean;
  escalated: boolean;
  mergedInto: number | null;
  duplicateOf: number | null;
  receivedAtMs: number;
}

interface LiveTicketRow {
  ticket_id: number;
  hub_id: string;
  last_seq: number;
  channel_code: string;
  source_key: string;
  text: string;
  address: string | null;
  reporter: string | null;
  source: string | null;
  priority: string;
  category_source: CategorySource;
  suggestion: string | null;
  route: string | null;
  state: string;
  deadline_at: number;
  warn_from: number;
  department: string | null;
  joint: number;
  escalated: number;
  merged_into: number | null;
  duplicate_of: number | null;
  received_at_ms: number;
}

const parse = <T>(text: string | null): T | null => (text === null ? null : (JSON.parse(text) as T));

function fromRow(row: LiveTicketRow): LiveTicket {
  return {
    ticketId: row.ticket_id,
    hubId: row.hub_id,
    lastSeq: row.last_seq,
    channelCode: row.channel_code,
    sourceKey: row.source_key,
    text: row.text,
    address: row.address,
    reporter: parse(row.reporter),
    source: parse(row.source),
    priority: row.priority,
    categorySource: row.category_source,
    suggestion: parse(row.suggestion),
    route: parse(row.route),
    state: JSON.parse(row.state) as TicketState,
    deadlineAt: row.deadline_at,
    warnFrom: row.warn_from,
    department: row.department,
    joint: row.joint === 1,
    escalated: row.escalated === 1,
    mergedInto: row.merged_into,
    duplicateOf: row.duplicate_of,
    receivedAtMs: row.received_at_ms,
  };
}

/** A timeline line as stored: the lifecycle's entry and the hub sequence number that carried it. */
export interface StoredTimelineEntry {
  seq: number | null;
  entry: TimelineEntry | MergeTimelineEntry;
}

/** Merging is the desk's step, not the lifecycle's: its line has the same shape. */
export interface MergeTimelineEntry extends Omit<TimelineEntry, 'action' | 'authorisedBy'> {
  action: 'merge' | 'merged-in';
  authorisedBy: TimelineEntry['authorisedBy'];
}

/** What applying a transition needs of a live ticket: its state and place, without the report's JSON columns. */
export interface LiveTicketState {
  ticketId: number;
  hubId: string;
  lastSeq: number;
  state: TicketState;
  department: string | null;
  lng: number;
  lat: number;
  gridId: number;
}

const STATE_COLUMNS =
  'SELECT l.ticket_id AS ticketId, l.hub_id AS hubId, l.last_seq AS lastSeq, l.state, l.department, ' +
  't.lon AS lng, t.lat, t.grid_id AS gridId FROM live_tickets l JOIN tickets t ON t.id = l.ticket_id';

/** Prepared statements over one connection (the writer for the applier, the reader for queries). */
export class LiveTicketRecords {
  private readonly byHubId: Database.Statement;
  private readonly byTicketId: Database.Statement;
  private readonly statements = new Map<string, Database.Statement>();

  constructor(private readonly db: Database.Database) {
    this.byHubId = db.prepare('SELECT * FROM live_tickets WHERE hub_id = ?');
    this.byTicketId = db.prepare('SELECT * FROM live_tickets WHERE ticket_id = ?');
  }

  /** Prepared once per connection. */
  private sql(text: string): Database.Statement {
    let statement = this.statements.get(text);
    if (!statement) this.statements.set(text, (statement = this.db.prepare(text)));
    return statement;
  }

  byHub(hubId: string): LiveTicket | undefined {
    const row = this.byHubId.get(hubId) as LiveTicketRow | undefined;
    return row && fromRow(row);
  }

  byTicket(ticketId: number): LiveTicket | undefined {
    const row = this.byTicketId.get(ticketId) as LiveTicketRow | undefined;
    return row && fromRow(row);
  }

  /** A live ticket's hub id (`t-<seq>`) by its row id; undefined for the imported history. */
  hubIdOf(ticketId: number): string | undefined {
    return this.sql('SELECT hub_id FROM live_tickets WHERE ticket_id = ?').pluck().get(ticketId) as string | undefined;
  }

  /** Whether the stream's ticket is in this store already (a replayed report). */
  has(hubId: string): boolean {
    return this.sql('SELECT 1 FROM live_tickets WHERE hub_id = ?').pluck().get(hubId) !== undefined;
  }

  /** A live ticket's state and place: the applier reads it for every transition, thousands a second in a storm. */
  stateByHub(hubId: string): LiveTicketState | undefined {
    return this.toState(this.sql(`${STATE_COLUMNS} WHERE l.hub_id = ?`).get(hubId));
  }

  stateByTicket(ticketId: number): LiveTicketState | undefined {
    return this.toState(this.sql(`${STATE_COLUMNS} WHERE l.ticket_id = ?`).get(ticketId));
  }

  private toState(row: unknown): LiveTicketState | undefined {
    if (row === undefined) return undefined;
    const state = row as Omit<LiveTicketState, 'state'> & { state: string };
    return { ...state, state: JSON.parse(state.state) as TicketState };
  }

  cursor(): number {
    return this.sql('SELECT seq FROM ticket_stream WHERE id = 1').pluck().get() as number;
  }

  timeline(ticketId: number): StoredTimelineEntry[] {
    const rows = this.sql('SELECT seq, entry FROM ticket_timeline WHERE ticket_id = ? ORDER BY id').all(ticketId) as {
      seq: number | null;
      entry: string;
    }[];
    return rows.map((row) => ({ seq: row.seq, entry: JSON.parse(row.entry) as StoredTimelineEntry['entry'] }));
  }

  /** The tickets merged into a case. */
  mergedInto(caseId: number): { ticketId: number; hubId: string; channel: number }[] {
    return this.sql(
      'SELECT l.ticket_id AS ticketId, l.hub_id AS hubId, t.channel_id AS channel FROM live_tickets l ' +
        'JOIN tickets t ON t.id = l.ticket_id WHERE l.merged_into = ? ORDER BY l.ticket_id',
    ).all(caseId) as { ticketId: number; hubId: string; channel: number }[];
  }
}
