import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../../../../../electron/services/store/migrate';
import { MIGRATIONS } from '../../../../../../electron/services/store/migrations';

const bytes = (length: number, fill = 1): Buffer => Buffer.alloc(length, fill);

describe('migration 0007: audit', () => {
  const db = new Database(':memory:');
  migrate(db, MIGRATIONS.slice(0, 7));
  const insert = db.prepare(
    `INSERT INTO audit_log (id, at, actor, action, scope, result, reason, payload_hash, prev_hash, entry_hash, signature)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const row = (id: number, result = 'ok', reason: string | null = null): unknown[] => [
    id,
    1000 + id,
    'op',
    'broadcast.send',
    'city',
    result,
    reason,
    bytes(32),
    bytes(32),
    bytes(32),
    bytes(64),
  ];
  db.prepare(
    `INSERT INTO audit_head (singleton, key_fingerprint, created_at, last_id, last_hash, signature)
     VALUES (1, ?, 0, 0, ?, ?)`,
  ).run('a'.repeat(64), bytes(32), bytes(64));

  it('appends entries', () => {
    insert.run(...row(1));
    insert.run(...row(2, 'refused', 'out of scope'));
    expect(db.prepare('SELECT count(*) AS n FROM audit_log').get()).toEqual({ n: 2 });
  });

  it('refuses to update or delete an entry', () => {
    expect(() => db.prepare(`UPDATE audit_log SET actor = 'someone else' WHERE id = 1`).run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM audit_log WHERE id = 2').run()).toThrow(/append-only/);
  });

  it.each([
    { title: 'an ok entry with a reason', row: row(3, 'ok', 'why'), error: /CHECK/ },
    { title: 'a refusal without a reason', row: row(3, 'refused'), error: /CHECK/ },
    { title: 'an unknown result', row: row(3, 'maybe', 'x'), error: /CHECK/ },
    {
      title: 'a hash of the wrong length',
      row: [...row(3).slice(0, 7), bytes(31), ...row(3).slice(8)],
      error: /CHECK/,
    },
    { title: 'a time as text (STRICT)', row: [3, 'noon', ...row(3).slice(2)], error: /cannot store TEXT/ },
  ])('refuses $title', ({ row: values, error }) => {
    expect(() => insert.run(...values)).toThrow(error);
  });

  it('lets the head move forward by exactly one entry, never back, never away', () => {
    const move = db.prepare('UPDATE audit_head SET last_id = ? WHERE singleton = 1');
    move.run(1);
    expect(() => move.run(3)).toThrow(/forward/);
    expect(() => move.run(0)).toThrow(/forward/);
    expect(() => db.prepare(`UPDATE audit_head SET key_fingerprint = '${'b'.repeat(64)}', last_id = 2`).run()).toThrow(
      /forward/,
    );
    expect(() => db.prepare('DELETE FROM audit_head').run()).toThrow(/cannot be deleted/);
    expect(() =>
      db.prepare(`INSERT INTO audit_head VALUES (2, '${'a'.repeat(64)}', 0, 0, ?, ?)`).run(bytes(32), bytes(64)),
    ).toThrow(/CHECK/);
  });
});
