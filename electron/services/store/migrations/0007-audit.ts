import type { Migration } from './migration';

/**
 * The audit trail (issue #6): an append-only log, each entry chained to the one before by SHA-256 and signed with the
 * install's Ed25519 key (electron/services/audit/). `audit_head` is the signed checkpoint of the last entry, so a
 * truncated log is caught too. The triggers are defence in depth only: anyone holding the file can drop them, which
 * is why `verify` checks hashes, links, ids and signatures and never relies on them.
 *
 * Hashes and signatures are raw bytes (32 and 64): a million entries are 160 MB of them as BLOBs, twice that as hex.
 */
export const migration0007: Migration = {
  version: 7,
  name: 'audit',
  sql: `
CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY CHECK (id > 0),
  at INTEGER NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  scope TEXT NOT NULL,
  result TEXT NOT NULL CHECK (result IN ('ok', 'refused', 'failed')),
  reason TEXT,
  payload_hash BLOB NOT NULL CHECK (length(payload_hash) = 32),
  prev_hash BLOB NOT NULL CHECK (length(prev_hash) = 32),
  entry_hash BLOB NOT NULL CHECK (length(entry_hash) = 32),
  signature BLOB NOT NULL CHECK (length(signature) = 64),
  CHECK ((result = 'ok') = (reason IS NULL))
) STRICT;
CREATE INDEX audit_log_by_actor ON audit_log (actor, id);
CREATE INDEX audit_log_by_action ON audit_log (action, id);
CREATE INDEX audit_log_by_scope ON audit_log (scope, id);
CREATE INDEX audit_log_by_time ON audit_log (at);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

CREATE TABLE audit_head (
  singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
  key_fingerprint TEXT NOT NULL CHECK (length(key_fingerprint) = 64),
  created_at INTEGER NOT NULL,
  last_id INTEGER NOT NULL CHECK (last_id >= 0),
  last_hash BLOB NOT NULL CHECK (length(last_hash) = 32),
  signature BLOB NOT NULL CHECK (length(signature) = 64)
) STRICT;

CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head
BEGIN SELECT RAISE(ABORT, 'audit_head cannot be deleted'); END;
CREATE TRIGGER audit_head_forward_only BEFORE UPDATE ON audit_head
WHEN NEW.singleton IS NOT OLD.singleton
  OR NEW.key_fingerprint IS NOT OLD.key_fingerprint
  OR NEW.created_at IS NOT OLD.created_at
  OR NEW.last_id IS NOT OLD.last_id + 1
BEGIN SELECT RAISE(ABORT, 'audit_head only moves forward by one entry'); END;
`,
};
