/**
 * The audit trail's console view and export (issue #6), on a real store and audit log: the handlers of `audit.*`
 * with inputs parsed by the contract first, as the dispatcher does. Filters by operator, action, area (a county finds
 * its streets; a code is a whole token, never a prefix or a pattern) and time; paging newest first; the facets for
 * the dropdowns; the export's file (under exports/, named as the web host expects, its content the filter's, its size
 * and hash as reported, nothing left behind when it fails); and the chain check.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditHandlers, EXPORTS_DIR, exportFile, exportFileName } from '../../../../electron/host/audit-handlers';
import type { CallContext } from '../../../../electron/host/dispatcher';
import { AuditError, type AuditLog, type AuditRecord } from '../../../../electron/services/audit';
import { ContractError, invokeContract, type InvokeName, type InvokeOutput } from '../../../../shared/contract';
import { AUDIT_EXPORT_NAME, AUDIT_PAGE_MAX } from '../../../../shared/contract/audit-contract';
import { START, auditFixture, tamper, type AuditFixture } from '../services/audit/audit-fixtures';

const context: CallContext = { host: 'web', client: 'inspector' };
const HOUR = 3_600_000;

/** A small day of the trail, one entry an hour from START: who, what, where. */
const DAY: AuditRecord[] = [
  { actor: 'li.wei', action: 'session.signIn', scope: 'city', result: 'ok' },
  { actor: 'li.wei', action: 'broadcast.send', scope: 'county:410102', result: 'ok' },
  { actor: 'zhao.lei', action: 'broadcast.send', scope: 'county:410102/l1:410102001', result: 'ok' },
  {
    actor: 'zhao.lei',
    action: 'workers.getPersonal',
    scope: 'county:410105/l1:410105002',
    result: 'refused',
    reason: 'workers.readPersonal reaches beyond county 410102',
  },
  { actor: 'wang.fang', action: 'confirmations.request', scope: 'l1:410102001', result: 'ok' },
  { actor: 'li.wei', action: 'broadcast.send', scope: 'county:410102 county:410105', result: 'failed', reason: 'hub' },
  // Codes that share a prefix with 410102 are other places.
  { actor: 'chen.jing', action: 'broadcast.send', scope: 'county:41010', result: 'ok' },
  { actor: 'chen.jing', action: 'broadcast.send', scope: 'county:4101023/l1:4101023001', result: 'ok' },
  { actor: 'li.wei', action: 'broadcast.send', scope: 'county:410103 county:410102 (45 places)', result: 'ok' },
  { actor: '=cmd|calc', action: 'session.signIn', scope: '-', result: 'refused', reason: 'unknown operator' },
];

let fixture: AuditFixture;
let handlers: ReturnType<typeof auditHandlers>;

/** Calls a handler as the dispatcher would: the input parsed by the entry's schema, the output checked by it. */
async function call<N extends InvokeName & `audit.${string}`>(name: N, input: unknown): Promise<InvokeOutput<N>> {
  const entry = invokeContract[name];
  const handler = handlers[name] as (input: unknown, context: CallContext) => unknown;
  return entry.output.parse(await handler(entry.input.parse(input), context)) as InvokeOutput<N>;
}

const ids = (page: { entries: { id: number }[] }): number[] => page.entries.map((entry) => entry.id);

function record(entries: readonly AuditRecord[]): void {
  for (const entry of entries) {
    fixture.log.record(entry);
    fixture.clock.now += HOUR;
  }
}

beforeEach(() => {
  fixture = auditFixture();
  handlers = auditHandlers(fixture.log, fixture.dir, () => START + 30 * 24 * HOUR);
});
afterEach(() => fixture.close());

describe('audit.query', () => {
  beforeEach(() => record(DAY));

  it('pages newest first, with the hashes but not the signature', async () => {
    const page = await call('audit.query', { limit: 50 });
    expect(ids(page)).toEqual([10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
    expect(page.nextBefore).toBeNull();
    expect(page.entries[9]).toEqual({
      id: 1,
      at: START,
      actor: 'li.wei',
      action: 'session.signIn',
      scope: 'city',
      result: 'ok',
      reason: null,
      payloadHash: expect.stringMatching(/^[0-9a-f]{64}$/) as unknown,
      entryHash: expect.stringMatching(/^[0-9a-f]{64}$/) as unknown,
    });
    expect(page.entries[0]).not.toHaveProperty('signature');
    expect(page.entries[0]).not.toHaveProperty('prevHash');
  });

  it('filters by operator, action and result, together', async () => {
    expect(ids(await call('audit.query', { limit: 50, actor: 'li.wei' }))).toEqual([9, 6, 2, 1]);
    expect(ids(await call('audit.query', { limit: 50, action: 'session.signIn' }))).toEqual([10, 1]);
    expect(ids(await call('audit.query', { limit: 50, actor: 'li.wei', action: 'broadcast.send' }))).toEqual([9, 6, 2]);
    expect(ids(await call('audit.query', { limit: 50, result: 'refused' }))).toEqual([10, 4]);
    expect(ids(await call('audit.query', { limit: 50, actor: 'nobody' }))).toEqual([]);
  });

  it('finds a county’s own entries and its streets’ by the county code, never a code it merely begins', async () => {
    expect(ids(await call('audit.query', { limit: 50, area: '410102' }))).toEqual([9, 6, 3, 2]);
    // A street by its own code, whether it was written under its county or alone (a street officer's scope).
    expect(ids(await call('audit.query', { limit: 50, area: '410102001' }))).toEqual([5, 3]);
    expect(ids(await call('audit.query', { limit: 50, area: '410105' }))).toEqual([6, 4]);
    expect(ids(await call('audit.query', { limit: 50, area: '41010' }))).toEqual([7]);
    expect(ids(await call('audit.query', { limit: 50, area: '4101023' }))).toEqual([8]);
    expect(ids(await call('audit.query', { limit: 50, area: '410103' }))).toEqual([9]);
    expect(ids(await call('audit.query', { limit: 50, area: '4101' }))).toEqual([]);
    // `city` is the whole city only, not every entry.
    expect(ids(await call('audit.query', { limit: 50, area: 'city' }))).toEqual([1]);
    expect(ids(await call('audit.query', { limit: 50, area: '410102', actor: 'zhao.lei' }))).toEqual([3]);
  });

  it('refuses an area that is not a code: no patterns, no place kinds, no spaces', () => {
    const input = invokeContract['audit.query'].input;
    for (const area of ['%', '4101%', ' 410102', 'county:410102', '410102/l1', '', 'x'.repeat(65)]) {
      expect(input.safeParse({ limit: 10, area }).success, area).toBe(false);
    }
  });

  it('treats LIKE wildcards in a code as plain characters (`_` may be part of a code)', async () => {
    record([{ actor: 'a', action: 'b', scope: 'county:41_102', result: 'ok' }]);
    expect(ids(await call('audit.query', { limit: 50, area: '41_102' }))).toEqual([11]);
    expect(ids(await call('audit.query', { limit: 50, area: '410102' }))).toEqual([9, 6, 3, 2]);
  });

  it('filters by time: from inclusive, to exclusive', async () => {
    const page = await call('audit.query', { limit: 50, from: START + 2 * HOUR, to: START + 5 * HOUR });
    expect(ids(page)).toEqual([5, 4, 3]);
    expect(ids(await call('audit.query', { limit: 50, from: START + 9 * HOUR }))).toEqual([10]);
    expect(ids(await call('audit.query', { limit: 50, to: START + HOUR }))).toEqual([1]);
    expect(invokeContract['audit.query'].input.safeParse({ limit: 5, from: 2, to: 1 }).success).toBe(false);
  });

  it('pages through a long trail with `before`, each entry once, at most 200 a page', async () => {
    record(
      Array.from({ length: 440 }, (_, i) => ({ actor: `op-${i % 7}`, action: 'x.y', scope: 'city', result: 'ok' })),
    );
    const seen: number[] = [];
    let before: number | undefined;
    let pages = 0;
    do {
      const page = await call('audit.query', { limit: AUDIT_PAGE_MAX, ...(before ? { before } : {}) });
      expect(page.entries.length).toBeLessThanOrEqual(AUDIT_PAGE_MAX);
      seen.push(...ids(page));
      before = page.nextBefore ?? undefined;
      pages++;
    } while (before !== undefined);
    expect(pages).toBe(3);
    expect(seen).toEqual(Array.from({ length: 450 }, (_, i) => 450 - i));
    expect(invokeContract['audit.query'].input.safeParse({ limit: AUDIT_PAGE_MAX + 1 }).success).toBe(false);
    // Paging keeps the filter.
    const first = await call('audit.query', { limit: 3, area: '410102' });
    expect(ids(first)).toEqual([9, 6, 3]);
    expect(ids(await call('audit.query', { limit: 3, area: '410102', before: first.nextBefore! }))).toEqual([2]);
  });
});

describe('audit.facets', () => {
  it('lists the distinct operators and actions in order, and says when a list is cut short', async () => {
    expect(await call('audit.facets', {})).toEqual({ actors: [], actions: [], truncated: false });
    record(DAY);
    expect(await call('audit.facets', {})).toEqual({
      actors: ['=cmd|calc', 'chen.jing', 'li.wei', 'wang.fang', 'zhao.lei'],
      actions: ['broadcast.send', 'confirmations.request', 'session.signIn', 'workers.getPersonal'],
      truncated: false,
    });
    expect(fixture.log.facets(2)).toEqual({
      actors: ['=cmd|calc', 'chen.jing'],
      actions: ['broadcast.send', 'confirmations.request'],
      truncated: true,
    });
    expect(fixture.log.facets(4).truncated).toBe(true);
    expect(fixture.log.facets(5).truncated).toBe(false);
  });
});

describe('audit.export', () => {
  beforeEach(() => record(DAY));

  const exportsDir = (): string => join(fixture.dir, EXPORTS_DIR);
  const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

  it('writes the filtered entries, oldest first, as CSV under exports/, and reports name, size and hash', async () => {
    const result = await call('audit.export', { format: 'csv', filter: { area: '410102' } });
    expect(result.name).toMatch(AUDIT_EXPORT_NAME);
    expect(result.name).toMatch(/^audit-20260131-000000-[0-9a-f]{16}\.csv$/);
    expect(result.path).toBe(join(exportsDir(), result.name));
    expect(readdirSync(exportsDir())).toEqual([result.name]);
    const bytes = readFileSync(result.path);
    expect(result).toMatchObject({ format: 'csv', entries: 4, bytes: bytes.length, sha256: sha256(bytes) });
    const lines = bytes.toString('utf8').split('\r\n');
    expect(lines[0]).toMatch(/^\uFEFFid,at,time,actor,action,scope,result,reason,/);
    expect(lines.slice(1, -1).map((line) => Number(line.split(',')[0]))).toEqual([2, 3, 6, 9]);
    expect(lines.at(-1)).toBe('');
  });

  it('writes JSON Lines with the same entries the view shows, and guards formulas only in CSV', async () => {
    const filter = { actor: '=cmd|calc' };
    const json = await call('audit.export', { format: 'jsonl', filter });
    expect(json.name).toMatch(/\.jsonl$/);
    const objects = readFileSync(json.path, 'utf8')
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as { id: number; actor: string; entry_hash: string });
    const shown = await call('audit.query', { limit: 50, ...filter });
    expect(objects.map((object) => object.id)).toEqual(ids(shown).reverse());
    expect(objects[0]).toMatchObject({ actor: '=cmd|calc', entry_hash: shown.entries[0]!.entryHash });
    const csv = await call('audit.export', { format: 'csv', filter });
    expect(readFileSync(csv.path, 'utf8')).toContain(",'=cmd|calc,");
    expect(readdirSync(exportsDir()).sort()).toEqual([csv.name, json.name].sort());
  });

  it('exports everything without a filter, and an empty extract for a filter that matches nothing', async () => {
    expect((await call('audit.export', { format: 'jsonl' })).entries).toBe(10);
    const none = await call('audit.export', { format: 'csv', filter: { actor: 'nobody' } });
    expect(none.entries).toBe(0);
    expect(readFileSync(none.path, 'utf8').split('\r\n')).toHaveLength(2);
  });

  it('takes no path from the caller', () => {
    const input = invokeContract['audit.export'].input;
    expect(input.safeParse({ format: 'csv', path: '/tmp/x.csv' }).success).toBe(false);
    expect(input.safeParse({ format: 'csv', name: '../x.csv' }).success).toBe(false);
    expect(input.safeParse({ format: 'json' }).success).toBe(false);
  });

  it('leaves no file and no folder behind when the export fails', async () => {
    const failing = {
      export: (_filter: unknown, _format: unknown, out: NodeJS.WritableStream) => {
        out.write('id,at\r\n1,2\r\n');
        return Promise.reject(new AuditError('the store went away'));
      },
    } as unknown as AuditLog;
    const broken = auditHandlers(failing, fixture.dir);
    const attempt = broken['audit.export']({ format: 'csv' }, context);
    await expect(attempt).rejects.toBeInstanceOf(ContractError);
    await expect(attempt).rejects.toMatchObject({ code: 'refused', message: 'the store went away' });
    expect(existsSync(exportsDir())).toBe(false);

    // With the folder there already (an earlier export), only the failed file goes.
    const kept = await call('audit.export', { format: 'csv' });
    await expect(broken['audit.export']({ format: 'jsonl' }, context)).rejects.toBeInstanceOf(ContractError);
    expect(readdirSync(exportsDir())).toEqual([kept.name]);
    expect(statSync(kept.path).size).toBe(kept.bytes);
  });

  it('names files only the way the web host serves them', () => {
    const name = exportFileName(Date.UTC(2026, 4, 7, 9, 8, 7, 654), 'jsonl', '0123456789abcdef');
    expect(name).toBe('audit-20260507-090807-0123456789abcdef.jsonl');
    expect(exportFile('/data/exports', name)).toBe(join('/data/exports', name));
    for (const bad of [
      '../gridline.sqlite',
      `../${name}`,
      `${name}/`,
      `x/${name}`,
      name.replace('.jsonl', '.sqlite'),
      name.replace('0123456789abcdef', '0123456789abcde'),
      name.toUpperCase(),
      '',
    ]) {
      expect(exportFile('/data/exports', bad), bad).toBeNull();
    }
  });
});

describe('audit.verify', () => {
  it('says the chain is whole, and names the first entry that was edited', async () => {
    record(DAY);
    await expect(call('audit.verify', {})).resolves.toMatchObject({
      entries: 10,
      ok: true,
      firstBad: null,
      reason: null,
      head: { lastId: 10 },
    });
    tamper(fixture, (db) => db.prepare(`UPDATE audit_log SET actor = 'someone.else' WHERE id = 4`).run());
    const checked = await call('audit.verify', {});
    expect(checked).toMatchObject({ entries: 10, ok: false, firstBad: 4 });
    expect(checked.reason).toEqual(expect.any(String));
  });

  it('answers a trail it cannot check (its key is gone) with a refusal that says why', async () => {
    record(DAY.slice(0, 2));
    rmSync(fixture.log.keyDir, { recursive: true, force: true });
    await expect(call('audit.verify', {})).rejects.toMatchObject({ code: 'refused' });
  });
});
