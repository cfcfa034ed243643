/**
 * The audit trail (issue #6, 每次访问可追溯): who did what, where, when, with what result, and the hash of what they
 * sent — appended to a hash chain in the store, each entry signed with the install's key, with a signed head that
 * counts the entries. The request payload itself is never stored (it may hold personal data), only its hash.
 *
 * The service records, pages, exports and verifies; deciding what to audit (every contract call, every refusal,
 * every read of a worker's personal details, every export) is the dispatcher's, which calls `record`.
 */
import { existsSync } from 'node:fs';
import { sign } from 'node:crypto';
import { dirname, join } from 'node:path';
import type { Writable } from 'node:stream';
import type Database from 'better-sqlite3';
import { z } from 'zod';
import type { Store } from '../store/store';
import { AUDIT_RESULTS, entryHash, genesisHash, headMessage, type AuditResult } from './audit-chain';
import { exportAuditLog, type AuditExportFormat } from './audit-export';
import { auditQuerySchema, filterSql, parseAudit, type AuditFilter, type AuditQuery } from './audit-filter';
import { AUDIT_KEY_DIR, AuditError, PRIVATE_KEY_FILE, loadOrCreateSigningKey, type AuditSigningKey } from './audit-key';
import { verifyAuditLog, type AuditVerifyOptions, type AuditVerifyResult } from './audit-verify';
import { CanonicalJsonError, payloadHash } from './canonical-json';

/** What the caller records. */
export interface AuditRecord {
  /** The operator (id or name) who acted. */
  actor: string;
  /** The contract entry or event name, e.g. `broadcast.send`. */
  action: string;
  /** Where: the grid subtree or area acted on (e.g. `city`, `county:410102`). */
  scope: string;
  result: AuditResult;
  /** Why it was refused or failed; required for those, absent for `ok`. */
  reason?: string;
  /** The request payload: hashed (canonical JSON, SHA-256), never stored. */
  payload?: unknown;
}

/** One stored entry; hashes and the signature in hex. */
export interface AuditEntry {
  id: number;
  /** Epoch milliseconds. */
  at: number;
  actor: string;
  action: string;
  scope: string;
  result: AuditResult;
  reason: string | null;
  payloadHash: string;
  prevHash: string;
  entryHash: string;
  signature: string;
}

export interface AuditPage {
  /** Newest first. */
  entries: AuditEntry[];
  /** Pass as `before` for the next (older) page; null on the last page. */
  nextBefore: number | null;
}

/** The distinct actors and actions in the log, for a filter's choices, in code-point order. */
export interface AuditFacets {
  actors: string[];
  actions: string[];
  /** More than `limit` of either exist: the lists are their first `limit` values. */
  truncated: boolean;
}

export interface AuditHead {
  lastId: number;
  lastHash: string;
  keyFingerprint: string;
}

export interface AuditLogOptions {
  /** Where the key pair lives; default: `audit/` beside the store. */
  keyDir?: string;
  /** The clock (epoch ms); tests pass their own. */
  now?: () => number;
}

// Lone surrogates would be stored as U+FFFD by SQLite's UTF-8 and no longer hash as recorded; NUL cuts C strings.
const wellFormed = (value: string): boolean => !/[\uD800-\uDFFF]/u.test(value) && !value.includes('\0');
const field = (max: number) =>
  z.string().min(1).max(max).refine(wellFormed, { message: 'must be well-formed text (no NUL, no lone surrogate)' });

const recordSchema = z
  .strictObject({
    actor: field(200),
    action: field(200),
    scope: field(1000),
    result: z.enum(AUDIT_RESULTS),
    reason: field(2000).optional(),
    payload: z.unknown().optional(),
  })
  .refine((entry) => (entry.result === 'ok') === (entry.reason === undefined), {
    message: 'a refused or failed entry needs a reason; an ok entry has none',
    path: ['reason'],
  });

type ValidRecord = z.infer<typeof recordSchema>;

interface Writes {
  selectHead: Database.Statement;
  append: Database.Transaction<(entry: ValidRecord, payload: Buffer, key: AuditSigningKey) => number>;
}

interface HeadRow {
  key_fingerprint: string;
  last_id: number;
  last_hash: Buffer;
}

interface EntryRow {
  id: number;
  at: number;
  actor: string;
  action: string;
  scope: string;
  result: AuditResult;
  reason: string | null;
  payload_hash: Buffer;
  prev_hash: Buffer;
  entry_hash: Buffer;
  signature: Buffer;
}

const toEntry = (row: EntryRow): AuditEntry => ({
  id: row.id,
  at: row.at,
  actor: row.actor,
  action: row.action,
  scope: row.scope,
  result: row.result,
  reason: row.reason,
  payloadHash: row.payload_hash.toString('hex'),
  prevHash: row.prev_hash.toString('hex'),
  entryHash: row.entry_hash.toString('hex'),
  signature: row.signature.toString('hex'),
});

export class AuditLog {
  readonly keyDir: string;
  private readonly now: () => number;
  private key: AuditSigningKey | null = null;
  private prepared: Writes | null = null;
  private readonly queries = new Map<string, Database.Statement>();

  constructor(
    private readonly store: Store,
    options: AuditLogOptions = {},
  ) {
    this.keyDir = options.keyDir ?? join(dirname(store.file), AUDIT_KEY_DIR);
    this.now = options.now ?? Date.now;
  }

  /**
   * Appends one entry and returns its id. One IMMEDIATE transaction reads the head, inserts the entry and moves the
   * head, so concurrent writers (this process or another on the same store) chain one after the other. Throws an
   * AuditError for an invalid entry or an unusable key; nothing is written then.
   */
  record(input: AuditRecord): number {
    const entry = parseAudit(recordSchema, input, 'audit entry');
    let payload: Buffer;
    try {
      payload = payloadHash(entry.payload);
    } catch (error) {
      if (error instanceof CanonicalJsonError) throw new AuditError(`invalid audit entry: ${error.message}`);
      throw error;
    }
    const key = this.signingKey();
    return this.writes().append.immediate(entry, payload, key);
  }

  /** A page of entries matching the filter, newest first (by id). */
  query(input: AuditQuery): AuditPage {
    const { limit, before, ...filter } = parseAudit(auditQuerySchema, input, 'audit query');
    const { where, params } = filterSql(filter);
    const clauses = [where, before === undefined ? '' : 'id < @before'].filter(Boolean);
    const sql = `SELECT id, at, actor, action, scope, result, reason, payload_hash, prev_hash, entry_hash, signature
       FROM audit_log ${clauses.length ? `WHERE ${clauses.join(' AND ')}` : ''} ORDER BY id DESC LIMIT @limit`;
    let statement = this.queries.get(sql);
    if (!statement) {
      statement = this.store.reader().prepare(sql);
      this.queries.set(sql, statement);
    }
    const rows = statement.all({ ...params, ...(before === undefined ? {} : { before }), limit }) as EntryRow[];
    const entries = rows.map(toEntry);
    return { entries, nextBefore: rows.length === limit ? rows[rows.length - 1]!.id : null };
  }

  /**
   * The distinct actors and actions, at most `limit` of each. Each next value is one index seek past the last
   * (a loose index scan), so the cost follows the number of distinct values, not the number of entries.
   */
  facets(limit = 500): AuditFacets {
    if (!Number.isSafeInteger(limit) || limit < 1) throw new AuditError(`a facet limit is a positive integer`);
    const distinct = (column: 'actor' | 'action'): string[] => {
      const sql = `WITH RECURSIVE next (value, n) AS (
           SELECT (SELECT min(${column}) FROM audit_log), 1
           UNION ALL
           SELECT (SELECT min(${column}) FROM audit_log WHERE ${column} > next.value), n + 1 FROM next
           WHERE next.value IS NOT NULL AND n <= @limit
         ) SELECT value FROM next WHERE value IS NOT NULL`;
      let statement = this.queries.get(sql);
      if (!statement) {
        statement = this.store.reader().prepare(sql).pluck();
        this.queries.set(sql, statement);
      }
      return statement.all({ limit }) as string[];
    };
    const actors = distinct('actor');
    const actions = distinct('action');
    return {
      actors: actors.slice(0, limit),
      actions: actions.slice(0, limit),
      truncated: actors.length > limit || actions.length > limit,
    };
  }

  /**
   * Streams every entry matching the filter to `out`, oldest first (see audit-export.ts for the formats); resolves
   * with the number of entries written. Does not end `out`.
   */
  export(filter: AuditFilter, format: AuditExportFormat, out: Writable): Promise<number> {
    return exportAuditLog(this.store.file, filter, format, out);
  }

  /** Walks the whole chain (see audit-verify.ts); reads its own snapshot, so the console may go on recording. */
  verify(options: AuditVerifyOptions = {}): Promise<AuditVerifyResult> {
    return verifyAuditLog(this.store.file, this.keyDir, options);
  }

  /** The last entry and the key, to be noted down outside the machine; null before the first entry. */
  head(): AuditHead | null {
    const head = this.writes().selectHead.get() as HeadRow | undefined;
    return head
      ? { lastId: head.last_id, lastHash: head.last_hash.toString('hex'), keyFingerprint: head.key_fingerprint }
      : null;
  }

  /** The write statements and the append transaction, prepared once. */
  private writes(): Writes {
    if (this.prepared) return this.prepared;
    const { writer } = this.store;
    const selectHead = writer.prepare('SELECT key_fingerprint, last_id, last_hash FROM audit_head WHERE singleton = 1');
    const insertHead = writer.prepare(
      `INSERT INTO audit_head (singleton, key_fingerprint, created_at, last_id, last_hash, signature)
       VALUES (1, ?, ?, 0, ?, ?)`,
    );
    const insertEntry = writer.prepare(
      `INSERT INTO audit_log (id, at, actor, action, scope, result, reason, payload_hash, prev_hash, entry_hash,
                              signature)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const moveHead = writer.prepare(
      'UPDATE audit_head SET last_id = ?, last_hash = ?, signature = ? WHERE singleton = 1',
    );
    const append = writer.transaction((entry: ValidRecord, payload: Buffer, key: AuditSigningKey): number => {
      let head = selectHead.get() as HeadRow | undefined;
      if (!head) {
        head = { key_fingerprint: key.fingerprint, last_id: 0, last_hash: genesisHash(key.fingerprint) };
        insertHead.run(key.fingerprint, this.now(), head.last_hash, this.signHead(key, 0, head.last_hash));
      } else if (head.key_fingerprint !== key.fingerprint) {
        throw this.wrongKey(head.key_fingerprint, key.fingerprint);
      }
      const at = this.now();
      if (!Number.isSafeInteger(at) || at < 0) throw new AuditError(`the clock gave ${at}, not epoch milliseconds`);
      const id = head.last_id + 1;
      const reason = entry.reason ?? null;
      const hash = entryHash({
        id,
        at,
        actor: entry.actor,
        action: entry.action,
        scope: entry.scope,
        result: entry.result,
        reason,
        payloadHash: payload,
        prevHash: head.last_hash,
      });
      insertEntry.run(
        id,
        at,
        entry.actor,
        entry.action,
        entry.scope,
        entry.result,
        reason,
        payload,
        head.last_hash,
        hash,
        sign(null, hash, key.privateKey),
      );
      moveHead.run(id, hash, this.signHead(key, id, hash));
      return id;
    });
    this.prepared = { selectHead, append };
    return this.prepared;
  }

  private signHead(key: AuditSigningKey, lastId: number, lastHash: Buffer): Buffer {
    return sign(null, headMessage(key.fingerprint, lastId, lastHash), key.privateKey);
  }

  private wrongKey(logged: string, found: string): AuditError {
    return new AuditError(
      `the audit signing key in ${this.keyDir} (fingerprint ${found}) is not the key this log is signed with ` +
        `(${logged}); restore the original key pair`,
    );
  }

  private signingKey(): AuditSigningKey {
    if (this.key) return this.key;
    const head = this.head();
    // A log whose key is gone must not quietly get a new one: that would hide the loss (and verify would then fail).
    if (head && !existsSync(join(this.keyDir, PRIVATE_KEY_FILE))) {
      throw new AuditError(
        `the audit signing key ${join(this.keyDir, PRIVATE_KEY_FILE)} is missing; this log is signed with the key ` +
          `whose fingerprint is ${head.keyFingerprint}: restore it from a backup`,
      );
    }
    const key = loadOrCreateSigningKey(this.keyDir);
    if (head && head.keyFingerprint !== key.fingerprint) throw this.wrongKey(head.keyFingerprint, key.fingerprint);
    this.key = key;
    return key;
  }
}
