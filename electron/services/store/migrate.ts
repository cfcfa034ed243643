/**
 * The migration runner. Each applied migration is recorded with the SHA-256 of its SQL; at every start the runner
 * compares the records with the files and refuses to open a store that disagrees with them (an edited migration, a
 * missing one, or a store written by a newer Gridline), rather than guess.
 */
import { createHash } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import type { Migration } from './migrations/migration';

export class MigrationError extends Error {}

export const migrationHash = (migration: Migration): string => createHash('sha256').update(migration.sql).digest('hex');

interface AppliedRow {
  version: number;
  name: string;
  sha256: string;
}

export interface MigrationReport {
  applied: number[];
  current: number;
}

export function migrate(db: Database, migrations: readonly Migration[]): MigrationReport {
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new MigrationError(`migration files are not numbered 1..n: found ${migration.version} at ${index + 1}`);
    }
  });
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    applied_at TEXT NOT NULL
  ) STRICT`);
  const applied = db
    .prepare('SELECT version, name, sha256 FROM schema_migrations ORDER BY version')
    .all() as AppliedRow[];

  applied.forEach((row, index) => {
    const file = migrations[index];
    if (row.version !== index + 1) {
      throw new MigrationError(`the store's migration history has a gap before version ${row.version}`);
    }
    if (!file) {
      throw new MigrationError(
        `the store is at schema version ${applied.length}, newer than this Gridline (${migrations.length}); ` +
          'open it with a newer version',
      );
    }
    if (row.sha256 !== migrationHash(file)) {
      throw new MigrationError(
        `migration ${row.version} (${row.name}) was changed after it was applied to this store; ` +
          'restore the original file or start from a fresh data directory',
      );
    }
  });

  const pending = migrations.slice(applied.length);
  const record = db.prepare('INSERT INTO schema_migrations (version, name, sha256, applied_at) VALUES (?, ?, ?, ?)');
  for (const migration of pending) {
    db.transaction(() => {
      db.exec(migration.sql);
      record.run(migration.version, migration.name, migrationHash(migration), new Date().toISOString());
    })();
  }
  return { applied: pending.map((migration) => migration.version), current: migrations.length };
}
