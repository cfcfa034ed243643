import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate, MigrationError, migrationHash } from '../../../../../electron/services/store/migrate';
import { MIGRATIONS } from '../../../../../electron/services/store/migrations';
import type { Migration } from '../../../../../electron/services/store/migrations/migration';
import { openStore } from '../../../../../electron/services/store/store';

const first: Migration = { version: 1, name: 'first', sql: 'CREATE TABLE a (x INTEGER) STRICT;' };
const second: Migration = { version: 2, name: 'second', sql: 'CREATE TABLE b (y TEXT) STRICT;' };

const tables = (db: Database.Database): string[] =>
  (db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map(
    (row) => row.name,
  );

describe('migration runner', () => {
  it('applies pending migrations in order, records their hashes, and applies nothing twice', () => {
    const db = new Database(':memory:');
    expect(migrate(db, [first])).toEqual({ applied: [1], current: 1 });
    expect(migrate(db, [first, second])).toEqual({ applied: [2], current: 2 });
    expect(migrate(db, [first, second])).toEqual({ applied: [], current: 2 });
    expect(tables(db)).toEqual(['a', 'b', 'schema_migrations']);
    const recorded = db.prepare('SELECT version, sha256 FROM schema_migrations ORDER BY version').all();
    expect(recorded).toEqual([
      { version: 1, sha256: migrationHash(first) },
      { version: 2, sha256: migrationHash(second) },
    ]);
  });

  it('refuses a store whose applied migration was edited afterwards', () => {
    const db = new Database(':memory:');
    migrate(db, [first]);
    const edited = { ...first, sql: 'CREATE TABLE a (x INTEGER, z INTEGER) STRICT;' };
    expect(() => migrate(db, [edited])).toThrow(MigrationError);
    expect(() => migrate(db, [edited])).toThrow(/changed after it was applied/);
  });

  it('refuses a store written by a newer Gridline', () => {
    const db = new Database(':memory:');
    migrate(db, [first, second]);
    expect(() => migrate(db, [first])).toThrow(/newer than this Gridline/);
  });

  it('refuses migration files that are not numbered 1..n', () => {
    const db = new Database(':memory:');
    expect(() => migrate(db, [first, { ...second, version: 3 }])).toThrow(/not numbered/);
  });

  it('rolls back a failing migration completely', () => {
    const db = new Database(':memory:');
    migrate(db, [first]);
    const broken: Migration = {
      version: 2,
      name: 'broken',
      sql: 'CREATE TABLE c (x INTEGER) STRICT; CREATE TABLE c (y);',
    };
    expect(() => migrate(db, [first, broken])).toThrow();
    expect(tables(db)).toEqual(['a', 'schema_migrations']);
    expect(migrate(db, [first, second])).toEqual({ applied: [2], current: 2 });
  });

  it('opens a store in WAL mode with foreign keys on, and refuses one that disagrees with the files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gridline-store-'));
    const store = openStore(dir);
    expect(store.writer.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.writer.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(store.migration.current).toBe(MIGRATIONS.length);
    store.close();
    const tampered = MIGRATIONS.map((migration, index) =>
      index === 0 ? { ...migration, sql: `${migration.sql}\n-- edited` } : migration,
    );
    expect(() => openStore(dir, tampered)).toThrow(MigrationError);
  });
});
