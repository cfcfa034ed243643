/**
 * The sign-in throttle: failed attempts per username within a window, and the lock they lead to, kept in the store
 * (`login_failures`) so a restart does not reset them. It is keyed by the username as typed (normalised), whether or
 * not an operator has it, so an unknown name locks and answers exactly like a real one.
 *
 * A lock that starts within `REPEAT_MEMORY_MS` of the previous lock's end is a repeat and lasts twice as long as the
 * previous one, up to the policy's maximum. A good sign-in or an administrator's unlock forgets everything.
 */
import type { Database } from 'better-sqlite3';
import type { IdentityPolicy } from './identity-policy';

export const REPEAT_MEMORY_MS = 24 * 60 * 60_000;

interface FailureRow {
  failures: number;
  window_started_at: number;
  locked_until: number | null;
  lockouts: number;
}

export interface ThrottleState {
  /** Failed attempts in the current window. */
  failures: number;
  /** When the lock ends (epoch ms), or null when the username is not locked now. */
  lockedUntil: number | null;
}

export class LoginThrottle {
  constructor(private readonly db: Database) {}

  state(key: string, now: number): ThrottleState {
    const row = this.row(key);
    if (!row) return { failures: 0, lockedUntil: null };
    const locked = row.locked_until !== null && row.locked_until > now;
    return { failures: row.failures, lockedUntil: locked ? row.locked_until : null };
  }

  /** Counts one failed attempt; returns the lock's end when this attempt locked the username, else null. */
  recordFailure(key: string, policy: IdentityPolicy, now: number): number | null {
    const row = this.row(key);
    const windowOpen = row !== undefined && now - row.window_started_at < policy.failureWindowMs;
    const failures = windowOpen ? row.failures + 1 : 1;
    const windowStartedAt = windowOpen ? row.window_started_at : now;
    if (failures < policy.maxFailures) {
      this.write(key, failures, windowStartedAt, row?.locked_until ?? null, row?.lockouts ?? 0, null);
      return null;
    }
    const repeat = row?.locked_until != null && now - row.locked_until < REPEAT_MEMORY_MS;
    const lockouts = repeat ? row.lockouts + 1 : 1;
    const duration = Math.min(policy.lockoutMs * 2 ** Math.min(lockouts - 1, 30), policy.maxLockoutMs);
    const lockedUntil = now + duration;
    // The count starts again once the lock is over.
    this.write(key, 0, now, lockedUntil, lockouts, now);
    return lockedUntil;
  }

  /** Forgets the username's failures and locks: a good sign-in, an unlock or a password reset. */
  clear(key: string): boolean {
    return this.db.prepare('DELETE FROM login_failures WHERE username = ?').run(key).changes > 0;
  }

  /** Drops rows that no longer matter (window over, no lock, no recent lock), so guessed names do not pile up. */
  prune(policy: IdentityPolicy, now: number): number {
    return this.db
      .prepare(
        `DELETE FROM login_failures
         WHERE window_started_at <= ? AND (locked_until IS NULL OR locked_until <= ?)`,
      )
      .run(now - policy.failureWindowMs, now - REPEAT_MEMORY_MS).changes;
  }

  private row(key: string): FailureRow | undefined {
    return this.db
      .prepare('SELECT failures, window_started_at, locked_until, lockouts FROM login_failures WHERE username = ?')
      .get(key) as FailureRow | undefined;
  }

  private write(
    key: string,
    failures: number,
    windowStartedAt: number,
    lockedUntil: number | null,
    lockouts: number,
    lockedAt: number | null,
  ): void {
    this.db
      .prepare(
        `INSERT INTO login_failures (username, failures, window_started_at, locked_until, lockouts, last_locked_at)
         VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (username) DO UPDATE SET failures = excluded.failures,
           window_started_at = excluded.window_started_at, locked_until = excluded.locked_until,
           lockouts = excluded.lockouts, last_locked_at = coalesce(excluded.last_locked_at, last_locked_at)`,
      )
      .run(key, failures, windowStartedAt, lockedUntil, lockouts, lockedAt);
  }
}
