import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../../../../../electron/services/store/migrate';
import { MIGRATIONS } from '../../../../../../electron/services/store/migrations';

describe('migration 0002: ticket blocks', () => {
  it('adds a STRICT table of monthly blocks on top of 0001, one row per month', () => {
    const db = new Database(':memory:');
    expect(migrate(db, MIGRATIONS.slice(0, 1)).current).toBe(1);
    expect(migrate(db, MIGRATIONS.slice(0, 2)).applied).toEqual([2]);
    const table = db.prepare("SELECT strict FROM pragma_table_list WHERE name = 'ticket_blocks'").get() as {
      strict: number;
    };
    expect(table.strict).toBe(1);
    const insert = db.prepare('INSERT INTO ticket_blocks (month, tickets, data) VALUES (?, ?, ?)');
    insert.run(666, 1, Buffer.alloc(8));
    expect(() => insert.run(666, 1, Buffer.alloc(8))).toThrow(/UNIQUE|PRIMARY/);
    expect(() => insert.run(667, -1, Buffer.alloc(8))).toThrow(/CHECK/);
    expect(() => insert.run(668, 1, 'not bytes')).toThrow(/cannot store TEXT value in BLOB column|datatype/);
  });
});
