import type { Migration } from './migration';

/**
 * Operators, their sign-in throttle and their sessions (issue #6, identity).
 *
 * - `operators`: usernames are stored normalised (lower-case ASCII) and unique regardless of case. The scope is a
 *   county or L1 grid *code*, not a row id, because a grids import replaces every county and grid row; the code is
 *   checked against the city when it is assigned. `password_hash` is a self-describing scrypt string with its salt
 *   and cost parameters (see identity/password-hash.ts), so the cost can be raised later without a migration.
 * - `login_failures`: keyed by the normalised username *as typed*, known or not, so an unknown name is throttled and
 *   answered exactly like a real one, and a lock survives a restart.
 * - `sessions`: only the SHA-256 of each random token is kept; a copied store yields no usable token.
 * - `identity_policy`: one row of lockout, session and screen-lock settings an administrator may change; the service
 *   writes the defaults (identity/identity-policy.ts) the first time it opens the store.
 */
export const migration0008: Migration = {
  version: 8,
  name: 'identity',
  sql: `
CREATE TABLE operators (
  id INTEGER PRIMARY KEY,
  username TEXT NOT NULL COLLATE NOCASE UNIQUE
    CHECK (username COLLATE BINARY = lower(username) AND length(username) BETWEEN 3 AND 32),
  display_name TEXT NOT NULL CHECK (length(display_name) BETWEEN 1 AND 64),
  role TEXT NOT NULL CHECK (role IN
    ('city_commander', 'district_commander', 'street_duty_officer', 'trainer', 'viewer', 'administrator')),
  scope_kind TEXT NOT NULL CHECK (scope_kind IN ('city', 'county', 'l1')),
  scope_code TEXT,
  password_hash TEXT NOT NULL CHECK (password_hash LIKE '$scrypt$%'),
  disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  CHECK ((scope_kind = 'city') = (scope_code IS NULL)),
  CHECK (CASE role
    WHEN 'district_commander' THEN scope_kind = 'county'
    WHEN 'street_duty_officer' THEN scope_kind = 'l1'
    WHEN 'viewer' THEN 1
    ELSE scope_kind = 'city'
  END)
) STRICT;
CREATE INDEX operators_by_role ON operators (role, disabled);

CREATE TABLE login_failures (
  username TEXT PRIMARY KEY COLLATE NOCASE,
  failures INTEGER NOT NULL CHECK (failures >= 0),
  window_started_at INTEGER NOT NULL,
  locked_until INTEGER,
  lockouts INTEGER NOT NULL DEFAULT 0 CHECK (lockouts >= 0),
  last_locked_at INTEGER
) STRICT, WITHOUT ROWID;

CREATE TABLE sessions (
  token_sha256 BLOB PRIMARY KEY CHECK (length(token_sha256) = 32),
  operator_id INTEGER NOT NULL REFERENCES operators (id) ON DELETE CASCADE,
  provider TEXT NOT NULL CHECK (provider IN ('local', 'oidc')),
  created_at INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  CHECK (expires_at > created_at)
) STRICT, WITHOUT ROWID;
CREATE INDEX sessions_by_operator ON sessions (operator_id);

CREATE TABLE identity_policy (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  max_failures INTEGER NOT NULL CHECK (max_failures BETWEEN 1 AND 100),
  failure_window_ms INTEGER NOT NULL CHECK (failure_window_ms > 0),
  lockout_ms INTEGER NOT NULL CHECK (lockout_ms > 0),
  max_lockout_ms INTEGER NOT NULL CHECK (max_lockout_ms >= lockout_ms),
  session_lifetime_ms INTEGER NOT NULL CHECK (session_lifetime_ms > 0),
  session_idle_ms INTEGER NOT NULL CHECK (session_idle_ms > 0 AND session_idle_ms <= session_lifetime_ms),
  screen_lock_idle_ms INTEGER NOT NULL CHECK (screen_lock_idle_ms > 0 AND screen_lock_idle_ms <= session_idle_ms),
  updated_at INTEGER NOT NULL
) STRICT;
`,
};
