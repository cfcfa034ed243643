import { chmodSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { generateKeyPairSync } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  AuditError,
  AuditLog,
  PRIVATE_KEY_FILE,
  PUBLIC_KEY_FILE,
  payloadHash,
  type AuditEntry,
  type AuditQuery,
} from '../../../../../electron/services/audit';
import { openStore } from '../../../../../electron/services/store/store';
import { START, auditFixture, fill, sampleEntry, type AuditFixture } from './audit-fixtures';

const posix = process.platform !== 'win32';

describe('AuditLog.record', () => {
  let fixture: AuditFixture;
  beforeEach(() => {
    fixture = auditFixture();
  });
  afterEach(() => fixture.close());

  it('appends entries with consecutive ids, each linked to the one before and hashing its payload', () => {
    expect(fixture.log.head()).toBeNull();
    expect(fixture.log.record(sampleEntry(1))).toBe(1);
    expect(fixture.log.record(sampleEntry(2))).toBe(2);
    const [second, first] = fixture.log.query({ limit: 10 }).entries as [AuditEntry, AuditEntry];
    expect(first).toMatchObject({ id: 1, at: START, actor: 'operator-1', result: 'ok', reason: null });
    expect(first.payloadHash).toBe(payloadHash(sampleEntry(1).payload).toString('hex'));
    expect(second.prevHash).toBe(first.entryHash);
    expect(second.signature).toMatch(/^[0-9a-f]{128}$/);
    expect(fixture.log.head()).toEqual({
      lastId: 2,
      lastHash: second.entryHash,
      keyFingerprint: expect.stringMatching(/^[0-9a-f]{64}$/) as unknown,
    });
  });

  it('creates the key pair on first use: the private key 0600 in a 0700 folder, the public key beside it', () => {
    fixture.log.record(sampleEntry(1));
    const privateFile = join(fixture.log.keyDir, PRIVATE_KEY_FILE);
    const publicFile = join(fixture.log.keyDir, PUBLIC_KEY_FILE);
    expect(fixture.log.keyDir).toBe(join(fixture.dir, 'audit'));
    if (posix) {
      expect(statSync(privateFile).mode & 0o777).toBe(0o600);
      expect(statSync(fixture.log.keyDir).mode & 0o777).toBe(0o700);
    }
    expect(readdirSync(fixture.log.keyDir).sort()).toEqual([PRIVATE_KEY_FILE, PUBLIC_KEY_FILE]);
    expect(statSync(publicFile).isFile()).toBe(true);
  });

  it('finds the key another log created first, and signs on with it', async () => {
    fixture.log.record(sampleEntry(1));
    const second = new AuditLog(fixture.store);
    second.record(sampleEntry(2));
    expect(second.head()?.keyFingerprint).toBe(fixture.log.head()?.keyFingerprint);
    await expect(second.verify()).resolves.toMatchObject({ entries: 2, ok: true });
  });

  it('refuses a refused entry without a reason, an ok entry with one, and bad text, writing nothing', () => {
    const bad: unknown[] = [
      { ...sampleEntry(1), result: 'refused', reason: undefined },
      { ...sampleEntry(1), result: 'ok', reason: 'because' },
      { ...sampleEntry(1), result: 'maybe' },
      { ...sampleEntry(1), actor: '' },
      { ...sampleEntry(1), actor: 'a'.repeat(201) },
      { ...sampleEntry(1), scope: 'city\u0000' },
      { ...sampleEntry(1), action: 'broken \uD800 text' },
      { ...sampleEntry(1), extra: 1 },
      { ...sampleEntry(1), payload: { n: Number.NaN } },
    ];
    for (const entry of bad) {
      expect(() => fixture.log.record(entry as Parameters<AuditLog['record']>[0])).toThrow(AuditError);
    }
    expect(fixture.log.query({ limit: 10 }).entries).toEqual([]);
    expect(fixture.log.head()).toBeNull();
  });

  it('keeps Chinese text and every result kind exactly', () => {
    fixture.log.record({
      actor: '张伟 👮',
      action: 'emergency.switch',
      scope: '金水区',
      result: 'failed',
      reason: '枢纽不可用',
    });
    expect(fixture.log.query({ limit: 1 }).entries[0]).toMatchObject({
      actor: '张伟 👮',
      scope: '金水区',
      result: 'failed',
      reason: '枢纽不可用',
    });
  });

  it('chains entries written through two connections to the same store, interleaved', async () => {
    const other = openStore(fixture.dir);
    try {
      const second = new AuditLog(other);
      for (let i = 1; i <= 40; i++) (i % 2 ? fixture.log : second).record(sampleEntry(i));
      await expect(fixture.log.verify()).resolves.toMatchObject({ entries: 40, ok: true });
    } finally {
      other.close();
    }
  });

  it('keeps the store append-only against its own writer (triggers)', () => {
    fill(fixture, 3);
    expect(() => fixture.store.writer.prepare(`UPDATE audit_log SET actor = 'x' WHERE id = 2`).run()).toThrow(
      /append-only/,
    );
    expect(() => fixture.store.writer.prepare('DELETE FROM audit_log').run()).toThrow(/append-only/);
    expect(() => fixture.store.writer.prepare('UPDATE audit_head SET last_id = 1').run()).toThrow(/forward/);
  });

  it.runIf(posix)('refuses to sign with a private key others can read', () => {
    fixture.log.record(sampleEntry(1));
    chmodSync(join(fixture.log.keyDir, PRIVATE_KEY_FILE), 0o644);
    const fresh = new AuditLog(fixture.store);
    expect(() => fresh.record(sampleEntry(2))).toThrow(/readable by other users.*chmod 600/);
  });

  it('refuses to go on when the private key of an existing log is gone, and makes no new one', () => {
    fixture.log.record(sampleEntry(1));
    rmSync(join(fixture.log.keyDir, PRIVATE_KEY_FILE));
    const fresh = new AuditLog(fixture.store);
    expect(() => fresh.record(sampleEntry(2))).toThrow(/signing key .* is missing.*restore it/);
    expect(() => statSync(join(fixture.log.keyDir, PRIVATE_KEY_FILE))).toThrow(/ENOENT/);
  });

  it('refuses a key pair that is not the one the log is signed with', () => {
    fixture.log.record(sampleEntry(1));
    const pair = generateKeyPairSync('ed25519');
    writeFileSync(
      join(fixture.log.keyDir, PRIVATE_KEY_FILE),
      pair.privateKey.export({ type: 'pkcs8', format: 'pem' }),
      {
        mode: 0o600,
      },
    );
    writeFileSync(join(fixture.log.keyDir, PUBLIC_KEY_FILE), pair.publicKey.export({ type: 'spki', format: 'pem' }));
    expect(() => new AuditLog(fixture.store).record(sampleEntry(2))).toThrow(/not the key this log is signed with/);
  });

  it('refuses a public key that does not belong to the private key', () => {
    fixture.log.record(sampleEntry(1));
    writeFileSync(
      join(fixture.log.keyDir, PUBLIC_KEY_FILE),
      generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }),
    );
    expect(() => new AuditLog(fixture.store).record(sampleEntry(2))).toThrow(/does not belong to the signing key/);
  });
});

describe('AuditLog.query', () => {
  let fixture: AuditFixture;
  const COUNT = 120;
  beforeEach(() => {
    fixture = auditFixture();
    fill(fixture, COUNT);
  });
  afterEach(() => fixture.close());

  /** Every page of a query, following nextBefore. */
  const allPages = (query: AuditQuery): AuditEntry[][] => {
    const pages: AuditEntry[][] = [];
    let before: number | undefined;
    for (;;) {
      const page = fixture.log.query({ ...query, ...(before === undefined ? {} : { before }) });
      pages.push(page.entries);
      if (page.nextBefore === null) return pages;
      before = page.nextBefore;
    }
  };
  const ids = (entries: AuditEntry[]): number[] => entries.map((entry) => entry.id);
  const expected = (keep: (i: number) => boolean): number[] =>
    Array.from({ length: COUNT }, (_, k) => COUNT - k).filter(keep);

  it('pages through everything newest first, each entry once', () => {
    const pages = allPages({ limit: 50 });
    expect(pages.map((page) => page.length)).toEqual([50, 50, 20]);
    expect(ids(pages.flat())).toEqual(expected(() => true));
  });

  it('ends with an empty page when the last page is exactly full', () => {
    expect(allPages({ limit: 60 }).map((page) => page.length)).toEqual([60, 60, 0]);
  });

  it.each<{ title: string; filter: Omit<AuditQuery, 'limit'>; keep: (i: number) => boolean }>([
    { title: 'actor', filter: { actor: 'operator-2' }, keep: (i) => i % 3 === 2 },
    { title: 'action', filter: { action: 'workers.read-personal' }, keep: (i) => i % 2 === 0 },
    { title: 'scope', filter: { scope: 'county:410102' }, keep: (i) => i % 4 === 0 },
    { title: 'area (a place code)', filter: { area: '410102' }, keep: (i) => i % 4 === 0 },
    { title: 'area city', filter: { area: 'city' }, keep: (i) => i % 4 !== 0 },
    { title: 'area (a code that only begins one)', filter: { area: '4101' }, keep: () => false },
    { title: 'result', filter: { result: 'refused' }, keep: (i) => i % 5 === 0 },
    // Entry i was recorded at START + (i - 1) s: [from, to) keeps entries 11..30.
    { title: 'time window', filter: { from: START + 10_000, to: START + 30_000 }, keep: (i) => i >= 11 && i <= 30 },
    {
      title: 'several at once',
      filter: { actor: 'operator-0', result: 'refused', from: START + 20_000 },
      keep: (i) => i % 15 === 0 && i >= 21,
    },
    { title: 'nothing matching', filter: { actor: 'nobody' }, keep: () => false },
  ])('filters by $title, paged', ({ filter, keep }) => {
    const pages = allPages({ ...filter, limit: 7 });
    expect(ids(pages.flat())).toEqual(expected(keep));
    expect(pages.slice(0, -1).every((page) => page.length === 7)).toBe(true);
  });

  it.each([
    { title: 'no limit', query: {} },
    { title: 'a zero limit', query: { limit: 0 } },
    { title: 'a limit over 1000', query: { limit: 1001 } },
    { title: 'a fractional before', query: { limit: 10, before: 1.5 } },
    { title: 'a window that ends before it starts', query: { limit: 10, from: 5, to: 4 } },
    { title: 'an unknown filter', query: { limit: 10, operator: 'x' } },
    { title: 'an unknown result', query: { limit: 10, result: 'denied' } },
    { title: 'an area with a wildcard', query: { limit: 10, area: '4101%' } },
    { title: 'an area with a place kind', query: { limit: 10, area: 'county:410102' } },
  ])('refuses $title', ({ query }) => {
    expect(() => fixture.log.query(query as AuditQuery)).toThrow(AuditError);
  });
});
