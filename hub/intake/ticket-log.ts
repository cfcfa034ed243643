/**
 * The hub tier's ordered, durable log of ticket events (issue #7): every new report the intake accepts, and later
 * every transition, gets the next sequence number of the ticket stream, so consoles apply the stream in order and,
 * after a disconnection, ask for what they missed from the last sequence they saw (`since`). Like the command log
 * (server/command-log.ts) it has two backends: one hub keeps it in an embedded SQLite file in its data dir; hubs
 * scaled out keep it in Redis (a Stream whose entry ids are the sequence numbers, a counter, a hash of idempotency
 * scopes and a hash of ticket statuses). The ticket stream has its own sequence, apart from the command log's.
 *
 * - Ticket ids are `t-<seq>`: the sequence number of the ticket's `reported` event, as a string. Unique across the
 *   hub tier (one counter), stable, and never a bare number that could be mistaken for a console's own row id.
 * - Idempotency: a report is logged under its scope (`idempotencyScope`: channel and key) with the hash of its
 *   canonical text (`canonicalIntake`). The same scope with the same hash is a retry: the first ticket is answered
 *   and nothing is logged; the same scope with another hash is a conflict (a key reused for another report).
 * - The status projection: a small record per ticket (status, category, times, point, the citizen's text and
 *   address, a photo reference), what Open311's GET requests/{id}.json needs. `reported` now; transitions later.
 * - Events carry the whole normalised report, reporter and inline photos included: the stream is how a ticket
 *   reaches the consoles' stores. Nothing of it goes into a log line.
 */
import Database from 'better-sqlite3';
import type { Redis } from 'ioredis';
import type { TicketStatus } from '../../shared/domain/channels';
import type { TicketEventMessage } from '../../shared/protocol/hub-protocol';
import type { IntakeChannel, IntakeReport } from '../../shared/protocol/intake';

/** What Open311's status answer needs of a ticket (the projection the log keeps up to date). */
export interface TicketStatusRecord {
  id: string;
  channel: IntakeChannel;
  status: TicketStatus;
  /** Absent when the sender gave none (the console suggests one). */
  categoryCode?: string;
  /** Epoch seconds. */
  reportedAt: number;
  receivedAt: number;
  updatedAt: number;
  /** WGS-84. */
  lng: number;
  lat: number;
  text: string;
  address?: string;
  mediaUrl?: string;
}

export type ReportOutcome =
  | { ok: true; seq: number; id: string; duplicate: boolean; status: TicketStatusRecord }
  /** The scope was used before for a report with another canonical text. */
  | { ok: false; conflict: true; id: string };

export interface TicketLog {
  /** Logs a new report under its idempotency scope and canonical hash, or answers the ticket already logged. */
  report(report: IntakeReport, scope: string, hash: string): Promise<ReportOutcome>;
  /** Events after a sequence number, in order, at most `limit`. */
  since(seq: number, limit: number): Promise<TicketEventMessage[]>;
  /** A ticket's status record; undefined for an unknown id. */
  status(id: string): Promise<TicketStatusRecord | undefined>;
  close(): Promise<void>;
}

export const ticketId = (seq: number): string => `t-${seq}`;
export const TICKET_ID_PATTERN = /^t-[1-9]\d{0,15}$/;

/** The status record of a new report (seq unknown: the id is filled in by the log). */
export function reportedStatus(report: IntakeReport): Omit<TicketStatusRecord, 'id'> {
  const record: Omit<TicketStatusRecord, 'id'> = {
    channel: report.channel,
    status: 'reported',
    reportedAt: report.reportedAt ?? report.receivedAt,
    receivedAt: report.receivedAt,
    updatedAt: report.receivedAt,
    lng: report.location.lng,
    lat: report.location.lat,
    text: report.text,
  };
  if (report.categoryCode !== undefined) record.categoryCode = report.categoryCode;
  if (report.address !== undefined) record.address = report.address;
  const url = report.photos.find((photo) => photo.kind === 'url');
  if (url?.kind === 'url') record.mediaUrl = url.url;
  return record;
}

const reportedEvent = (seq: number, report: IntakeReport): TicketEventMessage => ({
  seq,
  id: ticketId(seq),
  kind: 'reported',
  at: report.receivedAt,
  report,
});

/** The embedded log of a single hub: one SQLite file, WAL. */
export class SqliteTicketLog implements TicketLog {
  private readonly db: Database.Database;

  constructor(file: string) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS ticket_events (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        ticket TEXT NOT NULL,
        kind TEXT NOT NULL,
        at INTEGER NOT NULL,
        body TEXT NOT NULL
      ) STRICT;
      CREATE TABLE IF NOT EXISTS ticket_keys (
        scope TEXT PRIMARY KEY,
        hash TEXT NOT NULL,
        ticket TEXT NOT NULL
      ) STRICT;
      CREATE TABLE IF NOT EXISTS ticket_status (
        id TEXT PRIMARY KEY,
        body TEXT NOT NULL
      ) STRICT;`);
  }

  report(report: IntakeReport, scope: string, hash: string): Promise<ReportOutcome> {
    const outcome = this.db.transaction((): ReportOutcome => {
      const known = this.db.prepare('SELECT hash, ticket FROM ticket_keys WHERE scope = ?').get(scope) as
        { hash: string; ticket: string } | undefined;
      if (known) {
        if (known.hash !== hash) return { ok: false, conflict: true, id: known.ticket };
        const row = this.db.prepare('SELECT body FROM ticket_status WHERE id = ?').get(known.ticket) as {
          body: string;
        };
        return {
          ok: true,
          seq: Number(known.ticket.slice(2)),
          id: known.ticket,
          duplicate: true,
          status: JSON.parse(row.body) as TicketStatusRecord,
        };
      }
      // The id is the event's own sequence number: take it first, then fill the row in.
      const { lastInsertRowid } = this.db
        .prepare("INSERT INTO ticket_events (ticket, kind, at, body) VALUES ('', 'reported', ?, '')")
        .run(report.receivedAt);
      const seq = Number(lastInsertRowid);
      const id = ticketId(seq);
      this.db
        .prepare('UPDATE ticket_events SET ticket = ?, body = ? WHERE seq = ?')
        .run(id, JSON.stringify(reportedEvent(seq, report)), seq);
      this.db.prepare('INSERT INTO ticket_keys (scope, hash, ticket) VALUES (?, ?, ?)').run(scope, hash, id);
      const status: TicketStatusRecord = { id, ...reportedStatus(report) };
      this.db.prepare('INSERT INTO ticket_status (id, body) VALUES (?, ?)').run(id, JSON.stringify(status));
      return { ok: true, seq, id, duplicate: false, status };
    })();
    return Promise.resolve(outcome);
  }

  since(seq: number, limit: number): Promise<TicketEventMessage[]> {
    const rows = this.db
      .prepare('SELECT body FROM ticket_events WHERE seq > ? ORDER BY seq LIMIT ?')
      .all(seq, limit) as { body: string }[];
    return Promise.resolve(rows.map((row) => JSON.parse(row.body) as TicketEventMessage));
  }

  status(id: string): Promise<TicketStatusRecord | undefined> {
    const row = this.db.prepare('SELECT body FROM ticket_status WHERE id = ?').get(id) as { body: string } | undefined;
    return Promise.resolve(row ? (JSON.parse(row.body) as TicketStatusRecord) : undefined);
  }

  close(): Promise<void> {
    this.db.close();
    return Promise.resolve();
  }
}

// Atomic in Redis: the scope's ticket (a retry or a conflict), or the next sequence number, the event under it
// (stream id `seq-1`), the scope and the status record. ARGV: scope, hash, report JSON, status JSON (without id).
// The event's and the status's JSON are completed here with the id, so one round trip does it all.
const REPORT_SCRIPT = `
local known = redis.call('HGET', KEYS[1], ARGV[1])
if known then
  local sep = string.find(known, ' ', 1, true)
  local ticket = string.sub(known, 1, sep - 1)
  local hash = string.sub(known, sep + 1)
  if hash ~= ARGV[2] then return {ticket, 2, ''} end
  return {ticket, 1, redis.call('HGET', KEYS[4], ticket) or ''}
end
local seq = redis.call('INCR', KEYS[2])
local ticket = 't-' .. seq
local event = '{"seq":' .. seq .. ',"id":"' .. ticket .. '","kind":"reported","at":' .. ARGV[5] .. ',"report":' .. ARGV[3] .. '}'
redis.call('XADD', KEYS[3], seq .. '-1', 'e', event)
redis.call('HSET', KEYS[1], ARGV[1], ticket .. ' ' .. ARGV[2])
local status = '{"id":"' .. ticket .. '",' .. string.sub(ARGV[4], 2)
redis.call('HSET', KEYS[4], ticket, status)
return {ticket, 0, status}
`;

/** The shared log of hubs scaled out: a Redis Stream whose entry ids are the sequence numbers. */
export class RedisTicketLog implements TicketLog {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'gridline:hub:tickets',
  ) {}

  async report(report: IntakeReport, scope: string, hash: string): Promise<ReportOutcome> {
    const [id, state, body] = (await this.redis.eval(
      REPORT_SCRIPT,
      4,
      `${this.prefix}:keys`,
      `${this.prefix}:seq`,
      `${this.prefix}:log`,
      `${this.prefix}:status`,
      scope,
      hash,
      JSON.stringify(report),
      JSON.stringify(reportedStatus(report)),
      String(report.receivedAt),
    )) as [string, number, string];
    if (state === 2) return { ok: false, conflict: true, id };
    return {
      ok: true,
      seq: Number(id.slice(2)),
      id,
      duplicate: state === 1,
      status: JSON.parse(body) as TicketStatusRecord,
    };
  }

  async since(seq: number, limit: number): Promise<TicketEventMessage[]> {
    const entries = (await this.redis.xrange(`${this.prefix}:log`, `(${seq}-1`, '+', 'COUNT', limit)) as [
      string,
      string[],
    ][];
    return entries.map(([, fields]) => JSON.parse(fields[1]!) as TicketEventMessage);
  }

  async status(id: string): Promise<TicketStatusRecord | undefined> {
    const body = await this.redis.hget(`${this.prefix}:status`, id);
    return body === null ? undefined : (JSON.parse(body) as TicketStatusRecord);
  }

  close(): Promise<void> {
    // The connection belongs to the hub, which closes it.
    return Promise.resolve();
  }
}
