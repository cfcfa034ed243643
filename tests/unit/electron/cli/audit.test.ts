import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditFixture, fill, tamper, type AuditFixture } from '../services/audit/audit-fixtures';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
// The CLI falls back to GRIDLINE_DATA_DIR: the tests name the directory themselves.
const { GRIDLINE_DATA_DIR: _unused, ...ENV } = process.env;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** The real CLI in a child process, as `npm run audit` runs it (tsx), or through npm itself. */
function run(args: string[], viaNpm = false): Promise<Run> {
  const [command, argv] = viaNpm
    ? ['npm', ['run', '--silent', 'audit', '--', ...args]]
    : [process.execPath, ['--import', TSX, 'electron/cli/audit.ts', ...args]];
  return new Promise((resolve) => {
    execFile(
      command,
      argv,
      { cwd: ROOT, env: ENV, shell: viaNpm && process.platform === 'win32' },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const lastJson = (stdout: string): unknown => JSON.parse(stdout.trim().split('\n').at(-1)!);

describe('npm run audit -- verify', () => {
  let fixture: AuditFixture;
  beforeEach(() => {
    fixture = auditFixture();
    fill(fixture, 200);
  });
  afterEach(() => fixture.close());

  it('prints {"entries","ok","firstBad"} last and exits 0 for an untouched log', async () => {
    const result = await run(['verify', '--data-dir', fixture.dir], true);
    expect(result.code).toBe(0);
    expect(lastJson(result.stdout)).toEqual({ entries: 200, ok: true, firstBad: null });
    expect(result.stderr).toMatch(/verifying 200 \/ 200 entries/);
    expect(result.stderr).toMatch(/audit log verified: 200 entries/);
  }, 30_000);

  it('checks the log against an anchor: the head it printed passes, another hash at that id fails', async () => {
    const first = await run(['verify', '--data-dir', fixture.dir]);
    const anchor = /head \(for --anchor\) (\d+:[0-9a-f]{64})/.exec(first.stderr)?.[1];
    expect(anchor).toMatch(/^200:/);
    const again = await run(['verify', '--data-dir', fixture.dir, '--anchor', anchor!]);
    expect(again.code).toBe(0);
    expect(lastJson(again.stdout)).toEqual({ entries: 200, ok: true, firstBad: null });
    const other = await run(['verify', '--data-dir', fixture.dir, '--anchor', `100:${'ab'.repeat(32)}`]);
    expect(other.code).toBe(1);
    expect(lastJson(other.stdout)).toEqual({ entries: 200, ok: false, firstBad: 100 });
    expect(other.stderr).toMatch(/not the entry noted in the anchor/);
  }, 30_000);

  it('exits 1 and names the first bad entry of a tampered log', async () => {
    tamper(fixture, (db) => {
      db.prepare(`UPDATE audit_log SET scope = 'county:410105' WHERE id = 150`).run();
      db.prepare('DELETE FROM audit_log WHERE id = 90').run();
    });
    const result = await run(['verify', '--data-dir', fixture.dir]);
    expect(result.code).toBe(1);
    expect(lastJson(result.stdout)).toEqual({ entries: 199, ok: false, firstBad: 90 });
    expect(result.stderr).toMatch(/BROKEN at entry 90: entry 90 is missing/);
  }, 30_000);

  it('exits 1 for a log cut short at the end', async () => {
    tamper(fixture, (db) => db.prepare('DELETE FROM audit_log WHERE id > 197').run());
    const result = await run(['verify', '--data-dir', fixture.dir, '--workers', '1']);
    expect(result.code).toBe(1);
    expect(lastJson(result.stdout)).toEqual({ entries: 197, ok: false, firstBad: 198 });
  }, 30_000);
});

describe('npm run audit: what it cannot verify', () => {
  const empty = mkdtempSync(join(tmpdir(), 'gridline-audit-empty-'));
  afterEach(() => rmSync(empty, { recursive: true, force: true }));

  it('exits 2 with a clear message when the data directory has no store, and creates none', async () => {
    const result = await run(['verify', '--data-dir', empty]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`no Gridline store in ${empty}`);
    expect(existsSync(join(empty, 'gridline.sqlite'))).toBe(false);
  }, 30_000);

  it('reports an install that has audited nothing as an empty, intact log', async () => {
    const fixture = auditFixture();
    try {
      const result = await run(['verify', '--data-dir', fixture.dir]);
      expect(result.code).toBe(0);
      expect(lastJson(result.stdout)).toEqual({ entries: 0, ok: true, firstBad: null });
    } finally {
      fixture.close();
    }
  }, 30_000);

  it.each([
    { args: [], message: /no command given/ },
    { args: ['check'], message: /unknown command: check/ },
    { args: ['verify', '--workers', 'many'], message: /--workers must be an integer/ },
    { args: ['verify', '--data'], message: /Unknown option/ },
    { args: ['verify', '--anchor', '12:abc'], message: /--anchor must be ID:HASH/ },
  ])(
    'exits 2 with the usage for $args',
    async ({ args, message }) => {
      const result = await run(args);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).toMatch(/usage: npm run audit -- verify/);
    },
    30_000,
  );
});
