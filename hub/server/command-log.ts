/**
 * The hub tier's ordered, durable log of commands: every command gets the next sequence number and stays until it
 * expires, so a worker who reconnects receives what it missed, in order. One hub keeps it in an embedded SQLite file;
 * hubs scaled out keep it in Redis (a Stream for the entries, a counter for the sequence, a hash for idempotency).
 * Appending the same command id twice returns the first entry: a console's retry never sends twice.
 */
import Database from 'better-sqlite3';
import type { Redis } from 'ioredis';
import type { CommandTarget, Priority } from '../../shared/protocol/hub-protocol';

export interface LoggedCommand {
  id: string;
  seq: number;
  text: string;
  priority: Priority;
  target: CommandTarget;
  ackRequired: boolean;
  sentAt: number;
  expiresAt: number;
  deadlineAt: number | null;
  sender: string;
}

export type NewCommand = Omit<LoggedCommand, 'seq'>;

export interface CommandLog {
  /** Appends a command, or returns the entry already logged under its id (`duplicate`). */
  append(command: NewCommand): Promise<{ entry: LoggedCommand; duplicate: boolean }>;
  /** Unexpired commands after a sequence number, in order. */
  since(seq: number, now: number): Promise<LoggedCommand[]>;
  close(): Promise<void>;
}

/** The embedded log of a single hub: one SQLite file, WAL, one row a command. */
export class SqliteCommandLog implements CommandLog {
  private readonly db: Database.Database;

  constructor(file: string) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.exec(`CREATE TABLE IF NOT EXISTS commands (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      id TEXT NOT NULL UNIQUE,
      expires_at INTEGER NOT NULL,
      body TEXT NOT NULL
    ) STRICT`);
  }

  append(command: NewCommand): Promise<{ entry: LoggedCommand; duplicate: boolean }> {
    const result = this.db.transaction(() => {
      const known = this.db.prepare('SELECT seq, body FROM commands WHERE id = ?').get(command.id) as
        { seq: number; body: string } | undefined;
      if (known) return { entry: { ...(JSON.parse(known.body) as NewCommand), seq: known.seq }, duplicate: true };
      const { lastInsertRowid } = this.db
        .prepare('INSERT INTO commands (id, expires_at, body) VALUES (?, ?, ?)')
        .run(command.id, command.expiresAt, JSON.stringify(command));
      // Expired commands are never replayed again: drop them as new ones come.
      this.db.prepare('DELETE FROM commands WHERE expires_at < ?').run(command.sentAt);
      return { entry: { ...command, seq: Number(lastInsertRowid) }, duplicate: false };
    })();
    return Promise.resolve(result);
  }

  since(seq: number, now: number): Promise<LoggedCommand[]> {
    const rows = this.db
      .prepare('SELECT seq, body FROM commands WHERE seq > ? AND expires_at > ? ORDER BY seq')
      .all(seq, now) as { seq: number; body: string }[];
    return Promise.resolve(rows.map((row) => ({ ...(JSON.parse(row.body) as NewCommand), seq: row.seq })));
  }

  close(): Promise<void> {
    this.db.close();
    return Promise.resolve();
  }
}

// Atomic in Redis: look the id up, or take the next sequence number and add the entry under it (stream id `seq-1`).
const APPEND_SCRIPT = `
local known = redis.call('HGET', KEYS[1], ARGV[1])
if known then
  local entries = redis.call('XRANGE', KEYS[3], known .. '-1', known .. '-1')
  local body = ''
  if entries[1] then body = entries[1][2][2] end
  return {tonumber(known), 1, body}
end
local seq = redis.call('INCR', KEYS[2])
redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[3], seq .. '-1', 'c', ARGV[2])
redis.call('HSET', KEYS[1], ARGV[1], seq)
return {seq, 0, ARGV[2]}
`;

/** The shared log of hubs scaled out: a Redis Stream whose entry ids are the sequence numbers. */
export class RedisCommandLog implements CommandLog {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'gridline:hub',
    /** Entries kept at most (expired ones are skipped on replay; the stream is trimmed beyond this). */
    private readonly maxEntries = 100_000,
  ) {}

  async append(command: NewCommand): Promise<{ entry: LoggedCommand; duplicate: boolean }> {
    const [seq, duplicate, body] = (await this.redis.eval(
      APPEND_SCRIPT,
      3,
      `${this.prefix}:ids`,
      `${this.prefix}:seq`,
      `${this.prefix}:log`,
      command.id,
      JSON.stringify(command),
      String(this.maxEntries),
    )) as [number, number, string];
    return { entry: { ...(JSON.parse(body) as NewCommand), seq }, duplicate: duplicate === 1 };
  }

  async since(seq: number, now: number): Promise<LoggedCommand[]> {
    const entries = (await this.redis.xrange(`${this.prefix}:log`, `(${seq}-1`, '+')) as [string, string[]][];
    return entries
      .map(([id, fields]) => ({ ...(JSON.parse(fields[1]!) as NewCommand), seq: Number(id.split('-')[0]) }))
      .filter((entry) => entry.expiresAt > now);
  }

  close(): Promise<void> {
    // The connection belongs to the hub, which closes it.
    return Promise.resolve();
  }
}
