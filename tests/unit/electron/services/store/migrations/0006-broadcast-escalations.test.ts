import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../../../../../electron/services/store/migrate';
import { MIGRATIONS } from '../../../../../../electron/services/store/migrations';

describe('migration 0006: broadcast escalations', () => {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  migrate(db, MIGRATIONS.slice(0, 6));
  db.prepare(
    `INSERT INTO broadcasts (id, seq, text, priority, target, targeted, ack_required, sent_at, expires_at, deadline_at,
                             sender)
     VALUES ('b-1', 1, 't', 'urgent', '{"kind":"city"}', 3, 1, 0, 60000, 5000, 'desk')`,
  ).run();
  const insert = db.prepare(
    'INSERT INTO broadcast_escalations (broadcast_id, hub, at, total, workers) VALUES (?, ?, ?, ?, ?)',
  );

  it('keeps one row per broadcast and hub, the ids packed four bytes each', () => {
    insert.run('b-1', 'hub-a', 5000, 2, Buffer.alloc(8));
    insert.run('b-1', 'hub-b', 5001, 1, Buffer.alloc(4));
    expect(() => insert.run('b-1', 'hub-a', 5002, 1, Buffer.alloc(4))).toThrow(/UNIQUE|PRIMARY/);
  });

  it.each([
    { title: 'ids that do not match the total', row: ['b-1', 'hub-c', 1, 2, Buffer.alloc(4)], error: /CHECK/ },
    { title: 'an empty escalation', row: ['b-1', 'hub-c', 1, 0, Buffer.alloc(0)], error: /CHECK/ },
    { title: 'a broadcast the console never sent', row: ['b-2', 'hub-c', 1, 1, Buffer.alloc(4)], error: /FOREIGN KEY/ },
    { title: 'a time as text (STRICT)', row: ['b-1', 'hub-c', 'noon', 1, Buffer.alloc(4)], error: /cannot store TEXT/ },
  ])('refuses $title', ({ row, error }) => {
    expect(() => insert.run(...row)).toThrow(error);
  });
});
