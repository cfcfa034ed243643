import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../../../../../electron/services/store/migrate';
import { MIGRATIONS } from '../../../../../../electron/services/store/migrations';

describe('migration 0010: routing rules', () => {
  const db = new Database(':memory:');
  migrate(db, MIGRATIONS.slice(0, 10));
  const insert = db.prepare(
    `INSERT INTO routing_rules (category_code, scope_kind, scope_code, department_code, created_by, created_at)
     VALUES (?, ?, ?, ?, 'op', 1000)`,
  );
  const retire = db.prepare(`UPDATE routing_rules SET retired_at = 2000, retired_by = 'op' WHERE id = ?`);

  it('keeps one active rule per category and scope, any number of retired ones', () => {
    const first = Number(insert.run('010101', 'grid', '410102001', 'urban_management@410102').lastInsertRowid);
    expect(() => insert.run('010101', 'grid', '410102001', 'street_office@410102')).toThrow(/UNIQUE/);
    retire.run(first);
    insert.run('010101', 'grid', '410102001', 'street_office@410102');
    insert.run('010101', 'county', '410102001', 'street_office@410102');
    expect(db.prepare('SELECT count(*) FROM routing_rules').pluck().get()).toBe(3);
  });

  it('retires a rule once and never edits or deletes one', () => {
    const id = Number(insert.run('010102', 'county', '410102', 'gas_company').lastInsertRowid);
    expect(() => db.prepare(`UPDATE routing_rules SET department_code = 'x' WHERE id = ?`).run(id)).toThrow(
      /append-only/,
    );
    expect(() => db.prepare('DELETE FROM routing_rules WHERE id = ?').run(id)).toThrow(/append-only/);
    retire.run(id);
    expect(() => retire.run(id)).toThrow(/append-only/);
    expect(() =>
      db.prepare('UPDATE routing_rules SET retired_at = NULL, retired_by = NULL WHERE id = ?').run(id),
    ).toThrow(/append-only/);
  });

  it.each([
    { title: 'an unknown scope kind', values: ['010101', 'street', '1', 'd'], error: /CHECK/ },
    { title: 'an empty department', values: ['010101', 'grid', '1', ''], error: /CHECK/ },
  ])('refuses $title', ({ values, error }) => {
    expect(() => insert.run(...values)).toThrow(error);
  });

  it('refuses a retirement without its operator', () => {
    const id = Number(insert.run('010103', 'grid', '9', 'd').lastInsertRowid);
    expect(() => db.prepare('UPDATE routing_rules SET retired_at = 5 WHERE id = ?').run(id)).toThrow(/CHECK/);
  });
});
