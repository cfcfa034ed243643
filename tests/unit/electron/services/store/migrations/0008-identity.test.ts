import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../../../../../electron/services/store/migrate';
import { MIGRATIONS } from '../../../../../../electron/services/store/migrations';

const HASH = '$scrypt$n=16384,r=8,p=1$c2FsdHNhbHRzYWx0c2FsdA$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U';

describe('migration 0008: identity', () => {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  migrate(db, MIGRATIONS.slice(0, 8));
  const insert = db.prepare(
    `INSERT INTO operators (username, display_name, role, scope_kind, scope_code, password_hash, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, 0, 0)`,
  );

  it('keeps usernames unique whatever their case', () => {
    insert.run('chen.li', '陈丽', 'administrator', 'city', null, HASH);
    // Stored lower case only; and were that check ever bypassed, the column's NOCASE uniqueness still holds.
    expect(() => insert.run('Chen.Li', 'x', 'viewer', 'city', null, HASH)).toThrow(/CHECK/);
    db.pragma('ignore_check_constraints = ON');
    expect(() => insert.run('CHEN.LI', 'x', 'viewer', 'city', null, HASH)).toThrow(/UNIQUE/);
    db.pragma('ignore_check_constraints = OFF');
  });

  it.each([
    { title: 'a role nobody has', row: ['a01', 'A', 'mayor', 'city', null, HASH] },
    { title: 'a district commander over the whole city', row: ['a02', 'A', 'district_commander', 'city', null, HASH] },
    {
      title: 'a street duty officer over a county',
      row: ['a03', 'A', 'street_duty_officer', 'county', '410102', HASH],
    },
    { title: 'an administrator with a scope', row: ['a04', 'A', 'administrator', 'county', '410102', HASH] },
    { title: 'a county scope without a code', row: ['a05', 'A', 'district_commander', 'county', null, HASH] },
    { title: 'a plain-text password', row: ['a06', 'A', 'viewer', 'city', null, 'correct horse battery'] },
    { title: 'an empty display name', row: ['a07', '', 'viewer', 'city', null, HASH] },
  ])('refuses $title', ({ row }) => {
    expect(() => insert.run(...row)).toThrow(/CHECK/);
  });

  it('lets a viewer be scoped to a county or a street', () => {
    insert.run('v.county', 'V', 'viewer', 'county', '410102', HASH);
    insert.run('v.street', 'V', 'viewer', 'l1', 'G-1', HASH);
  });

  it('keeps sessions only as 32-byte digests of live operators, and drops them with the operator', () => {
    const session = db.prepare(
      `INSERT INTO sessions (token_sha256, operator_id, provider, created_at, last_seen_at, expires_at)
       VALUES (?, ?, 'local', 0, 0, 1000)`,
    );
    const id = db.prepare("SELECT id FROM operators WHERE username = 'v.county'").pluck().get() as number;
    session.run(Buffer.alloc(32, 1), id);
    expect(() => session.run(Buffer.from('a-token-in-clear'), id)).toThrow(/CHECK/);
    expect(() => session.run(Buffer.alloc(32, 2), 9999)).toThrow(/FOREIGN KEY/);
    db.prepare('DELETE FROM operators WHERE id = ?').run(id);
    expect(db.prepare('SELECT count(*) FROM sessions').pluck().get()).toBe(0);
  });

  it('holds one policy row whose screen lock comes before the idle timeout', () => {
    const policy = db.prepare(
      `INSERT OR REPLACE INTO identity_policy (id, max_failures, failure_window_ms, lockout_ms, max_lockout_ms,
         session_lifetime_ms, session_idle_ms, screen_lock_idle_ms, updated_at) VALUES (?, 5, 1, 1, 1, 10, 5, ?, 0)`,
    );
    policy.run(1, 5);
    expect(() => policy.run(1, 6)).toThrow(/CHECK/);
    expect(() => policy.run(2, 5)).toThrow(/CHECK/);
  });
});
