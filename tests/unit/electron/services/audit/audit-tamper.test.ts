import { createPrivateKey, generateKeyPairSync, sign } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { entryHash, headMessage } from '../../../../../electron/services/audit/audit-chain';
import { AuditError, PRIVATE_KEY_FILE, PUBLIC_KEY_FILE } from '../../../../../electron/services/audit';
import { auditFixture, fill, tamper, type AuditFixture } from './audit-fixtures';

const ENTRIES = 50;
const COLUMNS = 'id, at, actor, action, scope, result, reason, payload_hash, prev_hash, entry_hash, signature';

interface Row {
  id: number;
  at: number;
  actor: string;
  action: string;
  scope: string;
  result: 'ok' | 'refused' | 'failed';
  reason: string | null;
  payload_hash: Buffer;
  prev_hash: Buffer;
  entry_hash: Buffer;
  signature: Buffer;
}

const row = (db: Database.Database, id: number): Row =>
  db.prepare(`SELECT ${COLUMNS} FROM audit_log WHERE id = ?`).get(id) as Row;

const insert = (db: Database.Database, values: Row): void => {
  db.prepare(
    `INSERT INTO audit_log (${COLUMNS}) VALUES (@id, @at, @actor, @action, @scope, @result, @reason, @payload_hash,
                                               @prev_hash, @entry_hash, @signature)`,
  ).run(values);
};

/** Moves every entry from `from` on up by one id (highest first, so no id collides). */
const shiftUp = (db: Database.Database, from: number): void => {
  const ids = db.prepare('SELECT id FROM audit_log WHERE id >= ? ORDER BY id DESC').pluck().all(from) as number[];
  for (const id of ids) db.prepare('UPDATE audit_log SET id = id + 1 WHERE id = ?').run(id);
};

/** A forger without the install's key: a well-formed, correctly chained entry signed with their own key. */
const forger = generateKeyPairSync('ed25519').privateKey;
const forge = (id: number, prevHash: Buffer, at: number): Row => {
  const fields = {
    id,
    at,
    actor: 'operator-0',
    action: 'broadcast.send',
    scope: 'city',
    result: 'ok' as const,
    reason: null,
    payloadHash: Buffer.alloc(32, 7),
    prevHash,
  };
  const hash = entryHash(fields);
  return {
    id,
    at,
    actor: fields.actor,
    action: fields.action,
    scope: fields.scope,
    result: fields.result,
    reason: null,
    payload_hash: fields.payloadHash,
    prev_hash: prevHash,
    entry_hash: hash,
    signature: sign(null, hash, forger),
  };
};

describe('audit verify: tampering with the SQLite file', () => {
  let fixture: AuditFixture;
  beforeEach(() => {
    fixture = auditFixture();
    fill(fixture, ENTRIES);
  });
  afterEach(() => fixture.close());

  it('verifies an untouched log', async () => {
    await expect(fixture.log.verify()).resolves.toMatchObject({ entries: ENTRIES, ok: true, firstBad: null });
  });

  it.each([
    { field: 'at', sql: 'at = at + 1' },
    { field: 'actor', sql: `actor = 'operator-9'` },
    { field: 'action', sql: `action = 'workers.read-personal'` },
    { field: 'scope', sql: `scope = 'county:410105'` },
    { field: 'result (refused → ok)', sql: `result = 'ok', reason = NULL`, id: 20 },
    { field: 'reason', sql: `reason = 'approved'`, id: 20 },
    { field: 'payload hash', sql: 'payload_hash = randomblob(32)' },
    { field: 'prev hash', sql: 'prev_hash = randomblob(32)' },
    { field: 'entry hash', sql: 'entry_hash = randomblob(32)' },
    { field: 'signature', sql: 'signature = randomblob(64)' },
  ])('names an entry whose $field was edited', async ({ sql, id = 17 }) => {
    tamper(fixture, (db) => db.prepare(`UPDATE audit_log SET ${sql} WHERE id = ?`).run(id));
    await expect(fixture.log.verify()).resolves.toMatchObject({ entries: ENTRIES, ok: false, firstBad: id });
  });

  it('names an edit even when the editor recomputed the hash chain from there on (no key: signatures fail)', async () => {
    tamper(fixture, (db) => {
      let prev = row(db, 16).entry_hash;
      for (let id = 17; id <= ENTRIES; id++) {
        const current = row(db, id);
        const actor = id === 17 ? 'operator-9' : current.actor;
        const hash = entryHash({
          id,
          at: current.at,
          actor,
          action: current.action,
          scope: current.scope,
          result: current.result,
          reason: current.reason,
          payloadHash: current.payload_hash,
          prevHash: prev,
        });
        db.prepare('UPDATE audit_log SET actor = ?, prev_hash = ?, entry_hash = ? WHERE id = ?').run(
          actor,
          prev,
          hash,
          id,
        );
        prev = hash;
      }
    });
    const result = await fixture.log.verify();
    expect(result).toMatchObject({ ok: false, firstBad: 17 });
    expect(result.reason).toMatch(/not signed/);
  });

  it('names a deleted middle entry', async () => {
    tamper(fixture, (db) => db.prepare('DELETE FROM audit_log WHERE id = 20').run());
    const result = await fixture.log.verify();
    expect(result).toMatchObject({ entries: ENTRIES - 1, ok: false, firstBad: 20 });
    expect(result.reason).toMatch(/entry 20 is missing/);
  });

  it('names a deleted middle entry when the later ids were renumbered to close the gap', async () => {
    tamper(fixture, (db) => {
      db.prepare('DELETE FROM audit_log WHERE id = 20').run();
      db.prepare('UPDATE audit_log SET id = id - 1 WHERE id > 20').run();
    });
    await expect(fixture.log.verify()).resolves.toMatchObject({ entries: ENTRIES - 1, ok: false, firstBad: 20 });
  });

  it('names the first entry when it was deleted', async () => {
    tamper(fixture, (db) => db.prepare('DELETE FROM audit_log WHERE id = 1').run());
    await expect(fixture.log.verify()).resolves.toMatchObject({ entries: ENTRIES - 1, ok: false, firstBad: 1 });
  });

  it('names the last entry when it was deleted (the signed head still counts it)', async () => {
    tamper(fixture, (db) => db.prepare('DELETE FROM audit_log WHERE id = ?').run(ENTRIES));
    const result = await fixture.log.verify();
    expect(result).toMatchObject({ entries: ENTRIES - 1, ok: false, firstBad: ENTRIES });
    expect(result.reason).toMatch(/truncated/);
  });

  it('names the first of several entries cut off the end', async () => {
    tamper(fixture, (db) => db.prepare('DELETE FROM audit_log WHERE id > 45').run());
    await expect(fixture.log.verify()).resolves.toMatchObject({ entries: 45, ok: false, firstBad: 46 });
  });

  it('notices a log emptied of every entry', async () => {
    tamper(fixture, (db) => db.prepare('DELETE FROM audit_log').run());
    await expect(fixture.log.verify()).resolves.toMatchObject({ entries: 0, ok: false, firstBad: 1 });
  });

  it('notices a log emptied together with its head while the key remains', async () => {
    tamper(fixture, (db) => db.exec('DELETE FROM audit_log; DELETE FROM audit_head;'));
    await expect(fixture.log.verify()).resolves.toMatchObject({ entries: 0, ok: false, firstBad: 1 });
  });

  it('notices the last entry deleted together with the head (nothing after 49 can be vouched for)', async () => {
    tamper(fixture, (db) => db.exec(`DELETE FROM audit_log WHERE id = ${ENTRIES}; DELETE FROM audit_head;`));
    const result = await fixture.log.verify();
    expect(result).toMatchObject({ ok: false, firstBad: ENTRIES });
    expect(result.reason).toMatch(/head .* missing/);
  });

  it('names a forged entry appended at the end', async () => {
    tamper(fixture, (db) => insert(db, forge(ENTRIES + 1, row(db, ENTRIES).entry_hash, Date.now())));
    const result = await fixture.log.verify();
    expect(result).toMatchObject({ entries: ENTRIES + 1, ok: false, firstBad: ENTRIES + 1 });
  });

  it('names a forged entry appended at the end with a forged head', async () => {
    tamper(fixture, (db) => {
      const forged = forge(ENTRIES + 1, row(db, ENTRIES).entry_hash, Date.now());
      insert(db, forged);
      const fingerprint = (db.prepare('SELECT key_fingerprint FROM audit_head').pluck().get() as string) ?? '';
      const headSignature = sign(null, headMessage(fingerprint, ENTRIES + 1, forged.entry_hash), forger);
      db.prepare('UPDATE audit_head SET last_id = ?, last_hash = ?, signature = ?').run(
        ENTRIES + 1,
        forged.entry_hash,
        headSignature,
      );
    });
    await expect(fixture.log.verify()).resolves.toMatchObject({ ok: false, firstBad: ENTRIES + 1 });
  });

  it('names a forged entry inserted in the middle (later ids moved up to make room)', async () => {
    tamper(fixture, (db) => {
      const before = row(db, 19);
      shiftUp(db, 20);
      insert(db, forge(20, before.entry_hash, before.at + 500));
    });
    await expect(fixture.log.verify()).resolves.toMatchObject({ entries: ENTRIES + 1, ok: false, firstBad: 20 });
  });

  it('names the first of two entries whose contents were swapped', async () => {
    tamper(fixture, (db) => {
      const a = row(db, 20);
      const b = row(db, 30);
      db.prepare('DELETE FROM audit_log WHERE id IN (20, 30)').run();
      insert(db, { ...b, id: 20 });
      insert(db, { ...a, id: 30 });
    });
    await expect(fixture.log.verify()).resolves.toMatchObject({ entries: ENTRIES, ok: false, firstBad: 20 });
  });

  it('names the first of two neighbours put in the other order (ids swapped)', async () => {
    tamper(fixture, (db) => {
      db.prepare('UPDATE audit_log SET id = 1000000 WHERE id = 21').run();
      db.prepare('UPDATE audit_log SET id = 21 WHERE id = 20').run();
      db.prepare('UPDATE audit_log SET id = 20 WHERE id = 1000000').run();
    });
    await expect(fixture.log.verify()).resolves.toMatchObject({ entries: ENTRIES, ok: false, firstBad: 20 });
  });

  it('names the first entry a rollback of the head leaves uncovered', async () => {
    tamper(fixture, (db) => db.prepare('UPDATE audit_head SET signature = randomblob(64)').run());
    const result = await fixture.log.verify();
    expect(result).toMatchObject({ ok: false, firstBad: ENTRIES + 1 });
    expect(result.reason).toMatch(/head's signature/);
  });

  it('refuses to verify with a public key that is not the one the log was signed with', async () => {
    const other = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' });
    writeFileSync(join(fixture.log.keyDir, PUBLIC_KEY_FILE), other);
    await expect(fixture.log.verify()).rejects.toThrow(AuditError);
    await expect(fixture.log.verify()).rejects.toThrow(/not the key this log is signed with/);
  });

  it('refuses to verify without the public key', async () => {
    rmSync(join(fixture.log.keyDir, PUBLIC_KEY_FILE));
    await expect(fixture.log.verify()).rejects.toThrow(/public key is missing/);
  });

  // What a local check cannot see (README, "Audit trail"): a consistent earlier state put back.
  it('sees a rollback only against an anchor noted before it', async () => {
    const earlier = join(fixture.dir, 'earlier.sqlite');
    fixture.store.writer.exec(`VACUUM INTO '${earlier}'`);
    fixture.log.record({ actor: 'operator-1', action: 'broadcast.send', scope: 'city', result: 'ok' });
    const anchor = fixture.log.head()!;
    tamper(fixture, (db) => {
      db.exec(`ATTACH '${earlier}' AS earlier`);
      db.exec(`DELETE FROM audit_log WHERE id > ${ENTRIES}`);
      db.exec('DELETE FROM audit_head; INSERT INTO audit_head SELECT * FROM earlier.audit_head');
    });
    // Every part of the rolled-back log was validly signed: on its own it verifies.
    await expect(fixture.log.verify()).resolves.toMatchObject({ entries: ENTRIES, ok: true });
    const result = await fixture.log.verify({ anchor });
    expect(result).toMatchObject({ entries: ENTRIES, ok: false, firstBad: ENTRIES + 1 });
    expect(result.reason).toMatch(/before entry 51 noted in the anchor/);
  });

  it('sees a log rewritten and re-signed with the stolen private key only against an anchor', async () => {
    const noted = fixture.log.head();
    const stolen = createPrivateKey(readFileSync(join(fixture.log.keyDir, PRIVATE_KEY_FILE), 'utf8'));
    tamper(fixture, (db) => {
      let prev = row(db, 16).entry_hash;
      for (let id = 17; id <= ENTRIES; id++) {
        const current = row(db, id);
        const actor = id === 17 ? 'operator-9' : current.actor;
        const hash = entryHash({
          id,
          at: current.at,
          actor,
          action: current.action,
          scope: current.scope,
          result: current.result,
          reason: current.reason,
          payloadHash: current.payload_hash,
          prevHash: prev,
        });
        db.prepare('UPDATE audit_log SET actor = ?, prev_hash = ?, entry_hash = ?, signature = ? WHERE id = ?').run(
          actor,
          prev,
          hash,
          sign(null, hash, stolen),
          id,
        );
        prev = hash;
      }
      const fingerprint = db.prepare('SELECT key_fingerprint FROM audit_head').pluck().get() as string;
      db.prepare('UPDATE audit_head SET last_hash = ?, signature = ?').run(
        prev,
        sign(null, headMessage(fingerprint, ENTRIES, prev), stolen),
      );
    });
    // The signature proves the key, not the hand: only a head hash noted outside the machine tells the two apart.
    const result = await fixture.log.verify();
    expect(result).toMatchObject({ ok: true, head: { lastId: ENTRIES } });
    expect(result.head?.lastHash).not.toBe(noted?.lastHash);
    await expect(fixture.log.verify({ anchor: noted! })).resolves.toMatchObject({ ok: false, firstBad: ENTRIES });
  });

  it('sees a log wiped together with its key pair only against an anchor', async () => {
    const anchor = fixture.log.head()!;
    tamper(fixture, (db) => db.exec('DELETE FROM audit_log; DELETE FROM audit_head;'));
    rmSync(fixture.log.keyDir, { recursive: true });
    await expect(fixture.log.verify()).resolves.toMatchObject({ entries: 0, ok: true });
    await expect(fixture.log.verify({ anchor })).resolves.toMatchObject({ entries: 0, ok: false, firstBad: 1 });
  });

  it('passes an intact log against an anchor it has grown past, and refuses a malformed anchor', async () => {
    const anchor = fixture.log.head()!;
    fill(fixture, 5);
    await expect(fixture.log.verify({ anchor })).resolves.toMatchObject({ entries: ENTRIES + 5, ok: true });
    await expect(fixture.log.verify({ anchor: { lastId: 3, lastHash: 'abc' } })).rejects.toThrow(/anchor is/);
  });
});

describe('audit verify: a long log', () => {
  let fixture: AuditFixture;
  beforeEach(() => {
    fixture = auditFixture();
    fill(fixture, 3000);
  });
  afterEach(() => fixture.close());

  it('verifies thousands of untouched entries, inline and on worker threads, page by page', async () => {
    const progress: number[] = [];
    await expect(
      fixture.log.verify({ workers: 0, pageSize: 500, onProgress: ({ checked }) => progress.push(checked) }),
    ).resolves.toMatchObject({ entries: 3000, ok: true, firstBad: null });
    expect(progress).toEqual([500, 1000, 1500, 2000, 2500, 3000, 3000]);
    await expect(fixture.log.verify({ workers: 2, pageSize: 700 })).resolves.toMatchObject({
      entries: 3000,
      ok: true,
      firstBad: null,
      head: { lastId: 3000 },
    });
  });

  it('finds a bad signature on a worker thread and names the lowest of several', async () => {
    tamper(fixture, (db) => db.exec('UPDATE audit_log SET signature = randomblob(64) WHERE id IN (2100, 2900)'));
    await expect(fixture.log.verify({ workers: 2, pageSize: 256 })).resolves.toMatchObject({
      entries: 3000,
      ok: false,
      firstBad: 2100,
    });
  });

  it('keeps the lower of a bad signature and a later broken link', async () => {
    tamper(fixture, (db) => {
      db.exec('UPDATE audit_log SET signature = randomblob(64) WHERE id = 1200');
      db.exec('DELETE FROM audit_log WHERE id = 1900');
    });
    await expect(fixture.log.verify({ workers: 2, pageSize: 256 })).resolves.toMatchObject({
      ok: false,
      firstBad: 1200,
    });
  });
});
