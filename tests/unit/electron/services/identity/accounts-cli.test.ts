/**
 * `npm run accounts` as a real child process on a real data directory: what a deployment script does. Passwords go in
 * on standard input or in GRIDLINE_ACCOUNT_PASSWORD, never on the command line.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IdentityService } from '../../../../../electron/services/identity';
import { openStore } from '../../../../../electron/services/store/store';
import { GOOD_PASSWORD, OTHER_PASSWORD, seedCity, tempDataDir } from './identity-fixtures';

const ROOT = fileURLToPath(new URL('../../../../../', import.meta.url));
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

const data = tempDataDir();

function accounts(args: string[], options: { stdin?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env, ...options.env };
  delete env.GRIDLINE_DATA_DIR;
  if (!options.env?.GRIDLINE_ACCOUNT_PASSWORD) delete env.GRIDLINE_ACCOUNT_PASSWORD;
  const child = spawn(
    process.execPath,
    ['--import', TSX, 'electron/cli/accounts.ts', ...args, '--data-dir', data.dir],
    { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.end(options.stdin ?? '');
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const lastJson = (run: Run): unknown => JSON.parse(run.stdout.trim().split('\n').at(-1)!);

/** Signs in as the console would, in this process, on the same data directory. */
async function signIn(username: string, password: string): Promise<string> {
  const store = openStore(data.dir);
  try {
    const result = await new IdentityService(store).signIn({ kind: 'password', username, password });
    return result.operator.username;
  } catch (error) {
    return (error as { code: string }).code;
  } finally {
    store.close();
  }
}

beforeAll(() => {
  const store = openStore(data.dir);
  seedCity(store);
  store.close();
});
afterAll(() => data.remove());

describe('npm run accounts', { timeout: 60_000 }, () => {
  it('adds operators with the password on stdin or in the environment, and lists them', async () => {
    const admin = await accounts(['add', 'chen.li', '--role', 'administrator', '--name', '陈丽'], {
      stdin: `${GOOD_PASSWORD}\n`,
    });
    expect(admin.stderr).toBe('');
    expect(admin.code).toBe(0);
    expect(lastJson(admin)).toMatchObject({ username: 'chen.li', displayName: '陈丽', role: 'administrator' });

    const commander = await accounts(['add', 'Zhao.Qiang', '--role', 'district_commander', '--scope', '410102'], {
      env: { GRIDLINE_ACCOUNT_PASSWORD: GOOD_PASSWORD },
    });
    expect(commander.code).toBe(0);
    expect(lastJson(commander)).toMatchObject({ username: 'zhao.qiang', scope: { kind: 'county', code: '410102' } });

    const listed = await accounts(['list', '--json']);
    expect(listed.code).toBe(0);
    expect(listed.stdout).not.toMatch(/scrypt|password/i);
    expect(lastJson(listed)).toEqual([
      expect.objectContaining({ username: 'chen.li', scopeName: null, lockedUntil: null, disabled: false }),
      expect.objectContaining({ username: 'zhao.qiang', scopeName: '中原区', lockedUntil: null }),
    ]);
    const table = await accounts(['list']);
    expect(table.stdout).toMatch(/zhao\.qiang\s+district_commander\s+county 410102 中原区\s+enabled, 0 sessions/);

    expect(await signIn('zhao.qiang', GOOD_PASSWORD)).toBe('zhao.qiang');
  });

  it('disables, resets a password from stdin and enables again', async () => {
    const disabled = await accounts(['disable', 'zhao.qiang']);
    expect(disabled.code).toBe(0);
    expect(lastJson(disabled)).toMatchObject({ username: 'zhao.qiang', disabled: true });
    expect(await signIn('zhao.qiang', GOOD_PASSWORD)).toBe('disabled');

    const reset = await accounts(['reset-password', 'zhao.qiang'], { stdin: `${OTHER_PASSWORD}\n` });
    expect(reset.code).toBe(0);
    expect(await accounts(['enable', 'zhao.qiang'])).toMatchObject({ code: 0 });
    expect(await signIn('zhao.qiang', GOOD_PASSWORD)).toBe('invalid-credentials');
    expect(await signIn('zhao.qiang', OTHER_PASSWORD)).toBe('zhao.qiang');
  });

  it('unlocks a locked operator', async () => {
    for (let i = 0; i < 5; i++) await signIn('chen.li', `wrong-guess-number-${i}`);
    expect(await signIn('chen.li', GOOD_PASSWORD)).toBe('locked');
    const listed = lastJson(await accounts(['list', '--json'])) as { username: string; lockedUntil: string | null }[];
    expect(listed.find((operator) => operator.username === 'chen.li')!.lockedUntil).toMatch(/^\d{4}-\d\d-\d\dT/);
    const unlocked = await accounts(['unlock', 'chen.li']);
    expect(lastJson(unlocked)).toEqual({ username: 'chen.li', unlocked: true });
    expect(await signIn('chen.li', GOOD_PASSWORD)).toBe('chen.li');
  });

  it('never takes a password as a flag', async () => {
    const run = await accounts(['add', 'li.na', '--role', 'viewer', `--password=${GOOD_PASSWORD}`]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/never taken as flags \(they would show in ps\)/);
  });

  it.each([
    ['a weak password', ['add', 'li.na', '--role', 'viewer'], 'password\n', 1, /not accepted: it must be at least 12/],
    ['no password at all', ['add', 'li.na', '--role', 'viewer'], '', 2, /no password: pipe it on standard input/],
    ['an unknown operator', ['disable', 'nobody'], '', 1, /No operator is named "nobody"/],
    [
      'a scope for the wrong role',
      ['add', 'li.na', '--role', 'street_duty_officer', '--scope', '410102'],
      '',
      1,
      /No grid has code "410102"/,
    ],
    ['an unknown role', ['add', 'li.na', '--role', 'mayor'], '', 2, /--role must be one of/],
    ['an unknown command', ['delete', 'li.na'], '', 2, /unknown command: delete/],
    ['the last administrator disabled', ['disable', 'chen.li'], '', 1, /last enabled administrator/],
  ])('refuses %s with a clear message', async (_title, args, stdin, code, message) => {
    const run = await accounts(args, { stdin });
    expect(run.code).toBe(code);
    expect(run.stderr).toMatch(message);
  });
});
