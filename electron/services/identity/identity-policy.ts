/**
 * Lockout, session and screen-lock settings and the two-person rule: one row in the store (migrations 0008, 0009), so an administrator's change
 * holds for every window and survives a restart. Times are milliseconds.
 */
import type { Database } from 'better-sqlite3';
import { z } from 'zod';
import { IdentityError } from './identity-error';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export const identityPolicySchema = z
  .object({
    /** Failed sign-ins within `failureWindowMs` that lock the username. */
    maxFailures: z.int().min(1).max(100),
    failureWindowMs: z
      .int()
      .min(1000)
      .max(7 * 24 * HOUR),
    /** The first lock's length; each further lock (within a day of the last) doubles it, up to `maxLockoutMs`. */
    lockoutMs: z
      .int()
      .min(1000)
      .max(7 * 24 * HOUR),
    maxLockoutMs: z
      .int()
      .min(1000)
      .max(30 * 24 * HOUR),
    /** A session ends this long after sign-in, however active. */
    sessionLifetimeMs: z
      .int()
      .min(MINUTE)
      .max(7 * 24 * HOUR),
    /** A session ends after this long without activity. */
    sessionIdleMs: z
      .int()
      .min(MINUTE)
      .max(7 * 24 * HOUR),
    /** The console locks its screen (the session stays) after this long without input: for the UI. */
    screenLockIdleMs: z
      .int()
      .min(30_000)
      .max(7 * 24 * HOUR),
    /** City-wide broadcasts and emergency levels I and II need a second operator's confirmation (two-person rule). */
    twoPersonRule: z.boolean(),
  })
  .strict()
  .refine((policy) => policy.maxLockoutMs >= policy.lockoutMs, {
    message: 'maxLockoutMs must be at least lockoutMs',
    path: ['maxLockoutMs'],
  })
  .refine((policy) => policy.sessionIdleMs <= policy.sessionLifetimeMs, {
    message: 'sessionIdleMs must not exceed sessionLifetimeMs',
    path: ['sessionIdleMs'],
  })
  .refine((policy) => policy.screenLockIdleMs <= policy.sessionIdleMs, {
    message: 'screenLockIdleMs must not exceed sessionIdleMs (the screen locks before the session ends)',
    path: ['screenLockIdleMs'],
  });

export type IdentityPolicy = z.infer<typeof identityPolicySchema>;

/** 5 failures in 15 minutes lock for 15 minutes (then 30, 60, … up to a day); a 12-hour shift; 1 h idle; 5 min lock. */
export const DEFAULT_IDENTITY_POLICY: Readonly<IdentityPolicy> = {
  maxFailures: 5,
  failureWindowMs: 15 * MINUTE,
  lockoutMs: 15 * MINUTE,
  maxLockoutMs: 24 * HOUR,
  sessionLifetimeMs: 12 * HOUR,
  sessionIdleMs: HOUR,
  screenLockIdleMs: 5 * MINUTE,
  twoPersonRule: true,
};

interface PolicyRow {
  max_failures: number;
  failure_window_ms: number;
  lockout_ms: number;
  max_lockout_ms: number;
  session_lifetime_ms: number;
  session_idle_ms: number;
  screen_lock_idle_ms: number;
  two_person_rule: number;
}

/** Validates a policy, answering `invalid` with every problem. */
export function parseIdentityPolicy(value: unknown): IdentityPolicy {
  const parsed = identityPolicySchema.safeParse(value);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'policy'}: ${issue.message}`);
    throw new IdentityError('invalid', `Invalid identity policy: ${problems.join('; ')}.`);
  }
  return parsed.data;
}

export function readIdentityPolicy(db: Database): IdentityPolicy {
  const row = db.prepare('SELECT * FROM identity_policy WHERE id = 1').get() as PolicyRow | undefined;
  if (!row) return { ...DEFAULT_IDENTITY_POLICY };
  return {
    maxFailures: row.max_failures,
    failureWindowMs: row.failure_window_ms,
    lockoutMs: row.lockout_ms,
    maxLockoutMs: row.max_lockout_ms,
    sessionLifetimeMs: row.session_lifetime_ms,
    sessionIdleMs: row.session_idle_ms,
    screenLockIdleMs: row.screen_lock_idle_ms,
    twoPersonRule: row.two_person_rule === 1,
  };
}

export function writeIdentityPolicy(db: Database, policy: IdentityPolicy, now: number): void {
  db.prepare(
    `INSERT INTO identity_policy (id, max_failures, failure_window_ms, lockout_ms, max_lockout_ms, session_lifetime_ms,
                                  session_idle_ms, screen_lock_idle_ms, two_person_rule, updated_at)
     VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET max_failures = excluded.max_failures, failure_window_ms = excluded.failure_window_ms,
       lockout_ms = excluded.lockout_ms, max_lockout_ms = excluded.max_lockout_ms,
       session_lifetime_ms = excluded.session_lifetime_ms, session_idle_ms = excluded.session_idle_ms,
       screen_lock_idle_ms = excluded.screen_lock_idle_ms,
       two_person_rule = excluded.two_person_rule, updated_at = excluded.updated_at`,
  ).run(
    policy.maxFailures,
    policy.failureWindowMs,
    policy.lockoutMs,
    policy.maxLockoutMs,
    policy.sessionLifetimeMs,
    policy.sessionIdleMs,
    policy.screenLockIdleMs,
    policy.twoPersonRule ? 1 : 0,
    now,
  );
}
