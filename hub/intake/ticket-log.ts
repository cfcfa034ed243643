/**
 * The hub tier's ordered, durable log of ticket events (issue #7): every new report the intake accepts and every
 * transition or merge a console submits gets the next sequence number of the ticket stream, so consoles apply the
 * stream in order and, after a disconnection, ask for what they missed from the last sequence they saw (`since`).
 * Like the command log (server/command-log.ts) it has two backends: one hub keeps it in an embedded SQLite file in its
 * data dir; hubs scaled out keep it in Redis (a Stream whose entry ids are the sequence numbers, a counter, a hash of
 * idempotency scopes, a hash of ticket records as reported and a hash of their current state). The ticket stream has
 * its own sequence, apart from the command log's.
 *
 * - Ticket ids are `t-<seq>`: the sequence number of the ticket's `reported` event, as a string. Unique across the
 *   hub tier (one counter), stable, and never a bare number that could be mistaken for a console's own row id.
 * - Idempotency: a report is logged under its scope (`idempotencyScope`: channel and key) with the hash of its
 *   canonical text (`canonicalIntake`). The same scope with the same hash is a retry: the first ticket is answered
 *   and nothing is logged; the same scope with another hash is a conflict (a key reused for another report).
 * - Transitions and merges (`transition`) are optimistic: a console names the sequence number of the ticket's latest
 *   event it had seen (`expect`), and the log appends only while that is still the ticket's latest event — checked and
 *   appended in one step (a SQLite transaction; one Lua script in Redis), so of two consoles acting on the same
 *   version exactly one wins and the other is told the ticket's current sequence number and status. A merge also
 *   needs its case to exist, to be another ticket and not merged itself, and the ticket not to be merged already. An
 *   event's time is never earlier than the ticket's previous event (hubs' clocks differ by a little).
 * - The status projection: a small record per ticket (status, category, times, point, the citizen's text and
 *   address, a photo reference, the latest event's sequence number, the notes a citizen may read, the responsible
 *   department, the case it was merged into), what Open311's GET requests/{id}.json needs. Notes and the department
 *   stay until a later transition gives new ones.
 * - Events carry the whole normalised report, reporter and inline photos included: the stream is how a ticket
 *   reaches the consoles' stores. Nothing of it, and nothing of a transition's notes, goes into a log line.
 * - Emergency mode switches (`mode`, issue #8, shared/protocol/mode-protocol.ts) are events of the same stream, so
 *   every console applies modes and tickets in one order. They are optimistic like transitions, per scope key
 *   (`<eventType>@<scopeKey>`): the log keeps each key's state (version, emergency, level, who switched, when) and
 *   appends a switch only while the key's version is still the console's `expect` and the switch fits the key
 *   (an activation needs it normal; a step or a return needs it active with the same emergency) — checked and
 *   appended in one step, as transitions are. A refusal answers the key's current state.
 */
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import type { Redis } from 'ioredis';
import type { TicketStatus } from '../../shared/domain/channels';
import type {
  StreamTicketStatus,
  TicketEventMessage,
  TicketTransitionSubmit,
} from '../../shared/protocol/hub-protocol';
import type { IntakeChannel, IntakeReport } from '../../shared/protocol/intake';
import type { ModeKeyState, ModeRefusal, ModeSwitchSubmit, ModeSwitchWire } from '../../shared/protocol/mode-protocol';

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
  /** Epoch seconds: the ticket's latest event. */
  updatedAt: number;
  /** WGS-84. */
  lng: number;
  lat: number;
  text: string;
  address?: string;
  mediaUrl?: string;
  /**
   * The sequence number of the ticket's latest event: the version a console's `expect` names. (A record written
   * before transitions existed has none stored; it is read as its `reported` event's, which it then was.)
   */
  lastSeq: number;
  /** What a citizen may read (Open311 `status_notes`): the latest notes a transition gave. */
  notes?: string;
  /** The lead department (Open311 `agency_responsible`): the latest a transition named. */
  agency?: string;
  /** The case (`t-<seq>`) this ticket was merged into; its reporter follows that case's status. */
  mergedInto?: string;
}

export type ReportOutcome =
  | { ok: true; seq: number; id: string; duplicate: boolean; status: TicketStatusRecord }
  /** The scope was used before for a report with another canonical text. */
  | { ok: false; conflict: true; id: string };

/**
 * Why a transition was not logged: the ticket is unknown; it has moved on since the version the console saw
 * (`conflict`, with its current sequence number and status); or a merge breaks a rule — the ticket is merged already,
 * the case is the ticket itself, unknown, or merged into another case itself (no chains: a reporter follows exactly
 * one case).
 */
export const TRANSITION_REFUSALS = [
  'unknown-ticket',
  'conflict',
  'already-merged',
  'merge-into-itself',
  'unknown-case',
  'case-is-merged',
] as const;
export type TransitionRefusal = (typeof TRANSITION_REFUSALS)[number];

export type TransitionOutcome =
  | { ok: true; seq: number; at: number; event: TicketEventMessage; status: TicketStatusRecord }
  | { ok: false; error: TransitionRefusal; conflict?: { seq: number; status: StreamTicketStatus } };

export type ModeOutcome =
  | { ok: true; seq: number; at: number; version: number; event: TicketEventMessage }
  /** Refused: the key's state as it is, so the console can say who switched it and to what. */
  | { ok: false; error: ModeRefusal; current: ModeKeyState };

/** The state of a key never switched. */
export const NORMAL_MODE_STATE: Readonly<ModeKeyState> = Object.freeze({
  version: 0,
  emergency: null,
  level: null,
  by: null,
  console: null,
  at: 0,
});

export interface TicketLog {
  /** Logs a new report under its idempotency scope and canonical hash, or answers the ticket already logged. */
  report(report: IntakeReport, scope: string, hash: string): Promise<ReportOutcome>;
  /**
   * Logs a console's transition or merge as the stream's next event when the ticket's latest event is still
   * `submit.expect` (and a merge keeps the rules), at `max(nowSeconds, the ticket's updatedAt)`; answers the event to
   * hand to the consoles, or why not. The submission's shape is the caller's to check (ticketTransitionSubmitSchema).
   */
  transition(submit: TicketTransitionSubmit, nowSeconds: number): Promise<TransitionOutcome>;
  /**
   * Logs an emergency mode switch as the stream's next event when its key's version is still `submit.expect` and the
   * switch fits the key's state (an activation: the key is normal; a step or a return: the key runs the same
   * emergency), at `max(nowSeconds, the key's last switch)`; answers the event and the key's new version, or why not
   * with the key's current state. The submission's shape, and that its key is its event type and scope's, are the
   * caller's to check (modeSwitchSubmitSchema, scopeKey).
   */
  mode(submit: ModeSwitchSubmit, nowSeconds: number): Promise<ModeOutcome>;
  /** A key's state (NORMAL_MODE_STATE for a key never switched). */
  modeState(key: string): Promise<ModeKeyState>;
  /**
   * The stream's name: random, made with the log and kept with it. A console's cursor is a position in this stream;
   * a log that was reset, or another hub tier's, has another name, and the console refuses to go on from its cursor.
   */
  stream(): Promise<string>;
  /** Events after a sequence number, in order, at most `limit`. */
  since(seq: number, limit: number): Promise<TicketEventMessage[]>;
  /** A ticket's status record; undefined for an unknown id. */
  status(id: string): Promise<TicketStatusRecord | undefined>;
  close(): Promise<void>;
}

export const ticketId = (seq: number): string => `t-${seq}`;
export const TICKET_ID_PATTERN = /^t-[1-9]\d{0,15}$/;
/** The sequence number of a ticket's `reported` event, from its id. */
const reportedSeq = (id: string): number => Number(id.slice(2));

/** The status record of a new report (seq unknown: the id and lastSeq are filled in by the log). */
export function reportedStatus(report: IntakeReport): Omit<TicketStatusRecord, 'id' | 'lastSeq'> {
  const record: Omit<TicketStatusRecord, 'id' | 'lastSeq'> = {
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

/** A stored record as read: `lastSeq` filled in for records from before transitions. */
function readRecord(body: string): TicketStatusRecord {
  const record = JSON.parse(body) as Omit<TicketStatusRecord, 'lastSeq'> & { lastSeq?: number };
  return { ...record, lastSeq: record.lastSeq ?? reportedSeq(record.id) };
}

/** Why a merge of `ticket` into `into` (whose record is `target`) may not be logged; undefined when it may. */
function mergeRefusal(
  ticket: TicketStatusRecord,
  into: string | undefined,
  target: TicketStatusRecord | undefined,
): TransitionRefusal | undefined {
  if (ticket.mergedInto !== undefined) return 'already-merged';
  if (into === ticket.id) return 'merge-into-itself';
  if (into === undefined || target === undefined) return 'unknown-case';
  if (target.mergedInto !== undefined) return 'case-is-merged';
  return undefined;
}

/** The record after a transition: status, time, version; notes and department where given; the case of a merge. */
function transitioned(
  record: TicketStatusRecord,
  submit: TicketTransitionSubmit,
  seq: number,
  at: number,
): TicketStatusRecord {
  const { transition } = submit;
  const next: TicketStatusRecord = { ...record, status: transition.status, updatedAt: at, lastSeq: seq };
  if (transition.notes !== undefined) next.notes = transition.notes;
  if (transition.agency !== undefined) next.agency = transition.agency;
  if (submit.kind === 'merged' && transition.into !== undefined) next.mergedInto = transition.into;
  return next;
}

const reportedEvent = (seq: number, report: IntakeReport): TicketEventMessage => ({
  seq,
  id: ticketId(seq),
  kind: 'reported',
  at: report.receivedAt,
  report,
});

const transitionEvent = (seq: number, at: number, submit: TicketTransitionSubmit): TicketEventMessage => ({
  seq,
  id: submit.id,
  kind: submit.kind,
  at,
  transition: submit.transition,
});

/** Why a switch may not be logged on a key in `state`; undefined when it may. */
function modeRefusal(state: ModeKeyState, submit: ModeSwitchSubmit): ModeRefusal | undefined {
  if (state.version !== submit.expect) return 'conflict';
  if (submit.switch.action === 'activate') return state.level === null ? undefined : 'already-active';
  if (state.level === null) return 'not-active';
  if (state.emergency !== submit.switch.emergency) return 'other-emergency';
  return undefined;
}

/** The key's state after a switch logged at `at`. */
const switchedState = (state: ModeKeyState, wire: ModeSwitchWire, at: number): ModeKeyState => ({
  version: state.version + 1,
  emergency: wire.action === 'deactivate' ? null : wire.emergency,
  level: wire.level,
  by: wire.by,
  console: wire.console,
  at,
});

const modeEvent = (seq: number, at: number, wire: ModeSwitchWire): TicketEventMessage => ({
  seq,
  id: wire.emergency,
  kind: 'mode',
  at,
  mode: wire,
});

/** A write waiting for the next group commit. */
interface PendingWrite {
  run: () => unknown;
  resolve: (value: never) => void;
  reject: (error: unknown) => void;
}

/**
 * The embedded log of a single hub: one SQLite file, WAL, every commit synced to disk (a report the intake has
 * answered must survive a power cut). Writes arriving in the same turn of the event loop share one commit (group
 * commit): in a storm that is a few dozen reports and transitions a commit instead of one, each still in its own
 * savepoint, so one that fails fails alone. Each caller is answered once its write is durable.
 */
export class SqliteTicketLog implements TicketLog {
  private readonly db: Database.Database;
  private readonly statements = new Map<string, Database.Statement>();
  private pending: PendingWrite[] = [];
  /** The stream's name (TicketLog.stream). */
  private readonly name: string;

  /** Prepared once: a storm files thousands of reports a second. */
  private sql(text: string): Database.Statement {
    let statement = this.statements.get(text);
    if (!statement) this.statements.set(text, (statement = this.db.prepare(text)));
    return statement;
  }

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
      ) STRICT;
      CREATE TABLE IF NOT EXISTS mode_keys (
        key TEXT PRIMARY KEY,
        body TEXT NOT NULL
      ) STRICT;
      CREATE TABLE IF NOT EXISTS ticket_stream_name (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        name TEXT NOT NULL
      ) STRICT;`);
    this.db.prepare('INSERT OR IGNORE INTO ticket_stream_name (id, name) VALUES (1, ?)').run(randomUUID());
    this.name = this.db.prepare('SELECT name FROM ticket_stream_name WHERE id = 1').pluck().get() as string;
  }

  stream(): Promise<string> {
    return Promise.resolve(this.name);
  }

  private read(id: string): TicketStatusRecord | undefined {
    const row = this.sql('SELECT body FROM ticket_status WHERE id = ?').get(id) as { body: string } | undefined;
    return row ? readRecord(row.body) : undefined;
  }

  /**
   * Appends an event whose body needs its own sequence number: the next one (AUTOINCREMENT's counter, inside the
   * transaction, so no other writer can take it), then the row with it.
   */
  private append(kind: string, at: number, body: (seq: number) => TicketEventMessage): number {
    const last = this.sql("SELECT seq FROM sqlite_sequence WHERE name = 'ticket_events'").pluck().get() as
      number | undefined;
    const seq = (last ?? 0) + 1;
    const event = body(seq);
    this.sql('INSERT INTO ticket_events (seq, ticket, kind, at, body) VALUES (?, ?, ?, ?, ?)').run(
      seq,
      event.id,
      kind,
      at,
      JSON.stringify(event),
    );
    return seq;
  }

  /** Runs `write` in the next group commit; resolves once that commit is on disk. */
  private write<T>(run: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ run, resolve, reject });
      if (this.pending.length === 1) setImmediate(() => this.commit());
    });
  }

  private commit(): void {
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0 || !this.db.open) {
      for (const write of batch) write.reject(new Error('the ticket log is closed'));
      return;
    }
    const outcomes: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = [];
    try {
      this.db.transaction(() => {
        for (const write of batch) {
          try {
            // A nested transaction is a savepoint: a write that throws rolls back alone.
            outcomes.push({ ok: true, value: this.db.transaction(write.run)() });
          } catch (error) {
            outcomes.push({ ok: false, error });
          }
        }
      })();
    } catch (error) {
      // The commit itself failed (disk full, I/O error): nothing of the batch was logged.
      for (const write of batch) write.reject(error);
      return;
    }
    batch.forEach((write, index) => {
      const outcome = outcomes[index]!;
      if (outcome.ok) write.resolve(outcome.value as never);
      else write.reject(outcome.error);
    });
  }

  report(report: IntakeReport, scope: string, hash: string): Promise<ReportOutcome> {
    return this.write((): ReportOutcome => {
      const known = this.sql('SELECT hash, ticket FROM ticket_keys WHERE scope = ?').get(scope) as
        { hash: string; ticket: string } | undefined;
      if (known) {
        if (known.hash !== hash) return { ok: false, conflict: true, id: known.ticket };
        return {
          ok: true,
          seq: reportedSeq(known.ticket),
          id: known.ticket,
          duplicate: true,
          status: this.read(known.ticket)!,
        };
      }
      // The id is the event's own sequence number.
      const seq = this.append('reported', report.receivedAt, (taken) => reportedEvent(taken, report));
      const id = ticketId(seq);
      this.sql('INSERT INTO ticket_keys (scope, hash, ticket) VALUES (?, ?, ?)').run(scope, hash, id);
      const status: TicketStatusRecord = { id, ...reportedStatus(report), lastSeq: seq };
      this.sql('INSERT INTO ticket_status (id, body) VALUES (?, ?)').run(id, JSON.stringify(status));
      return { ok: true, seq, id, duplicate: false, status };
    });
  }

  transition(submit: TicketTransitionSubmit, nowSeconds: number): Promise<TransitionOutcome> {
    // One savepoint: the version check and the append cannot be separated by another submission.
    return this.write((): TransitionOutcome => {
      const record = this.read(submit.id);
      if (record === undefined) return { ok: false, error: 'unknown-ticket' };
      if (record.lastSeq !== submit.expect) {
        return { ok: false, error: 'conflict', conflict: { seq: record.lastSeq, status: record.status } };
      }
      if (submit.kind === 'merged') {
        const into = submit.transition.into;
        const refusal = mergeRefusal(record, into, into === undefined ? undefined : this.read(into));
        if (refusal !== undefined) return { ok: false, error: refusal };
      }
      const at = Math.max(nowSeconds, record.updatedAt);
      const seq = this.append(submit.kind, at, (taken) => transitionEvent(taken, at, submit));
      const status = transitioned(record, submit, seq, at);
      this.sql('UPDATE ticket_status SET body = ? WHERE id = ?').run(JSON.stringify(status), submit.id);
      return { ok: true, seq, at, event: transitionEvent(seq, at, submit), status };
    });
  }

  private readMode(key: string): ModeKeyState {
    const body = this.sql('SELECT body FROM mode_keys WHERE key = ?').pluck().get(key) as string | undefined;
    return body === undefined ? { ...NORMAL_MODE_STATE } : (JSON.parse(body) as ModeKeyState);
  }

  mode(submit: ModeSwitchSubmit, nowSeconds: number): Promise<ModeOutcome> {
    // One savepoint: the version check and the append cannot be separated by another submission.
    return this.write((): ModeOutcome => {
      const { key } = submit.switch;
      const current = this.readMode(key);
      const refusal = modeRefusal(current, submit);
      if (refusal !== undefined) return { ok: false, error: refusal, current };
      const at = Math.max(nowSeconds, current.at);
      const seq = this.append('mode', at, (taken) => modeEvent(taken, at, submit.switch));
      const next = switchedState(current, submit.switch, at);
      this.sql(
        'INSERT INTO mode_keys (key, body) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET body = excluded.body',
      ).run(key, JSON.stringify(next));
      return { ok: true, seq, at, version: next.version, event: modeEvent(seq, at, submit.switch) };
    });
  }

  modeState(key: string): Promise<ModeKeyState> {
    return Promise.resolve(this.readMode(key));
  }

  since(seq: number, limit: number): Promise<TicketEventMessage[]> {
    const rows = this.sql('SELECT body FROM ticket_events WHERE seq > ? ORDER BY seq LIMIT ?').all(seq, limit) as {
      body: string;
    }[];
    return Promise.resolve(rows.map((row) => JSON.parse(row.body) as TicketEventMessage));
  }

  status(id: string): Promise<TicketStatusRecord | undefined> {
    return Promise.resolve(this.read(id));
  }

  close(): Promise<void> {
    // Writes already accepted are committed, not dropped.
    this.commit();
    this.db.close();
    return Promise.resolve();
  }
}

// Redis keeps a ticket's record in two hashes: `status`, the record as reported (written once, by REPORT_SCRIPT),
// and `state`, what transitions change (status, updatedAt, lastSeq, notes, agency, mergedInto; written by
// TRANSITION_SCRIPT, absent until the first). A read lays the state over the record. So the report's JSON (its
// coordinates' digits, the citizen's text) is never decoded and re-encoded by Lua; only the small state is.

// Atomic in Redis: the scope's ticket (a retry or a conflict), or the next sequence number, the event under it
// (stream id `seq-1`), the scope and the status record. ARGV: scope, hash, report JSON, status JSON (without id and
// lastSeq), receivedAt. The event's and the status's JSON are completed here with the id, so one round trip does it
// all. A retry answers the record and its state.
const REPORT_SCRIPT = `
local known = redis.call('HGET', KEYS[1], ARGV[1])
if known then
  local sep = string.find(known, ' ', 1, true)
  local ticket = string.sub(known, 1, sep - 1)
  local hash = string.sub(known, sep + 1)
  if hash ~= ARGV[2] then return {ticket, 2, '', ''} end
  return {ticket, 1, redis.call('HGET', KEYS[4], ticket) or '', redis.call('HGET', KEYS[5], ticket) or ''}
end
local seq = redis.call('INCR', KEYS[2])
local ticket = 't-' .. seq
local event = '{"seq":' .. seq .. ',"id":"' .. ticket .. '","kind":"reported","at":' .. ARGV[5] .. ',"report":' .. ARGV[3] .. '}'
redis.call('XADD', KEYS[3], seq .. '-1', 'e', event)
redis.call('HSET', KEYS[1], ARGV[1], ticket .. ' ' .. ARGV[2])
local status = '{"id":"' .. ticket .. '","lastSeq":' .. seq .. ',' .. string.sub(ARGV[4], 2)
redis.call('HSET', KEYS[4], ticket, status)
return {ticket, 0, status, ''}
`;

// Atomic in Redis: the version check, a merge's rules, the next sequence number, the event under it and the new
// state. KEYS: status, state, seq, log. ARGV: id, expect, kind, into ('' for none), transition JSON, now (epoch s),
// status, notes, notes given ('1'/'0'), agency, agency given ('1'/'0'). Answers {'ok', seq, at, state JSON, record
// JSON} or {refusal} or {'conflict', seq, status}. The rules' order is mergeRefusal's.
const TRANSITION_SCRIPT = `
local function current(ticket)
  local state = redis.call('HGET', KEYS[2], ticket)
  if state then return cjson.decode(state) end
  local record = redis.call('HGET', KEYS[1], ticket)
  if not record then return nil end
  local r = cjson.decode(record)
  return {status = r.status, updatedAt = r.updatedAt, lastSeq = r.lastSeq or tonumber(string.sub(ticket, 3))}
end
local ticket = current(ARGV[1])
if not ticket then return {'unknown-ticket'} end
if ticket.lastSeq ~= tonumber(ARGV[2]) then return {'conflict', ticket.lastSeq, ticket.status} end
if ARGV[3] == 'merged' then
  if ticket.mergedInto then return {'already-merged'} end
  if ARGV[4] == ARGV[1] then return {'merge-into-itself'} end
  if ARGV[4] == '' then return {'unknown-case'} end
  local case = current(ARGV[4])
  if not case then return {'unknown-case'} end
  if case.mergedInto then return {'case-is-merged'} end
end
local seq = redis.call('INCR', KEYS[3])
local at = tonumber(ARGV[6])
if ticket.updatedAt > at then at = ticket.updatedAt end
local atText = string.format('%d', at)
local event = '{"seq":' .. seq .. ',"id":"' .. ARGV[1] .. '","kind":"' .. ARGV[3] .. '","at":' .. atText .. ',"transition":' .. ARGV[5] .. '}'
redis.call('XADD', KEYS[4], seq .. '-1', 'e', event)
ticket.status = ARGV[7]
ticket.updatedAt = at
ticket.lastSeq = seq
if ARGV[9] == '1' then ticket.notes = ARGV[8] end
if ARGV[11] == '1' then ticket.agency = ARGV[10] end
if ARGV[3] == 'merged' then ticket.mergedInto = ARGV[4] end
local state = cjson.encode(ticket)
redis.call('HSET', KEYS[2], ARGV[1], state)
return {'ok', seq, atText, state, redis.call('HGET', KEYS[1], ARGV[1])}
`;

// Atomic in Redis: a mode switch's version check and rules (modeRefusal's, in its order), the next sequence number,
// the event under it and the key's new state. KEYS: modes, seq, log. ARGV: key, expect, action, emergency, switch
// JSON, now (epoch s), the new state's fields that come from the switch (JSON: emergency, level, by, console). Answers
// {'ok', seq, at, version} or {refusal, current state JSON ('' for a key never switched)}. The event's and the state's
// JSON are put together here from the console's JSON, which Lua never decodes.
const MODE_SCRIPT = `
local body = redis.call('HGET', KEYS[1], ARGV[1])
local version = 0
local level = false
local emergency = ''
local last = 0
if body then
  local state = cjson.decode(body)
  version = state.version
  level = state.level ~= cjson.null
  if state.emergency ~= cjson.null then emergency = state.emergency end
  last = state.at
else
  body = ''
end
if version ~= tonumber(ARGV[2]) then return {'conflict', body} end
if ARGV[3] == 'activate' then
  if level then return {'already-active', body} end
else
  if not level then return {'not-active', body} end
  if emergency ~= ARGV[4] then return {'other-emergency', body} end
end
local seq = redis.call('INCR', KEYS[2])
local at = tonumber(ARGV[6])
if last > at then at = last end
local atText = string.format('%d', at)
local event = '{"seq":' .. seq .. ',"id":"' .. ARGV[4] .. '","kind":"mode","at":' .. atText .. ',"mode":' .. ARGV[5] .. '}'
redis.call('XADD', KEYS[3], seq .. '-1', 'e', event)
local switched = version + 1
redis.call('HSET', KEYS[1], ARGV[1], '{"version":' .. switched .. ',"at":' .. atText .. ',' .. string.sub(ARGV[7], 2))
return {'ok', seq, atText, switched}
`;

/** A record as reported with its state (if any) laid over it. */
const withState = (record: string, state: string | null | undefined): TicketStatusRecord =>
  readRecord(state ? JSON.stringify({ ...(JSON.parse(record) as object), ...(JSON.parse(state) as object) }) : record);

/** The shared log of hubs scaled out: a Redis Stream whose entry ids are the sequence numbers. */
export class RedisTicketLog implements TicketLog {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'gridline:hub:tickets',
  ) {}

  async stream(): Promise<string> {
    const key = `${this.prefix}:stream`;
    // The first hub of the tier names it; every other one reads that name. Read each time: a Redis that lost its
    // data (and with it the sequence) has a new name, and the consoles must hear of it.
    const name =
      (await this.redis.get(key)) ?? (await this.redis.set(key, randomUUID(), 'NX'), await this.redis.get(key));
    if (name === null) throw new Error('the ticket stream has no name in Redis');
    return name;
  }

  async report(report: IntakeReport, scope: string, hash: string): Promise<ReportOutcome> {
    const [id, state, body, transitions] = (await this.redis.eval(
      REPORT_SCRIPT,
      5,
      `${this.prefix}:keys`,
      `${this.prefix}:seq`,
      `${this.prefix}:log`,
      `${this.prefix}:status`,
      `${this.prefix}:state`,
      scope,
      hash,
      JSON.stringify(report),
      JSON.stringify(reportedStatus(report)),
      String(report.receivedAt),
    )) as [string, number, string, string];
    if (state === 2) return { ok: false, conflict: true, id };
    return {
      ok: true,
      seq: reportedSeq(id),
      id,
      duplicate: state === 1,
      status: withState(body, transitions),
    };
  }

  async transition(submit: TicketTransitionSubmit, nowSeconds: number): Promise<TransitionOutcome> {
    const { transition } = submit;
    const answer = (await this.redis.eval(
      TRANSITION_SCRIPT,
      4,
      `${this.prefix}:status`,
      `${this.prefix}:state`,
      `${this.prefix}:seq`,
      `${this.prefix}:log`,
      submit.id,
      String(submit.expect),
      submit.kind,
      submit.kind === 'merged' ? (transition.into ?? '') : '',
      JSON.stringify(transition),
      String(Math.floor(nowSeconds)),
      transition.status,
      transition.notes ?? '',
      transition.notes === undefined ? '0' : '1',
      transition.agency ?? '',
      transition.agency === undefined ? '0' : '1',
    )) as [string, ...(string | number)[]];
    const [verdict] = answer;
    if (verdict === 'conflict') {
      return {
        ok: false,
        error: 'conflict',
        conflict: { seq: Number(answer[1]), status: answer[2] as StreamTicketStatus },
      };
    }
    if (verdict !== 'ok') return { ok: false, error: verdict as TransitionRefusal };
    const seq = Number(answer[1]);
    const at = Number(answer[2]);
    return {
      ok: true,
      seq,
      at,
      event: transitionEvent(seq, at, submit),
      status: withState(String(answer[4]), String(answer[3])),
    };
  }

  async mode(submit: ModeSwitchSubmit, nowSeconds: number): Promise<ModeOutcome> {
    const wire = submit.switch;
    const { version: _version, at: _at, ...fields } = switchedState(NORMAL_MODE_STATE, wire, 0);
    const answer = (await this.redis.eval(
      MODE_SCRIPT,
      3,
      `${this.prefix}:modes`,
      `${this.prefix}:seq`,
      `${this.prefix}:log`,
      wire.key,
      String(submit.expect),
      wire.action,
      wire.emergency,
      JSON.stringify(wire),
      String(Math.floor(nowSeconds)),
      JSON.stringify(fields),
    )) as [string, string | number, string?, number?];
    const [verdict] = answer;
    if (verdict !== 'ok') {
      const body = String(answer[1]);
      return {
        ok: false,
        error: verdict as ModeRefusal,
        current: body === '' ? { ...NORMAL_MODE_STATE } : (JSON.parse(body) as ModeKeyState),
      };
    }
    const seq = Number(answer[1]);
    const at = Number(answer[2]);
    return { ok: true, seq, at, version: Number(answer[3]), event: modeEvent(seq, at, wire) };
  }

  async modeState(key: string): Promise<ModeKeyState> {
    const body = await this.redis.hget(`${this.prefix}:modes`, key);
    return body === null ? { ...NORMAL_MODE_STATE } : (JSON.parse(body) as ModeKeyState);
  }

  async since(seq: number, limit: number): Promise<TicketEventMessage[]> {
    const entries = (await this.redis.xrange(`${this.prefix}:log`, `(${seq}-1`, '+', 'COUNT', limit)) as [
      string,
      string[],
    ][];
    return entries.map(([, fields]) => JSON.parse(fields[1]!) as TicketEventMessage);
  }

  async status(id: string): Promise<TicketStatusRecord | undefined> {
    const [record, state] = await Promise.all([
      this.redis.hget(`${this.prefix}:status`, id),
      this.redis.hget(`${this.prefix}:state`, id),
    ]);
    return record === null ? undefined : withState(record, state);
  }

  close(): Promise<void> {
    // The connection belongs to the hub, which closes it.
    return Promise.resolve();
  }
}
