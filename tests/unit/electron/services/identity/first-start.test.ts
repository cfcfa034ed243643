import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN_ENV, provisionFirstAdministratorFromEnv } from '../../../../../electron/services/identity';
import { GOOD_PASSWORD, OTHER_PASSWORD, identityHarness, type IdentityHarness } from './identity-fixtures';

let harness: IdentityHarness;
afterEach(() => harness.close());

describe('first start', () => {
  it('needs setup until an administrator exists, and sets up exactly once', async () => {
    harness = identityHarness();
    const { identity } = harness;
    expect(identity.needsSetup()).toBe(true);
    // A commander does not count: somebody must be able to manage users.
    await identity.addOperator({
      username: 'wang.fang',
      displayName: '王芳',
      role: 'city_commander',
      password: GOOD_PASSWORD,
    });
    expect(identity.needsSetup()).toBe(true);

    const admin = await identity.setupFirstAdministrator({
      username: 'Chen.Li',
      displayName: '陈丽',
      password: GOOD_PASSWORD,
    });
    expect(admin).toMatchObject({
      username: 'chen.li',
      role: 'administrator',
      scope: { kind: 'city' },
      disabled: false,
    });
    expect(identity.needsSetup()).toBe(false);
    await expect(
      identity.setupFirstAdministrator({ username: 'intruder', displayName: 'X', password: OTHER_PASSWORD }),
    ).rejects.toMatchObject({ code: 'setup-done' });
    harness.restart();
    expect(harness.identity.needsSetup()).toBe(false);
  });

  it('lets only one of two setups racing each other through', async () => {
    harness = identityHarness();
    const results = await Promise.allSettled([
      harness.identity.setupFirstAdministrator({ username: 'first', displayName: 'A', password: GOOD_PASSWORD }),
      harness.identity.setupFirstAdministrator({ username: 'second', displayName: 'B', password: OTHER_PASSWORD }),
    ]);
    expect(results.map((result) => result.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(harness.identity.listOperators()).toHaveLength(1);
  });

  it('refuses a weak first password: there is no default and no shortcut', async () => {
    harness = identityHarness();
    await expect(
      harness.identity.setupFirstAdministrator({ username: 'admin', displayName: 'Admin', password: 'admin' }),
    ).rejects.toMatchObject({ code: 'weak-password' });
    expect(harness.identity.needsSetup()).toBe(true);
  });
});

describe('the first administrator from environment variables', () => {
  it('creates the administrator once, then ignores the variables and never touches the password', async () => {
    harness = identityHarness();
    const env: NodeJS.ProcessEnv = {
      [ADMIN_ENV.username]: 'ops.admin',
      [ADMIN_ENV.password]: GOOD_PASSWORD,
      PATH: '/bin',
    };
    const created = await provisionFirstAdministratorFromEnv(harness.identity, env);
    expect(created).toMatchObject({
      outcome: 'created',
      operator: { username: 'ops.admin', displayName: 'ops.admin' },
    });
    // Read once and removed, so the processes the console starts do not inherit the password.
    expect(env).toEqual({ PATH: '/bin' });

    const again = await provisionFirstAdministratorFromEnv(harness.identity, {
      [ADMIN_ENV.username]: 'ops.admin',
      [ADMIN_ENV.password]: OTHER_PASSWORD,
    });
    expect(again).toEqual({ outcome: 'already-set-up', ignored: [ADMIN_ENV.username, ADMIN_ENV.password] });
    await expect(
      harness.identity.signIn({ kind: 'password', username: 'ops.admin', password: GOOD_PASSWORD }),
    ).resolves.toBeDefined();
  });

  it('reads the password from a file (first line) for container secrets', async () => {
    harness = identityHarness();
    const file = join(harness.dir, 'admin-password');
    writeFileSync(file, `${GOOD_PASSWORD}\n`);
    const outcome = await provisionFirstAdministratorFromEnv(harness.identity, {
      [ADMIN_ENV.username]: 'ops.admin',
      [ADMIN_ENV.passwordFile]: file,
      [ADMIN_ENV.displayName]: '运维管理员',
    });
    expect(outcome).toMatchObject({ outcome: 'created', operator: { displayName: '运维管理员' } });
    await expect(
      harness.identity.signIn({ kind: 'password', username: 'ops.admin', password: GOOD_PASSWORD }),
    ).resolves.toBeDefined();
  });

  it.each([
    [{ [ADMIN_ENV.password]: GOOD_PASSWORD }, /GRIDLINE_ADMIN_USERNAME is required/],
    [{ [ADMIN_ENV.username]: 'ops.admin' }, /needs GRIDLINE_ADMIN_PASSWORD or GRIDLINE_ADMIN_PASSWORD_FILE/],
    [{ [ADMIN_ENV.username]: 'ops.admin', [ADMIN_ENV.password]: 'short' }, /at least 12 characters/],
  ])('refuses an incomplete or weak request clearly (%#)', async (env, message) => {
    harness = identityHarness();
    await expect(provisionFirstAdministratorFromEnv(harness.identity, env)).rejects.toThrow(message);
    expect(harness.identity.needsSetup()).toBe(true);
  });

  it('does nothing when no variable is set', async () => {
    harness = identityHarness();
    expect(await provisionFirstAdministratorFromEnv(harness.identity, {})).toEqual({ outcome: 'not-requested' });
  });
});
