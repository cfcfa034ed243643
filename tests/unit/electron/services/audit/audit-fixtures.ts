/** A store with an audit log in a fresh data directory, and direct access to its SQLite file for tampering. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { AuditLog, type AuditRecord } from '../../../../../electron/services/audit';
import { openStore, type Store } from '../../../../../electron/services/store/store';

export interface AuditFixture {
  dir: string;
  store: Store;
  log: AuditLog;
  /** The clock the log reads: starts at 2026-01-01T00:00:00Z and moves one second per entry. */
  clock: { now: number };
  close(): void;
}

export const START = Date.UTC(2026, 0, 1);

export function auditFixture(): AuditFixture {
  const dir = mkdtempSync(join(tmpdir(), 'gridline-audit-'));
  const store = openStore(dir);
  const clock = { now: START };
  const log = new AuditLog(store, { now: () => clock.now });
  return {
    dir,
    store,
    log,
    clock,
    close: () => {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The i-th of a varied set of entries (1-based), so filters have something to tell apart. */
export function sampleEntry(i: number): AuditRecord {
  const refused = i % 5 === 0;
  return {
    actor: `operator-${i % 3}`,
    action: i % 2 ? 'broadcast.send' : 'workers.read-personal',
    scope: i % 4 ? 'city' : 'county:410102',
    result: refused ? 'refused' : 'ok',
    ...(refused ? { reason: 'outside the operator’s scope' } : {}),
    payload: { i, text: `command ${i}` },
  };
}

/** Records `count` sample entries, one second apart. */
export function fill(fixture: AuditFixture, count: number): void {
  for (let i = 1; i <= count; i++) {
    fixture.log.record(sampleEntry(i));
    fixture.clock.now += 1000;
  }
}

/**
 * Opens the store file directly, as someone with the file would, drops the triggers that refuse edits, runs `edit`
 * and closes the connection.
 */
export function tamper(fixture: AuditFixture, edit: (db: Database.Database) => void): void {
  const db = new Database(join(fixture.dir, 'gridline.sqlite'));
  try {
    db.exec(`DROP TRIGGER IF EXISTS audit_log_no_update;
             DROP TRIGGER IF EXISTS audit_log_no_delete;
             DROP TRIGGER IF EXISTS audit_head_no_delete;
             DROP TRIGGER IF EXISTS audit_head_forward_only;`);
    edit(db);
  } finally {
    db.close();
  }
}
