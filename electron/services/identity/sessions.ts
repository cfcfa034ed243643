/**
 * Sessions: an opaque random token handed to the signed-in window, of which the store keeps only the SHA-256 (a
 * 256-bit random token needs no slow hash; a copied store still yields no usable token). A session ends at its
 * absolute expiry, after the idle timeout without a `touch`, when revoked, or when its operator is disabled.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import { IdentityError } from './identity-error';
import type { IdentityPolicy } from './identity-policy';
import { OPERATOR_COLUMNS, operatorFromRow, type Operator, type OperatorRow } from './operator-records';

export type SessionProvider = 'local' | 'oidc';

export interface Session {
  /** A short public handle (not the token): safe to log and show. */
  id: string;
  operatorId: number;
  provider: SessionProvider;
  createdAt: number;
  lastSeenAt: number;
  /** The absolute end. */
  expiresAt: number;
  /** When it ends unless touched before. */
  idleExpiresAt: number;
  /** When the screen lock went on, or null: a locked session answers nothing but unlocking. */
  lockedAt: number | null;
}

export interface SessionGrant {
  /** The bearer token: give it to the window that signed in, never log or store it. */
  token: string;
  session: Session;
}

interface SessionRow {
  token_sha256: Buffer;
  operator_id: number;
  provider: SessionProvider;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
  locked_at: number | null;
}

/** Activity is recorded to this resolution; idle timeouts are minutes to hours (the policy allows no less than one). */
export const TOUCH_GRANULARITY_MS = 15_000;

const TOKEN = /^[A-Za-z0-9_-]{43}$/;
const digest = (token: string): Buffer => createHash('sha256').update(token).digest();
const EXPIRED = 'The session has ended (expired, idle too long or signed out); sign in again.';

export class SessionStore {
  constructor(
    private readonly db: Database,
    private readonly now: () => number,
    private readonly policy: () => IdentityPolicy,
  ) {}

  create(operatorId: number, provider: SessionProvider): SessionGrant {
    const token = randomBytes(32).toString('base64url');
    const now = this.now();
    const row: SessionRow = {
      token_sha256: digest(token),
      operator_id: operatorId,
      provider,
      created_at: now,
      last_seen_at: now,
      expires_at: now + this.policy().sessionLifetimeMs,
      locked_at: null,
    };
    this.db
      .prepare(
        `INSERT INTO sessions (token_sha256, operator_id, provider, created_at, last_seen_at, expires_at, locked_at)
         VALUES (@token_sha256, @operator_id, @provider, @created_at, @last_seen_at, @expires_at, @locked_at)`,
      )
      .run(row);
    return { token, session: this.describe(row) };
  }

  /** The live session and its operator; `session-invalid` otherwise (and an ended session is deleted). */
  validate(token: unknown): { session: Session; operator: Operator } {
    const { row, operator } = this.live(token);
    return { session: this.describe(row), operator };
  }

  /** Records activity: the idle timeout starts again (the absolute expiry does not move). */
  touch(token: unknown): { session: Session; operator: Operator } {
    const { row, operator } = this.live(token);
    const now = this.now();
    // Every contract call touches: written at most every TOUCH_GRANULARITY_MS, so a read stays a read. A locked
    // session's calls are no activity: an abandoned, locked console still times out.
    if (now - row.last_seen_at < TOUCH_GRANULARITY_MS || row.locked_at !== null) {
      return { session: this.describe(row), operator };
    }
    this.db.prepare('UPDATE sessions SET last_seen_at = ? WHERE token_sha256 = ?').run(now, row.token_sha256);
    return { session: this.describe({ ...row, last_seen_at: now }), operator };
  }

  /** Turns the screen lock on (true) or off; the session must be live. Unlocking is the caller's to authorise. */
  setLocked(token: unknown, locked: boolean): { session: Session; operator: Operator } {
    const { row, operator } = this.live(token);
    const lockedAt = locked ? (row.locked_at ?? this.now()) : null;
    this.db.prepare('UPDATE sessions SET locked_at = ? WHERE token_sha256 = ?').run(lockedAt, row.token_sha256);
    return { session: this.describe({ ...row, locked_at: lockedAt }), operator };
  }

  /** Ends one session (sign-out); false when there was none. */
  revoke(token: unknown): boolean {
    if (typeof token !== 'string' || !TOKEN.test(token)) return false;
    return this.db.prepare('DELETE FROM sessions WHERE token_sha256 = ?').run(digest(token)).changes > 0;
  }

  /** Ends every session of an operator; returns how many. */
  revokeAllFor(operatorId: number): number {
    return this.db.prepare('DELETE FROM sessions WHERE operator_id = ?').run(operatorId).changes;
  }

  /** Live sessions of an operator (for "signed in elsewhere" and an administrator's view). */
  listFor(operatorId: number): Session[] {
    const now = this.now();
    const rows = this.db
      .prepare(
        'SELECT * FROM sessions WHERE operator_id = ? AND expires_at > ? AND last_seen_at > ? ORDER BY created_at',
      )
      .all(operatorId, now, now - this.policy().sessionIdleMs) as SessionRow[];
    return rows.map((row) => this.describe(row));
  }

  /** Deletes ended sessions. */
  prune(): number {
    const now = this.now();
    return this.db
      .prepare('DELETE FROM sessions WHERE expires_at <= ? OR last_seen_at <= ?')
      .run(now, now - this.policy().sessionIdleMs).changes;
  }

  private live(token: unknown): { row: SessionRow; operator: Operator } {
    const found = this.find(token);
    if (!found) throw new IdentityError('session-invalid', EXPIRED);
    const { row, operator } = found;
    const now = this.now();
    const idle = now - row.last_seen_at >= this.policy().sessionIdleMs;
    if (now >= row.expires_at || idle || operator.disabled) {
      this.db.prepare('DELETE FROM sessions WHERE token_sha256 = ?').run(row.token_sha256);
      throw new IdentityError('session-invalid', operator.disabled ? 'This account has been disabled.' : EXPIRED);
    }
    return found;
  }

  private find(token: unknown): { row: SessionRow; operator: Operator } | undefined {
    if (typeof token !== 'string' || !TOKEN.test(token)) return undefined;
    const row = this.db.prepare('SELECT * FROM sessions WHERE token_sha256 = ?').get(digest(token)) as
      SessionRow | undefined;
    if (!row) return undefined;
    const operator = this.db
      .prepare(`SELECT ${OPERATOR_COLUMNS} FROM operators WHERE id = ?`)
      .get(row.operator_id) as OperatorRow;
    return { row, operator: operatorFromRow(operator) };
  }

  private describe(row: SessionRow): Session {
    return {
      id: row.token_sha256.subarray(0, 8).toString('hex'),
      operatorId: row.operator_id,
      provider: row.provider,
      createdAt: row.created_at,
      lastSeenAt: row.last_seen_at,
      expiresAt: row.expires_at,
      idleExpiresAt: Math.min(row.last_seen_at + this.policy().sessionIdleMs, row.expires_at),
      lockedAt: row.locked_at,
    };
  }
}
